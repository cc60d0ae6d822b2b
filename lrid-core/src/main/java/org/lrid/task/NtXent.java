package org.lrid.task;

/**
 * The NT-Xent (normalised temperature-scaled cross-entropy) loss of SimCLR on 2N embeddings where
 * rows i and i + N are two views of one image, with its exact gradient. Computed in double
 * precision in Java: with 2N = 256 rows it is a few million multiply-adds.
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
        double[][] p = new double[rows][rows];
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < rows; j++) {
                if (j != i) {
                    p[i][j] = dot(z[i], z[j]) / temperature;
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

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
