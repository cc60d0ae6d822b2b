package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.lrid.LridException;

/**
 * An optimizer and its hyperparameters. W, b and B each get their own state, so B is "stepped by the
 * same optimizer as W" without sharing momentum.
 */
public record OptimizerSpec(Kind kind, double learningRate, double momentum, double beta1, double beta2,
        double epsilon) {

    public enum Kind { SGD, MOMENTUM, ADAM }

    public OptimizerSpec {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new LridException("learning rate must be a positive number, got " + learningRate);
        }
        if (momentum < 0 || momentum >= 1) {
            throw new LridException("momentum must be in [0, 1), got " + momentum);
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new LridException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new LridException("Adam epsilon must be positive, got " + epsilon);
        }
    }

    public static OptimizerSpec sgd(double lr) {
        return new OptimizerSpec(Kind.SGD, lr, 0, 0.9, 0.999, 1e-8);
    }

    public static OptimizerSpec momentum(double lr, double momentum) {
        return new OptimizerSpec(Kind.MOMENTUM, lr, momentum, 0.9, 0.999, 1e-8);
    }

    public static OptimizerSpec adam(double lr) {
        return new OptimizerSpec(Kind.ADAM, lr, 0, 0.9, 0.999, 1e-8);
    }

    public String label() {
        return switch (kind) {
            case SGD -> "sgd";
            case MOMENTUM -> "sgdm";
            case ADAM -> "adam";
        };
    }

    public OptimizerSpec withLearningRate(double lr) {
        return new OptimizerSpec(kind, lr, momentum, beta1, beta2, epsilon);
    }

    public OptimizerSpec with(String key, double value) {
        return switch (key.toLowerCase(Locale.ROOT)) {
            case "lr", "learning_rate" -> new OptimizerSpec(kind, value, momentum, beta1, beta2, epsilon);
            case "momentum" -> new OptimizerSpec(kind, learningRate, value, beta1, beta2, epsilon);
            case "beta1" -> new OptimizerSpec(kind, learningRate, momentum, value, beta2, epsilon);
            case "beta2" -> new OptimizerSpec(kind, learningRate, momentum, beta1, value, epsilon);
            case "eps", "epsilon" -> new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, value);
            default -> throw new IllegalArgumentException(key);
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
        void step(NDArray gradient);
    }

    private final class Sgd implements Updater {
        private final NDArray parameter;

        Sgd(NDArray parameter) {
            this.parameter = parameter;
        }

        @Override
        public void step(NDArray g) {
            parameter.subi(g.muli(learningRate));
        }
    }

    /** v = mu v + lr g; p -= v (PyTorch's formulation with the learning rate folded into v). */
    private final class Momentum implements Updater {
        private final NDArray parameter;
        private final NDArray velocity;

        Momentum(NDArray parameter, NDManager state) {
            this.parameter = parameter;
            this.velocity = state.zeros(parameter.getShape(), parameter.getDataType());
        }

        @Override
        public void step(NDArray g) {
            velocity.muli(momentum).addi(g.muli(learningRate));
            parameter.subi(velocity);
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
        public void step(NDArray g) {
            t++;
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            double stepSize = learningRate * Math.sqrt(c2) / c1;
            double epsHat = epsilon * Math.sqrt(c2);
            try (NDArray g2 = g.square()) {
                v.muli(beta2).addi(g2.muli(1 - beta2));
            }
            m.muli(beta1).addi(g.muli(1 - beta1));
            try (NDArray denom = v.sqrt(); NDArray update = m.mul(-stepSize)) {
                parameter.addi(update.divi(denom.addi(epsHat)));
            }
        }
    }
}
