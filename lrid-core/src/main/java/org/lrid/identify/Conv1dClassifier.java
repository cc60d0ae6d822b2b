package org.lrid.identify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lrid.LridException;
import org.lrid.rule.OptimizerSpec;

/**
 * The reference's one-layer Conv1D classifier (science.md section 5; lr-identify's fit_pipeline.py,
 * Conv1DClassifier.model_func): an example is its (channels x checkpoints) matrix, where the
 * channels are the one-hot layer position (constant over time: extra input channels at every time
 * step) and the observables' trajectories ({@link FeatureLayout#asChannels}). One convolution over
 * time (valid padding, ReLU, bias), then global max or average pooling over time, or flattening
 * ({@link Pooling#NONE}), then ONE dense layer to the logits. Loss: mean cross-entropy plus {@code
 * weightDecay / 2 * ||p||^2} on every kernel and bias (TensorFlow's l2_regularizer, as the
 * reference). Minibatch Adam (the project's, {@link OptimizerSpec} with kind ADAM, betas 0.9,
 * 0.999, epsilon 1e-8 as TensorFlow's) with a reshuffle every epoch and the last incomplete batch
 * dropped, as the reference; a batch larger than the training set is cut to it. Glorot-uniform
 * kernels, zero biases. Gradients by libtorch's autograd in this thread's grad mode.
 */
public final class Conv1dClassifier implements Classifier {

    /** What follows the convolution: NONE flattens (the reference's pool_type None). */
    public enum Pooling {
        NONE,
        MAX,
        AVG
    }

    /**
     * The reference's kernel widths, as fractions of the trajectory length (rounded up, duplicates
     * merged).
     */
    public static final double[] KERNEL_FRACTIONS = {3e-3, 7e-3, 5e-2, 0.25, 0.5, 1.0};

    /** Hyperparameters of one Conv1D. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Shape1d(
            int kernel,
            int stride,
            int filters,
            Pooling pooling,
            int batchSize,
            double learningRate,
            double weightDecay,
            int epochs) {

        public Shape1d {
            if (kernel < 1
                    || stride < 1
                    || filters < 1
                    || batchSize < 1
                    || epochs < 0
                    || !(learningRate > 0)
                    || !(weightDecay >= 0)) {
                throw new LridException("invalid conv1d hyperparameters " + this);
            }
        }
    }

    private final FeatureLayout layout;
    private final Shape1d h;
    private final long seed;
    private float[][]
            weights; // conv W (filters, channels, kernel), conv b, dense W (classes, pooled), dense
    // b
    private int classes;

    public Conv1dClassifier(FeatureLayout layout, Shape1d hyper, long seed) {
        if (hyper.kernel() > layout.checkpoints()) {
            throw new LridException(
                    "conv1d kernel "
                            + hyper.kernel()
                            + " is longer than the "
                            + layout.checkpoints()
                            + " checkpoints");
        }
        this.layout = layout;
        this.h = hyper;
        this.seed = seed;
    }

    /** The distinct kernel widths ceil(f x T) of the reference's fractions, for T checkpoints. */
    public static List<Integer> kernels(int checkpoints) {
        return java.util.Arrays.stream(KERNEL_FRACTIONS)
                .mapToInt(f -> (int) Math.ceil(f * checkpoints))
                .map(k -> Math.max(1, Math.min(checkpoints, k)))
                .distinct()
                .sorted()
                .boxed()
                .toList();
    }

    /** Time steps after the valid convolution. */
    public int outLength() {
        return (layout.checkpoints() - h.kernel()) / h.stride() + 1;
    }

    /** Inputs of the dense layer. */
    public int denseInputs() {
        return h.pooling() == Pooling.NONE ? h.filters() * outLength() : h.filters();
    }

    /** The parameter shapes: conv kernel, conv bias, dense kernel, dense bias. */
    public long[][] parameterShapes(int classes) {
        return new long[][] {
            {h.filters(), layout.channels(), h.kernel()},
            {h.filters()},
            {classes, denseInputs()},
            {classes}
        };
    }

    @Override
    public void fit(double[][] x, int[] y, int classes) {
        layout.check(x);
        this.classes = classes;
        long[][] shapes = parameterShapes(classes);
        SplittableRandom r = new SplittableRandom(seed);
        weights = new float[shapes.length][];
        double[] limit = {
            Math.sqrt(6.0 / ((layout.channels() + h.filters()) * (double) h.kernel())), 0,
            Math.sqrt(6.0 / (denseInputs() + classes)), 0
        };
        for (int p = 0; p < shapes.length; p++) {
            weights[p] = new float[Math.toIntExact(new Shape(shapes[p]).size())];
            for (int i = 0; i < weights[p].length; i++) {
                weights[p][i] = (float) ((2 * r.nextDouble() - 1) * limit[p]);
            }
        }
        int n = x.length;
        int rowSize = layout.channels() * layout.checkpoints();
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = layout.asChannels(x[i]);
        }
        int batch = Math.min(h.batchSize(), n);
        OptimizerSpec adam =
                new OptimizerSpec(
                        OptimizerSpec.Kind.ADAM, h.learningRate(), 0, false, 0.9, 0.999, 1e-8);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> params = new ArrayList<>();
            List<OptimizerSpec.Updater> updaters = new ArrayList<>();
            for (int p = 0; p < shapes.length; p++) {
                NDArray a = m.create(weights[p], new Shape(shapes[p]));
                a.setRequiresGradient(true);
                params.add(a);
                updaters.add(adam.newUpdater(a, m));
            }
            int[] order = java.util.stream.IntStream.range(0, n).toArray();
            float[] xs = new float[batch * rowSize];
            float[] onehot = new float[batch * classes];
            for (int epoch = 0; epoch < h.epochs(); epoch++) {
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int start = 0; start + batch <= n; start += batch) {
                    java.util.Arrays.fill(onehot, 0);
                    for (int b = 0; b < batch; b++) {
                        System.arraycopy(inputs[order[start + b]], 0, xs, b * rowSize, rowSize);
                        onehot[b * classes + y[order[start + b]]] = 1;
                    }
                    step(m, params, updaters, xs, onehot, batch);
                }
            }
            for (int p = 0; p < params.size(); p++) {
                weights[p] = params.get(p).toFloatArray();
            }
        }
    }

    /** One Adam step on one minibatch; every intermediate lives in the step's manager. */
    private void step(
            NDManager m,
            List<NDArray> params,
            List<OptimizerSpec.Updater> updaters,
            float[] xs,
            float[] onehot,
            int batch) {
        try (NDManager step = m.newSubManager()) {
            NDArray input =
                    step.create(xs, new Shape(batch, layout.channels(), layout.checkpoints()));
            NDArray target = step.create(onehot, new Shape(batch, classes));
            boolean previous = JniUtils.isGradMode();
            NDArray loss;
            JniUtils.setGradMode(true);
            try {
                NDArray logits = forward(input, params);
                loss = logits.logSoftmax(1).mul(target).sum().neg().div(batch);
                loss.attach(step);
            } finally {
                JniUtils.setGradMode(previous);
            }
            try (NDArray ones = loss.onesLike()) {
                JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
            }
            JniUtils.setGradMode(false);
            try {
                for (int p = 0; p < params.size(); p++) {
                    NDArray param = params.get(p);
                    try (NDArray g = param.getGradient()) {
                        if (h.weightDecay() > 0) {
                            try (NDArray decay = param.mul(h.weightDecay())) {
                                g.addi(decay);
                            }
                        }
                        updaters.get(p).step(g, h.learningRate());
                    }
                    JniUtils.zeroGrad((PtNDArray) param);
                }
            } finally {
                JniUtils.setGradMode(previous);
            }
        }
    }

    private NDArray forward(NDArray input, List<NDArray> p) {
        NDList conv = Conv1d.conv1d(input, p.get(0), p.get(1), new Shape(h.stride()));
        NDArray a = conv.singletonOrThrow().getNDArrayInternal().relu();
        NDArray pooled =
                switch (h.pooling()) {
                    case MAX -> a.max(new int[] {2});
                    case AVG -> a.mean(new int[] {2});
                    case NONE -> a.reshape(a.getShape().get(0), -1);
                };
        return Linear.linear(pooled, p.get(2), p.get(3)).singletonOrThrow();
    }

    @Override
    public double[][] predictProba(double[][] x) {
        layout.check(x);
        long[][] shapes = parameterShapes(classes);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> params = new ArrayList<>();
            for (int p = 0; p < shapes.length; p++) {
                params.add(m.create(weights[p], new Shape(shapes[p])));
            }
            int rowSize = layout.channels() * layout.checkpoints();
            float[] xs = new float[x.length * rowSize];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(layout.asChannels(x[i]), 0, xs, i * rowSize, rowSize);
            }
            NDArray input =
                    m.create(xs, new Shape(x.length, layout.channels(), layout.checkpoints()));
            float[] probs = forward(input, params).softmax(1).toFloatArray();
            double[][] out = new double[x.length][classes];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < classes; c++) {
                    out[i][c] = probs[i * classes + c];
                }
            }
            return out;
        }
    }

    public FeatureLayout layout() {
        return layout;
    }

    public Shape1d hyperparameters() {
        return h;
    }

    public long seed() {
        return seed;
    }

    /**
     * The fitted parameters (conv kernel, conv bias, dense kernel, dense bias), flat in row-major
     * order.
     */
    public float[][] parameters() {
        return weights == null ? null : weights.clone();
    }

    public int classes() {
        return classes;
    }

    /** A fitted Conv1D from saved parameters. */
    static Conv1dClassifier restore(
            FeatureLayout layout, Shape1d hyper, long seed, int classes, float[][] weights) {
        Conv1dClassifier c = new Conv1dClassifier(layout, hyper, seed);
        long[][] shapes = c.parameterShapes(classes);
        if (weights.length != shapes.length) {
            throw new LridException(
                    "a conv1d has " + shapes.length + " parameter arrays, got " + weights.length);
        }
        for (int p = 0; p < shapes.length; p++) {
            if (weights[p].length != new Shape(shapes[p]).size()) {
                throw new LridException(
                        "conv1d parameter "
                                + p
                                + " has "
                                + weights[p].length
                                + " values where its shape "
                                + java.util.Arrays.toString(shapes[p])
                                + " needs "
                                + new Shape(shapes[p]).size());
            }
        }
        c.classes = classes;
        c.weights = weights;
        return c;
    }

    @Override
    public String describe() {
        return "conv1d: kernel "
                + h.kernel()
                + " of "
                + layout.checkpoints()
                + " checkpoints, stride "
                + h.stride()
                + ", "
                + h.filters()
                + " filters, pooling "
                + h.pooling().name().toLowerCase()
                + ", one dense layer,"
                + " adam lr "
                + h.learningRate()
                + ", batch "
                + h.batchSize()
                + ", weight decay "
                + h.weightDecay()
                + ", "
                + h.epochs()
                + " epochs";
    }
}
