package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/** A task bound to one run: its data on the run's manager, and its own seeded random streams. */
public interface TaskSession extends AutoCloseable {

    /**
     * The next training batch, allocated in {@code step} (a per-step manager the caller closes).
     * Deterministic given the data seed and the sequence of calls.
     */
    Batch trainBatch(NDManager step, int batchSize);

    /**
     * Mean loss over the batch of the network output, and its gradient with respect to {@code
     * output} (already divided by the batch size), allocated in the output's manager.
     */
    LossAndGradient loss(NDArray output, Batch batch);

    /** The fixed held-out probe inputs (the same at every call; owned by the session). */
    NDArray probeInputs();

    /**
     * Held-out task accuracy of a network, given its forward function (input batch -> output
     * batch). Arrays the function returns may be closed by this method.
     */
    double heldOutAccuracy(Function<NDArray, NDArray> forward);

    @Override
    void close();
}
