package org.lrid.train;

import java.util.List;

/**
 * What a run ended with.
 *
 * @param stepsDone steps completed (fewer than asked when the run diverged)
 * @param divergence why the run was stopped, or null
 * @param trainSeconds wall time of the training steps alone: evaluation, observation (the listener)
 *     and diagnostics excluded
 * @param curve (step, train loss, held-out accuracy, diagnostics) at each checkpoint reached
 */
public record TrainResult(
        RunSpec spec,
        String task,
        int stepsDone,
        boolean diverged,
        String divergence,
        double finalLoss,
        double testAccuracy,
        double trainSeconds,
        List<CurvePoint> curve) {

    /**
     * @param diagnostics one per weight layer, input side first
     */
    public record CurvePoint(
            int checkpoint,
            int step,
            double trainLoss,
            double heldOutAccuracy,
            List<LayerDiagnostics> diagnostics) {

        public CurvePoint {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    public double stepsPerSecond() {
        return trainSeconds > 0 ? stepsDone / trainSeconds : Double.NaN;
    }

    /** cos(W, B) per weight layer at the last checkpoint reached (NaN where the rule has no B). */
    public double[] finalFeedbackCosines() {
        if (curve.isEmpty()) {
            return new double[0];
        }
        return curve.get(curve.size() - 1).diagnostics().stream()
                .mapToDouble(LayerDiagnostics::feedbackCosine)
                .toArray();
    }
}
