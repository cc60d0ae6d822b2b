package org.lrid.identify;

import java.util.List;
import java.util.function.Supplier;

/** One classifier on one feature table over the protocol's splits. */
public final class Evaluation {

    /**
     * @param accuracies held-out accuracy of each split
     * @param meanConfusion confusion matrix (true rows, predicted columns) averaged over splits, as
     *     fractions of each true class
     * @param dPrime per class, from the pooled confusion matrix
     */
    public record Cell(String classifier, String observables, String description, double[] accuracies,
            double accuracyMean, double accuracySem, double balancedAccuracyMean, double[][] meanConfusion,
            double[] dPrime, double chance, int examples, int features) {}

    private Evaluation() {}

    public static Cell run(FeatureTable t, String name, String observablesLabel, Supplier<Classifier> make,
            List<Splits.Split> splits) {
        int k = t.classes().size();
        double[] acc = new double[splits.size()];
        double[] balanced = new double[splits.size()];
        double[][] pooled = new double[k][k];
        String description = "";
        for (int s = 0; s < splits.size(); s++) {
            Splits.Split split = splits.get(s);
            Standardizer z = Standardizer.fit(t.x(), split.train());
            Classifier c = make.get();
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
                normalised, Metrics.dPrime(pooled), 1.0 / k, t.x().length, t.x()[0].length);
    }
}
