package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;

/**
 * The updates with cached scalars and fewer temporaries give bit for bit what the previous formulas
 * (a fresh scalar per operation, a copy per temporary) gave, under a changing learning rate.
 */
class FusedUpdateTest {

    private static final double[] RATES = {0.1, 0.1, 0.05, 0.025, 0.025};

    private static NDArray randn(NDManager m, long n, long seed) {
        return Alignment.noiseLike(m.zeros(new Shape(n)), new SplittableRandom(seed), m);
    }

    /** The formulas as they were before the optimisation, step by step. */
    private static void previousStep(
            OptimizerSpec spec, NDArray p, NDArray[] state, NDArray g, double lr, long t) {
        switch (spec.kind()) {
            case SGD -> p.subi(g.muli(lr));
            case MOMENTUM -> {
                NDArray v = state[0];
                v.muli(spec.momentum()).addi(g);
                if (spec.nesterov()) {
                    try (NDArray look = v.mul(spec.momentum())) {
                        p.subi(look.addi(g).muli(lr));
                    }
                } else {
                    try (NDArray vl = v.mul(lr)) {
                        p.subi(vl);
                    }
                }
            }
            case ADAM -> {
                NDArray m1 = state[0];
                NDArray v = state[1];
                double c1 = 1 - Math.pow(spec.beta1(), t);
                double c2 = 1 - Math.pow(spec.beta2(), t);
                double stepSize = lr * Math.sqrt(c2) / c1;
                double epsHat = spec.epsilon() * Math.sqrt(c2);
                try (NDArray g2 = g.square()) {
                    v.muli(spec.beta2()).addi(g2.muli(1 - spec.beta2()));
                }
                m1.muli(spec.beta1()).addi(g.muli(1 - spec.beta1()));
                try (NDArray denom = v.sqrt();
                        NDArray update = m1.mul(-stepSize)) {
                    p.addi(update.divi(denom.addi(epsHat)));
                }
            }
        }
    }

    private static void check(OptimizerSpec spec) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = randn(m, 1000, 1);
            NDArray q = p.duplicate();
            NDArray[] state = {m.zeros(p.getShape()), m.zeros(p.getShape())};
            OptimizerSpec.Updater u = spec.newUpdater(p, m);
            for (int t = 1; t <= RATES.length; t++) {
                // the same gradient, with the weight decay the learner adds first
                NDArray g = randn(m, 1000, 10 + t);
                NDArray h = randn(m, 1000, 10 + t);
                try (NDArray decay = p.mul(1e-3)) {
                    g.addi(decay);
                }
                try (NDArray decay = q.mul(1e-3)) {
                    h.addi(decay);
                }
                u.step(g, RATES[t - 1]);
                previousStep(spec, q, state, h, RATES[t - 1], t);
                assertArrayEquals(q.toFloatArray(), p.toFloatArray(), 0f, spec.label());
            }
        }
    }

    @Test
    void everyOptimizerStepIsThePreviousFormulaBitForBit() {
        check(new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0, false, 0.9, 0.999, 1e-8));
        check(new OptimizerSpec(OptimizerSpec.Kind.MOMENTUM, 0.1, 0.9, false, 0.9, 0.999, 1e-8));
        check(new OptimizerSpec(OptimizerSpec.Kind.MOMENTUM, 0.1, 0.9, true, 0.9, 0.999, 1e-8));
        check(new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-3, 0, false, 0.9, 0.999, 1e-8));
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
