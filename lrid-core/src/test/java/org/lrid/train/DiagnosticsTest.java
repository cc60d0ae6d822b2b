package org.lrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;
import org.lrid.rule.Alignment;
import org.lrid.rule.Learner;
import org.lrid.rule.Rules;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

/** The diagnostics: cos(W, B) and the angle between the rule's dL/dW and backprop's. */
class DiagnosticsTest {

    private static final Architecture MLP = new Architecture("mlp", 16, 2, Activation.RELU);

    /** Angles per layer of one batch for {@code rule}; B tied to W first when {@code tied}. */
    private static double[] angles(String rule, boolean tied) {
        try (NDManager m = NDManager.newBaseManager();
                Network net = MLP.build(m, new long[] {8}, 4, 1, 2)) {
            if (tied) {
                net.weightLayers().forEach(WeightLayer::tieFeedbackToWeight);
            }
            Learner learner = new Learner(Rules.get(rule).forFamily("mlp"), net, 3);
            try (NDManager step = m.newSubManager()) {
                NDArray x =
                        Alignment.noiseLike(
                                step.zeros(new Shape(10, 8)), new SplittableRandom(4), step);
                NDArray out = net.forward(x, true);
                NDArray grad = Alignment.noiseLike(out, new SplittableRandom(5), step);
                List<float[]> exact = Diagnostics.exactGradients(net, grad);
                learner.backward(grad, step);
                return Diagnostics.updateAngles(net, exact);
            }
        }
    }

    @Test
    void backpropsAngleIsZero() {
        for (double a : angles("sgdm", false)) {
            assertEquals(0, a, 0.01);
        }
    }

    @Test
    void feedbackAlignmentIsExactAtTheTopAndNotBelow() {
        double[] a = angles("fa", false);
        assertEquals(0, a[a.length - 1], 0.01);
        for (int i = 0; i < a.length - 1; i++) {
            assertTrue(a[i] > 10, "layer " + i + ": " + a[i]);
        }
    }

    @Test
    void tiedFeedbackAlignmentHasAngleZero() {
        for (double a : angles("fa", true)) {
            assertEquals(0, a, 0.01);
        }
    }

    @Test
    void angleAndCosineOfKnownVectors() {
        assertEquals(90, Diagnostics.angleDegrees(new float[] {1, 0}, new float[] {0, 3}), 1e-9);
        assertEquals(45, Diagnostics.angleDegrees(new float[] {1, 0}, new float[] {2, 2}), 1e-9);
        assertEquals(180, Diagnostics.angleDegrees(new float[] {1, 1}, new float[] {-1, -1}), 1e-5);
        assertEquals(-1, Diagnostics.cosine(new float[] {1, 1}, new float[] {-2, -2}), 1e-12);
    }

    @Test
    void everyCheckpointCarriesTheDiagnosticsOfItsRule() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(2000, 200));
        try (NDManager m = NDManager.newBaseManager()) {
            for (String rule : List.of("sgdm", "fa", "dfa")) {
                RunSpec spec =
                        RunSpec.of(MLP, Rules.get(rule), 32, 20, 1).withCheckpoints(5, false);
                TrainResult r = Trainer.train(spec, task, m, TrainingListener.NONE);
                assertEquals(5, r.curve().size());
                for (TrainResult.CurvePoint c : r.curve()) {
                    assertEquals(3, c.diagnostics().size());
                    for (int i = 0; i < 3; i++) {
                        LayerDiagnostics d = c.diagnostics().get(i);
                        assertEquals(
                                rule.equals("fa"),
                                Double.isFinite(d.feedbackCosine()),
                                rule + " " + c);
                        assertTrue(Double.isFinite(d.updateAngle()), rule + " " + c);
                        if (rule.equals("sgdm") || i == 2) {
                            assertEquals(0, d.updateAngle(), 0.01, rule + " " + c);
                        } else {
                            assertTrue(d.updateAngle() > 1, rule + " " + c);
                        }
                    }
                }
                assertEquals(3, r.finalFeedbackCosines().length);
            }
        }
    }
}
