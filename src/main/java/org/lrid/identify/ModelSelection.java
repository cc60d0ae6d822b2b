package org.lrid.identify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hyperparameters by k-fold cross-validation on the training part only. Folds are stratified by class
 * and keep groups (networks) whole, like the outer splits, so a candidate is never scored on a sibling
 * layer of a network it was fitted on.
 */
public final class ModelSelection {

    /** One hyperparameter setting of a classifier. */
    public record Candidate(String label, Supplier<Classifier> make) {}

    /** The chosen candidate and the cross-validated accuracy of each. */
    public record Choice(Candidate best, List<String> labels, double[] cvAccuracy) {}

    private ModelSelection() {}

    public static Choice select(List<Candidate> grid, double[][] x, int[] y, String[] groups, int classes, int folds,
            long seed) {
        if (grid.size() == 1) {
            return new Choice(grid.get(0), List.of(grid.get(0).label()), new double[] {Double.NaN});
        }
        List<int[]> foldRows = folds(y, groups, folds, seed);
        double[] score = new double[grid.size()];
        for (int g = 0; g < grid.size(); g++) {
            double sum = 0;
            for (int f = 0; f < foldRows.size(); f++) {
                int[] test = foldRows.get(f);
                int[] train = complement(foldRows, f);
                if (train.length == 0 || test.length == 0) {
                    continue;
                }
                Standardizer z = Standardizer.fit(x, train);
                Classifier c = grid.get(g).make().get();
                c.fit(z.apply(x, train), pick(y, train), classes);
                int[] p = c.predict(z.apply(x, test));
                int correct = 0;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] == y[test[i]]) {
                        correct++;
                    }
                }
                sum += (double) correct / p.length;
            }
            score[g] = sum / foldRows.size();
        }
        int best = 0;
        for (int g = 1; g < grid.size(); g++) {
            if (score[g] > score[best]) {
                best = g;
            }
        }
        return new Choice(grid.get(best), grid.stream().map(Candidate::label).toList(), score);
    }

    /** Stratified, grouped folds: each class's groups, shuffled, dealt round-robin to the folds. */
    static List<int[]> folds(int[] y, String[] groups, int k, long seed) {
        Map<String, List<Integer>> rowsOfUnit = new LinkedHashMap<>();
        Map<Integer, List<String>> unitsOfClass = new LinkedHashMap<>();
        for (int i = 0; i < y.length; i++) {
            String unit = groups == null ? "#" + i : groups[i];
            if (!rowsOfUnit.containsKey(unit)) {
                unitsOfClass.computeIfAbsent(y[i], c -> new ArrayList<>()).add(unit);
            }
            rowsOfUnit.computeIfAbsent(unit, u -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        for (List<String> units : unitsOfClass.values()) {
            Collections.shuffle(units, random);
            for (int u = 0; u < units.size(); u++) {
                folds.get(u % k).addAll(rowsOfUnit.get(units.get(u)));
            }
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> f : folds) {
            if (!f.isEmpty()) {
                out.add(f.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return out;
    }

    private static int[] complement(List<int[]> folds, int skip) {
        List<Integer> rows = new ArrayList<>();
        for (int f = 0; f < folds.size(); f++) {
            if (f != skip) {
                for (int i : folds.get(f)) {
                    rows.add(i);
                }
            }
        }
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    static int[] pick(int[] v, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }
}
