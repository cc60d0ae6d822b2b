package org.lrid.train;

import java.util.List;

/**
 * What a run ended with.
 *
 * @param stepsDone steps completed (fewer than asked when the run diverged)
 * @param divergence why the run was stopped, or null
 * @param curve (step, train loss, held-out accuracy) at each checkpoint reached
 */
public record TrainResult(RunSpec spec, String task, int stepsDone, boolean diverged, String divergence,
        double finalLoss, double testAccuracy, double trainSeconds, List<CurvePoint> curve) {

    public record CurvePoint(int checkpoint, int step, double trainLoss, double heldOutAccuracy) {}

    public double stepsPerSecond() {
        return trainSeconds > 0 ? stepsDone / trainSeconds : Double.NaN;
    }
}
