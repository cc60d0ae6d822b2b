package org.lrid.identify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Train/test splits and cross-validation folds, category-balanced, in the three protocols of
 * science.md section 5:
 *
 * <ul>
 *   <li>clusters (lrid's default: twin sets, or networks): every cluster falls wholly on one side,
 *       and the clusters are dealt so that each class has its share of rows on each side whatever
 *       the grid, also when a cluster holds several classes (stratified group splitting, {@link
 *       #stratified});
 *   <li>rows (the paper's): exactly equal counts per class on each side, the smallest class setting
 *       the count.
 * </ul>
 *
 * Inner cross-validation folds use the same clustering as the outer split ({@link #folds}).
 */
public final class Splits {

    /** Row indices of one split. */
    public record Split(int[] train, int[] test) {}

    private Splits() {}

    /**
     * Splits that keep whole clusters on one side, stratified by class.
     *
     * @param clusters cluster of each row (twin key or run id)
     */
    public static List<Split> byCluster(
            int count, double trainFraction, String[] clusters, int[] labels, long seed) {
        Random random = new Random(seed);
        List<Split> splits = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<int[]> bins =
                    stratified(
                            labels,
                            clusters,
                            new double[] {trainFraction, 1 - trainFraction},
                            random);
            splits.add(new Split(bins.get(0), bins.get(1)));
        }
        return splits;
    }

    /**
     * The paper's row-level split: per class, {@code round(trainFraction x m)} rows train and the
     * rest of {@code m} rows test, where m is the size of the smallest class; rows beyond m are
     * left out.
     */
    public static List<Split> byRows(int count, double trainFraction, int[] labels, long seed) {
        Map<Integer, List<Integer>> rowsOfClass = new java.util.TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            rowsOfClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        int m = rowsOfClass.values().stream().mapToInt(List::size).min().orElse(0);
        int nTrain = m < 2 ? m : Math.max(1, Math.min(m - 1, (int) Math.round(trainFraction * m)));
        Random random = new Random(seed);
        List<Split> splits = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (List<Integer> rows : rowsOfClass.values()) {
                List<Integer> order = new ArrayList<>(rows);
                Collections.shuffle(order, random);
                train.addAll(order.subList(0, nTrain));
                test.addAll(order.subList(nTrain, m));
            }
            splits.add(new Split(sorted(train), sorted(test)));
        }
        return splits;
    }

    /**
     * Repeated, class-balanced splits of a held-out selection ({@link HoldOut}): the test side is
     * drawn only from the held-out networks and the training side only from the others, so no
     * held-out network ever trains. Networks (clusters) are the units: per repetition and per
     * class, {@code round(trainFraction x mTrain)} training networks, mTrain the smallest class's
     * count of networks outside the selection, and mTest test networks, mTest the smallest count
     * inside it among the classes present there; all layers of a chosen network go with it.
     *
     * @param groups network (run id) of each row
     * @param heldOut whether each row's network is held out
     */
    public static List<Split> heldOut(
            int count,
            double trainFraction,
            int[] labels,
            String[] groups,
            boolean[] heldOut,
            long seed) {
        Map<Integer, List<String>> trainNets = new java.util.TreeMap<>();
        Map<Integer, List<String>> testNets = new java.util.TreeMap<>();
        Map<String, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            if (rowsOf.computeIfAbsent(groups[i], g -> new ArrayList<>()).isEmpty()) {
                (heldOut[i] ? testNets : trainNets)
                        .computeIfAbsent(labels[i], c -> new ArrayList<>())
                        .add(groups[i]);
            }
            rowsOf.get(groups[i]).add(i);
        }
        int classes = java.util.Arrays.stream(labels).max().orElse(-1) + 1;
        if (trainNets.size() < classes || testNets.isEmpty()) {
            throw new org.lrid.LridException(
                    "the held-out selection leaves "
                            + (testNets.isEmpty() ? "no test" : "no training")
                            + " network for some rule; hold out less");
        }
        int mTrain = trainNets.values().stream().mapToInt(List::size).min().orElse(0);
        int nTrain = Math.max(1, (int) Math.round(trainFraction * mTrain));
        int mTest = testNets.values().stream().mapToInt(List::size).min().orElse(0);
        Random random = new Random(seed);
        List<Split> splits = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (List<String> nets : trainNets.values()) {
                List<String> order = new ArrayList<>(nets);
                Collections.shuffle(order, random);
                order.subList(0, nTrain).forEach(g -> train.addAll(rowsOf.get(g)));
            }
            for (List<String> nets : testNets.values()) {
                List<String> order = new ArrayList<>(nets);
                Collections.shuffle(order, random);
                order.subList(0, mTest).forEach(g -> test.addAll(rowsOf.get(g)));
            }
            splits.add(new Split(sorted(train), sorted(test)));
        }
        return splits;
    }

    /**
     * k cross-validation folds that keep clusters whole, stratified by class.
     *
     * @param clusters cluster of each row, or null for folds of single rows
     */
    public static List<int[]> folds(int[] labels, String[] clusters, int k, long seed) {
        double[] fractions = new double[k];
        java.util.Arrays.fill(fractions, 1.0 / k);
        return stratified(labels, clusters, fractions, new Random(seed)).stream()
                .filter(f -> f.length > 0)
                .toList();
    }

    /**
     * Deals whole clusters into bins whose per-class row counts approach {@code fraction[b] x rows
     * of the class}: clusters in random order (largest first), each to the bin where it most
     * reduces the squared shortfall from those targets. With one network per class in every cluster
     * (a complete grid) every bin gets its fraction of the clusters and the classes stay balanced;
     * with single-class clusters it is a stratified group split.
     */
    static List<int[]> stratified(
            int[] labels, String[] clusters, double[] fractions, Random random) {
        int classes = java.util.Arrays.stream(labels).max().orElse(-1) + 1;
        Map<String, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            rowsOf.computeIfAbsent(clusters == null ? "#" + i : clusters[i], u -> new ArrayList<>())
                    .add(i);
        }
        double[] perClass = new double[classes];
        for (int label : labels) {
            perClass[label]++;
        }
        List<List<Integer>> units = new ArrayList<>(rowsOf.values());
        Collections.shuffle(units, random);
        units.sort(
                (a, b) ->
                        Integer.compare(b.size(), a.size())); // stable: shuffled among equal sizes
        int bins = fractions.length;
        double[][] count = new double[bins][classes];
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            out.add(new ArrayList<>());
        }
        int[] binOf = new int[units.size()];
        double[][] counts = new double[units.size()][classes];
        for (int u = 0; u < units.size(); u++) {
            for (int i : units.get(u)) {
                counts[u][labels[i]]++;
            }
            double[] k = counts[u];
            int best = 0;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int b = 0; b < bins; b++) {
                double cost = moveCost(count[b], k, fractions[b], perClass, 1);
                if (cost < bestCost - 1e-9) {
                    bestCost = cost;
                    best = b;
                }
            }
            add(count[best], k, 1);
            binOf[u] = best;
        }
        // then swaps of two clusters between bins while one lowers the squared shortfall (greedy
        // dealing
        // leaves the small clusters last, which cannot repair a class they do not hold)
        boolean mixed = false;
        for (double[] k : counts) {
            mixed |= java.util.Arrays.stream(k).filter(v -> v > 0).count() > 1;
        }
        for (int pass = 0; mixed && pass < 20; pass++) {
            boolean improved = false;
            for (int u = 0; u < units.size(); u++) {
                for (int v = u + 1; v < units.size(); v++) {
                    int a = binOf[u];
                    int b = binOf[v];
                    if (a == b) {
                        continue;
                    }
                    double[] diff = new double[classes];
                    for (int c = 0; c < classes; c++) {
                        diff[c] = counts[v][c] - counts[u][c]; // bin a gains diff, bin b loses it
                    }
                    double delta =
                            moveCost(count[a], diff, fractions[a], perClass, 1)
                                    + moveCost(count[b], diff, fractions[b], perClass, -1);
                    if (delta < -1e-9) {
                        add(count[a], diff, 1);
                        add(count[b], diff, -1);
                        binOf[u] = b;
                        binOf[v] = a;
                        improved = true;
                    }
                }
            }
            if (!improved) {
                break;
            }
        }
        for (int u = 0; u < units.size(); u++) {
            out.get(binOf[u]).addAll(units.get(u));
        }
        return out.stream().map(Splits::sorted).toList();
    }

    /** Change of a bin's squared shortfall from its targets when {@code sign x k} rows join it. */
    private static double moveCost(
            double[] count, double[] k, double fraction, double[] perClass, int sign) {
        double cost = 0;
        for (int c = 0; c < count.length; c++) {
            if (k[c] != 0) {
                double before = count[c] - fraction * perClass[c];
                double after = before + sign * k[c];
                cost += after * after - before * before;
            }
        }
        return cost;
    }

    private static void add(double[] count, double[] k, int sign) {
        for (int c = 0; c < count.length; c++) {
            count[c] += sign * k[c];
        }
    }

    private static int[] sorted(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
