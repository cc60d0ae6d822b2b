package org.lrid.observe;

import java.util.Arrays;

/**
 * The 21 statistics (raw, abs, sq x norm, mean, median, thirdquartile, var, skew, kurtosis) of a
 * set of values, in the order of {@link Observables#ALL}: index {@code 7 * transform.ordinal() +
 * statistic.ordinal()}, see {@link #index(Transform, Statistic)}.
 *
 * <p>Definitions (science.md section 3), all accumulated in double:
 *
 * <ul>
 *   <li>norm = sqrt(sum v^2) of the transformed values (so raw and abs have the same norm);
 *   <li>mean; var = population variance (ddof 0), taken in a second pass around the mean (corrected
 *       two-pass: the residual sum of deviations refines both);
 *   <li>median and thirdquartile: linear interpolation between the order statistics around position
 *       q (n - 1), exactly numpy.percentile's default;
 *   <li>skew = Pearson's second coefficient 3 (mean - median) / std;
 *   <li>kurtosis = E[(v - mean)^4] / var^2 (not the excess kurtosis).
 * </ul>
 *
 * <b>Zero variance</b> (all values of a transform equal, e.g. a single value) gives var = 0, skew =
 * 0 and kurtosis = 0, never NaN. Equality is detected exactly and the mean is then the common
 * value, so that rounding in the sum cannot fake a tiny variance (and a skew of +-3 with it). An
 * empty set gives 21 NaN. Non-finite inputs give non-finite statistics (but never hang or throw).
 *
 * <p>Cost: two streaming passes for the moments of all three transforms; quantiles without sorting.
 * The first pass also fills a histogram of the top bits of each value's order-preserving integer
 * key (16 bits for large sets, 11 for small ones); the histogram tells which buckets hold the
 * wanted ranks, the second pass copies only those buckets' values to a scratch buffer, and a
 * quickselect inside each small bucket finishes the job. Because the key of -x is the bitwise
 * complement of the key of x, the histogram of |v| is the raw histogram folded onto its upper half:
 * one histogram serves raw and abs. Because sq is a monotone function of abs, the order statistics
 * of sq are the squares of those of abs: the two neighbouring order statistics of |v| are selected
 * once and give both the abs and the sq quantiles (the sq quantile interpolates the squared
 * values). Sets of at most 24 values skip the histogram: a quickselect on a copy is cheaper there.
 *
 * <p>Thread safety: an instance owns its scratch buffers and must not be shared between threads
 * that use it at the same time; there is no shared mutable static state. Use one instance per
 * thread, or {@link #forCurrentThread()}.
 */
public final class SummaryStatistics {

    /** Statistics per call: 3 transforms x 7 statistics. */
    public static final int COUNT = Observables.PER_MEASURE;

    /** Above this many values the histogram uses 16 key bits, else {@link #SMALL_BITS}. */
    private static final int LARGE = 8192;

    private static final int SMALL_BITS = 11;

    /** Up to this many values a plain quickselect on a copy is cheaper than the histogram. */
    private static final int TINY = 24;

    private static final int LARGE_BITS = 16;
    private static final double[] QS = {0.5, 0.75};

    private static final ThreadLocal<SummaryStatistics> LOCAL =
            ThreadLocal.withInitial(SummaryStatistics::new);

    private final int[] hist = new int[1 << LARGE_BITS];

    /** bucket -> slot of the raw (resp. abs) scratch segment holding it, or -1. */
    private final int[] rawSlot = new int[1 << LARGE_BITS];

    private final int[] absSlot = new int[1 << LARGE_BITS];
    private float[] scratch = new float[0];

    // per call: the four wanted ranks (lo50, hi50, lo75, hi75), their buckets and ranks inside the
    // bucket
    private final int[] ranks = new int[4];

    /** The four ranks' indices in ascending order of rank (hi50 > lo75 when n <= 3). */
    private final int[] order = new int[4];

    private final double[] weights = new double[2];
    private final int[] rawBucket = new int[4];
    private final int[] rawRankIn = new int[4];
    private final int[] absBucket = new int[4];
    private final int[] absRankIn = new int[4];
    // slots: 0..3 raw, 4..7 abs; start offset in scratch, write position and bucket of each
    private final int[] slotStart = new int[8];
    private final int[] slotPos = new int[8];
    private final int[] slotBucket = new int[8];
    private final int[] rankSlot = new int[8];
    private final double[] rawOrder = new double[4];
    private final double[] absOrder = new double[4];
    private final double[] row = new double[COUNT];
    private final double[] acc = new double[COUNT];

    public SummaryStatistics() {
        Arrays.fill(rawSlot, -1);
        Arrays.fill(absSlot, -1);
    }

    /** This thread's instance (one per thread, created on first use). */
    public static SummaryStatistics forCurrentThread() {
        return LOCAL.get();
    }

    /**
     * Position of (transform, statistic) in the 21 values: {@code 7 * t.ordinal() + s.ordinal()}.
     */
    public static int index(Transform t, Statistic s) {
        return t.ordinal() * Statistic.values().length + s.ordinal();
    }

    /** The 21 statistics of all of {@code v} (the weight measure), in a new array. */
    public double[] flat(float[] v) {
        double[] out = new double[COUNT];
        flat(v, 0, v.length, out, 0);
        return out;
    }

    /**
     * The 21 statistics of {@code v[off, off + len)} written to {@code out[outOff, outOff + 21)}.
     */
    public void flat(float[] v, int off, int len, double[] out, int outOff) {
        if (off < 0 || len < 0 || off + len > v.length) {
            throw new IndexOutOfBoundsException(
                    "range [" + off + ", " + (off + len) + ") of " + v.length + " values");
        }
        if (len == 0) {
            Arrays.fill(out, outOff, outOff + COUNT, Double.NaN);
            return;
        }
        if (scratch.length < 2 * len) {
            // the wanted buckets hold at most every value twice (raw and abs); allocated before the
            // histogram is touched, so that nothing can fail while it is dirty
            scratch = new float[2 * len];
        }
        if (len <= TINY) {
            tiny(v, off, len, out, outOff);
            return;
        }
        final int bits = len > LARGE ? LARGE_BITS : SMALL_BITS;
        final int shift = 32 - bits;
        final int buckets = 1 << bits;
        final int half = buckets >>> 1;
        final int mirror = buckets - 1;
        final int[] h =
                hist; // all zero between calls: only the used range [lowB, highB] is cleared after

        // pass 1: power sums and the key histogram
        double sumRaw = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumQuad = 0;
        boolean negative = false;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        float absMin = Float.POSITIVE_INFINITY;
        float absMax = 0;
        int lowB = buckets;
        int highB = -1;
        final int end = off + len;
        for (int i = off; i < end; i++) {
            float f = v[i];
            double x = f;
            double x2 = x * x;
            sumRaw += x;
            sumAbs += Math.abs(x);
            sumSq += x2;
            sumQuad += x2 * x2;
            float a = Math.abs(f);
            min = lesser(min, f);
            max = greater(max, f);
            absMin = lesser(absMin, a);
            absMax = greater(absMax, a);
            int bitsOf = Float.floatToRawIntBits(f);
            negative |= bitsOf < 0;
            int hb = key(bitsOf) >>> shift;
            lowB = Math.min(lowB, hb);
            highB = Math.max(highB, hb);
            h[hb]++;
        }
        // with no sign bit set (ReLU activity, sq) abs is raw: one set of order statistics serves
        // both
        final boolean absIsRaw = !negative;
        computeRanks(len);
        locate(h, lowB, highB + 1, -1, rawBucket, rawRankIn);
        if (!absIsRaw) {
            // buckets of |v|: the upper part of [lowB, highB] and the mirror image of its lower
            // part
            int absFrom = Integer.MAX_VALUE;
            int absTo = Integer.MIN_VALUE;
            if (highB >= half) {
                absFrom = Math.max(lowB, half);
                absTo = highB;
            }
            if (lowB < half) {
                absFrom = Math.min(absFrom, mirror - Math.min(highB, half - 1));
                absTo = Math.max(absTo, mirror - lowB);
            }
            locate(h, absFrom, absTo + 1, mirror, absBucket, absRankIn);
        }

        // slots: one scratch segment per distinct wanted bucket
        int slots = 0;
        int size = 0;
        for (int r = 0; r < 4; r++) {
            int b = rawBucket[r];
            if (rawSlot[b] < 0) {
                rawSlot[b] = slots;
                slotBucket[slots] = b;
                slotStart[slots] = size;
                slotPos[slots] = size;
                size += h[b];
                slots++;
            }
            rankSlot[r] = rawSlot[b];
        }
        if (!absIsRaw) {
            for (int r = 0; r < 4; r++) {
                int b = absBucket[r];
                if (absSlot[b] < 0) {
                    absSlot[b] = slots;
                    slotBucket[slots] = b;
                    slotStart[slots] = size;
                    slotPos[slots] = size;
                    size += h[b] + h[b ^ mirror];
                    slots++;
                }
                rankSlot[4 + r] = absSlot[b];
            }
        }
        final float[] s = scratch;

        // pass 2: central moments, and the values of the wanted buckets
        // all values equal (per transform): the exact value as mean, so that the variance is
        // exactly 0
        final boolean rawConstant = min == max;
        final boolean absConstant = absMin == absMax;
        final double meanRaw = rawConstant ? min : sumRaw / len;
        final double meanAbs = absConstant ? absMin : sumAbs / len;
        final double meanSq = absConstant ? (double) absMin * absMin : sumSq / len;
        double c1Raw = 0;
        double c1Abs = 0;
        double c1Sq = 0;
        double c2Raw = 0;
        double c4Raw = 0;
        double c2Abs = 0;
        double c4Abs = 0;
        double c2Sq = 0;
        double c4Sq = 0;
        final int[] rs = rawSlot;
        final int[] as = absSlot;
        for (int i = off; i < end; i++) {
            float f = v[i];
            double x = f;
            double d = x - meanRaw;
            double d2 = d * d;
            c1Raw += d;
            c2Raw += d2;
            c4Raw += d2 * d2;
            d = Math.abs(x) - meanAbs;
            d2 = d * d;
            c1Abs += d;
            c2Abs += d2;
            c4Abs += d2 * d2;
            d = x * x - meanSq;
            d2 = d * d;
            c1Sq += d;
            c2Sq += d2;
            c4Sq += d2 * d2;
            int hb = key(Float.floatToRawIntBits(f)) >>> shift;
            int slot = rs[hb];
            if (slot >= 0) {
                s[slotPos[slot]++] = f;
            }
            if (!absIsRaw) {
                slot = as[hb ^ (((hb - half) >> 31) & mirror)]; // the bucket of |f|, branch-free
                if (slot >= 0) {
                    s[slotPos[slot]++] = Math.abs(f);
                }
            }
        }
        orderStatistics(s, 0, rawRankIn, rawOrder);
        double[] absOrd = rawOrder;
        if (!absIsRaw) {
            orderStatistics(s, 4, absRankIn, absOrder);
            absOrd = absOrder;
        }
        // reset the histogram and the slot tables for the next call
        Arrays.fill(h, lowB, highB + 1, 0);
        for (int k = 0; k < slots; k++) {
            if (rawSlot[slotBucket[k]] == k) {
                rawSlot[slotBucket[k]] = -1;
            }
            if (absSlot[slotBucket[k]] == k) {
                absSlot[slotBucket[k]] = -1;
            }
        }

        finish(
                out, outOff, len, sumSq, sumQuad, meanRaw, meanAbs, meanSq, c1Raw, c2Raw, c4Raw,
                c1Abs, c2Abs, c4Abs, c1Sq, c2Sq, c4Sq, absOrd);
    }

    /**
     * Small sets: the values and their absolute values in scratch, two plain passes and
     * quickselect.
     */
    private void tiny(float[] v, int off, int len, double[] out, int outOff) {
        final float[] s = scratch;
        double sumRaw = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumQuad = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        float absMin = Float.POSITIVE_INFINITY;
        float absMax = 0;
        for (int i = 0; i < len; i++) {
            float f = v[off + i];
            float a = Math.abs(f);
            s[i] = f;
            s[len + i] = a;
            double x = f;
            double x2 = x * x;
            sumRaw += x;
            sumAbs += a;
            sumSq += x2;
            sumQuad += x2 * x2;
            min = lesser(min, f);
            max = greater(max, f);
            absMin = lesser(absMin, a);
            absMax = greater(absMax, a);
        }
        final double meanRaw = min == max ? min : sumRaw / len;
        final boolean absConstant = absMin == absMax;
        final double meanAbs = absConstant ? absMin : sumAbs / len;
        final double meanSq = absConstant ? (double) absMin * absMin : sumSq / len;
        double c1Raw = 0;
        double c1Abs = 0;
        double c1Sq = 0;
        double c2Raw = 0;
        double c4Raw = 0;
        double c2Abs = 0;
        double c4Abs = 0;
        double c2Sq = 0;
        double c4Sq = 0;
        for (int i = 0; i < len; i++) {
            double x = s[i];
            double d = x - meanRaw;
            double d2 = d * d;
            c1Raw += d;
            c2Raw += d2;
            c4Raw += d2 * d2;
            d = Math.abs(x) - meanAbs;
            d2 = d * d;
            c1Abs += d;
            c2Abs += d2;
            c4Abs += d2 * d2;
            d = x * x - meanSq;
            d2 = d * d;
            c1Sq += d;
            c2Sq += d2;
            c4Sq += d2 * d2;
        }
        computeRanks(len);
        System.arraycopy(ranks, 0, rawRankIn, 0, 4);
        slotStart[0] = 0;
        slotPos[0] = len;
        slotStart[1] = len;
        slotPos[1] = 2 * len;
        for (int r = 0; r < 4; r++) {
            rankSlot[r] = 0;
            rankSlot[4 + r] = 1;
        }
        orderStatistics(s, 0, rawRankIn, rawOrder);
        orderStatistics(s, 4, rawRankIn, absOrder);
        finish(
                out, outOff, len, sumSq, sumQuad, meanRaw, meanAbs, meanSq, c1Raw, c2Raw, c4Raw,
                c1Abs, c2Abs, c4Abs, c1Sq, c2Sq, c4Sq, absOrder);
    }

    private void finish(
            double[] out,
            int outOff,
            int len,
            double sumSq,
            double sumQuad,
            double meanRaw,
            double meanAbs,
            double meanSq,
            double c1Raw,
            double c2Raw,
            double c4Raw,
            double c1Abs,
            double c2Abs,
            double c4Abs,
            double c1Sq,
            double c2Sq,
            double c4Sq,
            double[] absOrd) {
        // corrected two-pass: the residual sum of the deviations refines the mean and the variance
        // (exactly 0 for constant data)
        double norm = Math.sqrt(sumSq);
        write(
                out,
                outOff,
                norm,
                meanRaw + c1Raw / len,
                lerp(rawOrder, 0, false),
                lerp(rawOrder, 1, false),
                (c2Raw - c1Raw * c1Raw / len) / len,
                c4Raw / len);
        write(
                out,
                outOff + 7,
                norm,
                meanAbs + c1Abs / len,
                lerp(absOrd, 0, false),
                lerp(absOrd, 1, false),
                (c2Abs - c1Abs * c1Abs / len) / len,
                c4Abs / len);
        write(
                out,
                outOff + 14,
                Math.sqrt(sumQuad),
                meanSq + c1Sq / len,
                lerp(absOrd, 0, true),
                lerp(absOrd, 1, true),
                (c2Sq - c1Sq * c1Sq / len) / len,
                c4Sq / len);
    }

    /**
     * The 21 statistics of each row of a row-major {@code rows x cols} matrix, averaged over rows
     * (the act measure: statistics over a probe example's units, then the probe-batch mean).
     */
    public double[] rowAveraged(float[] m, int rows, int cols) {
        double[] out = new double[COUNT];
        rowAveraged(m, rows, cols, out, 0);
        return out;
    }

    /** As {@link #rowAveraged(float[], int, int)}, written to {@code out[outOff, outOff + 21)}. */
    public void rowAveraged(float[] m, int rows, int cols, double[] out, int outOff) {
        if (rows < 0 || cols < 0 || (long) rows * cols > m.length) {
            throw new IndexOutOfBoundsException(
                    rows + " x " + cols + " matrix in " + m.length + " values");
        }
        if (rows == 0 || cols == 0) {
            Arrays.fill(out, outOff, outOff + COUNT, Double.NaN);
            return;
        }
        Arrays.fill(acc, 0);
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

    /**
     * The three gradavg observables {raw, abs, sq}: probe-batch means of the per-example value, its
     * absolute value and its square (science.md section 3). An empty batch gives NaN.
     */
    public static double[] gradavgValues(float[] perExample) {
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

    /** Same as {@link #gradavgValues(float[])}. */
    public static double[] gradavg(float[] perExample) {
        return gradavgValues(perExample);
    }

    /**
     * The smaller of a running minimum and a value, by a plain comparison that compiles to a
     * branch-free select: {@code Math.min(float, float)} orders -0 below +0 and propagates NaN
     * through branches that ReLU activity (half its values exact zeros, in random order)
     * mispredicted on every other value, 7 ns per value of a probe example's row. Neither
     * difference reaches a statistic: the extremes only decide whether a transform is constant (-0
     * == +0 either way, and the mean of zeros is +0 after the residual correction), and with a NaN
     * the sums, hence mean and variance, are NaN whatever the extremes say.
     */
    private static float lesser(float min, float v) {
        return v < min ? v : min;
    }

    /** The larger of a running maximum and a value; see {@link #lesser}. */
    private static float greater(float max, float v) {
        return v > max ? v : max;
    }

    /**
     * An int whose unsigned order is the float order: negatives complemented, the sign bit set on
     * the rest.
     */
    private static int key(int bits) {
        return bits ^ ((bits >> 31) | 0x80000000); // branch-free: signs are unpredictable
    }

    /**
     * For each of the four {@link #ranks}, taken in ascending {@link #order}: the bucket in [from,
     * to) holding it (counting bucket b as h[b] + h[b ^ mirror] when folding negatives onto
     * positives, mirror >= 0) and its rank inside.
     */
    private void locate(int[] h, int from, int to, int mirror, int[] bucket, int[] rankIn) {
        int i = 0;
        int cum = 0;
        for (int b = from; b < to && i < 4; b++) {
            int c = mirror >= 0 ? h[b] + h[b ^ mirror] : h[b];
            while (i < 4 && ranks[order[i]] < cum + c) {
                int r = order[i];
                bucket[r] = b;
                rankIn[r] = ranks[r] - cum;
                i++;
            }
            cum += c;
        }
    }

    /**
     * The ranks lo50, hi50, lo75, hi75 around q (n - 1), the interpolation weights, and their
     * order.
     */
    private void computeRanks(int len) {
        for (int j = 0; j < 2; j++) {
            double pos = QS[j] * (len - 1);
            int k = (int) Math.floor(pos);
            ranks[2 * j] = k;
            ranks[2 * j + 1] = Math.min(k + 1, len - 1);
            weights[j] = pos - k;
        }
        order[0] = 0;
        boolean swap = ranks[1] > ranks[2]; // only when floor(0.75 (n - 1)) == floor(0.5 (n - 1))
        order[1] = swap ? 2 : 1;
        order[2] = swap ? 1 : 2;
        order[3] = 3;
    }

    private static void write(
            double[] out,
            int o,
            double norm,
            double mean,
            double median,
            double q3,
            double var,
            double m4) {
        out[o] = norm;
        out[o + 1] = mean;
        out[o + 2] = median;
        out[o + 3] = q3;
        out[o + 4] = var;
        out[o + 5] = var > 0 ? 3 * (mean - median) / Math.sqrt(var) : 0;
        out[o + 6] = var > 0 ? m4 / (var * var) : 0;
    }

    /**
     * numpy's linear interpolation for quantile {@code which} (0: median, 1: q75), of squares if
     * asked.
     */
    private double lerp(double[] order, int which, boolean squared) {
        double lo = order[2 * which];
        double hi = order[2 * which + 1];
        if (squared) {
            lo *= lo;
            hi *= hi;
        }
        return lo + weights[which] * (hi - lo);
    }

    /**
     * The four order statistics whose slots start at {@code rankSlot[base]}, taken in ascending
     * {@link #order} (within a slot the positions then ascend too): one quickselect per slot and
     * rank, except that a rank right after one just placed in the same slot is the minimum of the
     * part to its right (a scan), and later ranks in a slot only search right of the last one
     * placed.
     */
    private void orderStatistics(float[] s, int base, int[] rankIn, double[] dst) {
        int prevSlot = -1;
        int placed = -1; // s[.. placed] <= s[placed] <= s[placed + 1 ..] inside the current slot
        double placedValue = 0;
        for (int i = 0; i < 4; i++) {
            int r = order[i];
            int slot = rankSlot[base + r];
            int end = slotPos[slot] - 1;
            int pos = slotStart[slot] + rankIn[r];
            if (slot != prevSlot) {
                placedValue = select(s, slotStart[slot], end, pos);
                dst[r] = placedValue;
                placed = pos;
                prevSlot = slot;
            } else if (pos == placed) {
                dst[r] = placedValue;
            } else if (pos == placed + 1) {
                float m = s[pos];
                for (int j = pos + 1; j <= end; j++) {
                    m = Math.min(m, s[j]);
                }
                dst[r] = m;
            } else {
                placedValue = select(s, placed + 1, end, pos);
                dst[r] = placedValue;
                placed = pos;
            }
        }
    }

    /** Hoare-style quickselect: puts the k-th smallest of a[left..right] at k and returns it. */
    private static float select(float[] a, int left, int right, int k) {
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
                break;
            }
        }
        return a[k];
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
