package org.lrid.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recording condition applied to a measured tensor, then its statistics: keep the condition's units
 * (the same at every checkpoint), add its noise (fresh at each checkpoint), take the 21 statistics of
 * {@link SummaryStatistics}. The caller's arrays are never modified.
 *
 * <p>An instance keeps scratch buffers and the subsets it has drawn (a chronic recording asks for the
 * same units at every checkpoint, so they are drawn once): use one instance per thread.
 */
public final class ConditionStatistics {

    private static final int CACHED_SUBSETS = 64;

    private final SummaryStatistics stats = new SummaryStatistics();
    private final Map<SubsetKey, int[]> subsets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SubsetKey, int[]> eldest) {
            return size() > CACHED_SUBSETS;
        }
    };
    private float[] buffer = new float[0];

    private record SubsetKey(double fraction, long seed, long key, int n) {}

    /** The statistics engine this instance uses (for conditions-free calls on the same thread). */
    public SummaryStatistics statistics() {
        return stats;
    }

    /**
     * The weight measure: the 21 statistics of the kept elements of {@code w} (units are synapses) with
     * the condition's noise, into {@code out[outOff, outOff + 21)}.
     *
     * @param key the stream key, e.g. {@link UnitSubset#weightKey(int)}
     * @param checkpoint index of the checkpoint (seeds the noise)
     */
    public void weight(float[] w, RecordingCondition c, long key, int checkpoint, double[] out, int outOff) {
        Objects.requireNonNull(c, "condition");
        int n = w.length;
        if (c.isFull()) {
            stats.flat(w, 0, n, out, outOff);
            return;
        }
        float[] v;
        int len;
        if (c.kept(n) == n) {
            v = buffer(n);
            System.arraycopy(w, 0, v, 0, n);
            len = n;
        } else {
            int[] kept = units0(c, key, n);
            v = buffer(kept.length);
            UnitSubset.gather(w, kept, v);
            len = kept.length;
        }
        UnitSubset.addNoise(v, 0, len, c, key, checkpoint);
        stats.flat(v, 0, len, out, outOff);
    }

    /** As {@link #weight(float[], RecordingCondition, long, int, double[], int)}, in a new array. */
    public double[] weight(float[] w, RecordingCondition c, long key, int checkpoint) {
        double[] out = new double[SummaryStatistics.COUNT];
        weight(w, c, key, checkpoint, out, 0);
        return out;
    }

    /**
     * The act measure: a row-major {@code rows x cols} matrix (rows = probe examples, cols = output
     * units); keep the condition's columns, add its noise, take the 21 statistics of each row and average
     * them over rows, into {@code out[outOff, outOff + 21)}.
     *
     * @param key the stream key, e.g. {@link UnitSubset#actKey(int)}
     */
    public void act(float[] h, int rows, int cols, RecordingCondition c, long key, int checkpoint, double[] out,
            int outOff) {
        Objects.requireNonNull(c, "condition");
        if ((long) rows * cols != h.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " does not match " + h.length + " values");
        }
        if (c.isFull()) {
            stats.rowAveraged(h, rows, cols, out, outOff);
            return;
        }
        float[] v;
        int k;
        if (c.kept(cols) == cols) {
            v = buffer(h.length);
            System.arraycopy(h, 0, v, 0, h.length);
            k = cols;
        } else {
            int[] kept = units0(c, key, cols);
            k = kept.length;
            v = buffer(rows * k);
            UnitSubset.gatherColumns(h, rows, cols, kept, v);
        }
        UnitSubset.addNoise(v, 0, rows * k, c, key, checkpoint);
        stats.rowAveraged(v, rows, k, out, outOff);
    }

    /** As {@link #act(float[], int, int, RecordingCondition, long, int, double[], int)}, in a new array. */
    public double[] act(float[] h, int rows, int cols, RecordingCondition c, long key, int checkpoint) {
        double[] out = new double[SummaryStatistics.COUNT];
        act(h, rows, cols, c, key, checkpoint, out, 0);
        return out;
    }

    /**
     * The gradavg measure: the three values {raw, abs, sq} of per-example values already computed over
     * the condition's kept units ({@link UnitSubset#gradavgUnits}), after the condition's noise.
     *
     * @param key the stream key of the noise, e.g. {@link UnitSubset#gradavgKey(int)}
     */
    public static double[] gradavg(float[] perExample, RecordingCondition c, long key, int checkpoint) {
        if (c.noiseSigma() == 0) {
            return SummaryStatistics.gradavgValues(perExample);
        }
        float[] g = perExample.clone();
        UnitSubset.addNoise(g, c, key, checkpoint);
        return SummaryStatistics.gradavgValues(g);
    }

    /** {@link UnitSubset#choose}, drawn once per (condition, key, n) by this instance; a copy. */
    public int[] units(RecordingCondition c, long key, int n) {
        return units0(c, key, n).clone();
    }

    private int[] units0(RecordingCondition c, long key, int n) {
        return subsets.computeIfAbsent(new SubsetKey(c.unitFraction(), c.seed(), key, n),
                k -> UnitSubset.choose(c, key, n));
    }

    private float[] buffer(int n) {
        if (buffer.length < n) {
            buffer = new float[n];
        }
        return buffer;
    }
}
