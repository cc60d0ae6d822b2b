package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Example order for training: a fresh seeded permutation each epoch; an epoch's tail shorter than a
 * batch is skipped, so no batch repeats an example.
 */
final class BatchOrder {

    private final int[] order;
    private final SplittableRandom random;
    private int next;

    BatchOrder(int count, long seed) {
        order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        random = new SplittableRandom(seed);
        shuffle();
    }

    /** The position in {@link #indices()} where the next batch of {@code size} starts. */
    int nextBatch(int size) {
        if (size > order.length) {
            throw new org.lrid.LridException(
                    "batch size "
                            + size
                            + " exceeds the "
                            + order.length
                            + " training examples; lower --batch-size or raise --train-limit");
        }
        if (next + size > order.length) {
            shuffle();
        }
        int start = next;
        next += size;
        return start;
    }

    int[] indices() {
        return order;
    }

    /** A labelled batch: inputs and int32 labels in a step's manager, and the labels in Java. */
    record Labelled(Batch batch, int[] labels) {}

    /**
     * The next batch of {@code n} examples of {@code set} in this order, its inputs shaped {@code
     * shape}, in {@code m} ({@link NativeData#rows}: a bulk copy per example).
     */
    Labelled next(ExampleSet set, NDManager m, int n, Shape shape) {
        int start = nextBatch(n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = set.labels()[order[start + i]];
        }
        NDArray x = NativeData.rows(set, m, order, start, n, shape);
        return new Labelled(new Batch(x, NativeData.ints(m, labels)), labels);
    }

    private void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        next = 0;
    }
}
