package org.lrid.task;

/**
 * The NT-Xent (normalised temperature-scaled cross-entropy) loss of SimCLR on 2N embeddings where
 * rows i and i + N are two views of one image, with its exact gradient. Computed in double
 * precision in Java: with 2N = 256 rows it is a few million multiply-adds.
 *
 * <p>The similarities take most of that time (2N x 2N dot products): each pair is computed once
 * (the matrix is symmetric bit for bit: every dot product sums the same products in the same order)
 * and four at a time, so that four independent sums are in flight instead of one chain of dependent
 * additions. The values are those of the one-pair-at-a-time loop, bit for bit (tested).
 */
public final class NtXent {

    private NtXent() {}

    /**
     * Loss (mean over the 2N anchors) and dL/du written into {@code gradOut} (same layout as u).
     */
    public static double lossAndGradient(
            float[] u, int rows, int dim, double temperature, float[] gradOut) {
        int half = rows / 2;
        double[][] z = new double[rows][dim];
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += (double) u[i * dim + k] * u[i * dim + k];
            }
            norms[i] = Math.sqrt(Math.max(s, 1e-24));
            for (int k = 0; k < dim; k++) {
                z[i][k] = u[i * dim + k] / norms[i];
            }
        }
        double[][] p = similarities(z);
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < rows; j++) {
                if (j != i) {
                    p[i][j] = p[i][j] / temperature;
                    max = Math.max(max, p[i][j]);
                }
            }
            double sum = 0;
            for (int j = 0; j < rows; j++) {
                if (j != i) {
                    p[i][j] = Math.exp(p[i][j] - max);
                    sum += p[i][j];
                }
            }
            int pos = i < half ? i + half : i - half;
            loss += -Math.log(p[i][pos] / sum);
            for (int j = 0; j < rows; j++) {
                p[i][j] = j == i ? 0 : p[i][j] / sum;
            }
        }
        // dL/dz_i = (1 / (2N tau)) [sum_k (P_ik + P_ki) z_k - 2 z_pos(i)]
        double scale = 1.0 / (rows * temperature);
        for (int i = 0; i < rows; i++) {
            int pos = i < half ? i + half : i - half;
            double[] g = new double[dim];
            for (int k = 0; k < rows; k++) {
                double w = p[i][k] + p[k][i] - (k == pos ? 2 : 0);
                if (w != 0) {
                    for (int d = 0; d < dim; d++) {
                        g[d] += w * z[k][d];
                    }
                }
            }
            double gz = 0;
            for (int d = 0; d < dim; d++) {
                g[d] *= scale;
                gz += g[d] * z[i][d];
            }
            for (int d = 0; d < dim; d++) {
                gradOut[i * dim + d] = (float) ((g[d] - gz * z[i][d]) / norms[i]);
            }
        }
        return loss / rows;
    }

    /** z_i . z_j for every pair i != j (the diagonal is left 0). */
    static double[][] similarities(double[][] z) {
        int rows = z.length;
        double[][] s = new double[rows][rows];
        for (int i = 0; i < rows; i++) {
            double[] a = z[i];
            int j = i + 1;
            for (; j + 3 < rows; j += 4) {
                double[] b0 = z[j];
                double[] b1 = z[j + 1];
                double[] b2 = z[j + 2];
                double[] b3 = z[j + 3];
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (int k = 0; k < a.length; k++) {
                    double ak = a[k];
                    s0 += ak * b0[k];
                    s1 += ak * b1[k];
                    s2 += ak * b2[k];
                    s3 += ak * b3[k];
                }
                s[i][j] = s0;
                s[j][i] = s0;
                s[i][j + 1] = s1;
                s[j + 1][i] = s1;
                s[i][j + 2] = s2;
                s[j + 2][i] = s2;
                s[i][j + 3] = s3;
                s[j + 3][i] = s3;
            }
            for (; j < rows; j++) {
                double v = dot(a, z[j]);
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
