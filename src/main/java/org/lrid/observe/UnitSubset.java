package org.lrid.observe;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.lrid.net.Init;

/**
 * The units one recording condition keeps of one layer's measure: a seeded choice that depends only on
 * (condition seed, key, number of units), so that every checkpoint sees the same cells.
 */
public final class UnitSubset {

    private UnitSubset() {}

    /**
     * Sorted indices of ceil(fraction x n) of n units.
     *
     * @param key separates the streams of different layers and measures (e.g. layer x 16 + measure)
     */
    public static int[] choose(RecordingCondition c, long key, int n) {
        int k = c.kept(n);
        if (k >= n) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // partial Fisher-Yates: the first k of a seeded permutation
        SplittableRandom r = new SplittableRandom(Init.derive(c.seed(), key));
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] chosen = Arrays.copyOf(perm, k);
        Arrays.sort(chosen);
        return chosen;
    }

    /** v at the chosen indices. */
    public static float[] gather(float[] v, int[] indices) {
        float[] out = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = v[indices[i]];
        }
        return out;
    }

    /** The chosen columns of a row-major rows x cols matrix. */
    public static float[] gatherColumns(float[] m, int rows, int cols, int[] columns) {
        float[] out = new float[rows * columns.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < columns.length; j++) {
                out[r * columns.length + j] = m[r * cols + columns[j]];
            }
        }
        return out;
    }

    /** Adds N(0, sigma^2) noise in place, fresh at each checkpoint but fixed by (seed, key, checkpoint). */
    public static void addNoise(float[] v, RecordingCondition c, long key, int checkpoint) {
        if (c.noiseSigma() == 0) {
            return;
        }
        SplittableRandom r = new SplittableRandom(Init.derive(Init.derive(c.seed() ^ 0x401CEL, key), checkpoint));
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (c.noiseSigma() * org.lrid.Gaussian.next(r));
        }
    }
}
