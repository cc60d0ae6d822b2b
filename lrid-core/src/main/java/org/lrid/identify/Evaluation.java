package org.lrid.identify;

import java.util.List;

/** One classifier on one feature table over the protocol's splits. */
public final class Evaluation {

    /**
     * @param accuracies held-out accuracy of each split
     * @param balancedAccuracyMean the reference's balanced accuracy ({@link
     *     Metrics#balancedAccuracy}), mean over splits
     * @param meanRecallMean mean per-class recall ({@link Metrics#meanRecall}), mean over splits
     * @param meanConfusion confusion matrix (true rows, predicted columns) averaged over splits, as
     *     fractions of each true class
     * @param dPrime per class, from the pooled confusion matrix
     * @param chosen the hyperparameters cross-validation chose in each split
     * @param brierMean Brier score of the test probabilities ({@link Calibration#brier}), mean over
     *     splits; {@code brierCalibratedMean} after the temperature fitted on held-out folds of
     *     each training part
     * @param reliability pooled reliability curve of the test rows ({@link
     *     Calibration#reliability}), raw and calibrated
     * @param networkAccuracies per split, the accuracy over test networks, each network's rule the
     *     argmax of its test layers' calibrated log-probabilities summed (as {@link Predictor}
     *     names a network)
     */
    public record Cell(
            String classifier,
            String observables,
            String description,
            double[] accuracies,
            double accuracyMean,
            double accuracySem,
            double balancedAccuracyMean,
            double meanRecallMean,
            double[][] meanConfusion,
            double[] dPrime,
            double chance,
            int examples,
            int features,
            List<String> chosen,
            List<String> classes,
            List<String> grid,
            double brierMean,
            double brierCalibratedMean,
            double temperatureMean,
            double[][] reliability,
            double[][] reliabilityCalibrated,
            double[] networkAccuracies,
            double networkAccuracyMean,
            double networkAccuracySem) {}

    private Evaluation() {}

    /**
     * Selects hyperparameters by cross-validation on each split's training part (folds keeping
     * {@code clusters} whole, as the outer split), then scores the test part.
     *
     * @param clusters what the outer split keeps whole (twin key, run id), or null for the
     *     row-level split
     */
    public static Cell run(
            FeatureTable t,
            String classifier,
            String observablesLabel,
            boolean quick,
            List<Splits.Split> splits,
            String[] clusters,
            long seed) {
        int k = t.classes().size();
        double[] acc = new double[splits.size()];
        double[] balanced = new double[splits.size()];
        double[] recall = new double[splits.size()];
        double[][] pooled = new double[k][k];
        String description = "";
        List<String> grid = List.of();
        List<String> chosen = new java.util.ArrayList<>();
        double[] brier = new double[splits.size()];
        double[] brierCal = new double[splits.size()];
        double[] temperature = new double[splits.size()];
        List<double[][]> curves = new java.util.ArrayList<>();
        List<double[][]> curvesCal = new java.util.ArrayList<>();
        double[] networkAcc = new double[splits.size()];
        for (int s = 0; s < splits.size(); s++) {
            Splits.Split split = splits.get(s);
            int[] yTrain = t.labelsOf(split.train());
            List<ModelSelection.Candidate> candidates =
                    Grids.of(classifier, quick, seed, t.layout(), split.train().length);
            grid = candidates.stream().map(ModelSelection.Candidate::label).toList();
            ModelSelection.Choice choice =
                    ModelSelection.select(
                            candidates,
                            Rows.gather(t.x(), split.train()),
                            yTrain,
                            clusters == null ? null : Rows.gather(clusters, split.train()),
                            k,
                            Grids.CV_FOLDS,
                            seed + s);
            chosen.add(choice.best().label());
            Standardizer z = Standardizer.fit(t.x(), split.train());
            Classifier c = choice.best().make().get();
            c.fit(z.apply(t.x(), split.train()), yTrain, k);
            description = c.describe();
            double[][] xTrain = z.apply(t.x(), split.train());
            double[][] proba = c.predictProba(z.apply(t.x(), split.test()));
            int[] truth = t.labelsOf(split.test());
            Calibration cal =
                    Calibration.fit(
                            choice.best().make(),
                            xTrain,
                            yTrain,
                            clusters == null ? null : Rows.gather(clusters, split.train()),
                            k,
                            Grids.CV_FOLDS,
                            seed + s,
                            false);
            double[][] calibrated = cal.apply(proba);
            brier[s] = Calibration.brier(proba, truth);
            brierCal[s] = Calibration.brier(calibrated, truth);
            temperature[s] = cal.temperature();
            curves.add(Calibration.reliability(proba, truth));
            curvesCal.add(Calibration.reliability(calibrated, truth));
            networkAcc[s] =
                    networkAccuracy(calibrated, truth, Rows.gather(t.groups(), split.test()));
            int[] predicted = new int[proba.length];
            for (int i = 0; i < proba.length; i++) {
                for (int j = 1; j < k; j++) {
                    if (proba[i][j] > proba[i][predicted[i]]) {
                        predicted[i] = j;
                    }
                }
            }
            double[][] m =
                    Metrics.toDouble(Metrics.confusion(t.labelsOf(split.test()), predicted, k));
            acc[s] = Metrics.accuracy(m);
            balanced[s] = Metrics.balancedAccuracy(m);
            recall[s] = Metrics.meanRecall(m);
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
        double[] nms = Metrics.meanSem(networkAcc);
        return new Cell(
                classifier,
                observablesLabel,
                description,
                acc,
                ms[0],
                ms[1],
                Metrics.meanSem(balanced)[0],
                Metrics.meanSem(recall)[0],
                normalised,
                Metrics.dPrime(pooled),
                1.0 / k,
                t.x().length,
                t.x()[0].length,
                chosen,
                t.classes(),
                grid,
                Metrics.meanSem(brier)[0],
                Metrics.meanSem(brierCal)[0],
                Metrics.meanSem(temperature)[0],
                Calibration.pool(curves),
                Calibration.pool(curvesCal),
                networkAcc,
                nms[0],
                nms[1]);
    }

    /**
     * Accuracy over networks: per network (group), the class maximising the sum of its rows'
     * log-probabilities (each floored at {@link Calibration#FLOOR}).
     */
    static double networkAccuracy(double[][] p, int[] truth, String[] groups) {
        java.util.Map<String, double[]> logSum = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> rule = new java.util.HashMap<>();
        for (int i = 0; i < p.length; i++) {
            double[] sum = logSum.computeIfAbsent(groups[i], g -> new double[p[0].length]);
            for (int c = 0; c < sum.length; c++) {
                sum[c] += Math.log(Math.max(p[i][c], Calibration.FLOOR));
            }
            rule.put(groups[i], truth[i]);
        }
        int correct = 0;
        for (java.util.Map.Entry<String, double[]> e : logSum.entrySet()) {
            double[] sum = e.getValue();
            int best = 0;
            for (int c = 1; c < sum.length; c++) {
                if (sum[c] > sum[best]) {
                    best = c;
                }
            }
            correct += best == rule.get(e.getKey()) ? 1 : 0;
        }
        return (double) correct / logSum.size();
    }
}
