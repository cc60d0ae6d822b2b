package org.lrid.identify;

import java.util.List;
import java.util.function.Supplier;

/**
 * Hyperparameters by k-fold cross-validation on the training part only. Folds are stratified by
 * class and keep clusters whole exactly as the outer split does (twin sets by default, {@link
 * Splits#folds}), so a candidate is never scored on a network, or a twin of a network, it was
 * fitted on.
 */
public final class ModelSelection {

    /** One hyperparameter setting of a classifier. */
    public record Candidate(String label, Supplier<Classifier> make) {}

    /** The chosen candidate and the cross-validated accuracy of each. */
    public record Choice(Candidate best, List<String> labels, double[] cvAccuracy) {}

    private ModelSelection() {}

    /**
     * @param clusters what the folds keep whole (as the outer split), or null for folds of single
     *     rows
     */
    public static Choice select(
            List<Candidate> grid,
            double[][] x,
            int[] y,
            String[] clusters,
            int classes,
            int folds,
            long seed) {
        if (grid.size() == 1) {
            return new Choice(grid.get(0), List.of(grid.get(0).label()), new double[] {Double.NaN});
        }
        List<int[]> foldRows = Splits.folds(y, clusters, folds, seed);
        double[] score = new double[grid.size()];
        for (int f = 0; f < foldRows.size(); f++) {
            int[] test = foldRows.get(f);
            int[] train = complement(foldRows, f);
            if (train.length == 0 || test.length == 0) {
                continue;
            }
            // one standardized copy of the fold for every candidate (and one PCA fit for the SVM's)
            Standardizer z = Standardizer.fit(x, train);
            double[][] xTrain = z.apply(x, train);
            double[][] xTest = z.apply(x, test);
            int[] yTrain = Rows.gather(y, train);
            for (int g = 0; g < grid.size(); g++) {
                Classifier c = grid.get(g).make().get();
                c.fit(xTrain, yTrain, classes);
                int[] p = c.predict(xTest);
                int correct = 0;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] == y[test[i]]) {
                        correct++;
                    }
                }
                score[g] += (double) correct / p.length / foldRows.size();
            }
        }
        int best = 0;
        for (int g = 1; g < grid.size(); g++) {
            if (score[g] > score[best]) {
                best = g;
            }
        }
        return new Choice(grid.get(best), grid.stream().map(Candidate::label).toList(), score);
    }

    private static int[] complement(List<int[]> folds, int skip) {
        List<Integer> rows = new java.util.ArrayList<>();
        for (int f = 0; f < folds.size(); f++) {
            if (f != skip) {
                for (int i : folds.get(f)) {
                    rows.add(i);
                }
            }
        }
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
