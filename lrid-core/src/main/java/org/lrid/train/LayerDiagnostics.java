package org.lrid.train;

/**
 * What a simulator can check and an experimenter cannot measure (science.md section 3,
 * "Diagnostics"): for one weight layer at one checkpoint, whether the rule does what it claims.
 * Recorded with every run, never used as a feature.
 *
 * @param feedbackCosine cos(W, B) of the vectorised forward and feedback weights; NaN where the
 *     rule has no B (backprop, sign symmetry, direct feedback)
 * @param updateAngle angle in degrees between the rule's estimate of dL/dW (what it hands the
 *     optimizer) and the backprop gradient dL/dW of the same batch: 0 for backprop, near 90 for a
 *     random direction; NaN where it was not measured (e.g. checkpoint 0 when no batch was seen)
 */
public record LayerDiagnostics(double feedbackCosine, double updateAngle) {

    public static final LayerDiagnostics NONE = new LayerDiagnostics(Double.NaN, Double.NaN);
}
