package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One native copy of each loaded dataset for the whole JVM, read concurrently by every run
 * (libtorch reads are thread-safe), so a run does not upload 188 MB of Fashion-MNIST before its
 * first step. Keyed by the feature array, which every limited subset of a dataset shares, so the
 * number of copies is the number of datasets loaded, not of tasks or runs.
 */
final class NativeData {

    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static final Map<float[], NDArray> TENSORS = new IdentityHashMap<>();

    private NativeData() {}

    /**
     * All examples of the set's arrays (index below {@link ExampleSet#count()} to stay inside the
     * set).
     */
    static NDArray of(ExampleSet set) {
        synchronized (TENSORS) {
            return TENSORS.computeIfAbsent(
                    set.features(),
                    f ->
                            MANAGER.create(
                                    f,
                                    SupervisedTask.batchShape(
                                            set.labels().length, set.exampleShape())));
        }
    }
}
