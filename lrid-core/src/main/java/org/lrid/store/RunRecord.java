package org.lrid.store;

/**
 * One row of the run table: what was trained and how it ended.
 *
 * @param hyperparameters the rule's hyperparameters as a JSON object
 * @param initScale the architecture's initialisation scale (1: He/LeCun-uniform)
 * @param divergence why a diverged run was stopped, else null
 */
public record RunRecord(
        String runId,
        String rule,
        String creditAssignment,
        String optimizer,
        String hyperparameters,
        double learningRate,
        String arch,
        String archFamily,
        int width,
        int depth,
        double initScale,
        String task,
        int batchSize,
        int steps,
        int stepsDone,
        long seed,
        long initSeed,
        long dataSeed,
        long feedbackSeed,
        boolean diverged,
        String divergence,
        double trainSeconds,
        double testAccuracy,
        String scoreName,
        String lridVersion) {}
