package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
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

    /** The same tensors as one row per example (a view), what {@link #rows} selects from. */
    private static final Map<float[], NDArray> MATRICES = new IdentityHashMap<>();

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

    /**
     * The examples at {@code index} (int64, in the set's order), in the index's manager, with the
     * batch shape (n, example shape): a row copy per example (libtorch's index_select, through
     * {@code embedding}), where advanced indexing ({@code get(index)}) copied element by element at
     * twice the time.
     */
    static NDArray rows(ExampleSet set, NDArray index) {
        NDArray matrix;
        synchronized (TENSORS) {
            matrix =
                    MATRICES.computeIfAbsent(
                            set.features(),
                            f -> of(set).reshape(set.labels().length, set.exampleSize()));
        }
        NDArray picked =
                index.getNDArrayInternal()
                        .embedding(index, matrix, SparseFormat.DENSE)
                        .singletonOrThrow();
        if (set.exampleShape().length == 1) {
            return picked;
        }
        try (picked) {
            return picked.reshape(SupervisedTask.batchShape(index.size(), set.exampleShape()));
        }
    }
}
