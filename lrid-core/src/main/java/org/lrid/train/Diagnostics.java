package org.lrid.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lrid.net.Network;
import org.lrid.net.Recurrent;
import org.lrid.net.WeightLayer;
import org.lrid.rule.CreditAssignment;
import org.lrid.rule.LearningRule;

/**
 * Computes science.md's diagnostics: cos(W, B) per weight layer, and the angle between the rule's
 * dL/dW and the exact backprop dL/dW of the same batch (one extra backward pass, at checkpoint
 * steps only).
 */
public final class Diagnostics {

    private Diagnostics() {}

    /**
     * The exact backprop dL/dW of every weight layer for the kept forward pass of one batch. Leaves
     * the exact gradients on the layers: run the rule's backward pass after it.
     */
    public static List<float[]> exactGradients(Network network, NDArray lossGradient) {
        network.backward(lossGradient, (layer, s) -> layer.weight());
        List<float[]> exact = new ArrayList<>();
        for (WeightLayer l : network.weightLayers()) {
            exact.add(l.gradWeight().toFloatArray());
        }
        return exact;
    }

    /**
     * The angle in degrees per weight layer between the rule's dL/dW now on the layers (what it
     * hands the optimizer, before weight decay) and {@code exact}.
     */
    public static double[] updateAngles(Network network, List<float[]> exact) {
        List<WeightLayer> layers = network.weightLayers();
        double[] angles = new double[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            angles[i] = angleDegrees(layers.get(i).gradWeight().toFloatArray(), exact.get(i));
        }
        return angles;
    }

    /**
     * cos(W, B) of every weight layer where the rule reads B: every layer of a feed-forward rule
     * with B, only W_out of an rnn trained by rflo (the B its learning signal goes through); NaN
     * elsewhere.
     */
    public static double[] feedbackCosines(Network network, LearningRule rule) {
        if (Recurrent.of(network) == null) {
            return feedbackCosines(network, rule.usesFeedbackWeights());
        }
        List<WeightLayer> layers = network.weightLayers();
        double[] c = new double[layers.size()];
        java.util.Arrays.fill(c, Double.NaN);
        if (rule.credit() == CreditAssignment.RFLO) {
            WeightLayer out = Recurrent.of(network).outputLayer();
            c[layers.indexOf(out)] =
                    cosine(out.weight().toFloatArray(), out.feedbackWeight().toFloatArray());
        }
        return c;
    }

    /** cos(W, B) of every weight layer, or NaN for each when the rule has no B. */
    public static double[] feedbackCosines(Network network, boolean usesFeedback) {
        List<WeightLayer> layers = network.weightLayers();
        double[] c = new double[layers.size()];
        for (int i = 0; i < c.length; i++) {
            WeightLayer l = layers.get(i);
            c[i] =
                    usesFeedback
                            ? cosine(l.weight().toFloatArray(), l.feedbackWeight().toFloatArray())
                            : Double.NaN;
        }
        return c;
    }

    /** Cosine of the angle between two vectors, in double precision; NaN when either is zero. */
    public static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        if (aa == 0 || bb == 0) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
    }

    /** The angle between two vectors in degrees (0 when parallel, 90 when orthogonal). */
    public static double angleDegrees(float[] a, float[] b) {
        double c = cosine(a, b);
        if (Double.isNaN(c)) {
            return Double.NaN;
        }
        // acos is ill-conditioned near 1: take the angle from the norm of the difference of unit
        // vectors
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        na = Math.sqrt(na);
        nb = Math.sqrt(nb);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double u = a[i] / na - b[i] / nb;
            d += u * u;
        }
        return Math.toDegrees(2 * Math.asin(Math.min(1, Math.sqrt(d) / 2)));
    }
}
