package org.lrid.observe;

import org.lrid.train.LayerDiagnostics;

/**
 * The 45 observables of one layer at one checkpoint under one recording condition, in the order of
 * {@link Observables#ALL}, with what the dataset stores beside them.
 *
 * @param layer index of the weight layer from the input side
 * @param position early, middle or deep (thirds of the weight layers)
 * @param heldOutAccuracy NaN when the run does not evaluate at checkpoints
 * @param diagnostics the layer's diagnostics at the checkpoint (the same under every condition):
 *     stored with the run, never features
 */
public record Observation(
        int layer,
        String position,
        RecordingCondition condition,
        int checkpoint,
        int step,
        double trainLoss,
        double heldOutAccuracy,
        double[] values,
        LayerDiagnostics diagnostics) {

    /**
     * early, middle or deep: the third of the network's weight layers that {@code layer} falls in.
     */
    public static String position(int layer, int layers) {
        int third = (int) ((3L * layer) / layers);
        return switch (third) {
            case 0 -> "early";
            case 1 -> "middle";
            default -> "deep";
        };
    }
}
