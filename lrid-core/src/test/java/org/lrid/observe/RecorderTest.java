package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Conv2d;
import org.lrid.net.Dense;
import org.lrid.net.WeightLayer;
import org.lrid.rule.Rules;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;
import org.lrid.train.RunSpec;
import org.lrid.train.Trainer;

class RecorderTest {

    static Stream<Object[]> layers() {
        return Stream.of(
                new Object[] {"dense", new long[] {9}},
                new Object[] {"conv", new long[] {2, 6, 5}});
    }

    private static WeightLayer layer(NDManager m, String kind, long[] inShape) {
        WeightLayer l =
                kind.equals("dense")
                        ? new Dense(m, inShape[0], 7, Activation.TANH, 1, 2)
                        : new Conv2d(m, inShape[0], 3, 3, 1, 1, Activation.TANH, 1, 2);
        l.outputShape(inShape);
        return l;
    }

    private static float[] randn(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** sum over kept outputs of h, per example, for inputs x + eps * mask. */
    private static double[] keptOutputSum(
            WeightLayer l,
            NDManager m,
            float[] x,
            Shape shape,
            float[] inMask,
            double eps,
            int[] outKept) {
        float[] moved = x.clone();
        int per = inMask.length;
        for (int i = 0; i < moved.length; i++) {
            moved[i] += (float) (eps * inMask[i % per]);
        }
        float[] h = l.forward(m.create(moved, shape), false).toFloatArray();
        int n = (int) shape.get(0);
        int units = h.length / n;
        double[] s = new double[n];
        for (int e = 0; e < n; e++) {
            for (int j : outKept) {
                s[e] += h[e * units + j];
            }
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("layers")
    void gradavgMatchesCentralDifferences(String kind, long[] inShape) {
        try (NDManager m = NDManager.newBaseManager()) {
            WeightLayer l = layer(m, kind, inShape);
            int inUnits = (int) new Shape(inShape).size();
            int outUnits = (int) l.outputUnits();
            long[] batch = new long[inShape.length + 1];
            batch[0] = 4;
            System.arraycopy(inShape, 0, batch, 1, inShape.length);
            Shape shape = new Shape(batch);
            float[] x = randn((int) shape.size(), 3);
            for (RecordingCondition c :
                    List.of(RecordingCondition.FULL, new RecordingCondition(0.5, 0, 9))) {
                NDArray h = l.forward(m.create(x, shape), false);
                long key = UnitSubset.gradavgKey(2);
                float[] g = Recorder.gradavg(l, l.activation().derivativeFromOutput(h), c, key);
                UnitSubset.GradavgUnits kept = UnitSubset.gradavgUnits(c, key, inUnits, outUnits);
                int[] outKept = kept.outputs();
                int[] inKept = kept.inputs();
                // the same streams as before the keys were named: 16 x layer + 3 and + 4
                assertArrayEquals(UnitSubset.choose(c, 32 + 3, outUnits), outKept);
                assertArrayEquals(UnitSubset.choose(c, 32 + 4, inUnits), inKept);
                float[] inMask = new float[inUnits];
                for (int i : inKept) {
                    inMask[i] = 1;
                }
                double eps = 1e-2;
                double[] plus = keptOutputSum(l, m, x, shape, inMask, eps, outKept);
                double[] minus = keptOutputSum(l, m, x, shape, inMask, -eps, outKept);
                for (int e = 0; e < 4; e++) {
                    double fd = (plus[e] - minus[e]) / (2 * eps) / outKept.length;
                    assertEquals(
                            fd,
                            g[e],
                            2e-3 * Math.max(1, Math.abs(fd)),
                            kind + " " + c + " example " + e);
                }
            }
        }
    }

    @Test
    void aRunRecordsEveryLayerConditionAndCheckpoint() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(2000, 300));
        RunSpec spec =
                RunSpec.of(
                                new Architecture("mlp", 16, 2, Activation.RELU),
                                Rules.get("fa"),
                                32,
                                40,
                                1)
                        .withCheckpoints(5, false);
        Recorder recorder = new Recorder(List.of(new RecordingCondition(0.5, 0.1, 7)));
        try (NDManager m = NDManager.newBaseManager()) {
            Trainer.train(spec, task, m, recorder);
        }
        List<Observation> obs = recorder.observations();
        assertEquals(3 * 2 * 5, obs.size());
        for (Observation o : obs) {
            for (double v : o.values()) {
                assertTrue(Double.isFinite(v), o.toString());
            }
        }
        assertEquals(
                List.of("early", "middle", "deep"),
                obs.stream()
                        .filter(o -> o.checkpoint() == 0 && o.condition().isFull())
                        .map(Observation::position)
                        .toList());
        assertEquals(
                List.of(0, 10, 20, 30, 40),
                obs.stream()
                        .filter(o -> o.layer() == 0 && o.condition().isFull())
                        .map(Observation::step)
                        .toList());
    }

    @Test
    void everyObservationCarriesItsLayersDiagnosticsUnderEveryCondition() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(2000, 300));
        RunSpec spec =
                RunSpec.of(
                                new Architecture("mlp", 16, 2, Activation.RELU),
                                Rules.get("fa"),
                                32,
                                20,
                                1)
                        .withCheckpoints(3, false);
        Recorder recorder = new Recorder(List.of(new RecordingCondition(0.5, 0.1, 7)));
        // the trainer's checkpoints, handed on with known diagnostics: layer l at checkpoint k gets
        // (k + l/10, NaN)
        org.lrid.train.TrainingListener relay =
                new org.lrid.train.TrainingListener() {
                    @Override
                    public void onCheckpoint(org.lrid.train.Checkpoint c) {
                        recorder.onCheckpoint(
                                new org.lrid.train.Checkpoint(
                                        c.index(),
                                        c.step(),
                                        c.network(),
                                        c.session(),
                                        c.trainLoss(),
                                        c.heldOutAccuracy(),
                                        java.util.stream.IntStream.range(
                                                        0, c.network().weightLayers().size())
                                                .mapToObj(
                                                        l ->
                                                                new org.lrid.train.LayerDiagnostics(
                                                                        c.index() + l / 10.0,
                                                                        Double.NaN))
                                                .toList()));
                    }
                };
        try (NDManager m = NDManager.newBaseManager()) {
            Trainer.train(spec, task, m, relay);
        }
        List<Observation> obs = recorder.observations();
        assertEquals(3 * 2 * 3, obs.size());
        for (Observation o : obs) {
            assertEquals(
                    o.checkpoint() + o.layer() / 10.0,
                    o.diagnostics().feedbackCosine(),
                    1e-12,
                    o.toString());
            assertTrue(Double.isNaN(o.diagnostics().updateAngle()));
        }
    }

    @Test
    void theRecordersGradavgNoiseHasTheReferencesStdPerLayer() {
        // two conditions with the same units (same fraction and seed), one without noise: the mean
        // square of
        // the per-example values differs by the noise variance, (sigma sqrt(k_in) / k_out)^2 per
        // layer
        double sigma = 2;
        RecordingCondition clean = new RecordingCondition(0.5, 0, 5);
        RecordingCondition noisy = new RecordingCondition(0.5, sigma, 5);
        Recorder recorder = new Recorder(List.of(clean, noisy));
        int sq = Observables.index("gradavgsq_id");
        try (NDManager m = NDManager.newBaseManager()) {
            org.lrid.net.Network net =
                    new Architecture("mlp", 40, 2, Activation.RELU)
                            .build(m, new long[] {30}, 10, 1, 2);
            NDArray probe = m.create(randn(4000 * 30, 3), new Shape(4000, 30));
            List<Observation> obs = recorder.measure(net, probe, 0, 0, 0, Double.NaN);
            int[][] units = {
                {30, 40}, {40, 40}, {40, 10}
            }; // inputs, outputs of the three weight layers
            for (int layer = 0; layer < 3; layer++) {
                int l = layer;
                double a =
                        obs.stream()
                                .filter(o -> o.layer() == l && o.condition().equals(clean))
                                .findFirst()
                                .orElseThrow()
                                .values()[sq];
                double b =
                        obs.stream()
                                .filter(o -> o.layer() == l && o.condition().equals(noisy))
                                .findFirst()
                                .orElseThrow()
                                .values()[sq];
                int kIn = (int) Math.ceil(0.5 * units[layer][0]);
                int kOut = (int) Math.ceil(0.5 * units[layer][1]);
                double expected = sigma * sigma * kIn / ((double) kOut * kOut);
                assertEquals(
                        expected,
                        b - a,
                        0.1 * expected,
                        "layer " + layer + ": k_in " + kIn + ", k_out " + kOut);
            }
        }
    }

    /**
     * The weight and act statistics the recorder keeps (from its reused copies of W and h) are
     * exactly those of fresh toFloatArray copies, at two checkpoints with different weights and
     * probes, under the full and a subsampled, noisy condition.
     */
    @Test
    void theRecordersReusedCopiesGiveTheStatisticsOfFreshCopies() {
        RecordingCondition partial = new RecordingCondition(0.5, 0.1, 7);
        Recorder recorder = new Recorder(List.of(partial));
        try (NDManager m = NDManager.newBaseManager();
                org.lrid.net.Network net =
                        new Architecture("mlp", 16, 2, Activation.RELU)
                                .build(m, new long[] {12}, 3, 1, 2)) {
            for (int checkpoint = 0; checkpoint < 2; checkpoint++) {
                try (NDManager probeManager = m.newSubManager()) {
                    NDArray probe =
                            probeManager.create(randn(20 * 12, 40 + checkpoint), new Shape(20, 12));
                    List<Observation> obs =
                            recorder.measure(net, probe, checkpoint, checkpoint, 0, Double.NaN);
                    ConditionStatistics fresh = new ConditionStatistics();
                    List<org.lrid.net.Network.LayerResponse> responses = net.probe(probe);
                    int k = 0;
                    for (org.lrid.net.Network.LayerResponse r : responses) {
                        WeightLayer layer = r.layer();
                        float[] w = layer.weight().toFloatArray();
                        float[] h = r.output().toFloatArray();
                        int units = Math.toIntExact(layer.outputUnits());
                        for (RecordingCondition c : recorder.conditions()) {
                            Observation o = obs.get(k++);
                            assertEquals(layer.index(), o.layer());
                            assertEquals(c, o.condition());
                            double[] weight =
                                    fresh.weight(
                                            w, c, UnitSubset.weightKey(layer.index()), checkpoint);
                            double[] act =
                                    fresh.act(
                                            h,
                                            20,
                                            units,
                                            c,
                                            UnitSubset.actKey(layer.index()),
                                            checkpoint);
                            assertArrayEquals(
                                    weight,
                                    java.util.Arrays.copyOfRange(
                                            o.values(), 0, Observables.PER_MEASURE));
                            assertArrayEquals(
                                    act,
                                    java.util.Arrays.copyOfRange(
                                            o.values(),
                                            Observables.PER_MEASURE,
                                            2 * Observables.PER_MEASURE));
                        }
                    }
                }
                // new weights for the second checkpoint
                for (WeightLayer layer : net.weightLayers()) {
                    try (NDArray shift = layer.weight().mul(0.5f)) {
                        layer.weight().addi(shift);
                    }
                }
            }
        }
    }
}
