package org.lrid.observe;

import java.util.Arrays;

/**
 * Exact median and 75th percentile of a large array in two streaming passes: the first counts the high
 * 16 bits of each value's order-preserving integer key, the second counts the low 16 bits inside the
 * (at most four) high buckets that hold the wanted ranks. The caller feeds both passes, so they can share
 * the loops that compute the moments.
 */
final class RadixQuantiles {

    private static final double[] QS = {0.5, 0.75};
    private final int[] high = new int[1 << 16];
    private final int[][] low = new int[4][1 << 16];
    private final int[] ranks = new int[4];
    private final double[] weights = new double[2];
    private final int[] bucket = new int[4];
    private final int[] rankInBucket = new int[4];
    private int[] distinct = new int[0];

    /** An int whose unsigned order is the float order (IEEE sign-magnitude folded to unsigned order). */
    static int key(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? ~bits : bits ^ 0x80000000;
    }

    static float fromKey(int key) {
        int bits = key < 0 ? key ^ 0x80000000 : ~key;
        return Float.intBitsToFloat(bits);
    }

    void start() {
        Arrays.fill(high, 0);
    }

    void countHigh(int key) {
        high[key >>> 16]++;
    }

    /** After the first pass over {@code len} values: which buckets the second pass must resolve. */
    void locate(int len) {
        for (int j = 0; j < 2; j++) {
            double pos = QS[j] * (len - 1);
            int k = (int) Math.floor(pos);
            ranks[2 * j] = k;
            ranks[2 * j + 1] = Math.min(k + 1, len - 1);
            weights[j] = pos - k;
        }
        for (int r = 0; r < 4; r++) {
            int cum = 0;
            int b = 0;
            while (cum + high[b] <= ranks[r]) {
                cum += high[b];
                b++;
            }
            bucket[r] = b;
            rankInBucket[r] = ranks[r] - cum;
        }
        distinct = Arrays.stream(bucket).distinct().toArray();
        for (int d = 0; d < distinct.length; d++) {
            Arrays.fill(low[d], 0);
        }
    }

    void countLow(int key) {
        int b = key >>> 16;
        for (int d = 0; d < distinct.length; d++) {
            if (distinct[d] == b) {
                low[d][key & 0xffff]++;
                return;
            }
        }
    }

    /** {lo50, hi50, w50, lo75, hi75, w75}: the neighbouring order statistics and interpolation weights. */
    double[] pairs() {
        double[] values = new double[4];
        for (int r = 0; r < 4; r++) {
            int d = 0;
            while (distinct[d] != bucket[r]) {
                d++;
            }
            int cum = 0;
            int lo = 0;
            while (cum + low[d][lo] <= rankInBucket[r]) {
                cum += low[d][lo];
                lo++;
            }
            values[r] = fromKey((bucket[r] << 16) | lo);
        }
        return new double[] {values[0], values[1], weights[0], values[2], values[3], weights[1]};
    }
}
