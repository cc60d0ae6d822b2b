package org.lrid.identify;

/** z-scoring with the mean and standard deviation of the training rows only. */
public final class Standardizer {

    private final double[] mean;
    private final double[] std;

    private Standardizer(double[] mean, double[] std) {
        this.mean = mean;
        this.std = std;
    }

    public static Standardizer fit(double[][] x, int[] rows) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[r][j] / rows.length;
            }
        }
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                double v = x[r][j] - mean[j];
                std[j] += v * v / rows.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j]);
            if (std[j] == 0) {
                std[j] = 1; // a constant feature stays 0 rather than NaN
            }
        }
        return new Standardizer(mean, std);
    }

    public double[][] apply(double[][] x, int[] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double[] src = x[rows[i]];
            double[] z = new double[src.length];
            for (int j = 0; j < z.length; j++) {
                z[j] = (src[j] - mean[j]) / std[j];
            }
            out[i] = z;
        }
        return out;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    /** A fitted z-scoring from saved means and standard deviations (positive). */
    static Standardizer of(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std differ in length");
        }
        return new Standardizer(mean.clone(), std.clone());
    }
}
