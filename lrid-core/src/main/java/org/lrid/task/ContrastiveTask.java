package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Self-supervised contrastive learning on images, a small stand-in for the paper's SimCLR task:
 * each batch of N images gives 2N inputs, two random augmentations (shift by up to 3 pixels,
 * horizontal flip, pixel noise) of each image, views 1 then views 2, trained with NT-Xent. Held-out
 * accuracy is that of a nearest-class-mean classifier on the normalised embedding (class means from
 * labelled training images).
 */
final class ContrastiveTask implements Task {

    private static final int MAX_SHIFT = 3;
    private static final float NOISE = 0.1f;
    private static final int MEAN_EXAMPLES = 5000;
    private static final float IRWIN_HALL_SCALE = (float) (Math.sqrt(3) / 65536);

    private final ExampleSet train;
    private final ExampleSet test;
    private final int embedding;
    private final double temperature;
    private final float background;
    private final long[] inputShape;

    /**
     * {@code background}: the standardised value of a black pixel, which shifted images are padded
     * with.
     */
    ContrastiveTask(
            ExampleSet train,
            ExampleSet test,
            int embedding,
            double temperature,
            float background) {
        this.train = train;
        this.background = background;
        this.test = test;
        this.embedding = embedding;
        this.temperature = temperature;
        this.inputShape = this.train.exampleShape();
    }

    @Override
    public String name() {
        return "contrastive";
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int outputSize() {
        return embedding;
    }

    @Override
    public TaskSession open(NDManager manager, long dataSeed) {
        return new Session(manager.newSubManager(), dataSeed);
    }

    /**
     * Writes a randomly shifted (by up to {@value #MAX_SHIFT} pixels each way, the border filled
     * with {@code background}), possibly horizontally flipped, noisy copy of image {@code src} into
     * {@code dst}.
     */
    static void augment(
            float[] src,
            int srcOff,
            float[] dst,
            int dstOff,
            long[] shape,
            float background,
            SplittableRandom r) {
        int channels = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        int dy = r.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        int dx = r.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        boolean flip = r.nextBoolean();
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int sy = y - dy;
                boolean rowInside = sy >= 0 && sy < h;
                int rowOff = srcOff + (c * h + sy) * w;
                int out = dstOff + (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) - dx;
                    float v = rowInside && sx >= 0 && sx < w ? src[rowOff + sx] : background;
                    dst[out + x] = v + NOISE * noise(r);
                }
            }
        }
    }

    /**
     * An approximately standard normal draw: the centred, scaled sum of four 16-bit uniforms
     * (Irwin-Hall) from one 64-bit draw, five times faster than an exact sampler; pixel noise needs
     * no exact tails.
     */
    static float noise(SplittableRandom r) {
        long b = r.nextLong();
        long sum = (b & 0xffff) + ((b >>> 16) & 0xffff) + ((b >>> 32) & 0xffff) + (b >>> 48);
        return (sum - 131070) * IRWIN_HALL_SCALE;
    }

    private final class Session implements TaskSession {
        private final NDManager manager;
        private final ExampleSet trainSet = train;
        private final ExampleSet testSet = test;
        private final BatchOrder order;
        private final SplittableRandom random;
        private final NDArray probe;

        Session(NDManager manager, long seed) {
            this.manager = manager;
            this.order = new BatchOrder(trainSet.count(), seed);
            this.random = new SplittableRandom(seed ^ 0xA06L);
            this.probe = SupervisedTask.probe(manager, testSet);
        }

        @Override
        public Batch trainBatch(NDManager step, int batchSize) {
            int start = order.nextBatch(batchSize);
            int[] idx = order.indices();
            int size = trainSet.exampleSize();
            float[] views = new float[2 * batchSize * size];
            for (int i = 0; i < batchSize; i++) {
                int src = idx[start + i] * size;
                augment(
                        trainSet.features(),
                        src,
                        views,
                        i * size,
                        trainSet.exampleShape(),
                        background,
                        random);
                augment(
                        trainSet.features(),
                        src,
                        views,
                        (batchSize + i) * size,
                        trainSet.exampleShape(),
                        background,
                        random);
            }
            return new Batch(
                    step.create(
                            views,
                            SupervisedTask.batchShape(2L * batchSize, trainSet.exampleShape())),
                    null);
        }

        @Override
        public LossAndGradient loss(NDArray output, Batch batch) {
            int rows = Math.toIntExact(output.getShape().get(0));
            int dim = Math.toIntExact(output.getShape().get(1));
            if (rows % 2 != 0) {
                throw new IllegalArgumentException(
                        "NT-Xent needs two views of each image, got " + rows + " rows");
            }
            float[] grad = new float[rows * dim];
            double loss =
                    NtXent.lossAndGradient(output.toFloatArray(), rows, dim, temperature, grad);
            return new LossAndGradient(
                    (float) loss, output.getManager().create(grad, new Shape(rows, dim)));
        }

        @Override
        public NDArray probeInputs() {
            return probe;
        }

        @Override
        public double heldOutAccuracy(Function<NDArray, NDArray> forward) {
            int labelled = Math.min(MEAN_EXAMPLES, trainSet.count());
            int classes = 0;
            for (int i = 0; i < labelled; i++) {
                classes = Math.max(classes, trainSet.labels()[i] + 1);
            }
            double[][] means = new double[classes][embedding];
            float[] emb = embed(trainSet, labelled, forward);
            for (int i = 0; i < labelled; i++) {
                for (int d = 0; d < embedding; d++) {
                    means[trainSet.labels()[i]][d] += emb[i * embedding + d];
                }
            }
            for (double[] m : means) {
                normalise(m);
            }
            float[] testEmb = embed(testSet, testSet.count(), forward);
            int correct = 0;
            for (int i = 0; i < testSet.count(); i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double s = 0;
                    for (int d = 0; d < embedding; d++) {
                        s += means[c][d] * testEmb[i * embedding + d];
                    }
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                if (best == testSet.labels()[i]) {
                    correct++;
                }
            }
            return (double) correct / testSet.count();
        }

        /** Normalised embeddings of the first {@code count} examples, row-major. */
        private float[] embed(ExampleSet set, int count, Function<NDArray, NDArray> forward) {
            float[] out = new float[count * embedding];
            for (int from = 0; from < count; from += 1000) {
                int n = Math.min(1000, count - from);
                try (NDManager m = manager.newSubManager()) {
                    NDArray x = NativeData.of(set).get(from + ":" + (from + n));
                    x.attach(m);
                    float[] e = forward.apply(x).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int d = 0; d < embedding; d++) {
                            s += (double) e[i * embedding + d] * e[i * embedding + d];
                        }
                        double inv = 1 / Math.sqrt(Math.max(s, 1e-24));
                        for (int d = 0; d < embedding; d++) {
                            out[(from + i) * embedding + d] = (float) (e[i * embedding + d] * inv);
                        }
                    }
                }
            }
            return out;
        }

        private void normalise(double[] v) {
            double s = 0;
            for (double x : v) {
                s += x * x;
            }
            double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
