package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Examples into libtorch's memory. {@link #of}: one native copy of a loaded dataset for the whole
 * JVM, read concurrently by every run (libtorch reads are thread-safe), made only for the sets read
 * in large contiguous chunks (the held-out accuracy, the contrastive task's embeddings), and keyed
 * by the feature array, which every limited subset of a dataset shares, so the number of copies is
 * the number of such datasets, not of tasks or runs. Training batches ({@link #rows}) are copied
 * straight from the Java arrays, and small arrays ({@link #ints}, {@link #floats}) uploaded with
 * one copy.
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

    /**
     * The examples at positions [start, start + n) of {@code order} (indices into the set), in
     * {@code m}, shaped {@code shape} (n times the example size elements): one bulk copy per
     * example from the set's Java array into a fresh native array. Against libtorch's row gather
     * from the native copy (index_select, with the index uploaded first): 105-125 against 150-320
     * us for a batch of 128 Fashion-MNIST images on the same machine, the same values.
     */
    static NDArray rows(ExampleSet set, NDManager m, int[] order, int start, int n, Shape shape) {
        int size = set.exampleSize();
        if (shape.size() != (long) n * size) {
            throw new IllegalArgumentException(
                    shape + " does not hold " + n + " examples of size " + size);
        }
        NDArray x = m.create(shape, DataType.FLOAT32);
        try {
            FloatBuffer into = writable(x).asFloatBuffer();
            float[] features = set.features();
            for (int i = 0; i < n; i++) {
                int row = order[start + i];
                if (row < 0 || row >= set.count()) {
                    throw new IndexOutOfBoundsException(
                            "example " + row + " outside a set of " + set.count());
                }
                into.put(i * size, features, row * size, size);
            }
            return x;
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /** {@code values} as a fresh int32 array in {@code m}: one copy, no staging buffer. */
    static NDArray ints(NDManager m, int[] values) {
        NDArray x = m.create(new Shape(values.length), DataType.INT32);
        writable(x).asIntBuffer().put(0, values);
        return x;
    }

    /** {@code values} as a fresh float32 array of {@code shape} in {@code m}: one copy. */
    static NDArray floats(NDManager m, float[] values, Shape shape) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill " + shape);
        }
        NDArray x = m.create(shape, DataType.FLOAT32);
        writable(x).asFloatBuffer().put(0, values);
        return x;
    }

    /**
     * libtorch's memory of a fresh (contiguous) array, native order. DJL's {@code create(float[])}
     * stages the values in a zeroed direct buffer first: two copies and a JNI call more.
     */
    private static ByteBuffer writable(NDArray fresh) {
        ByteBuffer b = fresh.toByteBuffer(true);
        if (!b.isDirect()) {
            throw new IllegalStateException(
                    "libtorch gave no direct buffer for " + fresh.getShape());
        }
        return b.order(ByteOrder.nativeOrder());
    }
}
