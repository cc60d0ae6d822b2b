package org.lrid.identify;

import java.util.List;

/** One classifier on one feature table over the protocol's splits. */
public final class Evaluation {

    /**
     * @param accuracies held-out accuracy of each split
     * @param meanConfusion confusion matrix (true rows, predicted columns) averaged over splits, as
     *     fractions of each true class
     * @param dPrime per class, from the pooled confusion matrix
     * @param chosen the hyperparameters cross-validation chose in each split
     */
    public record Cell(String classifier, String observables, String description, double[] accuracies,
            double accuracyMean, double accuracySem, double balancedAccuracyMean, double[][] meanConfusion,
            double[] dPrime, double chance, int examples, int features, List<String> chosen, List<String> classes) {}

    private Evaluation() {}

    /** Selects hyperparameters by 5-fold CV on each split's training part, then scores the test part. */
    public static Cell run(FeatureTable t, String name, String observablesLabel, List<ModelSelection.Candidate> grid,
            List<Splits.Split> splits, long seed) {
        int k = t.classes().size();
        double[] acc = new double[splits.size()];
        double[] balanced = new double[splits.size()];
        double[][] pooled = new double[k][k];
        String description = "";
        List<String> chosen = new java.util.ArrayList<>();
        for (int s = 0; s < splits.size(); s++) {
            Splits.Split split = splits.get(s);
            ModelSelection.Choice choice = ModelSelection.select(grid, rows(t.x(), split.train()),
                    t.labelsOf(split.train()), groupsOf(t.groups(), split.train()), k, 5, seed + s);
            chosen.add(choice.best().label());
            Standardizer z = Standardizer.fit(t.x(), split.train());
            Classifier c = choice.best().make().get();
            description = c.describe();
            c.fit(z.apply(t.x(), split.train()), t.labelsOf(split.train()), k);
            int[] predicted = c.predict(z.apply(t.x(), split.test()));
            double[][] m = Metrics.toDouble(Metrics.confusion(t.labelsOf(split.test()), predicted, k));
            acc[s] = Metrics.accuracy(m);
            balanced[s] = Metrics.balancedAccuracy(m);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    pooled[i][j] += m[i][j];
                }
            }
        }
        double[][] normalised = new double[k][k];
        for (int i = 0; i < k; i++) {
            double row = 0;
            for (double v : pooled[i]) {
                row += v;
            }
            for (int j = 0; j < k; j++) {
                normalised[i][j] = row > 0 ? pooled[i][j] / row : Double.NaN;
            }
        }
        double[] ms = Metrics.meanSem(acc);
        return new Cell(name, observablesLabel, description, acc, ms[0], ms[1], Metrics.meanSem(balanced)[0],
                normalised, Metrics.dPrime(pooled), 1.0 / k, t.x().length, t.x()[0].length, chosen, t.classes());
    }

    private static double[][] rows(double[][] x, int[] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = x[rows[i]];
        }
        return out;
    }

    private static String[] groupsOf(String[] groups, int[] rows) {
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = groups[rows[i]];
        }
        return out;
    }
}
