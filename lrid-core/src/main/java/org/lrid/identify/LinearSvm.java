package org.lrid.identify;

import java.util.stream.IntStream;

/**
 * One-vs-rest linear SVM with scikit-learn's LinearSVC objective, which the reference uses: for
 * each class k, minimise {@code P(w) = ||w||^2 / 2 + C sum_i max(0, 1 - y_i w.x_i)^2} (squared
 * hinge, L2 penalty, the bias as a feature of value 1, penalised like the weights, as liblinear's).
 * The objective is strictly convex, so its minimiser is unique whatever the solver. lrid finds it
 * in the primal by the finite Newton method of Keerthi and DeCoste (JMLR 2005): Newton steps with
 * the generalised Hessian {@code I + 2C sum over the examples inside the margin of x x^T} (by
 * Cholesky of that p x p matrix, kept current as examples cross the margin, or through the Woodbury
 * identity with an |A| x |A| system when fewer examples than weights are inside) and an exact line
 * search on the piecewise-quadratic objective.
 *
 * <p>Why not liblinear's dual coordinate descent (scikit-learn's default): lrid's features are
 * trajectories, smooth over checkpoints, so the dual's Gram matrix is nearly singular; at
 * scikit-learn's tolerance and 1,000 sweeps it stops far from the minimiser (relative duality gap
 * 0.1 to 1 at C from 1 to 5e6), and even 10,000 sweeps on the demo's table do not reach 1e-9 where
 * Newton takes 5 to 51 steps.
 *
 * <p>Stopping: when {@code (P(w) - D(alpha)) / P(w) <= TOLERANCE}, with D the dual objective at the
 * dual point {@code alpha_i = 2C max(0, 1 - y_i w.x_i)} (a certificate: D(alpha) <= min P); {@link
 * #dualityGaps} reports the gap reached. 'lrid bench identify --svm-tolerance' prints gap and
 * held-out accuracy against the tolerance. Probabilities are a softmax of the decision values.
 * Classes are fitted in parallel.
 */
public final class LinearSvm implements Classifier {

    /** Relative duality gap at which Newton stops. */
    public static final double TOLERANCE = 1e-9;

    /** Newton steps at most. */
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

    /**
     * @param seed kept for the record (the solver is deterministic)
     */
    public LinearSvm(double c, int maxIterations, double tolerance, long seed) {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("C must be a positive number, got " + c);
        }
        this.c = c;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    @Override
    public void fit(double[][] x, int[] y, int classes) {
        sweeps = new int[classes];
        gaps = new double[classes];
        weights =
                IntStream.range(0, classes)
                        .parallel()
                        .mapToObj(k -> binary(x, y, k))
                        .toArray(double[][]::new);
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

    /** Newton steps each one-vs-rest problem took in the last fit. */
    public int[] sweeps() {
        return sweeps.clone();
    }

    /**
     * Relative duality gap (P(w) - D(alpha)) / P(w) of each one-vs-rest problem at the end of the
     * last fit, with {@code alpha_i = 2C max(0, 1 - y_i w.x_i)} and D(alpha) = sum alpha - ||X^T
     * (alpha y)||^2 / 2 - sum alpha^2 / (4C): 0 at the optimum.
     */
    public double[] dualityGaps() {
        return gaps.clone();
    }

    private static double dot(double[] w, double[] xi) {
        int d = xi.length;
        double s = w[d];
        for (int j = 0; j < d; j++) {
            s += w[j] * xi[j];
        }
        return s;
    }

    /**
     * w (with the bias last) separating class k from the rest, by finite Newton steps on the
     * primal.
     */
    private double[] binary(double[][] x, int[] y, int k) {
        int n = x.length;
        int d = x[0].length;
        int p = d + 1;
        double[] w = new double[p];
        double[] margin = new double[n]; // y_i w.x_i
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            ys[i] = y[i] == k ? 1 : -1;
        }
        double[] g = new double[p];
        double[] step = new double[p];
        double[] z = new double[n];
        int it = 0;
        // with more examples than weights, the Hessian's sum of outer products is updated, not
        // rebuilt
        double[][] gram = n >= p ? new double[p][p] : null;
        boolean[] inGram = new boolean[n];
        while (it < maxIterations) {
            // gradient w - X^T (alpha y) with the dual point alpha_i = 2C max(0, 1 - m_i)
            System.arraycopy(w, 0, g, 0, p);
            double sumAlpha = 0;
            double sumAlpha2 = 0;
            for (int i = 0; i < n; i++) {
                double slack = 1 - margin[i];
                if (slack > 0) {
                    double alpha = 2 * c * slack;
                    sumAlpha += alpha;
                    sumAlpha2 += alpha * alpha;
                    double a = -alpha * ys[i];
                    double[] xi = x[i];
                    for (int j = 0; j < d; j++) {
                        g[j] += a * xi[j];
                    }
                    g[d] += a;
                }
            }
            double primal = objective(w, margin, 0, null);
            double wa = 0;
            for (int j = 0; j < p; j++) {
                wa += (w[j] - g[j]) * (w[j] - g[j]);
            }
            double dual = sumAlpha - wa / 2 - sumAlpha2 / (4 * c);
            if (it > 0 && (primal - dual) <= tolerance * primal) {
                break;
            }
            it++;
            if (gram != null) {
                // keep sum_{active} x x^T current: only examples that crossed the margin change it
                for (int i = 0; i < n; i++) {
                    boolean active = 1 - margin[i] > 0;
                    if (active != inGram[i]) {
                        addOuter(gram, x[i], active ? 1 : -1);
                        inGram[i] = active;
                    }
                }
            }
            newtonStep(x, margin, g, step, gram);
            for (int i = 0; i < n; i++) {
                z[i] = ys[i] * dot(step, x[i]);
            }
            double t = lineSearch(w, step, margin, z);
            if (!(t > 0)) {
                break; // no descent left at double precision
            }
            for (int j = 0; j < p; j++) {
                w[j] -= t * step[j];
            }
            for (int i = 0; i < n; i++) {
                margin[i] -= t * z[i];
            }
        }
        double f = objective(w, margin, 0, null);
        sweeps[k] = it;
        // the dual certificate
        double[] wa = new double[p];
        double sumAlpha = 0;
        double sumAlpha2 = 0;
        for (int i = 0; i < n; i++) {
            double alpha = 2 * c * Math.max(0, 1 - margin[i]);
            if (alpha > 0) {
                double[] xi = x[i];
                for (int j = 0; j < d; j++) {
                    wa[j] += alpha * ys[i] * xi[j];
                }
                wa[d] += alpha * ys[i];
                sumAlpha += alpha;
                sumAlpha2 += alpha * alpha;
            }
        }
        double waNorm = 0;
        for (double v : wa) {
            waNorm += v * v;
        }
        double dual = sumAlpha - waNorm / 2 - sumAlpha2 / (4 * c);
        gaps[k] = f > 0 ? (f - dual) / f : 0;
        return w;
    }

    /**
     * step = H^-1 g for the generalised Hessian H = I + 2C X_A^T X_A over the active examples A
     * (inside the margin), bias column included: directly (Cholesky of H, p x p) when A has at
     * least as many examples as there are weights, else by the Woodbury identity, H^-1 g = g -
     * X_A^T (I / 2C + X_A X_A^T)^-1 X_A g (Cholesky of an |A| x |A| matrix).
     */
    private void newtonStep(
            double[][] x, double[] margin, double[] g, double[] step, double[][] gram) {
        int d = x[0].length;
        int p = d + 1;
        int[] active =
                java.util.stream.IntStream.range(0, margin.length)
                        .filter(i -> 1 - margin[i] > 0)
                        .toArray();
        int a = active.length;
        if (a >= p && gram != null) {
            double[][] h = new double[p][p];
            for (int r = 0; r < p; r++) {
                for (int q = 0; q <= r; q++) {
                    h[r][q] = 2 * c * gram[r][q];
                }
                h[r][r] += 1;
            }
            solve(h, g, step);
            return;
        }
        double[][] k = new double[a][a];
        double[] xg = new double[a];
        for (int u = 0; u < a; u++) {
            double[] xu = x[active[u]];
            for (int v = 0; v <= u; v++) {
                double[] xv = x[active[v]];
                double sum = 1; // the bias feature
                for (int j = 0; j < d; j++) {
                    sum += xu[j] * xv[j];
                }
                k[u][v] = sum;
            }
            k[u][u] += 1 / (2 * c);
            double sum = g[d];
            for (int j = 0; j < d; j++) {
                sum += xu[j] * g[j];
            }
            xg[u] = sum;
        }
        double[] m = new double[a];
        if (a > 0) {
            solve(k, xg, m);
        }
        System.arraycopy(g, 0, step, 0, p);
        for (int u = 0; u < a; u++) {
            double[] xu = x[active[u]];
            for (int j = 0; j < d; j++) {
                step[j] -= m[u] * xu[j];
            }
            step[d] -= m[u];
        }
    }

    /** Adds sign x (x, 1)(x, 1)^T to the lower triangle of sum. */
    private static void addOuter(double[][] sum, double[] xi, int sign) {
        int d = xi.length;
        for (int r = 0; r <= d; r++) {
            double v = sign * (r < d ? xi[r] : 1);
            if (v == 0) {
                continue;
            }
            double[] sr = sum[r];
            for (int q = 0; q < d && q <= r; q++) {
                sr[q] += v * xi[q];
            }
            if (r == d) {
                sr[d] += v;
            }
        }
    }

    /**
     * The exact minimiser over t >= 0 of P(w - t step), a convex piecewise quadratic: its
     * derivative {@code a + b t} is linear between the points where an example enters or leaves the
     * margin, walked in order (Keerthi and DeCoste's exact line search).
     */
    private double lineSearch(double[] w, double[] step, double[] margin, double[] z) {
        double a = 0;
        double b = 0;
        for (int j = 0; j < w.length; j++) {
            a -= w[j] * step[j];
            b += step[j] * step[j];
        }
        // along t, example i has slack 1 - m_i + t z_i
        int n = margin.length;
        double[] at = new double[n];
        int[] order = new int[n];
        int events = 0;
        for (int i = 0; i < n; i++) {
            double slack = 1 - margin[i];
            boolean active = slack > 0 || (slack == 0 && z[i] > 0);
            if (active) {
                a += 2 * c * slack * z[i];
                b += 2 * c * z[i] * z[i];
            }
            if (z[i] != 0) {
                double tb = -slack / z[i];
                if (tb > 0 && (active == (z[i] < 0))) {
                    at[i] = tb;
                    order[events++] = i;
                }
            }
        }
        Integer[] sorted = new Integer[events];
        for (int e = 0; e < events; e++) {
            sorted[e] = order[e];
        }
        java.util.Arrays.sort(sorted, (u, v) -> Double.compare(at[u], at[v]));
        for (int e = 0; e < events; e++) {
            int i = sorted[e];
            if (b > 0 && -a / b <= at[i]) {
                return Math.max(0, -a / b);
            }
            double slack = 1 - margin[i];
            double sign = z[i] > 0 ? 1 : -1; // entering or leaving the margin
            a += sign * 2 * c * slack * z[i];
            b += sign * 2 * c * z[i] * z[i];
        }
        return b > 0 ? Math.max(0, -a / b) : 0;
    }

    /** P(w - t step) given the margins at w and z_i = y_i step.x_i (t = 0: P(w)). */
    private double objective(double[] w, double[] margin, double t, double[][] stepAndZ) {
        double ww = 0;
        for (int j = 0; j < w.length; j++) {
            double v = stepAndZ == null ? w[j] : w[j] - t * stepAndZ[0][j];
            ww += v * v;
        }
        double loss = 0;
        for (int i = 0; i < margin.length; i++) {
            double m = stepAndZ == null ? margin[i] : margin[i] - t * stepAndZ[1][i];
            double slack = 1 - m;
            if (slack > 0) {
                loss += slack * slack;
            }
        }
        return ww / 2 + c * loss;
    }

    /**
     * Solves H s = g for symmetric positive definite H given by its lower triangle (Cholesky, in
     * place).
     */
    private static void solve(double[][] h, double[] g, double[] s) {
        int p = g.length;
        for (int j = 0; j < p; j++) {
            double[] hj = h[j];
            double sum = hj[j];
            for (int q = 0; q < j; q++) {
                sum -= hj[q] * hj[q];
            }
            double diag = Math.sqrt(Math.max(sum, 1e-300));
            hj[j] = diag;
            for (int i = j + 1; i < p; i++) {
                double[] hi = h[i];
                double v = hi[j];
                for (int q = 0; q < j; q++) {
                    v -= hi[q] * hj[q];
                }
                hi[j] = v / diag;
            }
        }
        for (int i = 0; i < p; i++) {
            double v = g[i];
            double[] hi = h[i];
            for (int q = 0; q < i; q++) {
                v -= hi[q] * s[q];
            }
            s[i] = v / hi[i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double v = s[i];
            for (int q = i + 1; q < p; q++) {
                v -= h[q][i] * s[q];
            }
            s[i] = v / h[i][i];
        }
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
