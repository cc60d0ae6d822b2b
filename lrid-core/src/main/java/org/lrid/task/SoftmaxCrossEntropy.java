package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Mean softmax cross-entropy and its gradient (softmax - onehot) / N, with three native calls: the
 * log softmax, its copy to Java, and the gradient's upload. Labels stay in Java.
 */
public final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {}

    public static LossAndGradient of(NDArray logits, int[] labels) {
        int n = labels.length;
        if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != n) {
            throw new IllegalArgumentException(
                    "logits " + logits.getShape() + " do not match " + n + " labels");
        }
        int c = Math.toIntExact(logits.getShape().get(1));
        float[] logp;
        try (NDArray lsm = logits.logSoftmax(1)) {
            logp = lsm.toFloatArray();
        }
        double loss = 0;
        float[] grad = new float[n * c];
        float inv = 1f / n;
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " outside the " + c + " classes");
            }
            loss -= logp[i * c + labels[i]];
            for (int k = 0; k < c; k++) {
                grad[i * c + k] = (float) Math.exp(logp[i * c + k]) * inv;
            }
            grad[i * c + labels[i]] -= inv;
        }
        NDArray g = NativeData.floats(logits.getManager(), grad, new Shape(n, c));
        return new LossAndGradient((float) (loss / n), g);
    }

    /** Index of the largest logit of each row. */
    public static int[] argmax(float[] logits, int rows, int cols) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int best = 0;
            for (int k = 1; k < cols; k++) {
                if (logits[i * cols + k] > logits[i * cols + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
