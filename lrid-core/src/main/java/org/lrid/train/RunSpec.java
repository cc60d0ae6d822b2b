package org.lrid.train;

import org.lrid.LridException;
import org.lrid.net.Architecture;
import org.lrid.rule.LearningRule;

/**
 * Everything that decides a training run's trajectory besides the task: the same spec on the same
 * task gives the same trajectory.
 *
 * @param rule the learning rule, its weight decay resolved for the architecture's family (the
 *     constructor does it, so that the stored hyperparameters are the ones that ran)
 * @param checkpoints number of checkpoints evenly spaced from step 0 to the last step (21 in the
 *     paper)
 * @param initSeed seeds the forward weights W
 * @param dataSeed seeds the order of training examples and any augmentation
 * @param feedbackSeed seeds B, direct-feedback matrices and alignment noise
 * @param evaluateCheckpoints measure held-out accuracy at every checkpoint (else only at the end)
 */
public record RunSpec(
        Architecture architecture,
        LearningRule rule,
        int batchSize,
        int steps,
        int checkpoints,
        long initSeed,
        long dataSeed,
        long feedbackSeed,
        boolean evaluateCheckpoints) {

    public RunSpec {
        rule = rule.forFamily(architecture.family());
        if (batchSize < 1) {
            throw new LridException("batch size must be at least 1, got " + batchSize);
        }
        if (steps < 1) {
            throw new LridException("steps must be at least 1, got " + steps);
        }
        if (checkpoints < 2) {
            throw new LridException(
                    "need at least 2 checkpoints (start and end), got " + checkpoints);
        }
        if (checkpoints > steps + 1L) {
            throw new LridException(
                    "a run of "
                            + steps
                            + " steps has at most "
                            + (steps + 1L)
                            + " distinct checkpoints (steps 0.."
                            + steps
                            + "), got "
                            + checkpoints
                            + "; use fewer checkpoints or more steps");
        }
    }

    /** One seed for everything, split into independent streams; the paper's 21 checkpoints. */
    public static RunSpec of(
            Architecture architecture, LearningRule rule, int batchSize, int steps, long seed) {
        return of(architecture, rule, batchSize, steps, 21, seed, true);
    }

    /** One seed for everything, split into independent streams. */
    public static RunSpec of(
            Architecture architecture,
            LearningRule rule,
            int batchSize,
            int steps,
            int checkpoints,
            long seed,
            boolean evaluateCheckpoints) {
        return new RunSpec(
                architecture,
                rule,
                batchSize,
                steps,
                checkpoints,
                seed,
                seed + 1_000_003L,
                seed + 2_000_003L,
                evaluateCheckpoints);
    }

    public RunSpec withCheckpoints(int count, boolean evaluate) {
        return new RunSpec(
                architecture,
                rule,
                batchSize,
                steps,
                count,
                initSeed,
                dataSeed,
                feedbackSeed,
                evaluate);
    }
}
