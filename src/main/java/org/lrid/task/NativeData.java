package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One native copy of each training set for the whole JVM, read concurrently by every run (libtorch
 * reads are thread-safe), so a run does not upload 188 MB of Fashion-MNIST before its first step.
 */
final class NativeData {

    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static final Map<ExampleSet, NDArray> TENSORS = Collections.synchronizedMap(new IdentityHashMap<>());

    private NativeData() {}

    static NDArray of(ExampleSet set) {
        synchronized (TENSORS) {
            return TENSORS.computeIfAbsent(set, s -> MANAGER.create(s.features(),
                    SupervisedTask.batchShape(s.count(), s.exampleShape())));
        }
    }
}
