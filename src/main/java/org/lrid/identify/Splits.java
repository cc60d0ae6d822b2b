package org.lrid.identify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Category-balanced train/test splits. Grouped (lrid's default): every group (network) falls wholly on
 * one side, 75% of each class's groups in training, so a classifier never sees a sibling layer of a
 * test network. By rows (the paper's): 75% of each class's rows.
 */
public final class Splits {

    /** Row indices of one split. */
    public record Split(int[] train, int[] test) {}

    private Splits() {}

    /**
     * Splits that keep whole clusters on one side, clusters that may hold several classes: 75% of the
     * clusters train. With one network per rule in each cluster (a complete grid) the classes stay
     * balanced.
     */
    public static List<Split> byCluster(int count, double trainFraction, String[] clusters, long seed) {
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(java.util.Arrays.asList(clusters)));
        Random random = new Random(seed);
        List<Split> splits = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<String> order = new ArrayList<>(distinct);
            Collections.shuffle(order, random);
            int nTrain = Math.max(1, Math.min(order.size() - 1, (int) Math.round(trainFraction * order.size())));
            java.util.Set<String> train = new java.util.HashSet<>(order.subList(0, nTrain));
            List<Integer> tr = new ArrayList<>();
            List<Integer> te = new ArrayList<>();
            for (int i = 0; i < clusters.length; i++) {
                (train.contains(clusters[i]) ? tr : te).add(i);
            }
            splits.add(new Split(tr.stream().mapToInt(Integer::intValue).toArray(),
                    te.stream().mapToInt(Integer::intValue).toArray()));
        }
        return splits;
    }

    /**
     * @param groups group of each row (run id), or null for the row-level split
     * @param labels class of each row
     */
    public static List<Split> make(int count, double trainFraction, String[] groups, int[] labels, long seed) {
        List<Split> splits = new ArrayList<>();
        Random random = new Random(seed);
        for (int s = 0; s < count; s++) {
            // unit -> rows, per class; a unit is a group, or a single row
            Map<Integer, Map<String, List<Integer>>> byClass = new LinkedHashMap<>();
            for (int i = 0; i < labels.length; i++) {
                String unit = groups == null ? Integer.toString(i) : groups[i];
                byClass.computeIfAbsent(labels[i], k -> new LinkedHashMap<>())
                        .computeIfAbsent(unit, k -> new ArrayList<>()).add(i);
            }
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (Map<String, List<Integer>> units : byClass.values()) {
                List<List<Integer>> members = new ArrayList<>(units.values());
                Collections.shuffle(members, random);
                int nTrain = (int) Math.round(trainFraction * members.size());
                if (members.size() > 1) {
                    nTrain = Math.max(1, Math.min(members.size() - 1, nTrain));
                }
                for (int u = 0; u < members.size(); u++) {
                    (u < nTrain ? train : test).addAll(members.get(u));
                }
            }
            splits.add(new Split(train.stream().mapToInt(Integer::intValue).sorted().toArray(),
                    test.stream().mapToInt(Integer::intValue).sorted().toArray()));
        }
        return splits;
    }
}
