package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;

/**
 * The fused B step of the alignment rules (B's gradient read element by element inside Nesterov's
 * pass: the decay and self terms, the data terms' materialised gradient, Kolen-Pollack's W update)
 * gives the same bits as the gradient materialised by libtorch calls and then stepped, on the
 * Vector API and off it, with the step cap and the weight decay on and off.
 */
class FusedFeedbackTest {

    static Stream<Arguments> cases() {
        Map<String, Map<String, Object>> variants =
                Map.of(
                        "sa",
                        Map.of(),
                        "sa capped",
                        Map.of("alignment_max_step", 1e-5),
                        "sa self only",
                        Map.of("decay", 0.0),
                        "kp",
                        Map.of(),
                        "kp without weight decay",
                        Map.of("weight_decay", 0.0),
                        "kp capped",
                        Map.of("alignment_max_step", 1e-6),
                        "wm",
                        Map.of(),
                        "ia",
                        Map.of(),
                        "ia capped",
                        Map.of("alignment_max_step", 1e-6),
                        "aa",
                        Map.of());
        return variants.entrySet().stream()
                .flatMap(
                        e ->
                                Stream.of(false, true)
                                        .map(v -> Arguments.of(e.getKey(), e.getValue(), v)));
    }

    @ParameterizedTest(name = "{0}, vector loops {2}")
    @MethodSource("cases")
    void theFusedStepIsTheMaterialisedOneBitForBit(
            String variant, Map<String, Object> overrides, boolean vector) {
        LearningRule rule =
                Rules.get(variant.split(" ")[0]).withOverrides(overrides).forFamily("mlp");
        assertTrue(rule.trainsFeedbackWeights() && rule.optimizer().fusesLinear());
        VectorLoops.with(vector, () -> compare(rule, variant));
    }

    /** Five steps of the fused and the materialised learner from one start: the same bits. */
    private static void compare(LearningRule rule, String variant) {
        try (NDManager m = NDManager.newBaseManager();
                Network fused = mlp(m);
                Network materialised = mlp(m)) {
            Learner a = new Learner(rule, fused, 1, true);
            Learner b = new Learner(rule, materialised, 1, false);
            List<float[]> b0 = feedback(fused);
            for (int t = 1; t <= 5; t++) {
                step(fused, a, m, t);
                step(materialised, b, m, t);
            }
            List<WeightLayer> x = fused.weightLayers();
            List<WeightLayer> y = materialised.weightLayers();
            for (int l = 0; l < x.size(); l++) {
                assertBits(y.get(l).weight(), x.get(l).weight(), variant + " W" + l);
                assertBits(y.get(l).bias(), x.get(l).bias(), variant + " b" + l);
                assertBits(
                        y.get(l).feedbackWeight(), x.get(l).feedbackWeight(), variant + " B" + l);
                assertFalse(
                        Arrays.equals(b0.get(l), x.get(l).feedbackWeight().toFloatArray()),
                        variant + ": B" + l + " moved");
            }
        }
    }

    /** Input 20, hidden 40, 3 classes: 800, 1,600 and 120 weights (vector loops and tails). */
    private static Network mlp(NDManager m) {
        return new Architecture("mlp", 40, 2, Activation.RELU).build(m, new long[] {20}, 3, 11, 12);
    }

    private static List<float[]> feedback(Network net) {
        return net.weightLayers().stream().map(l -> l.feedbackWeight().toFloatArray()).toList();
    }

    private static void step(Network net, Learner learner, NDManager m, int t) {
        try (NDManager step = m.newSubManager()) {
            NDArray x =
                    Alignment.noiseLike(
                            step.zeros(new Shape(8, 20)), new SplittableRandom(t), step);
            NDArray out = net.forward(x, true);
            NDArray grad = Alignment.noiseLike(out, new SplittableRandom(100 + t), step).muli(0.1);
            learner.backward(grad, step);
            learner.update(step, t, 5);
            net.clearStep();
        }
    }

    private static void assertBits(NDArray expected, NDArray actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(e[i]),
                    Float.floatToRawIntBits(a[i]),
                    what + ", element " + i);
        }
    }
}
