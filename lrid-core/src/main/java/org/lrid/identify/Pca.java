package org.lrid.identify;

/**
 * Principal component analysis as scikit-learn's PCA without whitening: centre with the training
 * mean, project on the leading eigenvectors of the training covariance. The eigendecomposition is
 * the classic symmetric one: Householder reduction to tridiagonal form, then the implicit QL
 * algorithm (Wilkinson and Reinsch, Handbook for Automatic Computation II; the same steps as
 * EISPACK's tred2 and tql2). Fitted once per training set; any number of leading components is then
 * a prefix of the same basis.
 */
public final class Pca {

    private final double[] mean;

    /** Eigenvectors as rows, by decreasing eigenvalue. */
    private final double[][] components;

    private final double[] variances;

    private Pca(double[] mean, double[][] components, double[] variances) {
        this.mean = mean;
        this.components = components;
        this.variances = variances;
    }

    /** Fits on the first {@code columns} columns of every row of x. */
    public static Pca fit(double[][] x, int columns) {
        int n = x.length;
        int d = columns;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                c[j] = row[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                if (ca == 0) {
                    continue;
                }
                double[] ra = cov[a];
                for (int b = 0; b <= a; b++) {
                    ra[b] += ca * c[b];
                }
            }
        }
        double scale = n > 1 ? 1.0 / (n - 1) : 1;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                cov[a][b] *= scale;
                cov[b][a] = cov[a][b];
            }
        }
        double[] eigenvalues = new double[d];
        double[] off = new double[d];
        tridiagonalize(cov, eigenvalues, off);
        ql(cov, eigenvalues, off);
        // cov now holds the eigenvectors as columns, eigenvalues ascending
        double[][] comps = new double[d][d];
        double[] vars = new double[d];
        for (int k = 0; k < d; k++) {
            int src = d - 1 - k;
            vars[k] = eigenvalues[src];
            for (int j = 0; j < d; j++) {
                comps[k][j] = cov[j][src];
            }
        }
        return new Pca(mean, comps, vars);
    }

    /** A fitted PCA from a saved mean and leading components (rows). */
    static Pca of(double[] mean, double[][] components) {
        return new Pca(mean, components, new double[components.length]);
    }

    /** The training mean. */
    public double[] mean() {
        return mean.clone();
    }

    /** Variance along each component, decreasing. */
    public double[] variances() {
        return variances.clone();
    }

    /** Component k as a unit vector. */
    public double[] component(int k) {
        return components[k].clone();
    }

    /**
     * Scores on the first {@code k} components, then the row's remaining columns (from {@code
     * columns} on) unchanged.
     */
    public double[][] transform(double[][] x, int k, int columns) {
        int d = mean.length;
        if (k > components.length) {
            throw new IllegalArgumentException(
                    k + " components asked of a PCA with " + components.length);
        }
        double[][] out = new double[x.length][];
        double[] c = new double[d];
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            int rest = row.length - columns;
            double[] o = new double[k + rest];
            for (int j = 0; j < d; j++) {
                c[j] = row[j] - mean[j];
            }
            for (int m = 0; m < k; m++) {
                double[] v = components[m];
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += v[j] * c[j];
                }
                o[m] = s;
            }
            System.arraycopy(row, columns, o, k, rest);
            out[i] = o;
        }
        return out;
    }

    /**
     * Householder reduction of the symmetric a to tridiagonal form; a becomes the accumulated
     * transform.
     */
    private static void tridiagonalize(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                    v[j][i] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    /**
     * Implicit QL iterations on the tridiagonal (d, e); eigenvalues ascending in d, eigenvectors in
     * v's columns.
     */
    private static void ql(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0;
        double f = 0;
        double tst1 = 0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) {
                    break;
                }
                m++;
            }
            if (m > l) {
                do {
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Math.hypot(p, 1);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    p = d[m];
                    double c = 1;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0;
                    double s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; k < n; k++) {
                            h = v[k][i + 1];
                            v[k][i + 1] = s * v[k][i] + c * h;
                            v[k][i] = c * v[k][i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0;
        }
        // sort ascending
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) {
                    double t = v[j][i];
                    v[j][i] = v[j][k];
                    v[j][k] = t;
                }
            }
        }
    }
}
