package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrid.net.Activation;
import org.lrid.net.Conv2d;
import org.lrid.net.Dense;
import org.lrid.net.WeightLayer;

/** Each alignment primitive's hand-written B-gradient against autograd and finite differences. */
class PrimitiveGradientTest {

    private static NDArray randn(NDManager m, Shape shape, long seed) {
        return Alignment.noiseLike(m.zeros(shape), new SplittableRandom(seed), m);
    }

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void denseGradientMatchesAutograd(Primitive p) {
        try (NDManager m = NDManager.newBaseManager()) {
            Dense layer = new Dense(m, 7, 5, Activation.RELU, 1, 2);
            layer.outputShape(new long[] {7});
            NDArray x = randn(m, new Shape(6, 7), 3);
            check(p, layer, x, m);
        }
    }

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void stridedConvGradientMatchesAutograd(Primitive p) {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d layer = new Conv2d(m, 3, 4, 3, 2, 1, Activation.RELU, 1, 2);
            layer.outputShape(new long[] {3, 9, 9});
            NDArray x = randn(m, new Shape(2, 3, 9, 9), 3);
            if (p == Primitive.NULL) {
                // a strided transposed convolution is itself an autograd product, which autograd
                // cannot
                // differentiate again: check this one against central differences
                checkByDifferences(p, layer, x, m, 1e-2, 7);
            } else {
                check(p, layer, x, m);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void convGradientMatchesAutograd(Primitive p) {
        checkConv(p, 2, 3, 8, 7);
    }

    /** A stride-1, 5x5 conv layer (padding 2) on a batch of 3 random inputs. */
    private static void checkConv(Primitive p, int in, int out, int height, int width) {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d layer = new Conv2d(m, in, out, 5, 1, 2, Activation.RELU, 1, 2);
            layer.outputShape(new long[] {in, height, width});
            NDArray x = randn(m, new Shape(3, in, height, width), 3);
            check(p, layer, x, m);
        }
    }

    /** A first layer on grayscale images: its adjoint takes the depthwise path (Conv2d). */
    @ParameterizedTest
    @EnumSource(Primitive.class)
    void singleInputChannelConvGradientMatchesAutograd(Primitive p) {
        checkConv(p, 1, 4, 9, 8);
    }

    /** The adjoint identity <project(x, M), e> = <x, backProject(e, M)> with one input channel. */
    @org.junit.jupiter.api.Test
    void singleInputChannelBackProjectIsTheAdjoint() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d layer = new Conv2d(m, 1, 6, 5, 1, 2, Activation.RELU, 1, 2);
            layer.outputShape(new long[] {1, 10, 7});
            NDArray x = randn(m, new Shape(4, 1, 10, 7), 3);
            NDArray e = randn(m, new Shape(4, 6, 10, 7), 4);
            NDArray b = layer.feedbackWeight();
            double left = layer.project(x, b).mul(e).sum().getFloat();
            NDArray back = layer.backProject(e, b, new long[] {1, 10, 7});
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    new long[] {4, 1, 10, 7}, back.getShape().getShape());
            double right = x.mul(back).sum().getFloat();
            assertTrue(
                    Math.abs(left - right) < 1e-4 * (Math.abs(left) + 1),
                    "<Px, e> = " + left + " but <x, P*e> = " + right);
        }
    }

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void projectionsWithTheBiasMatchAutograd(Primitive p) {
        try (NDManager m = NDManager.newBaseManager()) {
            Dense dense = new Dense(m, 7, 5, Activation.RELU, 1, 2);
            dense.outputShape(new long[] {7});
            dense.bias().set(randn(m, new Shape(5), 4).toFloatArray());
            checkWithBias(p, dense, randn(m, new Shape(6, 7), 3), m);
            Conv2d conv = new Conv2d(m, 2, 3, 5, 1, 2, Activation.RELU, 1, 2);
            conv.outputShape(new long[] {2, 8, 7});
            conv.bias().set(randn(m, new Shape(3), 5).toFloatArray());
            checkWithBias(p, conv, randn(m, new Shape(3, 2, 8, 7), 3), m);
        }
    }

    /**
     * The gradient with Pf = x W^T + b and Pb = x B^T + b, also when Pf comes from the kept forward
     * pass.
     */
    private static void checkWithBias(Primitive p, WeightLayer layer, NDArray x, NDManager m) {
        Alignment single = Alignment.of(p, 1.0).withBias(true);
        float[] reference =
                GradientChecks.autogradOf(layer.feedbackWeight(), () -> p.loss(layer, x, true));
        float[] withoutBias =
                GradientChecks.autogradOf(layer.feedbackWeight(), () -> p.loss(layer, x, false));
        try (NDManager step = m.newSubManager()) {
            float[] mine = single.gradient(layer, x, null, step).toFloatArray();
            assertTrue(
                    GradientChecks.relativeError(mine, reference) < 1e-5,
                    p + " with bias differs from autograd");
            layer.forward(
                    x, true); // the learner passes the kept pre-activation a = x W^T + b as Pf
            float[] kept =
                    single.gradient(layer, x, layer.lastPreActivation(), step).toFloatArray();
            assertTrue(
                    GradientChecks.relativeError(kept, reference) < 1e-5,
                    p + " from the kept pre-activation");
            layer.clearStep();
        }
        if (p == Primitive.AMP || p == Primitive.NULL || p == Primitive.SPARSE) {
            // the bias really enters these three
            assertTrue(
                    GradientChecks.relativeError(withoutBias, reference) > 1e-3,
                    p + " ignores the bias");
        }
    }

    private static void check(Primitive p, WeightLayer layer, NDArray x, NDManager m) {
        Alignment single = Alignment.of(p, 1.0);
        float[] mine;
        try (NDManager step = m.newSubManager()) {
            mine = single.gradient(layer, x, null, step).toFloatArray();
        }
        float[] reference =
                GradientChecks.autogradOf(layer.feedbackWeight(), () -> p.loss(layer, x));
        double err = GradientChecks.relativeError(mine, reference);
        assertTrue(err < 1e-5, p + " gradient differs from autograd by " + err);
    }

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void denseGradientMatchesCentralDifferences(Primitive p) {
        try (NDManager m = NDManager.newBaseManager()) {
            Dense layer = new Dense(m, 4, 3, Activation.RELU, 11, 12);
            layer.outputShape(new long[] {4});
            checkByDifferences(p, layer, randn(m, new Shape(5, 4), 13), m, 2e-3, 1);
        }
    }

    private static void checkByDifferences(
            Primitive p, WeightLayer layer, NDArray x, NDManager m, double tol, int every) {
        float[] grad;
        try (NDManager step = m.newSubManager()) {
            grad = Alignment.of(p, 1.0).gradient(layer, x, null, step).toFloatArray();
        }
        NDArray b = layer.feedbackWeight();
        float[] base = b.toFloatArray();
        float h = 1e-2f;
        for (int i = 0; i < base.length; i += every) {
            float[] plus = base.clone();
            float[] minus = base.clone();
            plus[i] += h;
            minus[i] -= h;
            b.set(plus);
            double lp = lossValue(p, layer, x);
            b.set(minus);
            double lm = lossValue(p, layer, x);
            b.set(base);
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, grad[i], tol * Math.max(1, Math.abs(fd)), p + " element " + i);
        }
    }

    private static double lossValue(Primitive p, WeightLayer layer, NDArray x) {
        try (NDArray l = p.loss(layer, x)) {
            return l.getFloat();
        }
    }

    /**
     * The reference's normalisation of a conv layer's data terms (Kunin et al.'s
     * Alignments/primitives.py: reduce_sum over H, W, C of reduce_mean over the batch): a mean over
     * examples and a sum over spatial positions. A 1x1 convolution is a dense layer applied at
     * every pixel, so on the H x W pixels as N x H x W rows of a dense layer with the same W and B
     * (whose losses average over all those rows) its losses are H x W times the dense ones.
     */
    @ParameterizedTest
    @EnumSource(Primitive.class)
    void convLossesAverageOverExamplesAndSumOverPositions(Primitive p) {
        try (NDManager m = NDManager.newBaseManager()) {
            long n = 3;
            long c = 4;
            long h = 5;
            long w = 6;
            Conv2d conv = new Conv2d(m, c, 3, 1, 1, 0, Activation.RELU, 1, 2);
            conv.outputShape(new long[] {c, h, w});
            Dense dense = new Dense(m, c, 3, Activation.RELU, 8, 9);
            dense.outputShape(new long[] {c});
            dense.weight().set(conv.weight().toFloatArray());
            dense.feedbackWeight().set(conv.feedbackWeight().toFloatArray());
            NDArray x = randn(m, new Shape(n, c, h, w), 3);
            NDArray pixels = x.transpose(0, 2, 3, 1).reshape(n * h * w, c);
            double convLoss = lossValue(p, conv, x);
            double denseLoss = lossValue(p, dense, pixels);
            // decay and self do not see the input: they are the same for both
            double positions = p == Primitive.DECAY || p == Primitive.SELF ? 1 : h * w;
            assertEquals(positions * denseLoss, convLoss, 1e-5 * Math.abs(convLoss), p.label());
        }
    }

    @org.junit.jupiter.api.Test
    void compositionIsTheWeightedSumOfItsPrimitives() {
        try (NDManager m = NDManager.newBaseManager()) {
            Dense layer = new Dense(m, 6, 4, Activation.RELU, 5, 6);
            layer.outputShape(new long[] {6});
            NDArray x = randn(m, new Shape(8, 6), 7);
            Alignment ia = Rules.get("ia").alignment();
            float[] whole;
            float[] sum = new float[24];
            try (NDManager step = m.newSubManager()) {
                whole = ia.gradient(layer, x, null, step).toFloatArray();
                for (Primitive p : List.of(Primitive.AMP, Primitive.NULL, Primitive.DECAY)) {
                    float[] g =
                            Alignment.of(p, ia.coefficient(p))
                                    .gradient(layer, x, null, step)
                                    .toFloatArray();
                    for (int i = 0; i < g.length; i++) {
                        sum[i] += g[i];
                    }
                }
            }
            assertTrue(GradientChecks.relativeError(whole, sum) < 1e-5);
        }
    }
}
