package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import org.lrid.net.NativeFloats;
import org.lrid.net.Simd;

/**
 * An optimizer and its hyperparameters (validated by {@link Hyperparameter}). W, b and B each get
 * their own state, so B is "stepped by the same optimizer as W" without sharing momentum. The
 * learning rate of each step is handed to {@link Updater#step}, so that a schedule can change it.
 */
public record OptimizerSpec(
        Kind kind,
        double learningRate,
        double momentum,
        boolean nesterov,
        double beta1,
        double beta2,
        double epsilon) {

    public enum Kind {
        SGD,
        MOMENTUM,
        ADAM
    }

    public String label() {
        return switch (kind) {
            case SGD -> "sgd";
            case MOMENTUM -> "sgdm";
            case ADAM -> "adam";
        };
    }

    /** State for one parameter, kept in {@code state} (the network's manager). */
    public Updater newUpdater(NDArray parameter, NDManager state) {
        return switch (kind) {
            case SGD -> new Sgd(parameter, state);
            case MOMENTUM -> new Momentum(parameter, state);
            case ADAM -> new Adam(parameter, state);
        };
    }

    /** Applies one step to its parameter, in place. The gradient may be overwritten. */
    public interface Updater {
        /**
         * One step on the gradient {@code gradient + weightDecay * parameter} (PyTorch's {@code
         * weight_decay}, the loss (wd / 2) ||p||^2), the decay taken inside the update where a
         * fused native kernel can add it without a pass of its own.
         */
        void step(NDArray gradient, double learningRate, double weightDecay);

        /** One step on the gradient as given. */
        default void step(NDArray gradient, double learningRate) {
            step(gradient, learningRate, 0);
        }

        /**
         * One step on a gradient read element by element from the arrays of {@code g}, without
         * materialising it; only Nesterov's updater has such a step ({@link #fusesLinear}).
         */
        default void step(LinearGradient g, double learningRate) {
            throw new UnsupportedOperationException("no fused step for " + getClass());
        }
    }

    /** True when this optimizer's updaters take a {@link LinearGradient} in their fused step. */
    public boolean fusesLinear() {
        return kind == Kind.MOMENTUM && nesterov;
    }

    /**
     * A gradient elementwise linear in the parameter p itself, another array o and a follow array
     * f: g = ((p a + o b) c) + (p d + f), in that order of float operations, a term absent when its
     * factor is 0 (a, b, d), 1 (c) or its array null (o, f): the B gradients of symmetric alignment
     * (a = 2 decay, o = W, b = -self) and Kolen-Pollack (a = 2 decay; f = dL/dW, d = wd), c their
     * step cap. At least one of the a, b and f terms is present.
     */
    public record LinearGradient(
            float selfScale,
            NDArray other,
            float otherScale,
            float cap,
            NDArray follow,
            float followDecay) {}

    /**
     * The 0-d arrays a step multiplies by, kept while their value stays the same: {@code x.mul(s)}
     * with a cached {@code s} is exactly {@code x.mul(double)} (which creates {@code s} from the
     * same double each call) without a native allocation per operation.
     */
    static final class Scalars {
        private final NDManager manager;
        private final java.util.Map<Double, NDArray> cache = new java.util.HashMap<>();
        private double lastValue = Double.NaN;
        private NDArray last;

        Scalars(NDManager manager) {
            this.manager = manager;
        }

        /** A constant used every step (kept until the manager closes). */
        NDArray constant(double value) {
            return cache.computeIfAbsent(value, v -> manager.create(v));
        }

        /** A value that may change from step to step (the learning rate under a schedule). */
        NDArray varying(double value) {
            if (last == null || Double.compare(value, lastValue) != 0) {
                if (last != null) {
                    last.close();
                }
                last = manager.create(value);
                lastValue = value;
            }
            return last;
        }
    }

    /**
     * p -= lr (g + wd p) in one Java pass over libtorch's memory of p and g, in place: the float
     * operations of DJL's fused SGD kernel (a copy of g, libtorch's add with alpha, which its
     * vectorised kernel computes as one fused multiply-add fma(p, wd, g), a multiply by lr and a
     * subtraction: four passes and an allocation), so the same bits (tested against the kernel). On
     * the Vector API ({@link Simd}) when it is on, the scalar loop taking the tail.
     */
    private static final class Sgd implements Updater {
        private final NDArray parameter;

        Sgd(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            NativeFloats.requireWritable(parameter);
        }

        @Override
        public void step(NDArray gradient, double lr, double wd) {
            int n = Math.toIntExact(parameter.size());
            ByteBuffer pb = NativeFloats.bytes(parameter);
            ByteBuffer gb = NativeFloats.bytes(gradient);
            float rate = (float) lr;
            float decay = (float) wd;
            int from = Simd.enabled() ? VectorSteps.sgd(pb, gb, n, rate, decay) : 0;
            long p = NativeFloats.address(pb);
            long g = NativeFloats.address(gb);
            for (int i = from; i < n; i++) {
                float pi = NativeFloats.get(p, i);
                NativeFloats.put(p, i, pi - Math.fma(pi, decay, NativeFloats.get(g, i)) * rate);
            }
        }
    }

    /**
     * TensorFlow's MomentumOptimizer and PyTorch's SGD on g' = g + wd p: v = mu v + g'; heavy-ball
     * p -= lr v; Nesterov p -= lr (g' + mu v).
     *
     * <p>Heavy-ball runs as one native call (DJL's fused SGD kernel) on the velocity scaled by the
     * learning rate, u = lr_t v: u = mu (lr_t / lr_(t-1)) u + lr_t g', p -= u, which is the same
     * step under any schedule (lr_t > 0 at every step).
     */
    private final class Momentum implements Updater {
        private final NDArray parameter;
        private final NDArray velocity;
        private double lastRate = Double.NaN;
        private float[] speeds;

        Momentum(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.velocity =
                    nesterov ? null : state.zeros(parameter.getShape(), parameter.getDataType());
            if (nesterov) {
                NativeFloats.requireWritable(parameter);
            }
        }

        @Override
        public void step(NDArray g, double lr, double wd) {
            if (!nesterov) {
                // velocity holds lr_(t-1) v; zero before the first step, whatever the factor
                double carry = Double.isNaN(lastRate) ? momentum : momentum * (lr / lastRate);
                lastRate = lr;
                JniUtils.sgdUpdate(
                        (PtNDArray) parameter,
                        (PtNDArray) g,
                        (PtNDArray) velocity,
                        (float) lr,
                        (float) wd,
                        1f,
                        -1f,
                        (float) carry);
                return;
            }
            nesterov(g, lr, wd);
        }

        /**
         * Nesterov on a {@link LinearGradient} in one Java pass over libtorch's memory of p, o and
         * f, in place (the velocity lives in a Java array): the float operations of the libtorch
         * calls that would build g first (sa's and kp's B: two to four passes and an allocation per
         * layer; W's decay g + p wd as p.mul(wd) then g.addi) and of libtorch's in-place Nesterov
         * sequence, in their order, so the same bits (tested), without their passes and calls. On
         * the Vector API ({@link Simd}) when it is on, the scalar loop taking the tail: the mlp's
         * Nesterov passes 12% -> 4% of sa's step (AMD EPYC, AVX-512). Bulk copies in and out had
         * cost more than the scalar loop (the mlp's step: 2.37 -> 2.20 ms).
         */
        @Override
        public void step(LinearGradient lg, double lr) {
            if (!nesterov) {
                throw new UnsupportedOperationException("a fused linear step is Nesterov's");
            }
            int n = Math.toIntExact(parameter.size());
            ByteBuffer pb = NativeFloats.bytes(parameter);
            ByteBuffer ob = lg.other() == null ? null : NativeFloats.bytes(lg.other());
            ByteBuffer fb = lg.follow() == null ? null : NativeFloats.bytes(lg.follow());
            float[] v = speeds = NativeFloats.atLeast(speeds, n);
            float m = (float) momentum;
            float rate = (float) lr;
            float a = lg.selfScale();
            float b = lg.otherScale();
            float c = lg.cap();
            float d = lg.followDecay();
            boolean self = a != 0;
            boolean other = ob != null && b != 0;
            boolean capped = c != 1 && (self || other);
            boolean follows = fb != null;
            boolean followDecays = follows && d != 0;
            if (!self && !other && !follows) {
                throw new IllegalArgumentException("an empty linear gradient");
            }
            int from =
                    Simd.enabled()
                            ? VectorSteps.nesterovLinear(pb, ob, fb, v, n, m, rate, a, b, c, d)
                            : 0;
            long p = NativeFloats.address(pb);
            long o = ob == null ? 0 : NativeFloats.address(ob);
            long f = fb == null ? 0 : NativeFloats.address(fb);
            for (int i = from; i < n; i++) {
                float pi = NativeFloats.get(p, i);
                float gi = 0;
                if (self) {
                    gi = pi * a;
                }
                if (other) {
                    float oi = NativeFloats.get(o, i) * b;
                    gi = self ? gi + oi : oi;
                }
                if (capped) {
                    gi = gi * c;
                }
                if (follows) {
                    float fi = NativeFloats.get(f, i);
                    if (followDecays) {
                        fi = pi * d + fi;
                    }
                    gi = self || other ? gi + fi : fi;
                }
                float vi = v[i] * m + gi;
                v[i] = vi;
                NativeFloats.put(p, i, pi - (vi * m + gi) * rate);
            }
        }

        /**
         * Nesterov on g + wd p: the linear gradient whose follow term is g with decay wd (p wd + g
         * is g + p wd exactly: addition commutes), so that one loop serves every Nesterov step.
         */
        private void nesterov(NDArray gradient, double lr, double wd) {
            step(new LinearGradient(0, null, 0, 1, gradient, (float) wd), lr);
        }
    }

    /**
     * Adam on g' = g + wd p with bias correction folded into the step size (Kingma and Ba, section
     * 2), in one Java pass over libtorch's memory of p and g, in place (m and v live in Java
     * arrays): the float operations of the libtorch sequence it replaced, in its order, so the same
     * bits but for the square root, which is correctly rounded here and not in libtorch's
     * vectorised kernel (tested). DJL's fused Adam kernel (four temporaries of its own) had made
     * the mlp's step 2 ms slower. On the Vector API ({@link Simd}) when it is on, the scalar loop
     * taking the tail; alone, the scalar loop ran slower in place than on bulk copies, whose loop
     * the JIT vectorises (the mlp: 2.62 against 2.25 ms).
     */
    private final class Adam implements Updater {
        private final NDArray parameter;
        private float[] first;
        private float[] second;
        private long t;

        Adam(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            NativeFloats.requireWritable(parameter);
        }

        @Override
        public void step(NDArray gradient, double lr, double wd) {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            int n = Math.toIntExact(parameter.size());
            ByteBuffer pb = NativeFloats.bytes(parameter);
            ByteBuffer gb = NativeFloats.bytes(gradient);
            float[] m = first = NativeFloats.atLeast(first, n); // zeros before the first step
            float[] v = second = NativeFloats.atLeast(second, n);
            float decay = (float) wd;
            boolean decays = wd != 0;
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            float rest1 = (float) (1 - beta1);
            float rest2 = (float) (1 - beta2);
            float negativeStep = (float) -(lr * Math.sqrt(c2) / c1);
            float epsHat = (float) (epsilon * Math.sqrt(c2));
            int from =
                    Simd.enabled()
                            ? VectorSteps.adam(
                                    pb,
                                    gb,
                                    m,
                                    v,
                                    n,
                                    decay,
                                    b1,
                                    b2,
                                    rest1,
                                    rest2,
                                    negativeStep,
                                    epsHat)
                            : 0;
            long p = NativeFloats.address(pb);
            long g = NativeFloats.address(gb);
            for (int i = from; i < n; i++) {
                float pi = NativeFloats.get(p, i);
                float gi = NativeFloats.get(g, i);
                if (decays) {
                    gi = gi + pi * decay;
                }
                float vi = v[i] * b2 + (gi * gi) * rest2;
                float mi = m[i] * b1 + gi * rest1;
                v[i] = vi;
                m[i] = mi;
                NativeFloats.put(p, i, pi + (mi * negativeStep) / ((float) Math.sqrt(vi) + epsHat));
            }
        }
    }
}
