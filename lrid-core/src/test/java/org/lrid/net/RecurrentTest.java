package org.lrid.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

class RecurrentTest {

    @Test
    void theFamilyBuildsThreeWeightLayersAndAStableRecurrentMatrix() {
        Architecture arch = Architecture.of("rnn");
        assertEquals(128, arch.width());
        assertEquals(Activation.TANH, arch.activation());
        try (NDManager m = NDManager.newBaseManager();
                Network net = arch.build(m, new long[] {28, 28}, 10, 1, 2)) {
            assertEquals(3, net.weightLayers().size());
            assertArrayEquals(new long[] {28, 10}, net.outputShape());
            Recurrent r = Recurrent.of(net);
            assertEquals(new Shape(128, 28), r.inputLayer().weight().getShape());
            assertEquals(new Shape(128, 128), r.recurrentLayer().weight().getShape());
            assertEquals(new Shape(10, 128), r.outputLayer().weight().getShape());
            // entries of std g / sqrt(N): by the circular law the spectral radius is about g = 1
            float[] w = r.recurrentLayer().weight().toFloatArray();
            double sq = 0;
            for (float v : w) {
                sq += v * v;
            }
            assertEquals(Recurrent.RECURRENT_GAIN, Math.sqrt(sq / 128), 0.03);
            // the same seeds give the same network
            try (Network again = arch.build(m, new long[] {28, 28}, 10, 1, 2)) {
                assertArrayEquals(w, Recurrent.of(again).recurrentLayer().weight().toFloatArray());
            }
            NDArray y = net.predict(m.zeros(new Shape(3, 28, 28)));
            assertEquals(new Shape(3, 28, 10), y.getShape());
        }
    }

    @Test
    void familiesAndTasksWithAndWithoutTimeRefuseEachOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            LridException image =
                    assertThrows(
                            LridException.class,
                            () ->
                                    Architecture.of("rnn")
                                            .build(m, new long[] {1, 28, 28}, 10, 1, 2));
            assertTrue(image.getMessage().contains("rnn reads sequences"), image.getMessage());
            assertThrows(
                    LridException.class,
                    () -> Architecture.of("rnn").build(m, new long[] {32}, 10, 1, 2));
            for (String family : new String[] {"mlp", "convnet", "resnet"}) {
                LridException seq =
                        assertThrows(
                                LridException.class,
                                () ->
                                        Architecture.of(family)
                                                .build(m, new long[] {40, 3}, 2, 1, 2));
                assertTrue(seq.getMessage().contains("use --arch rnn"), seq.getMessage());
                assertTrue(!seq.getMessage().contains("\n"));
            }
            assertTrue(
                    assertThrows(
                                    LridException.class,
                                    () ->
                                            new Architecture("rnn", 8, 2, Activation.TANH)
                                                    .build(m, new long[] {5, 3}, 2, 1, 2))
                            .getMessage()
                            .contains("--depth 1"));
            assertThrows(
                    LridException.class,
                    () -> Recurrent.create(m, new long[] {5, 3}, 2, 8, 1.5, Activation.TANH, 1, 2));
        }
    }

    @Test
    void probesGiveOneRowPerExampleAndStepAndTheOneStepSensitivity() {
        int n = 2;
        int t = 4;
        int in = 3;
        int hidden = 5;
        try (NDManager m = NDManager.newBaseManager();
                Network net =
                        new Architecture("rnn", hidden, 1, Activation.TANH)
                                .build(m, new long[] {t, in}, 2, 5, 6)) {
            Recurrent r = Recurrent.of(net);
            SplittableRandom random = new SplittableRandom(1);
            float[] xs = new float[n * t * in];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) (2 * random.nextDouble() - 1);
            }
            r.inputLayer().bias().set(new float[] {0.1f, -0.2f, 0.3f, 0f, 0.5f});
            Recurrent.Trajectory traj = r.trajectory(m.create(xs, new Shape(n, t, in)));
            List<Network.LayerResponse> responses = Recurrent.responses(r, traj);
            assertEquals(new Shape(n * t, hidden), responses.get(0).output().getShape());
            assertEquals(new Shape(n * t, 2), responses.get(2).output().getShape());
            float[] win = r.inputLayer().weight().toFloatArray();
            float[] wrec = r.recurrentLayer().weight().toFloatArray();
            float[] b = r.inputLayer().bias().toFloatArray();
            float[] prev = traj.prev().toFloatArray();
            double a = r.leak();
            int[] outKept = {0, 2, 3};
            int[] inKeptX = {1, 2};
            int[] inKeptH = {0, 1, 3, 4};
            float[] gIn = Recurrent.gradavg(r.inputLayer(), traj, inKeptX, outKept);
            float[] gRec = Recurrent.gradavg(r.recurrentLayer(), traj, inKeptH, outKept);
            for (int e = 0; e < n; e++) {
                double sumIn = 0;
                double sumRec = 0;
                for (int s = 0; s < t; s++) {
                    double[] x = new double[in];
                    double[] p = new double[hidden];
                    for (int j = 0; j < in; j++) {
                        x[j] = xs[(e * t + s) * in + j];
                    }
                    for (int j = 0; j < hidden; j++) {
                        p[j] = prev[(e * t + s) * hidden + j];
                    }
                    // central differences of sum over kept outputs of h_t, in the kept inputs
                    for (int j : inKeptX) {
                        double[] xp = x.clone();
                        double[] xm = x.clone();
                        xp[j] += 1e-4;
                        xm[j] -= 1e-4;
                        sumIn +=
                                (step(xp, p, win, wrec, b, a, outKept)
                                                - step(xm, p, win, wrec, b, a, outKept))
                                        / 2e-4;
                    }
                    for (int j : inKeptH) {
                        double[] pp = p.clone();
                        double[] pm = p.clone();
                        pp[j] += 1e-4;
                        pm[j] -= 1e-4;
                        sumRec +=
                                (step(x, pp, win, wrec, b, a, outKept)
                                                - step(x, pm, win, wrec, b, a, outKept))
                                        / 2e-4;
                    }
                }
                assertEquals(sumIn / t / outKept.length, gIn[e], 1e-4);
                assertEquals(sumRec / t / outKept.length, gRec[e], 1e-4);
            }
        }
    }

    /** sum over kept units i of h_{i,t} = (1 - a) p_i + a tanh(W_in x + W_rec p + b)_i. */
    private static double step(
            double[] x, double[] p, float[] win, float[] wrec, float[] b, double a, int[] kept) {
        int hidden = p.length;
        double sum = 0;
        for (int i : kept) {
            double u = b[i];
            for (int j = 0; j < x.length; j++) {
                u += win[i * x.length + j] * x[j];
            }
            for (int j = 0; j < hidden; j++) {
                u += wrec[i * hidden + j] * p[j];
            }
            sum += (1 - a) * p[i] + a * Math.tanh(u);
        }
        return sum;
    }

    /**
     * The leak alpha is configurable, validated, part of the architecture's id (so stored and
     * hashed into run ids) when not the default, and reaches the built network's dynamics.
     */
    @Test
    void theLeakIsConfigurableValidatedAndNamed() {
        Architecture rnn = Architecture.of("rnn");
        assertEquals("rnn-w128-d1-tanh", rnn.id());
        assertEquals("rnn-w128-d1-tanh-a0.5", rnn.withLeak(0.5).id());
        assertEquals("rnn-w128-d1-tanh-a1.0", rnn.withLeak(1).id());
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            String msg = assertThrows(LridException.class, () -> rnn.withLeak(bad)).getMessage();
            assertTrue(msg.contains("(0, 1]") && !msg.contains("\n"), msg);
        }
        assertTrue(
                assertThrows(LridException.class, () -> Architecture.of("mlp").withLeak(0.5))
                        .getMessage()
                        .contains("rnn only"));
        try (NDManager m = NDManager.newBaseManager();
                Network slow = rnn.withLeak(0.1).build(m, new long[] {5, 2}, 1, 1, 2);
                Network none = rnn.withLeak(1).build(m, new long[] {5, 2}, 1, 1, 2)) {
            assertEquals(0.1, Recurrent.of(slow).leak());
            assertEquals(1.0, Recurrent.of(none).leak());
            // same weights, other leak: other outputs
            NDArray x = m.ones(new Shape(1, 5, 2));
            assertTrue(
                    !java.util.Arrays.equals(
                            slow.forward(x, false).toFloatArray(),
                            none.forward(x, false).toFloatArray()));
        }
        org.lrid.zoo.RunDescription base =
                new org.lrid.zoo.RunDescription(
                        "bptt",
                        java.util.Map.of(),
                        "rnn",
                        8,
                        1,
                        "tanh",
                        1,
                        "pattern",
                        null,
                        null,
                        16,
                        10,
                        3,
                        0,
                        List.of());
        org.lrid.zoo.RunDescription same =
                new org.lrid.zoo.RunDescription(
                        "bptt",
                        java.util.Map.of(),
                        "rnn",
                        8,
                        1,
                        "tanh",
                        1,
                        "pattern",
                        null,
                        null,
                        16,
                        10,
                        3,
                        0,
                        List.of(),
                        Recurrent.DEFAULT_LEAK);
        org.lrid.zoo.RunDescription leaky =
                new org.lrid.zoo.RunDescription(
                        "bptt",
                        java.util.Map.of(),
                        "rnn",
                        8,
                        1,
                        "tanh",
                        1,
                        "pattern",
                        null,
                        null,
                        16,
                        10,
                        3,
                        0,
                        List.of(),
                        0.5);
        assertEquals(base.runId(), same.runId());
        assertTrue(!base.runId().equals(leaky.runId()));
        assertEquals(0.5, leaky.architecture().leak());
    }
}
