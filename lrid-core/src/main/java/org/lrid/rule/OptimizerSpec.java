package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
        void step(NDArray gradient, double learningRate);
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

    private static final class Sgd implements Updater {
        private final NDArray parameter;
        private final Scalars scalars;

        Sgd(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.scalars = new Scalars(state);
        }

        @Override
        public void step(NDArray g, double lr) {
            parameter.subi(g.muli(scalars.varying(lr)));
        }
    }

    /**
     * TensorFlow's MomentumOptimizer and PyTorch's SGD: v = mu v + g; heavy-ball p -= lr v;
     * Nesterov p -= lr (g + mu v).
     */
    private final class Momentum implements Updater {
        private final NDArray parameter;
        private final NDArray velocity;
        private final Scalars scalars;
        private final NDArray mu;

        Momentum(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.velocity = state.zeros(parameter.getShape(), parameter.getDataType());
            this.scalars = new Scalars(state);
            this.mu = scalars.constant(momentum);
        }

        @Override
        public void step(NDArray g, double lr) {
            NDArray rate = scalars.varying(lr);
            velocity.muli(mu).addi(g);
            if (nesterov) {
                try (NDArray look = velocity.mul(mu)) {
                    parameter.subi(look.addi(g).muli(rate));
                }
            } else {
                try (NDArray v = velocity.mul(rate)) {
                    parameter.subi(v);
                }
            }
        }
    }

    /** Adam with bias correction folded into the step size (Kingma and Ba, section 2). */
    private final class Adam implements Updater {
        private final NDArray parameter;
        private final NDArray m;
        private final NDArray v;
        private final NDArray beta1Scalar;
        private final NDArray beta2Scalar;
        private final NDArray oneMinusBeta1;
        private final NDArray oneMinusBeta2;
        private long t;

        Adam(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.m = state.zeros(parameter.getShape(), parameter.getDataType());
            this.v = state.zeros(parameter.getShape(), parameter.getDataType());
            Scalars scalars = new Scalars(state);
            this.beta1Scalar = scalars.constant(beta1);
            this.beta2Scalar = scalars.constant(beta2);
            this.oneMinusBeta1 = scalars.constant(1 - beta1);
            this.oneMinusBeta2 = scalars.constant(1 - beta2);
        }

        @Override
        public void step(NDArray g, double lr) {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            double stepSize = lr * Math.sqrt(c2) / c1;
            double epsHat = epsilon * Math.sqrt(c2);
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
