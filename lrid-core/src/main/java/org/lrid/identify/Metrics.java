package org.lrid.identify;

/**
 * Scores of a classifier from its confusion matrix (rows: true class, columns: predicted class).
 */
public final class Metrics {

    /** d' is clipped here, where a rate of 0 or 1 would make it infinite. */
    public static final double DPRIME_CLIP = 5;

    private Metrics() {}

    public static long[][] confusion(int[] truth, int[] predicted, int classes) {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    public static double accuracy(double[][] m) {
        double correct = 0;
        double total = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                total += m[i][j];
                if (i == j) {
                    correct += m[i][j];
                }
            }
        }
        return total > 0 ? correct / total : Double.NaN;
    }

    /**
     * Balanced accuracy as the reference defines it (lr-identify's metrics.py, balanced_accuracy):
     * per class, (sensitivity + specificity) / 2 with the class as positive and the rest as
     * negative, averaged over the classes (those that occur among the true labels and also have
     * negatives). Chance is 0.5 for any number of classes.
     */
    public static double balancedAccuracy(double[][] m) {
        int k = m.length;
        double total = 0;
        double[] rows = new double[k];
        double[] cols = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                total += m[i][j];
                rows[i] += m[i][j];
                cols[j] += m[i][j];
            }
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++) {
            double positives = rows[c];
            double negatives = total - rows[c];
            if (positives > 0 && negatives > 0) {
                double sensitivity = m[c][c] / positives;
                double trueNegatives = total - rows[c] - cols[c] + m[c][c];
                sum += (sensitivity + trueNegatives / negatives) / 2;
                present++;
            }
        }
        return present > 0 ? sum / present : Double.NaN;
    }

    /**
     * Mean over classes (that occur) of the recall: what scikit-learn calls
     * balanced_accuracy_score, reported here under its own name. Chance is 1 / classes.
     */
    public static double meanRecall(double[][] m) {
        double sum = 0;
        int present = 0;
        for (int i = 0; i < m.length; i++) {
            double row = 0;
            for (double v : m[i]) {
                row += v;
            }
            if (row > 0) {
                sum += m[i][i] / row;
                present++;
            }
        }
        return present > 0 ? sum / present : Double.NaN;
    }

    /** Per class: z(hit rate) - z(false-alarm rate), clipped to +-{@link #DPRIME_CLIP}. */
    public static double[] dPrime(double[][] m) {
        int k = m.length;
        double total = 0;
        double[] rows = new double[k];
        double[] cols = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                total += m[i][j];
                rows[i] += m[i][j];
                cols[j] += m[i][j];
            }
        }
        double[] d = new double[k];
        for (int c = 0; c < k; c++) {
            double hit = rows[c] > 0 ? m[c][c] / rows[c] : Double.NaN;
            double falseAlarm =
                    total - rows[c] > 0 ? (cols[c] - m[c][c]) / (total - rows[c]) : Double.NaN;
            double v = inverseNormal(hit) - inverseNormal(falseAlarm);
            d[c] = Double.isNaN(v) ? Double.NaN : Math.max(-DPRIME_CLIP, Math.min(DPRIME_CLIP, v));
        }
        return d;
    }

    public static double[][] toDouble(long[][] m) {
        double[][] out = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                out[i][j] = m[i][j];
            }
        }
        return out;
    }

    /** Mean and standard error of the mean. */
    public static double[] meanSem(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sem = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) / Math.sqrt(v.length) : 0;
        return new double[] {mean, sem};
    }

    /**
     * The standard normal quantile function (Acklam's rational approximation, relative error below
     * 1.2e-9); +-infinity at 0 and 1.
     */
    public static double inverseNormal(double p) {
        if (Double.isNaN(p)) {
            return Double.NaN;
        }
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] a = {
            -3.969683028665376e+01,
            2.209460984245205e+02,
            -2.759285104469687e+02,
            1.383577518672690e+02,
            -3.066479806614716e+01,
            2.506628277459239e+00
        };
        double[] b = {
            -5.447609879822406e+01,
            1.615858368580409e+02,
            -1.556989798598866e+02,
            6.680131188771972e+01,
            -1.328068155288572e+01
        };
        double[] c = {
            -7.784894002430293e-03,
            -3.223964580411365e-01,
            -2.400758277161838e+00,
            -2.549732539343734e+00,
            4.374664141464968e+00,
            2.938163982698783e+00
        };
        double[] d = {
            7.784695709041462e-03,
            3.224671290700398e-01,
            2.445134137142996e+00,
            3.754408661907416e+00
        };
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
                * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
