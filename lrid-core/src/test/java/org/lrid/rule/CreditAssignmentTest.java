package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;

/**
 * The explicit backward pass against libtorch autograd, and feedback alignment with B re-tied to W
 * at every step against backprop, for each architecture family.
 */
class CreditAssignmentTest {

    static Stream<Object[]> architectures() {
        return Stream.of(
                new Object[] {
                    new Architecture("mlp", 12, 2, Activation.RELU), new long[] {1, 6, 6}
                },
                new Object[] {new Architecture("mlp", 9, 3, Activation.TANH), new long[] {10}},
                new Object[] {
                    new Architecture("convnet", 3, 2, Activation.RELU), new long[] {2, 8, 8}
                },
                new Object[] {
                    new Architecture("resnet", 3, 2, Activation.RELU), new long[] {1, 8, 8}
                });
    }

    private static NDArray randn(NDManager m, long[] shape, long seed) {
        return Alignment.noiseLike(m.zeros(new Shape(shape)), new SplittableRandom(seed), m);
    }

    private static long[] batch(int n, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void backpropMatchesAutograd(Architecture arch, long[] inputShape) {
        try (NDManager m = NDManager.newBaseManager();
                Network net = arch.build(m, inputShape, 4, 1, 2)) {
            NDArray x = randn(m, batch(5, inputShape), 3);
            NDArray g = randn(m, new long[] {5, 4}, 4);
            List<WeightLayer> layers = net.weightLayers();
            // reference: autograd of <net(x), g> with respect to every W and b
            for (WeightLayer l : layers) {
                l.weight().setRequiresGradient(true);
                l.bias().setRequiresGradient(true);
            }
            boolean previous = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            NDArray out = net.predict(x);
            JniUtils.setGradMode(previous);
            JniUtils.backward((PtNDArray) out, (PtNDArray) g, false, false);
            float[][] refW = new float[layers.size()][];
            float[][] refB = new float[layers.size()][];
            for (WeightLayer l : layers) {
                refW[l.index()] = l.weight().getGradient().toFloatArray();
                refB[l.index()] = l.bias().getGradient().toFloatArray();
                JniUtils.attachGradient((PtNDArray) l.weight(), false);
                JniUtils.attachGradient((PtNDArray) l.bias(), false);
            }
            try (NDManager step = m.newSubManager()) {
                net.forward(x, true);
                net.backward(g, (layer, s) -> layer.weight());
                for (WeightLayer l : layers) {
                    double ew =
                            GradientChecks.relativeError(
                                    l.gradWeight().toFloatArray(), refW[l.index()]);
                    double eb =
                            GradientChecks.relativeError(
                                    l.gradBias().toFloatArray(), refB[l.index()]);
                    assertTrue(
                            ew < 1e-5 && eb < 1e-5,
                            arch.id()
                                    + " layer "
                                    + l.index()
                                    + ": dW error "
                                    + ew
                                    + ", db error "
                                    + eb);
                }
                net.clearStep();
            }
        }
    }

    /**
     * A diagnosed step runs the backward pass twice on one forward pass (the exact gradient, then
     * the rule's): the second gives the same gradients, not their sum (the conv layers' gradients
     * come from libtorch's graph of the kept forward pass, which would accumulate them), also after
     * a held-out evaluation in between.
     */
    @ParameterizedTest
    @MethodSource("architectures")
    void aSecondBackwardGivesTheSameGradients(Architecture arch, long[] inputShape) {
        try (NDManager m = NDManager.newBaseManager();
                Network net = arch.build(m, inputShape, 4, 1, 2);
                NDManager step = m.newSubManager()) {
            NDArray x = randn(step, batch(5, inputShape), 3);
            NDArray g = randn(step, new long[] {5, 4}, 4);
            net.forward(x, true);
            net.backward(g, (layer, s) -> layer.weight());
            List<WeightLayer> layers = net.weightLayers();
            float[][] first = new float[2 * layers.size()][];
            for (WeightLayer l : layers) {
                first[2 * l.index()] = l.gradWeight().toFloatArray();
                first[2 * l.index() + 1] = l.gradBias().toFloatArray();
            }
            // a held-out evaluation in between (a forward pass that keeps nothing) changes nothing
            net.predict(randn(step, batch(2, inputShape), 9));
            net.backward(g, (layer, s) -> layer.weight());
            for (WeightLayer l : layers) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        first[2 * l.index()], l.gradWeight().toFloatArray(), 0f);
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        first[2 * l.index() + 1], l.gradBias().toFloatArray(), 0f);
            }
            net.clearStep();
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void keptPreActivationGivesTheForwardProjection(Architecture arch, long[] inputShape) {
        try (NDManager m = NDManager.newBaseManager();
                Network net = arch.build(m, inputShape, 4, 1, 2);
                NDManager step = m.newSubManager()) {
            net.forward(randn(m, batch(3, inputShape), 8), true);
            for (WeightLayer l : net.weightLayers()) {
                float[] direct = l.project(l.lastInput(), l.weight()).toFloatArray();
                double err =
                        GradientChecks.relativeError(
                                l.lastForwardProjection().toFloatArray(), direct);
                assertTrue(err < 1e-5, arch.id() + " layer " + l.index() + ": " + err);
            }
            net.clearStep();
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void tiedFeedbackAlignmentIsBackprop(Architecture arch, long[] inputShape) {
        try (NDManager m = NDManager.newBaseManager();
                Network bpNet = arch.build(m, inputShape, 4, 1, 2);
                Network faNet = arch.build(m, inputShape, 4, 1, 99)) {
            java.util.Map<String, Object> lr = java.util.Map.of("lr", 0.05);
            Learner bp =
                    new Learner(
                            Rules.get("sgdm").withOverrides(lr).forFamily(arch.family()), bpNet, 5);
            Learner fa =
                    new Learner(
                            Rules.get("fa").withOverrides(lr).forFamily(arch.family()), faNet, 6);
            for (int t = 0; t < 4; t++) {
                NDArray x = randn(m, batch(6, inputShape), 10 + t);
                NDArray y = randn(m, new long[] {6, 4}, 20 + t);
                for (WeightLayer l : faNet.weightLayers()) {
                    l.tieFeedbackToWeight();
                }
                step(bpNet, bp, x, y, m);
                step(faNet, fa, x, y, m);
                for (int i = 0; i < bpNet.weightLayers().size(); i++) {
                    float[] w1 = bpNet.weightLayers().get(i).weight().toFloatArray();
                    float[] w2 = faNet.weightLayers().get(i).weight().toFloatArray();
                    double err = GradientChecks.relativeError(w2, w1);
                    assertTrue(err < 1e-5, arch.id() + " step " + t + " layer " + i + ": " + err);
                }
            }
        }
    }

    /** One step on the squared error 0.5 |out - y|^2 / N. */
    private static void step(Network net, Learner learner, NDArray x, NDArray y, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            NDArray out = net.forward(x, true);
            NDArray grad = out.sub(y).divi(out.getShape().get(0));
            learner.backward(grad, step);
            learner.update(step, 1, 1);
            net.clearStep();
        }
    }
}
