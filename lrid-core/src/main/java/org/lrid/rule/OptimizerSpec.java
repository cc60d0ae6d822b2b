package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

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
    }

    /** The gradient plus weightDecay times the parameter, in the gradient's buffer. */
    private static NDArray withDecay(
            NDArray gradient, NDArray parameter, double weightDecay, Scalars scalars) {
        if (weightDecay != 0) {
            try (NDArray decay = parameter.mul(scalars.constant(weightDecay))) {
                gradient.addi(decay);
            }
        }
        return gradient;
    }

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
     * p -= lr (g + wd p), in one native call (libtorch's add with alpha, multiply and subtract
     * inside DJL's fused SGD kernel, which works on a copy of g).
     */
    private static final class Sgd implements Updater {
        private final PtNDArray parameter;

        Sgd(NDArray parameter, NDManager state) {
            this.parameter = (PtNDArray) parameter;
        }

        @Override
        public void step(NDArray g, double lr, double wd) {
            // no momentum: the state argument is not read
            JniUtils.sgdUpdate(
                    parameter, (PtNDArray) g, parameter, (float) lr, (float) wd, 1f, -1f, 0f);
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
        private final Scalars scalars;
        private final NDArray mu;
        private double lastRate = Double.NaN;

        Momentum(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.velocity = state.zeros(parameter.getShape(), parameter.getDataType());
            this.scalars = new Scalars(state);
            this.mu = scalars.constant(momentum);
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
            NDArray rate = scalars.varying(lr);
            withDecay(g, parameter, wd, scalars);
            velocity.muli(mu).addi(g);
            try (NDArray look = velocity.mul(mu)) {
                parameter.subi(look.addi(g).muli(rate));
            }
        }
    }

    /**
     * Adam on g' = g + wd p with bias correction folded into the step size (Kingma and Ba, section
     * 2). A sequence of in-place calls: DJL's fused Adam kernel (four temporaries of its own) made
     * the reference mlp's step 2 ms slower (bench train: adam 0.56 -> 0.31 of the roofline).
     */
    private final class Adam implements Updater {
        private final NDArray parameter;
        private final NDArray m;
        private final NDArray v;
        private final Scalars scalars;
        private final NDArray beta1Scalar;
        private final NDArray beta2Scalar;
        private final NDArray oneMinusBeta1;
        private final NDArray oneMinusBeta2;
        private long t;

        Adam(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.m = state.zeros(parameter.getShape(), parameter.getDataType());
            this.v = state.zeros(parameter.getShape(), parameter.getDataType());
            this.scalars = new Scalars(state);
            this.beta1Scalar = scalars.constant(beta1);
            this.beta2Scalar = scalars.constant(beta2);
            this.oneMinusBeta1 = scalars.constant(1 - beta1);
            this.oneMinusBeta2 = scalars.constant(1 - beta2);
        }

        @Override
        public void step(NDArray g, double lr, double wd) {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            double stepSize = lr * Math.sqrt(c2) / c1;
            double epsHat = epsilon * Math.sqrt(c2);
            withDecay(g, parameter, wd, scalars);
            try (NDArray g2 = g.square()) {
                v.muli(beta2Scalar).addi(g2.muli(oneMinusBeta2));
            }
            m.muli(beta1Scalar).addi(g.muli(oneMinusBeta1));
            try (NDArray denom = v.sqrt();
                    NDArray update = m.mul(-stepSize)) {
                parameter.addi(update.divi(denom.addi(epsHat)));
            }
        }
    }
}
