package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;

/** Each optimizer hyperparameter changes the update as its formula says. */
class OptimizerAndDecayTest {

    private static final float[] P0 = {1.0f, -2.0f, 0.5f};
    private static final float[] G1 = {0.3f, 0.1f, -0.4f};
    private static final float[] G2 = {-0.2f, 0.5f, 0.25f};

    private static float[] twoSteps(OptimizerSpec spec, double lr) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(P0);
            OptimizerSpec.Updater u = spec.newUpdater(p, m);
            u.step(m.create(G1), lr);
            u.step(m.create(G2), lr);
            return p.toFloatArray();
        }
    }

    @Test
    void nesterovMatchesAHandComputedStep() {
        double lr = 0.1;
        double mu = 0.9;
        float[] got =
                twoSteps(
                        new OptimizerSpec(
                                OptimizerSpec.Kind.MOMENTUM, lr, mu, true, 0.9, 0.999, 1e-8),
                        lr);
        for (int i = 0; i < 3; i++) {
            // v1 = g1, p1 = p0 - lr (g1 + mu v1); v2 = mu v1 + g2, p2 = p1 - lr (g2 + mu v2)
            double v1 = G1[i];
            double p1 = P0[i] - lr * (G1[i] + mu * v1);
            double v2 = mu * v1 + G2[i];
            double p2 = p1 - lr * (G2[i] + mu * v2);
            assertEquals(p2, got[i], 1e-6);
        }
    }

    @Test
    void heavyBallMatchesAHandComputedStep() {
        double lr = 0.1;
        double mu = 0.9;
        float[] got =
                twoSteps(
                        new OptimizerSpec(
                                OptimizerSpec.Kind.MOMENTUM, lr, mu, false, 0.9, 0.999, 1e-8),
                        lr);
        for (int i = 0; i < 3; i++) {
            double p2 = P0[i] - lr * G1[i] - lr * (mu * G1[i] + G2[i]);
            assertEquals(p2, got[i], 1e-6);
        }
    }

    @Test
    void scheduleValues() {
        LearningRateSchedule constant = Rules.get("sgdm").schedule();
        assertEquals(1.0, constant.factor(1, 100));
        assertEquals(1.0, constant.factor(100, 100));
        LearningRateSchedule step =
                Rules.get("sgdm")
                        .withOverrides(
                                Map.of(
                                        "lr_schedule",
                                        "step",
                                        "warmup",
                                        0.1,
                                        "lr_drop",
                                        0.2,
                                        "lr_drop_at",
                                        "0.5,0.75"))
                        .schedule();
        assertEquals(0.1, step.factor(1, 100), 1e-12); // warm-up: s / 10
        assertEquals(0.5, step.factor(5, 100), 1e-12);
        assertEquals(1.0, step.factor(10, 100), 1e-12);
        assertEquals(1.0, step.factor(50, 100), 1e-12);
        assertEquals(0.2, step.factor(51, 100), 1e-12);
        assertEquals(0.2, step.factor(75, 100), 1e-12);
        assertEquals(0.04, step.factor(76, 100), 1e-12);
        LearningRateSchedule cosine =
                Rules.get("sgdm").withOverrides(Map.of("lr_schedule", "cosine")).schedule();
        assertEquals(1.0, cosine.factor(1, 100), 1e-12);
        assertEquals(0.5, cosine.factor(51, 100), 1e-12);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)), cosine.factor(100, 100), 1e-12);
    }

    private static Network mlp(NDManager m, long seed) {
        return new Architecture("mlp", 5, 1, Activation.RELU)
                .build(m, new long[] {4}, 3, seed, seed + 1);
    }

    private static NDArray randn(NDManager m, Shape shape, long seed) {
        return Alignment.noiseLike(m.zeros(shape), new SplittableRandom(seed), m);
    }

    /** One step of the rule on a random batch with loss gradient {@code scale} * (random). */
    private static void step(
            Network net, Learner learner, NDManager m, int t, int total, double scale) {
        try (NDManager step = m.newSubManager()) {
            NDArray x = randn(step, new Shape(6, 4), 100 + t);
            NDArray out = net.forward(x, true);
            NDArray grad = randn(step, out.getShape(), 200 + t).muli(scale);
            learner.backward(grad, step);
            learner.update(step, t, total);
            net.clearStep();
        }
    }

    @Test
    void weightDecayOnWAndBMatchesTheClosedFormUnderTheSchedule() {
        double lr = 0.1;
        double wd = 0.05;
        LearningRule sgd =
                Rules.get("sgd")
                        .withOverrides(
                                Map.of(
                                        "lr",
                                        lr,
                                        "weight_decay",
                                        wd,
                                        "lr_schedule",
                                        "step",
                                        "lr_drop",
                                        0.1,
                                        "lr_drop_at",
                                        "0.5"));
        try (NDManager m = NDManager.newBaseManager();
                Network net = mlp(m, 3)) {
            for (WeightLayer l : net.weightLayers()) {
                l.bias().set(randn(m, l.bias().getShape(), 7 + l.index()).toFloatArray());
            }
            List<float[]> w0 =
                    net.weightLayers().stream().map(l -> l.weight().toFloatArray()).toList();
            List<float[]> b0 =
                    net.weightLayers().stream().map(l -> l.bias().toFloatArray()).toList();
            Learner learner = new Learner(sgd, net, 1);
            for (int t = 1; t <= 4; t++) {
                step(net, learner, m, t, 4, 0); // no task gradient: only the decay acts
            }
            // two steps at lr, two at lr * 0.1: p4 = (1 - lr wd)^2 (1 - 0.1 lr wd)^2 p0
            double factor = Math.pow(1 - lr * wd, 2) * Math.pow(1 - 0.1 * lr * wd, 2);
            for (WeightLayer l : net.weightLayers()) {
                float[] w = l.weight().toFloatArray();
                float[] b = l.bias().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertEquals(factor * w0.get(l.index())[i], w[i], 1e-6);
                }
                for (int i = 0; i < b.length; i++) {
                    assertEquals(factor * b0.get(l.index())[i], b[i], 1e-6);
                }
            }
        }
    }

    @Test
    void kolenPollackShrinksWMinusBGeometricallyWhateverTheTaskGradient() {
        double lr = 0.05;
        double wd = 0.01;
        double decay = 0.2;
        LearningRule kp =
                Rules.get("kp")
                        .withOverrides(
                                Map.of(
                                        "lr",
                                        lr,
                                        "momentum",
                                        0,
                                        "weight_decay",
                                        wd,
                                        "decay",
                                        decay));
        try (NDManager m = NDManager.newBaseManager();
                Network net = mlp(m, 5)) {
            List<float[]> d0 =
                    net.weightLayers().stream().map(OptimizerAndDecayTest::difference).toList();
            Learner learner = new Learner(kp, net, 1);
            int steps = 5;
            for (int t = 1; t <= steps; t++) {
                step(net, learner, m, t, steps, 1.0);
            }
            double factor = Math.pow(1 - lr * (wd + 2 * decay), steps);
            for (WeightLayer l : net.weightLayers()) {
                float[] d = difference(l);
                for (int i = 0; i < d.length; i++) {
                    assertEquals(factor * d0.get(l.index())[i], d[i], 1e-5);
                }
            }
        }
    }

    private static float[] difference(WeightLayer l) {
        try (NDArray d = l.weight().sub(l.feedbackWeight())) {
            return d.toFloatArray();
        }
    }

    @Test
    void theFamilyWeightDecayIsWhatTheLearnerApplies() {
        assertTrue(Hyperparameter.weightDecayFor("mlp") > 0);
        try (NDManager m = NDManager.newBaseManager();
                Network net = mlp(m, 9)) {
            float[] w0 = net.weightLayers().get(0).weight().toFloatArray();
            LearningRule sgd = Rules.get("sgd").forFamily("mlp");
            Learner learner = new Learner(sgd, net, 1);
            step(net, learner, m, 1, 1, 0);
            float[] w1 = net.weightLayers().get(0).weight().toFloatArray();
            double f = 1 - sgd.optimizer().learningRate() * Hyperparameter.weightDecayFor("mlp");
            for (int i = 0; i < w0.length; i++) {
                assertEquals(f * w0[i], w1[i], 1e-7);
            }
        }
    }

    /**
     * Repeated alignment-only updates of one dense layer's B on inputs of scale {@code inputScale}.
     */
    private static float[] alignOnly(double maxStep, double inputScale, int steps) {
        LearningRule ia =
                Rules.get("ia")
                        .withOverrides(Map.of("alignment_max_step", maxStep, "weight_decay", 0));
        try (NDManager m = NDManager.newBaseManager();
                Network net = mlp(m, 13)) {
            Learner learner = new Learner(ia, net, 1);
            for (int t = 1; t <= steps; t++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = randn(step, new Shape(16, 4), 300 + t).muli(inputScale);
                    NDArray out = net.forward(x, true);
                    learner.backward(
                            step.zeros(out.getShape()), step); // no task gradient: W stays put
                    learner.update(step, t, steps);
                    net.clearStep();
                }
            }
            return net.weightLayers().get(1).feedbackWeight().toFloatArray();
        }
    }

    @Test
    void theAlignmentStepCapKeepsAStiffNullTermStable() {
        // inputs 300x larger make the null term's curvature ~1e5x larger: lr x curvature is far
        // above the
        // Nesterov stability limit (about 1.36 at momentum 0.9), and B diverges without the cap
        float[] uncapped = alignOnly(1e6, 300, 200);
        boolean finite = true;
        double max = 0;
        for (float v : uncapped) {
            finite &= Float.isFinite(v);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(
                !finite || max > 1e6, "the uncapped stiff step should diverge, max |B| = " + max);
        float[] capped = alignOnly(1.0, 300, 200);
        for (float v : capped) {
            assertTrue(Float.isFinite(v) && Math.abs(v) < 10, "capped B = " + v);
        }
        // where the curvature is small the cap does not bind: the same trajectory as without it
        float[] gentle = alignOnly(1.0, 0.1, 20);
        float[] gentleUncapped = alignOnly(1e6, 0.1, 20);
        assertTrue(GradientChecks.relativeError(gentle, gentleUncapped) < 1e-6);
    }
}
