package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.lrid.LridException;

/**
 * Row-by-row image classification ({@code seq-fashion-mnist}): an image of {@code rows x cols}
 * pixels is a sequence of {@code rows} time steps of {@code cols} pixels, and the class is scored
 * by softmax cross-entropy at the last step only.
 */
final class SequenceClassification implements SequenceTask {

    private static final int EVAL_CHUNK = 500;

    private final String name;
    private final ExampleSet train;
    private final ExampleSet test;
    private final int classes;
    private final int steps;
    private final int features;

    SequenceClassification(String name, ExampleSet train, ExampleSet test, int classes) {
        long[] s = train.exampleShape();
        if (s.length != 3 || s[0] != 1) {
            throw new LridException(
                    name
                            + " needs single-channel images, got example shape "
                            + java.util.Arrays.toString(s));
        }
        this.name = name;
        this.train = train;
        this.test = test;
        this.classes = classes;
        this.steps = Math.toIntExact(s[1]);
        this.features = Math.toIntExact(s[2]);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] inputShape() {
        return new long[] {steps, features};
    }

    @Override
    public int outputSize() {
        return classes;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public String scoreName() {
        return "test_accuracy";
    }

    @Override
    public SequenceSession open(NDManager manager, long dataSeed) {
        return new Session(manager.newSubManager(), dataSeed);
    }

    /** The last step's outputs {@code (N, classes)} of an output sequence, in its manager. */
    static NDArray lastStep(NDArray output) {
        long t = output.getShape().get(1);
        try (NDArray last = output.get(":, " + (t - 1) + ", :")) {
            return last.duplicate();
        }
    }

    private final class Session implements SequenceSession {
        private final NDManager manager;
        private final BatchOrder order;
        private final NDArray probe;

        Session(NDManager manager, long seed) {
            this.manager = manager;
            this.order = new BatchOrder(train.count(), seed);
            int n = Math.min(SupervisedTask.PROBE_SIZE, test.count());
            this.probe = manager.create(test.range(0, n), new Shape(n, steps, features));
        }

        @Override
        public Batch trainBatch(NDManager step, int batchSize) {
            return order.next(train, step, batchSize, new Shape(batchSize, steps, features))
                    .batch();
        }

        private void checkOutput(NDArray output, int n) {
            Shape s = output.getShape();
            if (s.dimension() != 3 || s.get(0) != n || s.get(1) != steps || s.get(2) != classes) {
                throw new IllegalArgumentException(
                        name
                                + " expects outputs ("
                                + n
                                + ", "
                                + steps
                                + ", "
                                + classes
                                + "), got "
                                + s);
            }
        }

        @Override
        public LossAndGradient loss(NDArray output, Batch batch) {
            int[] labels = SupervisedTask.labelArray(batch.labels());
            checkOutput(output, labels.length);
            LossAndGradient last;
            try (NDArray logits = lastStep(output)) {
                last = SoftmaxCrossEntropy.of(logits, labels);
            }
            float[] g = last.gradient().toFloatArray();
            last.gradient().close();
            float[] full = new float[labels.length * steps * classes];
            for (int i = 0; i < labels.length; i++) {
                System.arraycopy(g, i * classes, full, (i * steps + steps - 1) * classes, classes);
            }
            return new LossAndGradient(
                    last.loss(),
                    output.getManager().create(full, new Shape(labels.length, steps, classes)));
        }

        @Override
        public float[] exampleLosses(NDArray output, Batch batch) {
            int[] labels = SupervisedTask.labelArray(batch.labels());
            checkOutput(output, labels.length);
            float[] logp;
            try (NDArray logits = lastStep(output);
                    NDArray lsm = logits.logSoftmax(1)) {
                logp = lsm.toFloatArray();
            }
            float[] out = new float[labels.length];
            for (int i = 0; i < labels.length; i++) {
                out[i] = -logp[i * classes + labels[i]];
            }
            return out;
        }

        @Override
        public NDArray probeInputs() {
            return probe;
        }

        @Override
        public double heldOutAccuracy(Function<NDArray, NDArray> forward) {
            int correct = 0;
            for (int from = 0; from < test.count(); from += EVAL_CHUNK) {
                int n = Math.min(EVAL_CHUNK, test.count() - from);
                try (NDManager m = manager.newSubManager()) {
                    NDArray x = m.create(test.range(from, n), new Shape(n, steps, features));
                    NDArray out = forward.apply(x);
                    int[] predicted;
                    try (NDArray last = lastStep(out)) {
                        predicted = SoftmaxCrossEntropy.argmax(last.toFloatArray(), n, classes);
                    }
                    for (int i = 0; i < n; i++) {
                        if (predicted[i] == test.labels()[from + i]) {
                            correct++;
                        }
                    }
                }
            }
            return (double) correct / test.count();
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
