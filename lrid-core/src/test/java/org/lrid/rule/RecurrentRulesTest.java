package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.Recurrent;
import org.lrid.net.RecurrentLayer;

/** science.md section 6's checks of the recurrent rules. */
class RecurrentRulesTest {

    private static final int N = 4;
    private static final int T = 6;
    private static final int I = 3;
    private static final int H = 5;
    private static final int O = 2;

    private static Network rnn(
            NDManager m, Activation act, int width, int inputs, int outputs, int steps) {
        return new Architecture("rnn", width, 1, act)
                .build(m, new long[] {steps, inputs}, outputs, 3, 4);
    }

    private static NDArray random(NDManager m, Shape shape, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * scale);
        }
        return m.create(v, shape);
    }

    /**
     * Gives the biases non-zero values, so their gradients' dependence on the state is exercised.
     */
    private static void randomBiases(Recurrent r, NDManager m) {
        r.inputLayer()
                .bias()
                .set(random(m, r.inputLayer().bias().getShape(), 21, 0.5).toFloatArray());
        r.outputLayer()
                .bias()
                .set(random(m, r.outputLayer().bias().getShape(), 22, 0.5).toFloatArray());
    }

    /** W_in, b, W_rec, W_out, b_out gradients the layers hold, in Recurrent.parameters() order. */
    private static List<float[]> heldGradients(Recurrent r) {
        return List.of(
                r.inputLayer().gradWeight().toFloatArray(),
                r.inputLayer().gradBias().toFloatArray(),
                r.recurrentLayer().gradWeight().toFloatArray(),
                r.outputLayer().gradWeight().toFloatArray(),
                r.outputLayer().gradBias().toFloatArray());
    }

    @Test
    void bpttMatchesAutograd() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
            try (NDManager m = NDManager.newBaseManager();
                    Network net = rnn(m, act, H, I, O, T)) {
                Recurrent r = Recurrent.of(net);
                randomBiases(r, m);
                NDArray x = random(m, new Shape(N, T, I), 5, 1.5);
                NDArray g = random(m, new Shape(N, T, O), 6, 1.0);
                net.forward(x, true);
                net.backward(g, null);
                List<float[]> ours = heldGradients(r);
                assertEquals(
                        0f,
                        r.recurrentLayer().gradBias().abs().max().getFloat(),
                        "W_rec has no bias");
                List<NDArray> params = r.parameters();
                for (int k = 0; k < params.size(); k++) {
                    List<NDArray> copies = new ArrayList<>();
                    for (NDArray p : params) {
                        copies.add(p.duplicate());
                    }
                    NDArray leaf = copies.get(k);
                    float[] reference =
                            GradientChecks.autogradOf(
                                    leaf, () -> r.forwardWith(x, copies).mul(g).sum());
                    double err = GradientChecks.relativeError(ours.get(k), reference);
                    assertTrue(err < 1e-5, act + " parameter " + k + " relative error " + err);
                }
                net.clearStep();
            }
        }
    }

    private static List<float[]> gradients(
            Network net, NDArray x, NDArray g, LearningRule rule, NDManager m) {
        RecurrentLearner learner = new RecurrentLearner(rule, net, 1);
        net.forward(x, true);
        learner.backward(g, m);
        List<float[]> out = heldGradients(Recurrent.of(net));
        net.clearStep();
        return out;
    }

    @Test
    void withoutRecurrenceEpropIsTheGradientAndSoIsRfloWithTiedFeedback() {
        try (NDManager m = NDManager.newBaseManager();
                Network net = rnn(m, Activation.TANH, H, I, O, T)) {
            Recurrent r = Recurrent.of(net);
            randomBiases(r, m);
            r.recurrentLayer().weight().set(new float[H * H]);
            NDArray x = random(m, new Shape(N, T, I), 7, 1.5);
            NDArray g = random(m, new Shape(N, T, O), 8, 1.0);
            List<float[]> exact = gradients(net, x, g, Rules.get("bptt").forFamily("rnn"), m);
            List<float[]> eprop = gradients(net, x, g, Rules.get("eprop").forFamily("rnn"), m);
            List<float[]> rfloRandom = gradients(net, x, g, Rules.get("rflo").forFamily("rnn"), m);
            r.outputLayer().tieFeedbackToWeight();
            List<float[]> rfloTied = gradients(net, x, g, Rules.get("rflo").forFamily("rnn"), m);
            for (int k = 0; k < exact.size(); k++) {
                assertTrue(
                        GradientChecks.relativeError(eprop.get(k), exact.get(k)) < 1e-5,
                        "eprop " + k);
                assertTrue(
                        GradientChecks.relativeError(rfloTied.get(k), exact.get(k)) < 1e-5,
                        "rflo " + k);
            }
            // with its own random B, rflo is not the gradient (the check above can fail)
            assertTrue(GradientChecks.relativeError(rfloRandom.get(0), exact.get(0)) > 0.1);
        }
    }

    @Test
    void rfloIsTheEligibilityTraceRecursion() {
        // independent computation: the forward-in-time traces p_ij,t of science.md section 6, in
        // Java
        try (NDManager m = NDManager.newBaseManager();
                Network net = rnn(m, Activation.TANH, H, I, O, T)) {
            Recurrent r = Recurrent.of(net);
            randomBiases(r, m);
            NDArray x = random(m, new Shape(N, T, I), 9, 1.5);
            NDArray g = random(m, new Shape(N, T, O), 10, 1.0);
            List<float[]> rflo = gradients(net, x, g, Rules.get("rflo").forFamily("rnn"), m);
            double a = r.leak();
            float[] win = r.inputLayer().weight().toFloatArray();
            float[] b = r.inputLayer().bias().toFloatArray();
            float[] wrec = r.recurrentLayer().weight().toFloatArray();
            float[] bfb = r.outputLayer().feedbackWeight().toFloatArray();
            float[] xs = x.toFloatArray();
            float[] gs = g.toFloatArray();
            double[] dWin = new double[H * I];
            double[] dWrec = new double[H * H];
            for (int n = 0; n < N; n++) {
                double[] h = new double[H];
                double[] pin = new double[H * I];
                double[] prec = new double[H * H];
                for (int t = 0; t < T; t++) {
                    double[] hNew = new double[H];
                    double[] dphi = new double[H];
                    for (int i = 0; i < H; i++) {
                        double u = b[i];
                        for (int j = 0; j < I; j++) {
                            u += win[i * I + j] * xs[(n * T + t) * I + j];
                        }
                        for (int j = 0; j < H; j++) {
                            u += wrec[i * H + j] * h[j];
                        }
                        double phi = Math.tanh(u);
                        dphi[i] = 1 - phi * phi;
                        hNew[i] = (1 - a) * h[i] + a * phi;
                    }
                    for (int i = 0; i < H; i++) {
                        double learning = 0;
                        for (int k = 0; k < O; k++) {
                            learning += gs[(n * T + t) * O + k] * bfb[k * H + i];
                        }
                        for (int j = 0; j < I; j++) {
                            pin[i * I + j] =
                                    (1 - a) * pin[i * I + j]
                                            + a * dphi[i] * xs[(n * T + t) * I + j];
                            dWin[i * I + j] += learning * pin[i * I + j];
                        }
                        for (int j = 0; j < H; j++) {
                            prec[i * H + j] = (1 - a) * prec[i * H + j] + a * dphi[i] * h[j];
                            dWrec[i * H + j] += learning * prec[i * H + j];
                        }
                    }
                    h = hNew;
                }
            }
            assertTrue(GradientChecks.relativeError(rflo.get(0), toFloat(dWin)) < 1e-5);
            assertTrue(GradientChecks.relativeError(rflo.get(2), toFloat(dWrec)) < 1e-5);
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void perturbationUpdatesPointAlongTheNegativeGradientOnAverage() {
        for (String name : new String[] {"np", "wp"}) {
            try (NDManager m = NDManager.newBaseManager();
                    Network net = rnn(m, Activation.TANH, 4, 2, 1, 4)) {
                Recurrent r = Recurrent.of(net);
                int n = 1;
                NDArray x = random(m, new Shape(n, 4, 2), 11, 1.5);
                float[] target = random(m, new Shape(n, 4, 1), 12, 1.0).toFloatArray();
                Function<NDArray, float[]> losses =
                        y -> {
                            float[] v = y.toFloatArray();
                            float[] l = new float[n];
                            for (int i = 0; i < v.length; i++) {
                                l[i / 4] += 0.5f * (v[i] - target[i]) * (v[i] - target[i]);
                            }
                            return l;
                        };
                // the exact gradient of the batch-mean loss, by bptt
                NDArray y = net.forward(x, true);
                float[] yv = y.toFloatArray();
                float[] dy = new float[yv.length];
                for (int i = 0; i < yv.length; i++) {
                    dy[i] = (yv[i] - target[i]) / n;
                }
                net.backward(m.create(dy, y.getShape()), null);
                float[] exact = concat(heldGradients(r));
                net.clearStep();
                LearningRule rule =
                        Rules.get(name)
                                .forFamily("rnn")
                                .withOverrides(java.util.Map.of("sigma", 1e-2));
                RecurrentLearner learner = new RecurrentLearner(rule, net, 5);
                int trials = 500;
                double[] mean = new double[exact.length];
                for (int k = 0; k < trials; k++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray clean = net.forward(x, true);
                        learner.perturb(x, losses.apply(clean), losses, step);
                        float[] est = concat(heldGradients(r));
                        for (int i = 0; i < est.length; i++) {
                            mean[i] += est[i] / trials;
                        }
                        net.clearStep();
                    }
                }
                double dot = 0;
                double a = 0;
                double b = 0;
                for (int i = 0; i < exact.length; i++) {
                    dot += mean[i] * exact[i];
                    a += mean[i] * mean[i];
                    b += (double) exact[i] * exact[i];
                }
                double cosine = dot / Math.sqrt(a * b);
                assertTrue(cosine >= 0.9, name + " cosine " + cosine);
            }
        }
    }

    /**
     * Averaging several draws per update must bring a single update closer to the negative
     * gradient: the mean cosine over 40 updates rises with the number of draws K at fixed seeds,
     * for np and wp (measured: np 0.19, 0.32, 0.52 at K = 1, 4, 16).
     */
    @Test
    void moreDrawsPerUpdateBringTheEstimateCloserToTheGradient() {
        for (String name : new String[] {"np", "wp"}) {
            try (NDManager m = NDManager.newBaseManager();
                    Network net = rnn(m, Activation.TANH, 4, 2, 1, 4)) {
                Recurrent r = Recurrent.of(net);
                NDArray x = random(m, new Shape(1, 4, 2), 11, 1.5);
                float[] target = random(m, new Shape(1, 4, 1), 12, 1.0).toFloatArray();
                Function<NDArray, float[]> losses =
                        y -> {
                            float[] v = y.toFloatArray();
                            float l = 0;
                            for (int i = 0; i < v.length; i++) {
                                l += 0.5f * (v[i] - target[i]) * (v[i] - target[i]);
                            }
                            return new float[] {l};
                        };
                NDArray y = net.forward(x, true);
                float[] yv = y.toFloatArray();
                float[] dy = new float[yv.length];
                for (int i = 0; i < yv.length; i++) {
                    dy[i] = yv[i] - target[i];
                }
                net.backward(m.create(dy, y.getShape()), null);
                float[] exact = concat(heldGradients(r));
                net.clearStep();
                double previous = -1;
                List<String> seen = new ArrayList<>();
                for (Object[] setting : new Object[][] {{1, false}, {4, false}, {16, false}}) {
                    LearningRule rule =
                            Rules.get(name)
                                    .forFamily("rnn")
                                    .withOverrides(
                                            java.util.Map.of(
                                                    "sigma",
                                                    1e-2,
                                                    "perturbations",
                                                    setting[0],
                                                    "antithetic",
                                                    setting[1]));
                    assertEquals(((Integer) setting[0]).intValue(), rule.perturbations());
                    RecurrentLearner learner = new RecurrentLearner(rule, net, 5);
                    int updates = 40;
                    double meanCosine = 0;
                    for (int k = 0; k < updates; k++) {
                        try (NDManager step = m.newSubManager()) {
                            NDArray clean = net.forward(x, true);
                            learner.perturb(x, losses.apply(clean), losses, step);
                            meanCosine += cosine(concat(heldGradients(r)), exact) / updates;
                            net.clearStep();
                        }
                    }
                    seen.add(
                            setting[0] + (setting[1].equals(true) ? "+-" : "") + ": " + meanCosine);
                    assertTrue(meanCosine > previous + 0.05, name + " " + seen);
                    previous = meanCosine;
                }
            }
        }
    }

    private static double cosine(float[] u, float[] v) {
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int i = 0; i < u.length; i++) {
            dot += (double) u[i] * v[i];
            a += (double) u[i] * u[i];
            b += (double) v[i] * v[i];
        }
        return dot / Math.sqrt(a * b);
    }

    /**
     * The perturbation noise is drawn by libtorch from a seeded stream: the same seed gives the
     * same values, another seed others, and the values are N(0, sigma^2) (mean, std and the
     * fraction beyond 2 sigma).
     */
    @Test
    void perturbationNoiseIsSeededAndGaussian() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(101, 3, 33); // odd size: the last Box-Muller pair is cut
            float[] a =
                    RecurrentLearner.normal(m, shape, 0.5, new SplittableRandom(7)).toFloatArray();
            float[] b =
                    RecurrentLearner.normal(m, shape, 0.5, new SplittableRandom(7)).toFloatArray();
            float[] c =
                    RecurrentLearner.normal(m, shape, 0.5, new SplittableRandom(8)).toFloatArray();
            assertEquals(shape.size(), a.length);
            assertTrue(java.util.Arrays.equals(a, b));
            assertTrue(!java.util.Arrays.equals(a, c));
            double sum = 0;
            double sq = 0;
            int beyond = 0;
            for (float v : a) {
                sum += v;
                sq += v * v;
                beyond += Math.abs(v) > 1.0 ? 1 : 0;
            }
            double mean = sum / a.length;
            double std = Math.sqrt(sq / a.length - mean * mean);
            assertEquals(0, mean, 0.02);
            assertEquals(0.5, std, 0.01);
            // P(|z| > 2) = 0.0455
            assertEquals(0.0455, beyond / (double) a.length, 0.006);
        }
    }

    private static float[] concat(List<float[]> parts) {
        int len = 0;
        for (float[] p : parts) {
            len += p.length;
        }
        float[] out = new float[len];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void recurrentRulesLiveInTheOneRegistryAndTable() {
        assertEquals(
                List.of("bptt", "bptt-adam", "rflo", "eprop", "np", "wp"), Rules.namesFor("rnn"));
        assertTrue(
                Rules.names().containsAll(Rules.namesFor("rnn"))
                        && Rules.names().containsAll(Rules.namesFor("mlp")));
        LearningRule np = Rules.get("np").withOverrides(java.util.Map.of("SIGMA", 0.3, "lr", 0.5));
        assertEquals(0.3, np.sigma());
        assertEquals(0.5, np.hyperparameters().get("lr"));
        assertEquals(0.01, Rules.get("wp").hyperparameters().get("sigma"));
        assertEquals(false, Rules.get("rflo").hyperparameters().get("nesterov"));
        assertEquals(0.0, Rules.get("eprop").forFamily("rnn").weightDecay());
        // sigma applies to the perturbation rules only, and the table's range holds
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> Rules.get("bptt").withOverrides(java.util.Map.of("sigma", 1)))
                        .getMessage()
                        .contains("no hyperparameter 'sigma'"));
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> Rules.get("sgdm").withOverrides(java.util.Map.of("sigma", 1)))
                        .getMessage()
                        .contains("no hyperparameter 'sigma'"));
        assertThrows(
                LridException.class,
                () -> Rules.get("wp").withOverrides(java.util.Map.of("sigma", -1)));
        // families: one-line refusals both ways, with the rules that would fit
        for (String ff :
                List.of("sgd", "sgdm", "adam", "fa", "ss", "dfa", "wm", "ia", "sa", "aa", "kp")) {
            String msg =
                    assertThrows(LridException.class, () -> Rules.get(ff).forFamily("rnn"))
                            .getMessage();
            assertTrue(
                    msg.contains("cannot train rnn") && msg.contains("bptt") && !msg.contains("\n"),
                    msg);
        }
        for (String rec : Rules.namesFor("rnn")) {
            for (String arch : List.of("mlp", "convnet", "resnet")) {
                String msg =
                        assertThrows(LridException.class, () -> Rules.get(rec).forFamily(arch))
                                .getMessage();
                assertTrue(msg.contains("cannot train " + arch), msg);
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                Network mlp = Architecture.of("mlp").build(m, new long[] {4}, 2, 1, 2)) {
            assertTrue(
                    assertThrows(
                                    LridException.class,
                                    () ->
                                            new RecurrentLearner(
                                                    Rules.get("rflo").forFamily("rnn"), mlp, 1))
                            .getMessage()
                            .contains("--arch rnn"));
        }
        assertTrue(RecurrentLayer.Role.values().length == 3);
    }
}
