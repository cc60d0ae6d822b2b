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
            case SGD -> new Sgd(parameter);
            case MOMENTUM -> new Momentum(parameter, state);
            case ADAM -> new Adam(parameter, state);
        };
    }

    /** Applies one step to its parameter, in place. The gradient may be overwritten. */
    public interface Updater {
        void step(NDArray gradient, double learningRate);
    }

    private static final class Sgd implements Updater {
        private final NDArray parameter;

        Sgd(NDArray parameter) {
            this.parameter = parameter;
        }

        @Override
        public void step(NDArray g, double lr) {
            parameter.subi(g.muli(lr));
        }
    }

    /**
     * TensorFlow's MomentumOptimizer and PyTorch's SGD: v = mu v + g; heavy-ball p -= lr v;
     * Nesterov p -= lr (g + mu v).
     */
    private final class Momentum implements Updater {
        private final NDArray parameter;
        private final NDArray velocity;

        Momentum(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.velocity = state.zeros(parameter.getShape(), parameter.getDataType());
        }

        @Override
        public void step(NDArray g, double lr) {
            velocity.muli(momentum).addi(g);
            if (nesterov) {
                try (NDArray look = velocity.mul(momentum)) {
                    parameter.subi(look.addi(g).muli(lr));
                }
            } else {
                try (NDArray v = velocity.mul(lr)) {
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
        private long t;

        Adam(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.m = state.zeros(parameter.getShape(), parameter.getDataType());
            this.v = state.zeros(parameter.getShape(), parameter.getDataType());
        }

        @Override
        public void step(NDArray g, double lr) {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            double stepSize = lr * Math.sqrt(c2) / c1;
            double epsHat = epsilon * Math.sqrt(c2);
            try (NDArray g2 = g.square()) {
                v.muli(beta2).addi(g2.muli(1 - beta2));
            }
            m.muli(beta1).addi(g.muli(1 - beta1));
            try (NDArray denom = v.sqrt();
                    NDArray update = m.mul(-stepSize)) {
                parameter.addi(update.divi(denom.addi(epsHat)));
            }
        }
    }
}
