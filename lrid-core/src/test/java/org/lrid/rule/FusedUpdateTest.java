package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrid.net.Activation;

/**
 * The fused updates (DJL's native SGD and Adam kernels, the weight decay inside the step) against
 * the formulas computed independently in double precision, under a changing learning rate; a wrong
 * hyperparameter is caught by the same comparison. Nesterov and Adam, Java passes over libtorch's
 * memory, are the libtorch call sequences they replaced bit for bit, on the Vector API and off it
 * (1,000 elements: the vector loops' scalar tail runs too).
 */
class FusedUpdateTest {

    private static final double[] RATES = {0.1, 0.1, 0.05, 0.025, 0.025};
    private static final double DECAY = 1e-3;
    private static final int SIZE = 1000;

    private static final OptimizerSpec SGD =
            new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0, false, 0.9, 0.999, 1e-8);
    private static final OptimizerSpec HEAVY_BALL = momentum(0.9, false);
    private static final OptimizerSpec NESTEROV = momentum(0.9, true);
    private static final OptimizerSpec ADAM = adam(0.9, 0.999);

    private static OptimizerSpec momentum(double mu, boolean nesterov) {
        return new OptimizerSpec(OptimizerSpec.Kind.MOMENTUM, 0.1, mu, nesterov, 0.9, 0.999, 1e-8);
    }

    private static OptimizerSpec adam(double beta1, double beta2) {
        return new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-3, 0, false, beta1, beta2, 1e-8);
    }

    private static NDArray randn(NDManager m, long n, long seed) {
        return Alignment.noiseLike(m.zeros(new Shape(n)), new SplittableRandom(seed), m);
    }

    /**
     * The optimizer's formula in double precision, element by element, on g' = g + wd p: SGD p -=
     * lr g'; momentum v = mu v + g', heavy-ball p -= lr v, Nesterov p -= lr (g' + mu v); Adam m =
     * b1 m + (1 - b1) g', v = b2 v + (1 - b2) g'^2, p -= lr mhat / (sqrt(vhat) + eps).
     */
    private static void formulaStep(
            OptimizerSpec spec, double[] p, double[][] s, float[] g, double lr, double wd, int t) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + wd * p[i];
            switch (spec.kind()) {
                case SGD -> p[i] -= lr * gi;
                case MOMENTUM -> {
                    s[0][i] = spec.momentum() * s[0][i] + gi;
                    p[i] -= spec.nesterov() ? lr * (gi + spec.momentum() * s[0][i]) : lr * s[0][i];
                }
                case ADAM -> {
                    s[0][i] = spec.beta1() * s[0][i] + (1 - spec.beta1()) * gi;
                    s[1][i] = spec.beta2() * s[1][i] + (1 - spec.beta2()) * gi * gi;
                    double mHat = s[0][i] / (1 - Math.pow(spec.beta1(), t));
                    double vHat = s[1][i] / (1 - Math.pow(spec.beta2(), t));
                    p[i] -= lr * mHat / (Math.sqrt(vHat) + spec.epsilon());
                }
            }
        }
    }

    /**
     * The largest difference between the updater's parameters and those of the formula of {@code
     * formula} (which may differ from {@code spec}, to show that a wrong one is caught) over five
     * steps, relative to the parameters' largest magnitude.
     */
    private static double worstRelativeError(OptimizerSpec spec, OptimizerSpec formula) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = randn(m, SIZE, 1);
            float[] p0 = p.toFloatArray();
            double[] q = new double[SIZE];
            for (int i = 0; i < SIZE; i++) {
                q[i] = p0[i];
            }
            double[][] state = new double[2][SIZE];
            OptimizerSpec.Updater u = spec.newUpdater(p, m);
            double worst = 0;
            for (int t = 1; t <= RATES.length; t++) {
                NDArray g = randn(m, SIZE, 10 + t);
                float[] gv = g.toFloatArray();
                u.step(g, RATES[t - 1], DECAY);
                formulaStep(formula, q, state, gv, RATES[t - 1], DECAY, t);
                float[] got = p.toFloatArray();
                double scale = 0;
                double diff = 0;
                for (int i = 0; i < SIZE; i++) {
                    scale = Math.max(scale, Math.abs(q[i]));
                    diff = Math.max(diff, Math.abs(got[i] - q[i]));
                }
                worst = Math.max(worst, diff / scale);
            }
            return worst;
        }
    }

    @Test
    void everyOptimizerStepIsItsFormulaToFloatRounding() {
        for (OptimizerSpec spec : new OptimizerSpec[] {SGD, HEAVY_BALL, NESTEROV, ADAM}) {
            double error = worstRelativeError(spec, spec);
            assertTrue(error < 1e-6, spec + ": relative error " + error);
        }
    }

    @Test
    void aWrongMomentumOrBetaIsCaught() {
        OptimizerSpec[][] pairs = {
            {HEAVY_BALL, momentum(0.89, false)},
            {NESTEROV, momentum(0.89, true)},
            {HEAVY_BALL, NESTEROV},
            {ADAM, adam(0.89, 0.999)},
            {ADAM, adam(0.9, 0.99)},
        };
        for (OptimizerSpec[] pair : pairs) {
            double error = worstRelativeError(pair[0], pair[1]);
            assertTrue(error > 1e-5, pair[0] + " vs " + pair[1] + ": only " + error);
        }
    }

    /** The learning rate changes: the heavy-ball velocity the kernel keeps scaled by lr follows. */
    @Test
    void heavyBallFollowsAChangingLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.zeros(new Shape(1));
            OptimizerSpec.Updater u = HEAVY_BALL.newUpdater(p, m);
            u.step(m.create(new float[] {1f}), 0.1, 0);
            u.step(m.create(new float[] {0f}), 0.01, 0);
            // v1 = 1, p1 = -0.1; v2 = 0.9, p2 = -0.1 - 0.01 * 0.9 = -0.109 (not -0.19)
            assertEquals(-0.109, p.getFloat(0), 1e-7);
        }
    }

    /** Nesterov with the decay inside the step is the previous learner-side decay bit for bit. */
    @ParameterizedTest(name = "vector loops {0}")
    @ValueSource(booleans = {false, true})
    void nesterovIsThePreviousFormulaBitForBit(boolean vector) {
        VectorLoops.with(
                vector,
                () -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        NDArray p = randn(m, SIZE, 1);
                        NDArray q = p.duplicate();
                        NDArray v = m.zeros(p.getShape());
                        OptimizerSpec.Updater u = NESTEROV.newUpdater(p, m);
                        for (int t = 1; t <= RATES.length; t++) {
                            NDArray g = randn(m, SIZE, 10 + t);
                            NDArray h = g.duplicate();
                            try (NDArray decay = q.mul(DECAY)) {
                                h.addi(decay);
                            }
                            u.step(g, RATES[t - 1], DECAY);
                            v.muli(0.9).addi(h);
                            try (NDArray look = v.mul(0.9)) {
                                q.subi(look.addi(h).muli(RATES[t - 1]));
                            }
                            assertArrayEquals(q.toFloatArray(), p.toFloatArray(), 0f);
                        }
                    }
                });
    }

    /** SGD is DJL's fused SGD kernel (which it replaced) bit for bit, odd sizes included. */
    @ParameterizedTest(name = "vector loops {0}")
    @ValueSource(booleans = {false, true})
    void sgdIsDjlsKernelBitForBit(boolean vector) {
        VectorLoops.with(
                vector,
                () -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        for (int size : new int[] {10, 37, SIZE}) {
                            NDArray p = randn(m, size, 1);
                            NDArray q = p.duplicate();
                            OptimizerSpec.Updater u = SGD.newUpdater(p, m);
                            for (int t = 1; t <= RATES.length; t++) {
                                NDArray g = randn(m, size, 10 + t);
                                double wd = t == 2 ? 0 : DECAY;
                                u.step(g, RATES[t - 1], wd);
                                JniUtils.sgdUpdate(
                                        (PtNDArray) q,
                                        (PtNDArray) g,
                                        (PtNDArray) q,
                                        (float) RATES[t - 1],
                                        (float) wd,
                                        1f,
                                        -1f,
                                        0f);
                                float[] expected = q.toFloatArray();
                                float[] got = p.toFloatArray();
                                for (int i = 0; i < size; i++) {
                                    assertEquals(
                                            Float.floatToRawIntBits(expected[i]),
                                            Float.floatToRawIntBits(got[i]),
                                            "size " + size + ", step " + t + ", element " + i);
                                }
                            }
                        }
                    }
                });
    }

    /**
     * Adam is the sequence of libtorch calls it replaced, bit for bit, decay and schedule included.
     */
    @ParameterizedTest(name = "vector loops {0}")
    @ValueSource(booleans = {false, true})
    void adamIsThePreviousLibtorchSequenceBitForBit(boolean vector) {
        VectorLoops.with(
                vector,
                () -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        NDArray p = randn(m, SIZE, 1);
                        NDArray q = p.duplicate();
                        NDArray first = m.zeros(p.getShape());
                        NDArray second = m.zeros(p.getShape());
                        OptimizerSpec.Updater u = ADAM.newUpdater(p, m);
                        for (int t = 1; t <= RATES.length; t++) {
                            NDArray g = randn(m, SIZE, 10 + t);
                            NDArray h = g.duplicate();
                            double lr = RATES[t - 1];
                            u.step(g, lr, DECAY);
                            // the previous updater: in-place libtorch calls on 0-d double scalars
                            double c1 = 1 - Math.pow(0.9, t);
                            double c2 = 1 - Math.pow(0.999, t);
                            try (NDArray decay = q.mul(m.create(DECAY))) {
                                h.addi(decay);
                            }
                            try (NDArray g2 = h.square()) {
                                second.muli(m.create(0.999)).addi(g2.muli(m.create(1 - 0.999)));
                            }
                            first.muli(m.create(0.9)).addi(h.muli(m.create(1 - 0.9)));
                            try (NDArray wide = second.toType(DataType.FLOAT64, true);
                                    NDArray root = wide.sqrt();
                                    NDArray denom = root.toType(DataType.FLOAT32, true);
                                    NDArray update = first.mul(-(lr * Math.sqrt(c2) / c1))) {
                                q.addi(update.divi(denom.addi(1e-8 * Math.sqrt(c2))));
                            }
                            float[] expected = q.toFloatArray();
                            float[] got = p.toFloatArray();
                            for (int i = 0; i < SIZE; i++) {
                                assertEquals(
                                        Float.floatToRawIntBits(expected[i]),
                                        Float.floatToRawIntBits(got[i]),
                                        "step " + t + ", element " + i);
                            }
                        }
                    }
                });
    }

    /** A strided view would be updated through a copy and lose the update: refused up front. */
    @Test
    void javaUpdatersRefuseAStridedParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray view = m.randomNormal(new Shape(3, 4)).transpose();
            for (OptimizerSpec spec : new OptimizerSpec[] {NESTEROV, ADAM}) {
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalStateException.class, () -> spec.newUpdater(view, m));
            }
            NDArray p = m.randomNormal(new Shape(3, 4));
            float[] before = p.toFloatArray();
            NESTEROV.newUpdater(p, m); // the check leaves a contiguous parameter as it was
            assertArrayEquals(before, p.toFloatArray(), 0f);
        }
    }

    @Test
    void activationBackwardIsTheProductOfGradientAndDerivative() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = randn(m, 500, 3);
            NDArray g = randn(m, 500, 4);
            for (Activation phi : Activation.values()) {
                NDArray h = phi.apply(a);
                NDArray expected;
                try (NDArray d = phi.derivativeFromOutput(h)) {
                    expected = g.mul(d);
                }
                assertArrayEquals(
                        expected.toFloatArray(),
                        phi.backward(g, h).toFloatArray(),
                        0f,
                        phi.label());
            }
        }
    }
}
