package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.lrid.LridException;

/**
 * Pointwise nonlinearity; its derivative is taken from the output, so layers keep only h, not a.
 */
public enum Activation {
    RELU,
    TANH,
    IDENTITY;

    public NDArray apply(NDArray a) {
        return switch (this) {
            case RELU -> a.getNDArrayInternal().relu();
            case TANH -> a.tanh();
            case IDENTITY -> a;
        };
    }

    /** phi'(a) from h = phi(a), allocated in h's manager. */
    public NDArray derivativeFromOutput(NDArray h) {
        return switch (this) {
            case RELU -> h.sign(); // h >= 0, so sign(h) is exactly the ReLU derivative (0 at 0)
            case TANH -> h.square().negi().addi(1f);
            case IDENTITY -> h.onesLike();
        };
    }

    /** g * phi'(a), the error at the pre-activation, in g's manager. */
    public NDArray backward(NDArray g, NDArray h) {
        if (this == IDENTITY) {
            return g;
        }
        // phi'(a) g in the derivative's own buffer: one temporary fewer than g.mul(d), and the
        // same product (multiplication commutes exactly)
        NDArray d = derivativeFromOutput(h);
        d.attach(g.getManager());
        return d.muli(g);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.label().equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new LridException("unknown activation '" + name + "'; known: relu, tanh, identity");
    }
}
