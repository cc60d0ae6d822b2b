package org.lrid.task;

import ai.djl.ndarray.NDArray;

/**
 * A session of a {@link SequenceTask}. {@link #loss} takes the whole output sequence {@code (N,
 * steps, O)}; {@link #heldOutAccuracy} is the task's held-out score ({@link
 * SequenceTask#scoreName()}).
 */
public interface SequenceSession extends TaskSession {

    /**
     * The loss of each example of the batch (their mean is {@link #loss}'s value), for rules that
     * compare a perturbed trial with an unperturbed one example by example.
     */
    float[] exampleLosses(NDArray output, Batch batch);
}
