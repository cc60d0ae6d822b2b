package org.lrid.identify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lrid.LridException;
import org.lrid.store.Condition;
import org.lrid.store.DatasetSchema;
import org.lrid.store.LongFormat;

/**
 * The outside test set of {@code identify DIR --test-data OTHER}: another lrid dataset directory or
 * a long-format file of trajectories ({@link LongFormat}, with its {@code rule} column), read into
 * the training table's layout (same observables, checkpoints and transform) with every example's
 * class an index into the training classes. Networks of a rule the training data lacks cannot be
 * named correctly: they are left out and listed in {@link #unseen}.
 *
 * @param x transformed rows of the networks whose rule the training data holds
 * @param y class of each row, an index into the training table's classes
 * @param groups network of each row (prefixed, so that it cannot meet a training run id)
 * @param unseen per rule absent from the training data, its number of networks
 */
public record TestData(
        double[][] x,
        int[] y,
        String[] groups,
        String[] arch,
        String[] task,
        Map<String, Integer> unseen) {

    /** Prefix of the test networks' ids in the combined table. */
    public static final String PREFIX = "test:";

    /**
     * Refuses, before any work, a test set that is missing or of an unknown kind: a directory must
     * be a dataset, a file must be long format (.csv or .parquet).
     */
    public static void check(Path dir, Path other) {
        if (!Files.exists(other)) {
            throw new LridException(
                    "--test-data: nothing at "
                            + other
                            + "; give another dataset directory written by 'lrid simulate' or a"
                            + " long-format file (.csv or .parquet, as 'lrid export' writes)");
        }
        if (Files.isDirectory(other)) {
            try {
                DatasetSchema.requireDataset(other);
            } catch (LridException e) {
                throw new LridException("--test-data: " + e.getMessage(), e);
            }
            if (other.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                throw new LridException(
                        "--test-data is the training dataset itself ("
                                + other
                                + "); test on another dataset, or use --experiment separability");
            }
        } else {
            LongFormat.source(other);
        }
    }

    /** Number of networks in the test set (those of known rules). */
    public int networks() {
        return (int) Arrays.stream(groups).distinct().count();
    }

    /** "rule (n networks), ..." of the unseen rules. */
    public String unseenSummary() {
        List<String> parts = new ArrayList<>();
        unseen.forEach((rule, n) -> parts.add(rule + " (" + n + " networks)"));
        return String.join(", ", parts);
    }

    /**
     * @param train the (transformed) training table, whose observables, checkpoints and classes the
     *     test set takes
     * @param filters applied to a test dataset as to the training one
     */
    public static TestData read(
            Path other,
            FeatureTable train,
            Map<String, String> filters,
            boolean includeDiverged,
            Transform transform) {
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<String> arch = new ArrayList<>();
        List<String> task = new ArrayList<>();
        Map<String, LinkedHashSet<String>> unseen = new TreeMap<>();
        if (Files.isDirectory(other)) {
            FeatureTable t;
            try {
                t =
                        transform.apply(
                                FeatureTable.load(
                                        other,
                                        train.observables(),
                                        filters,
                                        includeDiverged,
                                        Condition.FULL));
            } catch (LridException e) {
                throw new LridException("--test-data: " + e.getMessage(), e);
            }
            if (t.checkpoints() != train.checkpoints()) {
                throw new LridException(
                        "--test-data "
                                + other
                                + " has "
                                + t.checkpoints()
                                + " checkpoints, the training data "
                                + train.checkpoints()
                                + "; test on trajectories at the same time points");
            }
            for (int i = 0; i < t.x().length; i++) {
                String rule = t.classes().get(t.y()[i]);
                int c = train.classes().indexOf(rule);
                if (c < 0) {
                    unseen.computeIfAbsent(rule, k -> new LinkedHashSet<>()).add(t.groups()[i]);
                    continue;
                }
                x.add(t.x()[i]);
                y.add(c);
                groups.add(PREFIX + t.groups()[i]);
                arch.add(t.arch()[i]);
                task.add(t.task()[i]);
            }
        } else {
            OutsideTable t = OutsideTable.read(other, train.layout(), train.classes(), false);
            if (!t.hasRule()) {
                throw new LridException(
                        "--test-data "
                                + other
                                + " has no rule column: the transfer experiment scores each"
                                + " network against its rule; for unlabelled trajectories use 'lrid"
                                + " predict'");
            }
            double[][] rows = transform.apply(t.x(), train.layout());
            for (int i = 0; i < rows.length; i++) {
                String[] m = t.meta().get(t.keys().get(i));
                if (m[3] == null) {
                    throw new LridException(
                            "--test-data "
                                    + other
                                    + ": network "
                                    + m[0]
                                    + " layer "
                                    + m[1]
                                    + " has no rule; every network needs its rule");
                }
                int c = train.classes().indexOf(m[3]);
                if (c < 0) {
                    unseen.computeIfAbsent(m[3], k -> new LinkedHashSet<>()).add(m[0]);
                    continue;
                }
                x.add(rows[i]);
                y.add(c);
                groups.add(PREFIX + m[0]);
                arch.add("outside");
                task.add("outside");
            }
        }
        Map<String, Integer> unseenCounts = new TreeMap<>();
        unseen.forEach((rule, nets) -> unseenCounts.put(rule, nets.size()));
        if (x.isEmpty()) {
            throw new LridException(
                    "--test-data "
                            + other
                            + " holds no network of a rule the training data has ("
                            + String.join(", ", train.classes())
                            + "); it has "
                            + String.join(", ", unseenCounts.keySet()));
        }
        return new TestData(
                x.toArray(double[][]::new),
                y.stream().mapToInt(Integer::intValue).toArray(),
                groups.toArray(String[]::new),
                arch.toArray(String[]::new),
                task.toArray(String[]::new),
                unseenCounts);
    }

    /**
     * One table of the training rows followed by these test rows: the test networks are their own
     * twin sets (they share no initialisation with a training network).
     */
    public FeatureTable appendedTo(FeatureTable train) {
        int n = train.x().length;
        int m = x.length;
        double[][] bx = Arrays.copyOf(train.x(), n + m);
        System.arraycopy(x, 0, bx, n, m);
        int[] by = Arrays.copyOf(train.y(), n + m);
        System.arraycopy(y, 0, by, n, m);
        return new FeatureTable(
                bx,
                by,
                concat(train.groups(), groups),
                concat(train.twins(), groups),
                concat(train.arch(), arch),
                concat(train.task(), task),
                train.classes(),
                train.observables(),
                train.checkpoints());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
