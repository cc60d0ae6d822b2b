package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/** Classification of in-memory examples with softmax cross-entropy. */
final class SupervisedTask implements Task {

    static final int PROBE_SIZE = 256;
    private static final int EVAL_CHUNK = 1000;

    private final String name;
    private final ExampleSet train;
    private final ExampleSet test;
    private final int classes;
    private final long[] inputShape;

    /** Every session of this task shares these example sets and so their one native copy. */
    SupervisedTask(String name, ExampleSet train, ExampleSet test, int classes) {
        this.name = name;
        this.train = train;
        this.test = test;
        this.classes = classes;
        this.inputShape = this.train.exampleShape();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int outputSize() {
        return classes;
    }

    @Override
    public TaskSession open(NDManager manager, long dataSeed) {
        return new Session(manager.newSubManager(), train, test, dataSeed);
    }

    static Shape batchShape(long n, long[] exampleShape) {
        long[] s = new long[exampleShape.length + 1];
        s[0] = n;
        System.arraycopy(exampleShape, 0, s, 1, exampleShape.length);
        return new Shape(s);
    }

    /**
     * The fixed probe set: the first {@link #PROBE_SIZE} held-out examples, the same for every run.
     */
    static NDArray probe(NDManager manager, ExampleSet test) {
        int n = Math.min(PROBE_SIZE, test.count());
        return manager.create(test.range(0, n), batchShape(n, test.exampleShape()));
    }

    /** Accuracy of argmax(forward(x)) over {@code set}, in chunks under a temporary manager. */
    static double accuracy(NDManager parent, ExampleSet set, Function<NDArray, NDArray> forward) {
        int correct = 0;
        for (int from = 0; from < set.count(); from += EVAL_CHUNK) {
            int n = Math.min(EVAL_CHUNK, set.count() - from);
            try (NDManager m = parent.newSubManager()) {
                // a view of the shared native copy: uploading each chunk from Java cost as much as
                // the forward pass
                NDArray x = NativeData.of(set).get(from + ":" + (from + n));
                x.attach(m);
                NDArray out = forward.apply(x);
                int cols = Math.toIntExact(out.getShape().get(1));
                int[] predicted = SoftmaxCrossEntropy.argmax(out.toFloatArray(), n, cols);
                for (int i = 0; i < n; i++) {
                    if (predicted[i] == set.labels()[from + i]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / set.count();
    }

    /** Class labels of an int32 (what {@code trainBatch} makes) or int64 array. */
    static int[] labelArray(NDArray labels) {
        if (labels.getDataType() == DataType.INT32) {
            return labels.toIntArray();
        }
        long[] wide = labels.toLongArray();
        int[] out = new int[wide.length];
        for (int i = 0; i < wide.length; i++) {
            out[i] = Math.toIntExact(wide[i]);
        }
        return out;
    }

    private static final class Session implements TaskSession {
        private final NDManager manager;
        private final ExampleSet train;
        private final ExampleSet test;
        private final BatchOrder order;
        private final NDArray probe;
        private int[] lastLabels;
        private Batch lastBatch;

        Session(NDManager manager, ExampleSet train, ExampleSet test, long seed) {
            this.manager = manager;
            this.train = train;
            this.test = test;
            this.order = new BatchOrder(train.count(), seed);
            this.probe = probe(manager, test);
        }

        @Override
        public Batch trainBatch(NDManager step, int batchSize) {
            BatchOrder.Labelled drawn =
                    order.next(train, step, batchSize, batchShape(batchSize, train.exampleShape()));
            lastLabels = drawn.labels();
            lastBatch = drawn.batch();
            return lastBatch;
        }

        @Override
        public LossAndGradient loss(NDArray output, Batch batch) {
            int[] labels = batch == lastBatch ? lastLabels : labelArray(batch.labels());
            return SoftmaxCrossEntropy.of(output, labels);
        }

        @Override
        public NDArray probeInputs() {
            return probe;
        }

        @Override
        public double heldOutAccuracy(Function<NDArray, NDArray> forward) {
            return accuracy(manager, test, forward);
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
