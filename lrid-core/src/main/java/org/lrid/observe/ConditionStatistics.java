package org.lrid.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recording condition applied to a measured tensor, then its statistics: keep the condition's
 * units (the same at every checkpoint), add its noise (fresh at each checkpoint), take the 21
 * statistics of {@link SummaryStatistics}. The caller's arrays are never modified.
 *
 * <p>An instance keeps scratch buffers and the subsets it has drawn (a chronic recording asks for
 * the same units at every checkpoint, so they are drawn once): use one instance per thread.
 */
public final class ConditionStatistics {

    private static final int CACHED_SUBSETS = 64;

    private final SummaryStatistics stats = new SummaryStatistics();
    private final Map<SubsetKey, int[]> subsets =
            new LinkedHashMap<>(16, 0.75f, true) {
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
     * The weight measure: the 21 statistics of the kept elements of {@code w} (units are synapses)
     * with the condition's noise, into {@code out[outOff, outOff + 21)}.
     *
     * @param key the stream key, e.g. {@link UnitSubset#weightKey(int)}
     * @param checkpoint index of the checkpoint (seeds the noise)
     */
    public void weight(
            float[] w, RecordingCondition c, long key, int checkpoint, double[] out, int outOff) {
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

    /**
     * As {@link #weight(float[], RecordingCondition, long, int, double[], int)}, in a new array.
     */
    public double[] weight(float[] w, RecordingCondition c, long key, int checkpoint) {
        double[] out = new double[SummaryStatistics.COUNT];
        weight(w, c, key, checkpoint, out, 0);
        return out;
    }

    /**
     * The act measure: a row-major {@code rows x cols} matrix (rows = probe examples, cols = output
     * units); keep the condition's columns, add its noise, take the 21 statistics of each row and
     * average them over rows, into {@code out[outOff, outOff + 21)}.
     *
     * @param key the stream key, e.g. {@link UnitSubset#actKey(int)}
     */
    public void act(
            float[] h,
            int rows,
            int cols,
            RecordingCondition c,
            long key,
            int checkpoint,
            double[] out,
            int outOff) {
        Objects.requireNonNull(c, "condition");
        if ((long) rows * cols != h.length) {
            throw new IllegalArgumentException(
                    rows + " x " + cols + " does not match " + h.length + " values");
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

    /**
     * As {@link #act(float[], int, int, RecordingCondition, long, int, double[], int)}, in a new
     * array.
     */
    public double[] act(
            float[] h, int rows, int cols, RecordingCondition c, long key, int checkpoint) {
        double[] out = new double[SummaryStatistics.COUNT];
        act(h, rows, cols, c, key, checkpoint, out, 0);
        return out;
    }

    /**
     * The gradavg measure: the three values {raw, abs, sq} of per-example values already computed
     * over the condition's kept units ({@link UnitSubset#gradavgUnits}), after the condition's
     * noise.
     *
     * <p>The noise is the reference's (science.md section 3; neuroailab/lr-identify,
     * tensorflow/Metrics/functions.py, compute_act_gradient, lines 144-155): N(0, sigma^2) on each
     * entry of the per-example Jacobian row sums J_i = d(sum_j h_j)/dx_i, then the sum over the
     * k_in kept inputs, then the division by k_out. The k_in independent draws sum to one draw of
     * std sigma sqrt(k_in), so each per-example value receives N(0, (sigma sqrt(k_in) / k_out)^2),
     * drawn once.
     *
     * @param key the stream key of the noise, e.g. {@link UnitSubset#gradavgKey(int)}
     * @param keptInputs k_in, the number of kept input units (the sum's length)
     * @param keptOutputs k_out, the number of kept output units (the divisor)
     */
    public static double[] gradavg(
            float[] perExample,
            RecordingCondition c,
            long key,
            int checkpoint,
            int keptInputs,
            int keptOutputs) {
        if (c.noiseSigma() == 0) {
            return SummaryStatistics.gradavgValues(perExample);
        }
        if (keptInputs < 1 || keptOutputs < 1) {
            throw new IllegalArgumentException(
                    "gradavg needs kept units, got " + keptInputs + " x " + keptOutputs);
        }
        float[] g = perExample.clone();
        UnitSubset.addNoise(
                g, 0, g.length, c, key, checkpoint, gradavgNoiseScale(keptInputs, keptOutputs));
        return SummaryStatistics.gradavgValues(g);
    }

    /** sqrt(k_in) / k_out: the per-example gradavg noise is sigma times this. */
    public static double gradavgNoiseScale(int keptInputs, int keptOutputs) {
        return Math.sqrt(keptInputs) / keptOutputs;
    }

    /** {@link UnitSubset#choose}, drawn once per (condition, key, n) by this instance; a copy. */
    public int[] units(RecordingCondition c, long key, int n) {
        return units0(c, key, n).clone();
    }

    private int[] units0(RecordingCondition c, long key, int n) {
        return subsets.computeIfAbsent(
                new SubsetKey(c.unitFraction(), c.seed(), key, n),
                k -> UnitSubset.choose(c, key, n));
    }

    private float[] buffer(int n) {
        if (buffer.length < n) {
            buffer = new float[n];
        }
        return buffer;
    }
}
