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
 * Applies a saved model to trajectories in the long format: the model's transform and z-scoring,
 * then calibrated rule probabilities per layer ({@link Calibration}), and per network the layers'
 * calibrated log-probabilities summed (the layers as independent witnesses). A layer outside the
 * training data (its novelty distance above the model's threshold) has the verdict {@value
 * #UNKNOWN}, and so has a network when at least half of its layers are; an unknown counts as wrong
 * in the accuracies.
 */
public final class Predictor {

    /** One layer's or network's verdict; {@code rule} is the true rule when the file gives it. */
    public record Verdict(
            String network,
            int layer,
            String predicted,
            Map<String, Double> probabilities,
            String rule) {}

    public record Prediction(
            List<Verdict> layers,
            List<Verdict> networks,
            Double layerAccuracy,
            Double networkAccuracy,
            double unknownFraction,
            double layerUnknownFraction) {}

    /** The verdict for a layer or network outside the training data. */
    public static final String UNKNOWN = "unknown";

    private Predictor() {}

    public static Prediction predict(SavedModel model, Path file) {
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
            FeatureLayout layout = model.layout();
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
                    if (rule != null && !model.classes().contains(rule)) {
                        throw new LridException(
                                file
                                        + ": network "
                                        + network
                                        + " has rule '"
                                        + rule
                                        + "', which the "
                                        + "model does not know; its rules are "
                                        + String.join(", ", model.classes())
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
                model.observables().stream().filter(o -> !present.contains(o)).toList();
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
                                    + model.checkpoints()
                                    + " of "
                                    + model.observables());
                }
            }
            x[i] = row;
        }
        int[] all = java.util.stream.IntStream.range(0, x.length).toArray();
        double[][] xz = model.standardizer().apply(model.transform().apply(x, model.layout()), all);
        double[][] proba = model.calibration().apply(model.classifier().predictProba(xz));
        boolean[] unknown = model.calibration().unknown(xz);
        Map<String, int[]> unknownLayers = new LinkedHashMap<>();
        int layerUnknown = 0;
        List<Verdict> layers = new ArrayList<>();
        Map<String, double[]> logSum = new LinkedHashMap<>();
        Map<String, String> networkRule = new LinkedHashMap<>();
        int layerCorrect = 0;
        for (int i = 0; i < keys.size(); i++) {
            String[] m = meta.get(keys.get(i));
            layers.add(
                    verdict(
                            m[0],
                            Integer.parseInt(m[1]),
                            proba[i],
                            model.classes(),
                            m[3],
                            unknown[i]));
            int[] u = unknownLayers.computeIfAbsent(m[0], k -> new int[2]);
            u[0] += unknown[i] ? 1 : 0;
            u[1]++;
            layerUnknown += unknown[i] ? 1 : 0;
            if (m[3] != null && layers.get(i).predicted().equals(m[3])) {
                layerCorrect++;
            }
            double[] sum = logSum.computeIfAbsent(m[0], k -> new double[model.classes().size()]);
            for (int c = 0; c < sum.length; c++) {
                sum[c] += Math.log(Math.max(proba[i][c], 1e-6));
            }
            networkRule.put(m[0], m[3]);
        }
        List<Verdict> networks = new ArrayList<>();
        int networkCorrect = 0;
        int networkUnknown = 0;
        for (Map.Entry<String, double[]> e : logSum.entrySet()) {
            double[] l = e.getValue();
            double max = java.util.Arrays.stream(l).max().orElse(0);
            double total = 0;
            double[] p = new double[l.length];
            for (int c = 0; c < l.length; c++) {
                p[c] = Math.exp(l[c] - max);
                total += p[c];
            }
            for (int c = 0; c < l.length; c++) {
                p[c] /= total;
            }
            int[] u = unknownLayers.get(e.getKey());
            Verdict v =
                    verdict(
                            e.getKey(),
                            -1,
                            p,
                            model.classes(),
                            networkRule.get(e.getKey()),
                            2 * u[0] >= u[1]);
            networks.add(v);
            networkUnknown += 2 * u[0] >= u[1] ? 1 : 0;
            if (v.rule() != null && v.predicted().equals(v.rule())) {
                networkCorrect++;
            }
        }
        return new Prediction(
                layers,
                networks,
                hasRule ? (double) layerCorrect / layers.size() : null,
                hasRule ? (double) networkCorrect / networks.size() : null,
                (double) networkUnknown / networks.size(),
                (double) layerUnknown / layers.size());
    }

    private static Verdict verdict(
            String network,
            int layer,
            double[] p,
            List<String> classes,
            String rule,
            boolean unknown) {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < p.length; c++) {
            probabilities.put(classes.get(c), p[c]);
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new Verdict(
                network, layer, unknown ? UNKNOWN : classes.get(best), probabilities, rule);
    }
}
