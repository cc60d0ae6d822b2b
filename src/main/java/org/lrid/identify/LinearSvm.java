package org.lrid.identify;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One-vs-rest linear SVM: L2-regularised squared-hinge loss solved in the dual by coordinate descent
 * (liblinear's default solver, Hsieh et al. 2008; scikit-learn's LinearSVC, which the reference uses), with a
 * bias feature. Probabilities are a softmax of the decision values. Classes are fitted in parallel.
 *
 * <p>Stopping: the sweep over the examples stops when the spread of the projected gradient falls below
 * {@link #TOLERANCE} (liblinear's criterion) or after {@link #MAX_ITERATIONS} sweeps (scikit-learn's
 * max_iter). liblinear's own default (0.1) stops far from the optimum at large C; the tolerance here is the
 * one at which the relative duality gap and the held-out accuracy stop changing up to C = 5e6 ('lrid bench
 * identify' prints the table).
 */
public final class LinearSvm implements Classifier {

    /** The stopping tolerance on the projected-gradient spread. */
    public static final double TOLERANCE = 1e-3;
    /** Sweeps at most (scikit-learn's max_iter). */
    public static final int MAX_ITERATIONS = 1000;

    private final double c;
    private final int maxIterations;
    private final double tolerance;
    private final long seed;
    private double[][] weights;
    private int[] sweeps;
    private double[] gaps;

    public LinearSvm(double c, long seed) {
        this(c, MAX_ITERATIONS, TOLERANCE, seed);
    }

    public LinearSvm(double c, int maxIterations, double tolerance, long seed) {
        this.c = c;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    @Override
    public void fit(double[][] x, int[] y, int classes) {
        sweeps = new int[classes];
        gaps = new double[classes];
        weights = IntStream.range(0, classes).parallel()
                .mapToObj(k -> binary(x, y, k)).toArray(double[][]::new);
    }

    /** A fitted SVM from saved weights (one row per class, the bias last). */
    static LinearSvm restore(double c, long seed, double[][] weights) {
        LinearSvm svm = new LinearSvm(c, seed);
        svm.weights = weights;
        return svm;
    }

    public double c() {
        return c;
    }

    public long seed() {
        return seed;
    }

    /** The fitted weights, one row per class with the bias last. */
    public double[][] weights() {
        return weights;
    }

    /** Sweeps each one-vs-rest problem took in the last fit. */
    public int[] sweeps() {
        return sweeps.clone();
    }

    /**
     * Relative duality gap (P(w) - D(alpha)) / P(w) of each one-vs-rest problem at the end of the last fit,
     * P(w) = ||w||^2 / 2 + C sum max(0, 1 - y w.x)^2 and D(alpha) = sum alpha - ||w||^2 / 2 - sum alpha^2 / (4C):
     * 0 at the optimum.
     */
    public double[] dualityGaps() {
        return gaps.clone();
    }

    /** w (with the bias last) separating class k from the rest. */
    private double[] binary(double[][] x, int[] y, int k) {
        int n = x.length;
        int d = x[0].length;
        double[] w = new double[d + 1];
        double[] alpha = new double[n];
        double diag = 1 / (2 * c);
        double[] qii = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 1; // the bias feature
            for (double v : x[i]) {
                s += v * v;
            }
            qii[i] = s + diag;
        }
        int[] order = IntStream.range(0, n).toArray();
        SplittableRandom r = new SplittableRandom(seed + k);
        int it = 0;
        while (it < maxIterations) {
            it++;
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double maxPg = Double.NEGATIVE_INFINITY;
            double minPg = Double.POSITIVE_INFINITY;
            for (int i : order) {
                double yi = y[i] == k ? 1 : -1;
                double[] xi = x[i];
                double dot = w[d];
                for (int j = 0; j < d; j++) {
                    dot += w[j] * xi[j];
                }
                double g = yi * dot - 1 + diag * alpha[i];
                double pg = alpha[i] == 0 ? Math.min(g, 0) : g;
                maxPg = Math.max(maxPg, pg);
                minPg = Math.min(minPg, pg);
                if (pg != 0) {
                    double old = alpha[i];
                    alpha[i] = Math.max(old - g / qii[i], 0);
                    double step = (alpha[i] - old) * yi;
                    for (int j = 0; j < d; j++) {
                        w[j] += step * xi[j];
                    }
                    w[d] += step;
                }
            }
            if (maxPg - minPg < tolerance) {
                break;
            }
        }
        sweeps[k] = it;
        double ww = 0;
        for (double v : w) {
            ww += v * v;
        }
        double loss = 0;
        double sumAlpha = 0;
        double sumAlpha2 = 0;
        for (int i = 0; i < n; i++) {
            double yi = y[i] == k ? 1 : -1;
            double dot = w[d];
            for (int j = 0; j < d; j++) {
                dot += w[j] * x[i][j];
            }
            double hinge = Math.max(0, 1 - yi * dot);
            loss += hinge * hinge;
            sumAlpha += alpha[i];
            sumAlpha2 += alpha[i] * alpha[i];
        }
        double primal = ww / 2 + c * loss;
        double dual = sumAlpha - ww / 2 - sumAlpha2 * diag / 2;
        gaps[k] = primal > 0 ? (primal - dual) / primal : 0;
        return w;
    }

    public double[][] decision(double[][] x) {
        double[][] out = new double[x.length][weights.length];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < weights.length; k++) {
                double[] w = weights[k];
                double s = w[w.length - 1];
                for (int j = 0; j < x[i].length; j++) {
                    s += w[j] * x[i][j];
                }
                out[i][k] = s;
            }
        }
        return out;
    }

    @Override
    public double[][] predictProba(double[][] x) {
        double[][] f = decision(x);
        for (double[] row : f) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < row.length; k++) {
                row[k] = Math.exp(row[k] - max);
                sum += row[k];
            }
            for (int k = 0; k < row.length; k++) {
                row[k] /= sum;
            }
        }
        return f;
    }

    @Override
    public String describe() {
        return "linear svm (one-vs-rest, squared hinge, dual coordinate descent): C " + c;
    }
}
