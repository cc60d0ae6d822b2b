package org.lrid.observe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lrid.net.NativeFloats;
import org.lrid.net.Network;
import org.lrid.net.Recurrent;
import org.lrid.net.RecurrentLayer;
import org.lrid.net.WeightLayer;
import org.lrid.train.Checkpoint;
import org.lrid.train.LayerDiagnostics;
import org.lrid.train.TrainingListener;

/**
 * The virtual experimenter: at every checkpoint, measures each weight layer (its weights, its
 * response to the fixed probe batch, and its layer-wise activity change) under every recording
 * condition, and keeps the 45 statistics of each. Conditions are applied here, during the run,
 * because statistics cannot be recomputed from statistics.
 */
public final class Recorder implements TrainingListener {

    private final List<RecordingCondition> conditions;
    private final List<Observation> observations = new ArrayList<>();
    private final ConditionStatistics stats = new ConditionStatistics();

    /**
     * One reused Java copy per (weight layer, measure): a checkpoint reads each tensor once into
     * it, without the fresh arrays (and their page faults) of toFloatArray.
     */
    private final java.util.Map<Long, float[]> copies = new java.util.HashMap<>();

    private long nanos;

    /**
     * @param conditions extra conditions; {@link RecordingCondition#FULL} is always recorded first,
     *     once: a condition that records the same (fraction 1, sigma 0, whatever its seed) or a
     *     repeat is not added
     */
    public Recorder(List<RecordingCondition> conditions) {
        List<RecordingCondition> all = new ArrayList<>();
        all.add(RecordingCondition.FULL);
        for (RecordingCondition c : conditions) {
            if (!c.isFull() && !all.contains(c)) {
                all.add(c);
            }
        }
        this.conditions = List.copyOf(all);
    }

    public List<RecordingCondition> conditions() {
        return conditions;
    }

    public List<Observation> observations() {
        return observations;
    }

    /** Time spent observing, for the benchmark's observation share. */
    public double seconds() {
        return nanos / 1e9;
    }

    @Override
    public void onCheckpoint(Checkpoint c) {
        long t = System.nanoTime();
        NDArray probe = c.session().probeInputs();
        try (NDManager m = probe.getManager().newSubManager()) {
            NDArray x = probe.duplicate();
            x.attach(m);
            observations.addAll(
                    measure(
                            c.network(),
                            x,
                            c.index(),
                            c.step(),
                            c.trainLoss(),
                            c.heldOutAccuracy(),
                            c.diagnostics()));
        }
        nanos += System.nanoTime() - t;
    }

    /** All layers x conditions at one checkpoint, without diagnostics. */
    public List<Observation> measure(
            Network network,
            NDArray probe,
            int checkpoint,
            int step,
            double trainLoss,
            double accuracy) {
        return measure(network, probe, checkpoint, step, trainLoss, accuracy, List.of());
    }

    /**
     * All layers x conditions at one checkpoint; every array is made in the probe's manager.
     *
     * @param diagnostics one per weight layer, input side first, or empty (none measured: stored as
     *     null)
     */
    public List<Observation> measure(
            Network network,
            NDArray probe,
            int checkpoint,
            int step,
            double trainLoss,
            double accuracy,
            List<LayerDiagnostics> diagnostics) {
        List<Observation> out = new ArrayList<>();
        int layers = network.weightLayers().size();
        if (!diagnostics.isEmpty() && diagnostics.size() != layers) {
            throw new IllegalArgumentException(
                    diagnostics.size() + " diagnostics for " + layers + " weight layers");
        }
        Recurrent rnn = Recurrent.of(network);
        // an rnn is probed along its trajectory: one row per (probe example, time step)
        Recurrent.Trajectory trajectory = rnn == null ? null : rnn.trajectory(probe);
        List<Network.LayerResponse> responses =
                rnn == null ? network.probe(probe) : Recurrent.responses(rnn, trajectory);
        for (Network.LayerResponse r : responses) {
            WeightLayer layer = r.layer();
            int n = Math.toIntExact(r.output().getShape().get(0));
            int units = Math.toIntExact(layer.outputUnits());
            float[] w = read(layer.weight(), 2L * layer.index());
            float[] h = read(r.output(), 2L * layer.index() + 1);
            try (NDArray derivative =
                    rnn == null ? layer.activation().derivativeFromOutput(r.output()) : null) {
                for (RecordingCondition cond : conditions) {
                    double[] values = new double[Observables.ALL.size()];
                    stats.weight(
                            w, cond, UnitSubset.weightKey(layer.index()), checkpoint, values, 0);
                    stats.act(
                            h,
                            n,
                            units,
                            cond,
                            UnitSubset.actKey(layer.index()),
                            checkpoint,
                            values,
                            Observables.PER_MEASURE);
                    long gradavgKey = UnitSubset.gradavgKey(layer.index());
                    float[] g =
                            rnn == null
                                    ? gradavg(layer, derivative, cond, gradavgKey)
                                    : recurrentGradavg(
                                            (RecurrentLayer) layer, trajectory, cond, gradavgKey);
                    int inputs = cond.kept(new Shape(layer.inputShape()).size());
                    System.arraycopy(
                            ConditionStatistics.gradavg(
                                    g, cond, gradavgKey, checkpoint, inputs, cond.kept(units)),
                            0,
                            values,
                            2 * Observables.PER_MEASURE,
                            3);

                    out.add(
                            new Observation(
                                    layer.index(),
                                    Observation.position(layer.index(), layers),
                                    cond,
                                    checkpoint,
                                    step,
                                    trainLoss,
                                    accuracy,
                                    values,
                                    diagnostics.isEmpty()
                                            ? LayerDiagnostics.NONE
                                            : diagnostics.get(layer.index())));
                }
            }
        }
        return out;
    }

    /**
     * Per probe example: sum over the kept input units i of d(sum over the kept output units j of
     * h_j)/dx_i, divided by the number of kept output units. d(sum_j h_j)/dx is the transposed
     * projection of phi'(a) through W; summed against the input mask m it equals, by adjointness,
     * <phi'(a), project(m, W)>: one projection of a single mask instead of one per probe example.
     */
    static float[] gradavg(
            WeightLayer layer, NDArray derivative, RecordingCondition cond, long gradavgKey) {
        long[] inShape = layer.inputShape();
        int inUnits = Math.toIntExact(new Shape(inShape).size());
        int outUnits = Math.toIntExact(layer.outputUnits());
        NDManager m = derivative.getManager();
        UnitSubset.GradavgUnits kept = UnitSubset.gradavgUnits(cond, gradavgKey, inUnits, outUnits);
        int[] outKept = kept.outputs();
        int[] inKept = kept.inputs();
        long[] oneExample = new long[inShape.length + 1];
        oneExample[0] = 1;
        System.arraycopy(inShape, 0, oneExample, 1, inShape.length);
        try (NDArray inputMask = mask(m, inKept, inUnits, new Shape(oneExample));
                NDArray response = layer.project(inputMask, layer.weight());
                NDArray outputMask = mask(m, outKept, outUnits, response.getShape());
                NDArray weights = response.mul(outputMask);
                NDArray perUnit = derivative.mul(weights)) {
            int[] axes = new int[perUnit.getShape().dimension() - 1];
            for (int a = 0; a < axes.length; a++) {
                axes[a] = a + 1;
            }
            try (NDArray sum = perUnit.sum(axes)) {
                float[] perExample = sum.toFloatArray();
                for (int i = 0; i < perExample.length; i++) {
                    perExample[i] /= outKept.length;
                }
                return perExample;
            }
        }
    }

    /**
     * gradavg of one rnn weight layer under a condition (science.md section 6): per probe example,
     * the one-step sensitivity of the kept units to the kept inputs, averaged over time steps
     * ({@link Recurrent#gradavg}).
     */
    static float[] recurrentGradavg(
            RecurrentLayer layer,
            Recurrent.Trajectory t,
            RecordingCondition cond,
            long gradavgKey) {
        int inUnits = Math.toIntExact(layer.weight().getShape().get(1));
        int outUnits = Math.toIntExact(layer.weight().getShape().get(0));
        UnitSubset.GradavgUnits kept = UnitSubset.gradavgUnits(cond, gradavgKey, inUnits, outUnits);
        return Recurrent.gradavg(layer, t, kept.inputs(), kept.outputs());
    }

    /**
     * The values of {@code a} (row-major, float32) in this recorder's array for {@code slot},
     * copied straight from libtorch's memory: the same values as {@code a.toFloatArray()}.
     */
    private float[] read(NDArray a, long slot) {
        if (a.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            return a.toFloatArray();
        }
        int n = Math.toIntExact(a.size());
        float[] dst = copies.get(slot);
        if (dst == null || dst.length != n) {
            dst = new float[n];
            copies.put(slot, dst);
        }
        NativeFloats.of(a).get(0, dst, 0, n);
        return dst;
    }

    private static NDArray mask(NDManager m, int[] kept, int units, Shape shape) {
        float[] v = new float[units];
        for (int i : kept) {
            v[i] = 1;
        }
        return m.create(v, shape);
    }
}
