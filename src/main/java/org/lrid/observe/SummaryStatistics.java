package org.lrid.observe;

/**
 * The 21 statistics (raw, abs, sq x norm, mean, median, thirdquartile, var, skew, kurtosis) of a set of
 * values, in the order of {@link Observables#ALL}. Sums are taken in double; quantiles interpolate
 * linearly between order statistics at position q (n - 1), as numpy's default; variance is the
 * population variance; skew is Pearson's second coefficient 3 (mean - median) / std; kurtosis is
 * E[(v - mean)^4] / var^2 (not excess). Zero variance gives skew 0 and kurtosis 0 rather than NaN.
 *
 * <p>Quantiles come from quickselect on a scratch copy for small sets, and for large ones from a radix
 * histogram filled by the same two passes that take the moments ({@link RadixQuantiles}); never a sort. Because sq is a monotone function of
 * abs, the order statistics of sq are the squares of those of abs: one selection serves both. An
 * instance keeps its scratch buffer: use one per thread.
 */
public final class SummaryStatistics {

    public static final int COUNT = Observables.PER_MEASURE;

    /** Above this size quantiles come from a two-pass radix histogram instead of quickselect. */
    private static final int RADIX_THRESHOLD = 4096;

    private float[] scratch = new float[0];
    private RadixQuantiles rawRadix;
    private RadixQuantiles absRadix;

    /** The 21 statistics of {@code v[off, off + len)} written to {@code out[outOff, outOff + 21)}. */
    public void flat(float[] v, int off, int len, double[] out, int outOff) {
        if (len == 0) {
            java.util.Arrays.fill(out, outOff, outOff + COUNT, Double.NaN);
            return;
        }
        boolean radix = len > RADIX_THRESHOLD;
        if (radix && rawRadix == null) {
            rawRadix = new RadixQuantiles();
            absRadix = new RadixQuantiles();
        }
        if (radix) {
            rawRadix.start();
            absRadix.start();
        }
        double sumRaw = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumQuad = 0;
        float min = Float.POSITIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            float f = v[i];
            double x = f;
            double x2 = x * x;
            min = Math.min(min, f);
            sumRaw += x;
            sumAbs += Math.abs(x);
            sumSq += x2;
            sumQuad += x2 * x2;
            if (radix) {
                rawRadix.countHigh(RadixQuantiles.key(f));
                absRadix.countHigh(RadixQuantiles.key(Math.abs(f)));
            }
        }
        // with no negative value (ReLU activity, sq) abs is raw: its order statistics need no second pass
        boolean nonNegative = min >= 0;
        if (radix) {
            rawRadix.locate(len);
            if (!nonNegative) {
                absRadix.locate(len);
            }
        }
        double meanRaw = sumRaw / len;
        double meanAbs = sumAbs / len;
        double meanSq = sumSq / len;
        double c2Raw = 0;
        double c4Raw = 0;
        double c2Abs = 0;
        double c4Abs = 0;
        double c2Sq = 0;
        double c4Sq = 0;
        for (int i = off; i < off + len; i++) {
            float f = v[i];
            double x = f;
            double d = x - meanRaw;
            double d2 = d * d;
            c2Raw += d2;
            c4Raw += d2 * d2;
            d = Math.abs(x) - meanAbs;
            d2 = d * d;
            c2Abs += d2;
            c4Abs += d2 * d2;
            d = x * x - meanSq;
            d2 = d * d;
            c2Sq += d2;
            c4Sq += d2 * d2;
            if (radix) {
                rawRadix.countLow(RadixQuantiles.key(f));
                if (!nonNegative) {
                    absRadix.countLow(RadixQuantiles.key(Math.abs(f)));
                }
            }
        }
        double[] rawPair;
        double[] absPair;
        if (radix) {
            rawPair = rawRadix.pairs();
            absPair = nonNegative ? rawPair : absRadix.pairs();
        } else {
            if (scratch.length < len) {
                scratch = new float[Math.max(len, scratch.length * 2)];
            }
            System.arraycopy(v, off, scratch, 0, len);
            rawPair = orderPairs(scratch, len);
            if (nonNegative) {
                absPair = rawPair;
            } else {
                for (int i = 0; i < len; i++) {
                    scratch[i] = Math.abs(v[off + i]);
                }
                absPair = orderPairs(scratch, len);
            }
        }
        double medAbs = interpolate(absPair, 0, false);
        double q3Abs = interpolate(absPair, 1, false);
        double medSq = interpolate(absPair, 0, true);
        double q3Sq = interpolate(absPair, 1, true);

        double norm = Math.sqrt(sumSq);
        write(out, outOff, norm, meanRaw, interpolate(rawPair, 0, false), interpolate(rawPair, 1, false),
                c2Raw / len, c4Raw / len);
        write(out, outOff + 7, norm, meanAbs, medAbs, q3Abs, c2Abs / len, c4Abs / len);
        write(out, outOff + 14, Math.sqrt(sumQuad), meanSq, medSq, q3Sq, c2Sq / len, c4Sq / len);
    }

    /**
     * The 21 statistics of each row of a row-major {@code rows x cols} matrix, averaged over rows (the
     * act measure: statistics over a probe example's units, then the probe-batch mean).
     */
    public void rowAveraged(float[] m, int rows, int cols, double[] out, int outOff) {
        double[] acc = new double[COUNT];
        double[] row = new double[COUNT];
        for (int r = 0; r < rows; r++) {
            flat(m, r * cols, cols, row, 0);
            for (int k = 0; k < COUNT; k++) {
                acc[k] += row[k];
            }
        }
        for (int k = 0; k < COUNT; k++) {
            out[outOff + k] = acc[k] / rows;
        }
    }

    /** Probe-batch means of raw, abs and sq of per-example values: the three gradavg observables. */
    public static double[] gradavg(float[] perExample) {
        double raw = 0;
        double abs = 0;
        double sq = 0;
        for (float v : perExample) {
            raw += v;
            abs += Math.abs(v);
            sq += (double) v * v;
        }
        int n = perExample.length;
        return new double[] {raw / n, abs / n, sq / n};
    }

    private static void write(double[] out, int o, double norm, double mean, double median, double q3, double var,
            double m4) {
        out[o] = norm;
        out[o + 1] = mean;
        out[o + 2] = median;
        out[o + 3] = q3;
        out[o + 4] = var;
        double std = Math.sqrt(var);
        out[o + 5] = var > 0 ? 3 * (mean - median) / std : 0;
        out[o + 6] = var > 0 ? m4 / (var * var) : 0;
    }

    /**
     * For q = 0.5 and 0.75: the order statistics at floor(q (n - 1)) and the next one, with the
     * interpolation weight: {lo50, hi50, w50, lo75, hi75, w75}.
     */
    private static double[] orderPairs(float[] a, int n) {
        double[] r = new double[6];
        double[] qs = {0.5, 0.75};
        int from = 0;
        for (int j = 0; j < 2; j++) {
            double pos = qs[j] * (n - 1);
            int k = (int) Math.floor(pos);
            select(a, from, n - 1, k);
            from = k; // everything left of k is no larger: the 75th percentile lies right of the median
            float lo = a[k];
            float hi = lo;
            if (k + 1 < n) {
                hi = a[k + 1];
                for (int i = k + 2; i < n; i++) {
                    if (a[i] < hi) {
                        hi = a[i];
                    }
                }
            }
            r[3 * j] = lo;
            r[3 * j + 1] = hi;
            r[3 * j + 2] = pos - k;
        }
        return r;
    }

    private static double interpolate(double[] pairs, int which, boolean squared) {
        double lo = pairs[3 * which];
        double hi = pairs[3 * which + 1];
        double w = pairs[3 * which + 2];
        if (squared) {
            lo *= lo;
            hi *= hi;
        }
        return lo + w * (hi - lo);
    }

    /** Hoare-style quickselect: puts the k-th smallest of a[left..right] at k. */
    private static void select(float[] a, int left, int right, int k) {
        while (right > left) {
            int mid = (left + right) >>> 1;
            // median of three as pivot guards against sorted inputs
            if (a[mid] < a[left]) {
                swap(a, mid, left);
            }
            if (a[right] < a[left]) {
                swap(a, right, left);
            }
            if (a[right] < a[mid]) {
                swap(a, right, mid);
            }
            float pivot = a[mid];
            int i = left;
            int j = right;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return;
            }
        }
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
