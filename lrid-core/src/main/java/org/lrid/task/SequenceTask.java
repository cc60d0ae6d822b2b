package org.lrid.task;

import ai.djl.ndarray.NDManager;

/**
 * A task with time, for recurrent networks. One example's input has shape {@code {steps, features}}
 * (a two-dimensional example shape always means time x features: no other task has one), and the
 * network's output for a batch is the whole output sequence, {@code (N, steps, outputSize)}. The
 * loss reads only the task's scored steps; its gradient with respect to the output is zero on the
 * others.
 *
 * <p>Batches: {@link Batch#inputs()} is {@code (N, steps, features)} float. {@link Batch#labels()}
 * is the int class of each example (shape {@code (N)}) for classification, and for regression a
 * float {@code (N, steps, outputSize + 1)} array: the target in the first {@code outputSize}
 * channels and the scored-step mask (1 scored, 0 not) in the last, so a batch carries everything
 * its loss needs.
 */
public interface SequenceTask extends Task {

    /** Number of time steps of every example. */
    int steps();

    /** Number of input features per time step. */
    default int features() {
        return Math.toIntExact(inputShape()[1]);
    }

    /**
     * Name of the held-out score {@link TaskSession#heldOutAccuracy} returns: test_accuracy or
     * test_r2.
     */
    String scoreName();

    @Override
    SequenceSession open(NDManager manager, long dataSeed);
}
