package org.lrid.identify;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lrid.LridException;
import org.lrid.store.LongFormat;

/**
 * Trajectories from outside lrid in the long format ({@link LongFormat}), read into rows of a
 * model's {@link FeatureLayout}: one row per (network, layer), untransformed. Refuses, each in one
 * line, missing columns, checkpoints outside the layout, non-finite or missing values, two values
 * for one (network, layer, checkpoint, observable), two positions or rules for one layer, and
 * observables the layout needs but the file lacks.
 *
 * @param keys "network#layer" of each row, in file order
 * @param meta per key: network, layer, layer position, rule (null without a rule column)
 * @param x rows in the layout (raw values, position one-hot)
 * @param hasRule whether the file has a rule column
 */
public record OutsideTable(
        List<String> keys, Map<String, String[]> meta, double[][] x, boolean hasRule) {

    /**
     * @param classes the rules a model knows
     * @param refuseUnknownRules refuse a rule outside {@code classes} (predict); else keep it
     */
    public static OutsideTable read(
            Path file, FeatureLayout layout, List<String> classes, boolean refuseUnknownRules) {
        String source = LongFormat.source(file);
        Map<String, double[]> rows = new LinkedHashMap<>();
        Map<String, String[]> meta = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        boolean hasRule;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
                while (r.next()) {
                    columns.add(r.getString(1));
                }
            }
            List<String> missing =
                    LongFormat.REQUIRED.stream().filter(col -> !columns.contains(col)).toList();
            if (!missing.isEmpty()) {
                throw new LridException(
                        file
                                + " lacks the columns "
                                + missing
                                + "; the long format has "
                                + String.join(", ", LongFormat.REQUIRED)
                                + " and optionally rule");
            }
            hasRule = columns.contains("rule");
            int cps = layout.checkpoints();
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT CAST(network AS VARCHAR), CAST(layer AS INTEGER), layer_position,"
                                    + " CAST(checkpoint AS INTEGER), observable, CAST(value AS DOUBLE), "
                                    + (hasRule ? "CAST(rule AS VARCHAR)" : "NULL")
                                    + " FROM "
                                    + source)) {
                while (r.next()) {
                    String observable = r.getString(5);
                    present.add(observable);
                    int o = layout.observables().indexOf(observable);
                    if (o < 0) {
                        continue;
                    }
                    int cp = r.getInt(4);
                    if (cp < 0 || cp >= cps) {
                        throw new LridException(
                                file
                                        + " has checkpoint "
                                        + cp
                                        + " but the model was trained on "
                                        + cps
                                        + " checkpoints (0 to "
                                        + (cps - 1)
                                        + "); give trajectories at the same "
                                        + cps
                                        + " time points");
                    }
                    String network = r.getString(1);
                    int layer = r.getInt(2);
                    String key = network + "#" + layer;
                    double value = r.getDouble(6);
                    if (r.wasNull() || !Double.isFinite(value)) {
                        throw new LridException(
                                file
                                        + ": network "
                                        + network
                                        + " layer "
                                        + layer
                                        + " has "
                                        + (r.wasNull() ? "no value" : "the value " + value)
                                        + " for "
                                        + observable
                                        + " at checkpoint "
                                        + cp
                                        + "; every value must be a finite number");
                    }
                    String rule = r.getString(7);
                    if (refuseUnknownRules && rule != null && !classes.contains(rule)) {
                        throw new LridException(
                                file
                                        + ": network "
                                        + network
                                        + " has rule '"
                                        + rule
                                        + "', which the "
                                        + "model does not know; its rules are "
                                        + String.join(", ", classes)
                                        + " (leave the rule column out to predict without scoring)");
                    }
                    String position = r.getString(3);
                    String[] m =
                            meta.computeIfAbsent(
                                    key,
                                    k ->
                                            new String[] {
                                                network, Integer.toString(layer), position, rule
                                            });
                    if (!java.util.Objects.equals(m[2], position)
                            || !java.util.Objects.equals(m[3], rule)) {
                        throw new LridException(
                                file
                                        + ": network "
                                        + network
                                        + " layer "
                                        + layer
                                        + " has two "
                                        + (java.util.Objects.equals(m[3], rule)
                                                ? "layer positions"
                                                : "rules")
                                        + "; give one per layer");
                    }
                    double[] row =
                            rows.computeIfAbsent(
                                    key,
                                    k -> {
                                        double[] v = new double[layout.width()];
                                        java.util.Arrays.fill(
                                                v, 0, layout.trajectoryWidth(), Double.NaN);
                                        layout.setPosition(v, position);
                                        return v;
                                    });
                    int col = layout.column(o, cp);
                    if (!Double.isNaN(row[col]) && row[col] != value) {
                        throw new LridException(
                                file
                                        + ": network "
                                        + network
                                        + " layer "
                                        + layer
                                        + " has two values"
                                        + " of "
                                        + observable
                                        + " at checkpoint "
                                        + cp
                                        + " ("
                                        + row[col]
                                        + " and "
                                        + value
                                        + "); give one");
                    }
                    row[col] = value;
                }
            }
        } catch (SQLException e) {
            throw new LridException(
                    "cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        List<String> missingObs =
                layout.observables().stream().filter(o -> !present.contains(o)).toList();
        if (!missingObs.isEmpty()) {
            throw new LridException(file + " lacks observables the model needs: " + missingObs);
        }
        if (rows.isEmpty()) {
            throw new LridException(file + " holds no trajectories");
        }
        List<String> keys = new ArrayList<>(rows.keySet());
        double[][] x = new double[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
            double[] row = rows.get(keys.get(i));
            for (double v : row) {
                if (Double.isNaN(v)) {
                    String[] m = meta.get(keys.get(i));
                    throw new LridException(
                            "network "
                                    + m[0]
                                    + " layer "
                                    + m[1]
                                    + " lacks some checkpoints of some"
                                    + " observables; the model needs all "
                                    + layout.checkpoints()
                                    + " of "
                                    + layout.observables());
                }
            }
            x[i] = row;
        }
        return new OutsideTable(keys, meta, x, hasRule);
    }
}
