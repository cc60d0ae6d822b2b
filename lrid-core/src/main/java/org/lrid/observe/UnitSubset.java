package org.lrid.observe;

import java.util.SplittableRandom;
import org.lrid.Gaussian;
import org.lrid.LridException;
import org.lrid.net.Init;

/**
 * The units one recording condition keeps of one layer's measure, and the noise it adds: seeded
 * choices that depend only on (condition seed, stream key, number of units), so that every
 * checkpoint sees the same cells, while the noise is fresh at each checkpoint (but fixed by seed,
 * key and checkpoint).
 *
 * <p><b>Stream keys.</b> Different layers and measures must draw different subsets; the caller
 * passes a key per stream. The convention used by {@link Recorder} is {@code 16 x layer + offset}:
 * {@link #weightKey(int)} (offset 0), {@link #actKey(int)} (1), {@link #gradavgKey(int)} (2: the
 * noise on the per-example values; its output units use key + 1 and its input units key + 2, see
 * {@link #gradavgUnits}).
 *
 * <p>All methods are static and free of shared mutable state: safe from any thread.
 */
public final class UnitSubset {

    private UnitSubset() {}

    /** Key of layer {@code layer}'s weight stream: subset of synapses and their noise. */
    public static long weightKey(int layer) {
        return 16L * layer;
    }

    /**
     * Key of layer {@code layer}'s act stream: subset of output units and the noise on their rates.
     */
    public static long actKey(int layer) {
        return 16L * layer + 1;
    }

    /**
     * Key of layer {@code layer}'s gradavg stream: noise on the per-example values (units: key + 1,
     * + 2).
     */
    public static long gradavgKey(int layer) {
        return 16L * layer + 2;
    }

    /**
     * Sorted indices of ceil(fraction x n) of the n units 0..n-1: the first ones of a permutation
     * seeded by (condition seed, key). The same for the same (seed, fraction, key, n), whatever the
     * checkpoint; every index when the fraction keeps all units.
     */
    public static int[] choose(RecordingCondition c, long key, int n) {
        if (n < 0) {
            throw new LridException("a layer cannot have " + n + " units");
        }
        int k = c.kept(n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (k >= n) {
            return perm;
        }
        // partial Fisher-Yates: the first k of a seeded permutation
        SplittableRandom r = new SplittableRandom(Init.derive(c.seed(), key));
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        // ascending order by marking: O(n), no sort
        boolean[] kept = new boolean[n];
        for (int i = 0; i < k; i++) {
            kept[perm[i]] = true;
        }
        int[] chosen = new int[k];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (kept[i]) {
                chosen[m++] = i;
            }
        }
        return chosen;
    }

    /** The input and output units a condition keeps for a layer's gradavg measure. */
    public record GradavgUnits(int[] inputs, int[] outputs) {}

    /**
     * The kept input and output units of the gradavg measure, drawn from different streams (output
     * units with {@code gradavgKey + 1}, input units with {@code gradavgKey + 2}). The per-example
     * value is then the sum over kept inputs i of d(sum over kept outputs j of h_j)/dx_i, divided
     * by the number of kept outputs; the caller computes it.
     *
     * @param gradavgKey {@link #gradavgKey(int)} of the layer
     */
    public static GradavgUnits gradavgUnits(
            RecordingCondition c, long gradavgKey, int inputUnits, int outputUnits) {
        return new GradavgUnits(
                choose(c, gradavgKey + 2, inputUnits), choose(c, gradavgKey + 1, outputUnits));
    }

    /** v at the chosen indices (weight: the units are the elements). */
    public static float[] gather(float[] v, int[] indices) {
        float[] out = new float[indices.length];
        gather(v, indices, out);
        return out;
    }

    /** v at the chosen indices, written to {@code dst[0, indices.length)}. */
    public static void gather(float[] v, int[] indices, float[] dst) {
        for (int i = 0; i < indices.length; i++) {
            dst[i] = v[indices[i]];
        }
    }

    /**
     * The chosen columns of a row-major rows x cols matrix (act: the units are the output units).
     */
    public static float[] gatherColumns(float[] m, int rows, int cols, int[] columns) {
        float[] out = new float[rows * columns.length];
        gatherColumns(m, rows, cols, columns, out);
        return out;
    }

    /** The chosen columns, as a row-major rows x columns.length matrix in {@code dst}. */
    public static void gatherColumns(float[] m, int rows, int cols, int[] columns, float[] dst) {
        int k = columns.length;
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            int to = r * k;
            for (int j = 0; j < k; j++) {
                dst[to + j] = m[from + columns[j]];
            }
        }
    }

    /**
     * Adds N(0, sigma^2) noise to all of v in place, fresh at each checkpoint but fixed by (seed,
     * key, checkpoint).
     */
    public static void addNoise(float[] v, RecordingCondition c, long key, int checkpoint) {
        addNoise(v, 0, v.length, c, key, checkpoint);
    }

    /**
     * As {@link #addNoise(float[], RecordingCondition, long, int)} on {@code v[off, off + len)}.
     */
    public static void addNoise(
            float[] v, int off, int len, RecordingCondition c, long key, int checkpoint) {
        addNoise(v, off, len, c, key, checkpoint, 1);
    }

    /**
     * As {@link #addNoise(float[], int, int, RecordingCondition, long, int)} with std {@code scale
     * x sigma}.
     */
    public static void addNoise(
            float[] v,
            int off,
            int len,
            RecordingCondition c,
            long key,
            int checkpoint,
            double scale) {
        double sigma = c.noiseSigma() * scale;
        if (sigma == 0) {
            return;
        }
        SplittableRandom r =
                new SplittableRandom(
                        Init.derive(Init.derive(c.seed() ^ 0x401CEL, key), checkpoint));
        Gaussian.fill(r, v, off, len, sigma, true);
    }
}
