package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/** Test helpers: libtorch autograd as the independent reference for hand-written gradients. */
final class GradientChecks {

    private GradientChecks() {}

    /** d(scalar())/d(leaf) by autograd; the leaf gets requires_grad for the duration. */
    static float[] autogradOf(NDArray leaf, Supplier<NDArray> scalar) {
        leaf.setRequiresGradient(true);
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        NDArray out;
        try {
            out = scalar.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
        try (NDArray ones = out.onesLike()) {
            JniUtils.backward((PtNDArray) out, (PtNDArray) ones, false, false);
        }
        float[] g;
        try (NDArray grad = leaf.getGradient()) {
            g = grad.toFloatArray();
        }
        JniUtils.attachGradient((PtNDArray) leaf, false);
        out.close();
        return g;
    }

    /** max |a - b| / max(|b|_inf, tiny). */
    static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
