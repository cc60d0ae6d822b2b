package org.lrid.identify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lrid.LridException;

/**
 * One example per (run, layer): the trajectories of the chosen observables over the checkpoints,
 * concatenated observable by observable, then the one-hot layer position (science.md section 5).
 *
 * @param x features, one row per example
 * @param y class (index into {@code classes}) of each example
 * @param groups run id of each example, for grouped splits
 * @param arch architecture of each example; {@code task} likewise
 */
public record FeatureTable(double[][] x, int[] y, String[] groups, String[] arch, String[] task, List<String> classes,
        List<String> observables, int checkpoints) {

    public static final List<String> POSITIONS = List.of("early", "middle", "deep");

    /** Columns a selection may filter on. */
    public static final Set<String> FILTERABLE = Set.of("rule", "arch", "arch_family", "task", "optimizer",
            "credit_assignment", "batch_size", "seed", "width", "depth", "layer_position");

    /**
     * @param filters column = value conditions on the metadata (values compared as text)
     * @param includeDiverged also use runs that diverged (off by default)
     * @param unitFraction, noiseSigma the recording condition (1, 0 is the full recording)
     */
    public static FeatureTable load(Path dir, List<String> observables, Map<String, String> filters,
            boolean includeDiverged, double unitFraction, double noiseSigma) {
        Path traj = dir.resolve("trajectories");
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(traj) || !Files.isDirectory(runs)) {
            throw new LridException("no lrid dataset in " + dir + "; create one with 'lrid simulate SPEC --out " + dir + "'");
        }
        StringBuilder sql = new StringBuilder("SELECT t.run_id, t.rule, t.arch, t.task, t.layer, t.layer_position,"
                + " t.checkpoint");
        for (String o : observables) {
            sql.append(", t.\"").append(o).append('"');
        }
        sql.append(" FROM read_parquet('").append(glob(traj)).append("') t JOIN read_parquet('").append(glob(runs))
                .append("') r USING (run_id) WHERE t.unit_fraction = ? AND t.noise_sigma = ?");
        if (!includeDiverged) {
            sql.append(" AND NOT r.diverged");
        }
        for (String column : filters.keySet()) {
            if (!FILTERABLE.contains(column)) {
                throw new LridException("cannot filter on '" + column + "'; filterable columns: "
                        + String.join(", ", new TreeSet<>(FILTERABLE)));
            }
            sql.append(" AND CAST(t.\"").append(column).append("\" AS VARCHAR) = ?");
        }
        sql.append(" ORDER BY t.run_id, t.layer, t.checkpoint");

        Map<String, List<double[]>> trajectories = new LinkedHashMap<>();
        Map<String, String[]> meta = new LinkedHashMap<>();
        Map<String, Integer> nonFinite = new LinkedHashMap<>();
        int maxCheckpoint = -1;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement p = c.prepareStatement(sql.toString())) {
            p.setDouble(1, unitFraction);
            p.setDouble(2, noiseSigma);
            int k = 3;
            for (String v : filters.values()) {
                p.setString(k++, v);
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String key = r.getString(1) + "#" + r.getInt(5);
                    meta.computeIfAbsent(key, x -> {
                        try {
                            return new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(6)};
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    int checkpoint = r.getInt(7);
                    maxCheckpoint = Math.max(maxCheckpoint, checkpoint);
                    double[] values = new double[observables.size() + 1];
                    values[0] = checkpoint;
                    for (int o = 0; o < observables.size(); o++) {
                        double v = r.getDouble(8 + o);
                        if (r.wasNull() || !Double.isFinite(v)) {
                            nonFinite.merge(observables.get(o), 1, Integer::sum);
                        }
                        values[o + 1] = v;
                    }
                    trajectories.computeIfAbsent(key, x -> new ArrayList<>()).add(values);
                }
            }
        } catch (SQLException e) {
            String msg = e.getMessage().lines().findFirst().orElse("");
            throw new LridException("cannot read the dataset in " + dir + ": " + msg, e);
        }
        if (meta.isEmpty()) {
            throw new LridException("the selection is empty: no " + (includeDiverged ? "" : "non-diverged ")
                    + "run in " + dir + " matches the filters " + filters + " with recording condition (fraction "
                    + unitFraction + ", sigma " + noiseSigma + ")");
        }
        if (!nonFinite.isEmpty()) {
            throw new LridException("observables with non-finite values in the selection: " + nonFinite.keySet()
                    + "; leave them out with --observables (the 24 admissible ones are finite by design)");
        }
        int checkpoints = maxCheckpoint + 1;
        List<String> classes = meta.values().stream().map(m -> m[1]).distinct().sorted().toList();
        int n = meta.size();
        double[][] x = new double[n][observables.size() * checkpoints + POSITIONS.size()];
        int[] y = new int[n];
        String[] groups = new String[n];
        String[] arch = new String[n];
        String[] task = new String[n];
        int i = 0;
        for (Map.Entry<String, String[]> e : meta.entrySet()) {
            String[] m = e.getValue();
            List<double[]> rows = trajectories.get(e.getKey());
            if (rows.size() != checkpoints) {
                throw new LridException("run " + m[0] + " has " + rows.size() + " checkpoints where others have "
                        + checkpoints + "; select runs with one schedule (e.g. --filter task=...)");
            }
            for (double[] row : rows) {
                int cp = (int) row[0];
                for (int o = 0; o < observables.size(); o++) {
                    x[i][o * checkpoints + cp] = row[o + 1];
                }
            }
            x[i][observables.size() * checkpoints + POSITIONS.indexOf(m[4])] = 1;
            y[i] = classes.indexOf(m[1]);
            groups[i] = m[0];
            arch[i] = m[2];
            task[i] = m[3];
            i++;
        }
        return new FeatureTable(x, y, groups, arch, task, classes, List.copyOf(observables), checkpoints);
    }

    private static String glob(Path d) {
        return d.toAbsolutePath().resolve("*.parquet").toString().replace("'", "''");
    }

    public int[] labelsOf(int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = y[rows[i]];
        }
        return out;
    }
}
