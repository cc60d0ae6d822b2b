package org.lrid.task;

import ai.djl.ndarray.NDManager;

/**
 * A learning problem a network is trained on. A task is a description; {@link #open} binds it to
 * one run's native memory and data seed, so that parallel runs never share tensors or random state.
 */
public interface Task {

    /** Registry name, e.g. {@code fashion-mnist}. */
    String name();

    /**
     * Shape of one input example, without the batch dimension: {@code {1, 28, 28}} or {@code {d}}.
     */
    long[] inputShape();

    /**
     * Width of the network's output: number of classes, or embedding size for self-supervised
     * tasks.
     */
    int outputSize();

    /**
     * The name of the held-out score {@link TaskSession#heldOutAccuracy} returns: {@code
     * test_accuracy}, or {@code test_r2} for the regression tasks with time.
     */
    default String scoreName() {
        return "test_accuracy";
    }

    /**
     * Loads what the run needs into {@code manager}. The same {@code dataSeed} gives the same
     * batches, augmentations and probe set.
     */
    TaskSession open(NDManager manager, long dataSeed);
}
