package org.lrid.identify;

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
import org.lrid.store.Condition;
import org.lrid.store.DatasetSchema;

/**
 * One example per (run, layer): the trajectories of the chosen observables over the checkpoints,
 * concatenated observable by observable, then the one-hot layer position (science.md section 5).
 *
 * @param x features, one row per example
 * @param y class (index into {@code classes}) of each example
 * @param groups run id of each example, for grouped splits
 * @param twins what networks sharing an initialisation have in common (arch, task, batch size,
 *     seed): networks of different rules with one twin key start from the same weights
 * @param arch architecture of each example; {@code task} likewise
 */
public record FeatureTable(
        double[][] x,
        int[] y,
        String[] groups,
        String[] twins,
        String[] arch,
        String[] task,
        List<String> classes,
        List<String> observables,
        int checkpoints) {

    public static final List<String> POSITIONS = FeatureLayout.POSITIONS;

    /** Columns a selection may filter on. */
    public static final Set<String> FILTERABLE =
            Set.of(
                    "rule",
                    "arch",
                    "arch_family",
                    "task",
                    "optimizer",
                    "credit_assignment",
                    "batch_size",
                    "seed",
                    "width",
                    "depth",
                    "layer_position");

    /**
     * @param filters column = value conditions on the metadata (values compared as text; a
     *     comma-separated value means any of them)
     * @param includeDiverged also use runs that diverged (off by default)
     * @param condition the recording condition, all three of (fraction, sigma, seed); {@link
     *     Condition#FULL} is the full recording
     */
    public static FeatureTable load(
            Path dir,
            List<String> observables,
            Map<String, String> filters,
            boolean includeDiverged,
            Condition condition) {
        DatasetSchema.requireDataset(dir);
        DatasetSchema.refuseDiagnostics(observables);
        StringBuilder sql =
                new StringBuilder(
                        "SELECT t.run_id, t.rule, t.arch, t.task, t.layer, t.layer_position,"
                                + " t.checkpoint");
        for (String o : observables) {
            sql.append(", t.").append(DatasetSchema.quote(o));
        }
        sql.append(", t.arch || '|' || t.task || '|' || t.batch_size || '|' || t.seed");
        sql.append(" FROM ")
                .append(DatasetSchema.trajectoriesWithRuns(dir))
                .append(" WHERE ")
                .append(condition.where("t"));
        if (!includeDiverged) {
            sql.append(" AND NOT r.diverged");
        }
        for (String column : filters.keySet()) {
            if (!FILTERABLE.contains(column)) {
                throw new LridException(
                        "cannot filter on '"
                                + column
                                + "'; filterable columns: "
                                + String.join(", ", new TreeSet<>(FILTERABLE)));
            }
            String[] values = filters.get(column).split(",");
            sql.append(" AND CAST(t.\"")
                    .append(column)
                    .append("\" AS VARCHAR) IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(values.length, "?")))
                    .append(')');
        }
        sql.append(" ORDER BY t.run_id, t.layer, t.checkpoint");

        // one pass: the rows arrive ordered by (run, layer, checkpoint) and each example's
        // checkpoints are written straight into its feature row, one array per example
        Pivot pivot = new Pivot(observables);
        Map<String, Integer> nonFinite = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement p = c.prepareStatement(sql.toString())) {
            int k = 1;
            for (String v : filters.values()) {
                for (String one : v.split(",")) {
                    p.setString(k++, one.trim());
                }
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String runId = r.getString(1);
                    int layer = r.getInt(5);
                    if (pivot.starts(runId, layer)) {
                        pivot.begin(
                                runId,
                                layer,
                                new String[] {
                                    runId,
                                    r.getString(2),
                                    r.getString(3),
                                    r.getString(4),
                                    r.getString(6),
                                    r.getString(8 + observables.size())
                                });
                    }
                    int checkpoint = r.getInt(7);
                    for (int o = 0; o < observables.size(); o++) {
                        double v = r.getDouble(8 + o);
                        if (r.wasNull() || !Double.isFinite(v)) {
                            nonFinite.merge(observables.get(o), 1, Integer::sum);
                        }
                        pivot.put(o, checkpoint, v);
                    }
                }
            }
            pivot.end();
        } catch (SQLException e) {
            String msg = e.getMessage().lines().findFirst().orElse("");
            throw new LridException("cannot read the dataset in " + dir + ": " + msg, e);
        }
        if (pivot.rows.isEmpty()) {
            throw new LridException(
                    "the selection is empty: no "
                            + (includeDiverged ? "" : "non-diverged ")
                            + "run in "
                            + dir
                            + " matches the filters "
                            + filters
                            + " with recording condition ("
                            + condition.label()
                            + ")");
        }
        if (!nonFinite.isEmpty()) {
            throw new LridException(
                    "observables with non-finite values in the selection: "
                            + nonFinite.keySet()
                            + "; leave them out with --observables (the 24 admissible ones are finite by design)");
        }
        int checkpoints = pivot.checkpoints;
        List<String> classes = pivot.meta.stream().map(m -> m[1]).distinct().sorted().toList();
        Map<String, Integer> classIndex = new java.util.HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        int n = pivot.rows.size();
        FeatureLayout layout = new FeatureLayout(observables, checkpoints);
        double[][] x = pivot.rows.toArray(new double[0][]);
        int[] y = new int[n];
        String[] groups = new String[n];
        String[] twins = new String[n];
        String[] arch = new String[n];
        String[] task = new String[n];
        for (int i = 0; i < n; i++) {
            String[] m = pivot.meta.get(i);
            layout.setPosition(x[i], m[4]);
            y[i] = classIndex.get(m[1]);
            groups[i] = m[0];
            twins[i] = m[5];
            arch[i] = m[2];
            task[i] = m[3];
        }
        return new FeatureTable(
                x, y, groups, twins, arch, task, classes, List.copyOf(observables), checkpoints);
    }

    /**
     * Examples assembled from rows ordered by (run, layer, checkpoint): each example's values go
     * straight into its feature row (observable-major, as {@link FeatureLayout} lays them out). The
     * first example fixes the number of checkpoints; an example with another number is refused.
     */
    private static final class Pivot {
        final List<String> observables;
        final List<double[]> rows = new ArrayList<>();
        final List<String[]> meta = new ArrayList<>();
        int checkpoints = -1;
        private FeatureLayout layout;
        private String runId;
        private int layer;
        private double[][] values;
        private int seen;

        Pivot(List<String> observables) {
            this.observables = observables;
            this.values = new double[observables.size()][32];
        }

        boolean starts(String runId, int layer) {
            return !runId.equals(this.runId) || layer != this.layer;
        }

        void begin(String runId, int layer, String[] m) {
            end();
            this.runId = runId;
            this.layer = layer;
            meta.add(m);
            seen = 0;
        }

        void put(int o, int checkpoint, double v) {
            if (o == 0) {
                if (checkpoint != seen) {
                    throw new LridException(
                            "run "
                                    + runId
                                    + " has checkpoint "
                                    + checkpoint
                                    + " after "
                                    + seen
                                    + " others; select runs with one schedule (e.g. --filter"
                                    + " task=...)");
                }
                if (seen == values[0].length) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = java.util.Arrays.copyOf(values[i], 2 * seen);
                    }
                }
                seen++;
            }
            values[o][checkpoint] = v;
        }

        void end() {
            if (runId == null) {
                return;
            }
            if (checkpoints < 0) {
                checkpoints = seen;
                layout = new FeatureLayout(observables, checkpoints);
            } else if (seen != checkpoints) {
                throw new LridException(
                        "run "
                                + runId
                                + " has "
                                + seen
                                + " checkpoints where others have "
                                + checkpoints
                                + "; select runs with one schedule (e.g. --filter task=...)");
            }
            double[] row = new double[layout.width()];
            for (int o = 0; o < values.length; o++) {
                for (int c = 0; c < checkpoints; c++) {
                    row[layout.column(o, c)] = values[o][c];
                }
            }
            rows.add(row);
            runId = null;
        }
    }

    /**
     * SHA-256 of the table's content: run id, class and feature values of every example, in order.
     * Two tables hash equal exactly when a model trained on them saw the same data.
     */
    public String contentHash() {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (int i = 0; i < x.length; i++) {
                d.update(
                        (groups[i] + "|" + classes.get(y[i]) + "|")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (double v : x[i]) {
                    b.clear();
                    d.update(b.putDouble(v).array());
                }
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The layout of this table's rows. */
    public FeatureLayout layout() {
        return new FeatureLayout(observables, checkpoints);
    }

    /**
     * The same examples seen at k checkpoints spaced {@code period} apart from a random start (one
     * start per example, seeded): what an experiment with k measurement sessions would record.
     */
    public FeatureTable subsample(int k, int period, long seed) {
        int span = (k - 1) * period;
        if (k < 1 || period < 1 || span > checkpoints - 1) {
            throw new LridException(
                    k
                            + " points "
                            + period
                            + " checkpoints apart do not fit in "
                            + checkpoints
                            + " checkpoints");
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        FeatureLayout from = layout();
        FeatureLayout to = from.withCheckpoints(k);
        double[][] out = new double[x.length][to.width()];
        for (int i = 0; i < x.length; i++) {
            int start = r.nextInt(checkpoints - span);
            for (int o = 0; o < observables.size(); o++) {
                for (int j = 0; j < k; j++) {
                    out[i][to.column(o, j)] = x[i][from.column(o, start + j * period)];
                }
            }
            System.arraycopy(
                    x[i], from.trajectoryWidth(), out[i], to.trajectoryWidth(), POSITIONS.size());
        }
        return new FeatureTable(out, y, groups, twins, arch, task, classes, observables, k);
    }

    /**
     * The recording conditions, (fraction, sigma, seed), of a dataset's committed runs, the full
     * one first.
     */
    public static List<Condition> conditions(Path dir) {
        return Condition.of(dir);
    }

    public int[] labelsOf(int[] rows) {
        return Rows.gather(y, rows);
    }
}
