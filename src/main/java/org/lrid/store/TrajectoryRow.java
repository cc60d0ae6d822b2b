package org.lrid.store;

/**
 * One (layer, recording condition, checkpoint) of a run: the observables in the store's column order.
 */
public record TrajectoryRow(int layer, String layerPosition, int checkpoint, int step, double unitFraction,
        double noiseSigma, long conditionSeed, double trainLoss, double testAccuracy, double[] observables) {}
