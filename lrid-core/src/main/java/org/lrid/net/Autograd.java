package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;

/**
 * Vector-Jacobian products through libtorch's autograd, for the few local derivatives that have no
 * direct DJL operator (conv filter gradients, pooling). DJL's GradientCollector is avoided on
 * purpose: it allows one collector per process and scans every live array, which breaks parallel
 * runs. Grad mode here is libtorch's thread-local flag, so concurrent runs on other threads are
 * unaffected.
 */
public final class Autograd {

    private Autograd() {}

    /**
     * Returns g^T d f(at) / d at, allocated in the manager of {@code at}'s copy ({@code at}'s
     * manager). {@code at} itself is not modified.
     */
    public static NDArray vjp(UnaryOperator<NDArray> f, NDArray at, NDArray g) {
        NDArray leaf = at.duplicate();
        leaf.setRequiresGradient(true);
        boolean previous = JniUtils.isGradMode();
        NDArray out;
        JniUtils.setGradMode(true);
        try {
            out = f.apply(leaf);
        } finally {
            JniUtils.setGradMode(previous);
        }
        JniUtils.backward((PtNDArray) out, (PtNDArray) g, false, false);
        NDArray grad;
        try (NDArray view = leaf.getGradient()) {
            grad = view.duplicate();
        }
        out.close();
        leaf.close();
        return grad;
    }
}
