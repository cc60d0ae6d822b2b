package org.lrid.identify;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Honest answers (science.md section 7): a temperature that calibrates a classifier's
 * probabilities, and a novelty test that says when a row lies outside the training data, both
 * fitted on held-out folds of the training data only.
 *
 * <p>Temperature scaling: calibrated p_c = p_c^(1/T) / sum_k p_k^(1/T) (softmax of
 * log-probabilities, each floored at {@value #FLOOR}, divided by T), T chosen on out-of-fold
 * predictions to minimise the negative log-likelihood. T > 1 softens an over-confident classifier.
 *
 * <p>Novelty: the Euclidean distance of a (standardised) row to its {@value #K}-th nearest training
 * row; a row is unknown above the {@value #QUANTILE} quantile of the same distance for held-out
 * folds of the training rows (each to the rows of the other folds).
 *
 * @param temperature T
 * @param reference standardised training rows (the novelty test's neighbours)
 * @param threshold distances above it are unknown
 */
public record Calibration(double temperature, double[][] reference, double threshold) {

    public static final double FLOOR = 1e-6;
    public static final int K = 5;
    public static final double QUANTILE = 0.99;
    public static final int BINS = 10;

    /** Calibrated probabilities. */
    public double[][] apply(double[][] p) {
        return scale(p, temperature);
    }

    /** Whether each row is outside the training data. */
    public boolean[] unknown(double[][] x) {
        boolean[] out = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = kthDistance(x[i], reference, K) > threshold;
        }
        return out;
    }

    /**
     * Fits both on held-out folds of a training table: each fold's probabilities and distances come
     * from a classifier and neighbours fitted without it.
     *
     * @param x standardised training rows
     * @param clusters what a fold keeps whole (as the model's cross-validation), or null
     * @param novelty also fit the novelty test (else no reference rows and an infinite threshold)
     */
    public static Calibration fit(
            Supplier<Classifier> make,
            double[][] x,
            int[] y,
            String[] clusters,
            int classes,
            int folds,
            long seed,
            boolean novelty) {
        double[][] oof = new double[x.length][];
        double[] distance = new double[x.length];
        for (int[] test : Splits.folds(y, clusters, folds, seed)) {
            boolean[] isTest = new boolean[x.length];
            for (int i : test) {
                isTest[i] = true;
            }
            int[] train =
                    java.util.stream.IntStream.range(0, x.length).filter(i -> !isTest[i]).toArray();
            double[][] xTrain = Rows.gather(x, train);
            Classifier c = make.get();
            c.fit(xTrain, Rows.gather(y, train), classes);
            double[][] p = c.predictProba(Rows.gather(x, test));
            for (int j = 0; j < test.length; j++) {
                oof[test[j]] = p[j];
                distance[test[j]] = novelty ? kthDistance(x[test[j]], xTrain, K) : 0;
            }
        }
        double t = fitTemperature(oof, y);
        if (!novelty) {
            return new Calibration(t, null, Double.POSITIVE_INFINITY);
        }
        double[] sorted = distance.clone();
        Arrays.sort(sorted);
        double threshold =
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(QUANTILE * sorted.length) - 1)];
        return new Calibration(t, x, threshold);
    }

    /**
     * The temperature minimising the negative log-likelihood of {@code y} (golden section on log
     * T).
     */
    public static double fitTemperature(double[][] p, int[] y) {
        double lo = Math.log(0.02);
        double hi = Math.log(50);
        double g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo);
        double b = lo + g * (hi - lo);
        double fa = nll(scale(p, Math.exp(a)), y);
        double fb = nll(scale(p, Math.exp(b)), y);
        for (int it = 0; it < 80; it++) {
            if (fa < fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - g * (hi - lo);
                fa = nll(scale(p, Math.exp(a)), y);
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + g * (hi - lo);
                fb = nll(scale(p, Math.exp(b)), y);
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** Probabilities at temperature t. */
    public static double[][] scale(double[][] p, double t) {
        double[][] out = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            double[] l = new double[p[i].length];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < l.length; c++) {
                l[c] = Math.log(Math.max(p[i][c], FLOOR)) / t;
                max = Math.max(max, l[c]);
            }
            double total = 0;
            for (int c = 0; c < l.length; c++) {
                l[c] = Math.exp(l[c] - max);
                total += l[c];
            }
            for (int c = 0; c < l.length; c++) {
                l[c] /= total;
            }
            out[i] = l;
        }
        return out;
    }

    /** Mean negative log-likelihood of the true classes. */
    public static double nll(double[][] p, int[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s -= Math.log(Math.max(p[i][y[i]], FLOOR));
        }
        return s / y.length;
    }

    /** Mean over rows of sum over classes of (p_c - [c = y])^2 (0 is perfect; 2 the worst). */
    public static double brier(double[][] p, int[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                double d = p[i][c] - (c == y[i] ? 1 : 0);
                s += d * d;
            }
        }
        return s / y.length;
    }

    /**
     * The reliability curve: rows binned by their top probability into {@value #BINS} equal bins of
     * [0, 1]; per bin {confidence (mean top probability), accuracy, rows}, NaN for an empty bin.
     */
    public static double[][] reliability(double[][] p, int[] y) {
        double[][] out = new double[BINS][3];
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int c = 1; c < p[i].length; c++) {
                if (p[i][c] > p[i][best]) {
                    best = c;
                }
            }
            int b = Math.min(BINS - 1, (int) (p[i][best] * BINS));
            out[b][0] += p[i][best];
            out[b][1] += best == y[i] ? 1 : 0;
            out[b][2]++;
        }
        for (double[] bin : out) {
            bin[0] = bin[2] > 0 ? bin[0] / bin[2] : Double.NaN;
            bin[1] = bin[2] > 0 ? bin[1] / bin[2] : Double.NaN;
        }
        return out;
    }

    /** Distance from a row to its k-th nearest reference row (the farthest one if fewer). */
    static double kthDistance(double[] row, double[][] reference, int k) {
        double[] d = new double[reference.length];
        for (int j = 0; j < reference.length; j++) {
            double s = 0;
            for (int c = 0; c < row.length; c++) {
                double v = row[c] - reference[j][c];
                s += v * v;
            }
            d[j] = s;
        }
        Arrays.sort(d);
        return Math.sqrt(d[Math.min(k, d.length) - 1]);
    }

    /** Pooled reliability bins of several splits. */
    public static double[][] pool(List<double[][]> curves) {
        double[][] out = new double[BINS][3];
        for (double[][] c : curves) {
            for (int b = 0; b < BINS; b++) {
                if (c[b][2] > 0) {
                    out[b][0] += c[b][0] * c[b][2];
                    out[b][1] += c[b][1] * c[b][2];
                    out[b][2] += c[b][2];
                }
            }
        }
        for (double[] bin : out) {
            bin[0] = bin[2] > 0 ? bin[0] / bin[2] : Double.NaN;
            bin[1] = bin[2] > 0 ? bin[1] / bin[2] : Double.NaN;
        }
        return out;
    }
}
