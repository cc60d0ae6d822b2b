package org.lrid.store;

/**
 * One (layer, recording condition, checkpoint) of a run: the observables in the store's column
 * order, and the layer's diagnostics at that checkpoint (science.md section 3, "Diagnostics"; the
 * same under every condition; NaN where not applicable, stored as null).
 *
 * @param feedbackCosine cos(W, B), column {@link DatasetSchema#DIAG_FEEDBACK_COS}
 * @param updateAngle degrees between the rule's update and the backprop gradient, column {@link
 *     DatasetSchema#DIAG_UPDATE_ANGLE}
 */
public record TrajectoryRow(
        int layer,
        String layerPosition,
        int checkpoint,
        int step,
        double unitFraction,
        double noiseSigma,
        long conditionSeed,
        double trainLoss,
        double testAccuracy,
        double[] observables,
        double feedbackCosine,
        double updateAngle) {}
