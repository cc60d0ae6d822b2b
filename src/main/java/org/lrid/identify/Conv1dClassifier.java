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
import org.lrid.Gaussian;

/**
 * The paper's one-layer Conv1D + MLP: the (observables x checkpoints) matrix of an example as channels x
 * time, one convolution over time with ReLU, optional global max or average pooling over time, the layer
 * position appended, a hidden dense layer with ReLU and a softmax output; Adam on the cross-entropy.
 * Gradients by libtorch's autograd in this thread's grad mode (DJL's GradientCollector allows one per
 * process). Features arrive flat, observable by observable, with the 3 position columns last.
 */
public final class Conv1dClassifier implements Classifier, java.io.Serializable {

    public enum Pooling { NONE, MAX, AVG }

    private static final int HIDDEN = 64;
    private static final int POSITIONS = 3;

    private final int checkpoints;
    private final double kernelFraction;
    private final int stride;
    private final int filters;
    private final Pooling pooling;
    private final double learningRate;
    private final int epochs;
    private final long seed;
    private float[][] weights; // conv W, conv b, W1, b1, W2, b2 as flat arrays
    private long[][] shapes;
    private int classes;

    public Conv1dClassifier(int checkpoints, double kernelFraction, int stride, int filters, Pooling pooling,
            double learningRate, int epochs, long seed) {
        this.checkpoints = checkpoints;
        this.kernelFraction = kernelFraction;
        this.stride = stride;
        this.filters = filters;
        this.pooling = pooling;
        this.learningRate = learningRate;
        this.epochs = epochs;
        this.seed = seed;
    }

    private int kernel() {
        return Math.max(1, Math.min(checkpoints, (int) Math.round(kernelFraction * checkpoints)));
    }

    private int outLength() {
        return (checkpoints - kernel()) / stride + 1;
    }

    @Override
    public void fit(double[][] x, int[] y, int classes) {
        this.classes = classes;
        int channels = (x[0].length - POSITIONS) / checkpoints;
        int pooled = pooling == Pooling.NONE ? filters * outLength() : filters;
        shapes = new long[][] {{filters, channels, kernel()}, {filters}, {HIDDEN, pooled + POSITIONS}, {HIDDEN},
            {classes, HIDDEN}, {classes}};
        SplittableRandom r = new SplittableRandom(seed);
        weights = new float[shapes.length][];
        long[] fanIn = {(long) channels * kernel(), 1, pooled + POSITIONS, 1, HIDDEN, 1};
        for (int p = 0; p < shapes.length; p++) {
            weights[p] = new float[Math.toIntExact(new Shape(shapes[p]).size())];
            if (p % 2 == 0) {
                double std = Math.sqrt(2.0 / fanIn[p]);
                for (int i = 0; i < weights[p].length; i++) {
                    weights[p][i] = (float) (Gaussian.next(r) * std);
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> params = new ArrayList<>();
            List<NDArray[]> adam = new ArrayList<>();
            for (int p = 0; p < shapes.length; p++) {
                NDArray a = m.create(weights[p], new Shape(shapes[p]));
                a.setRequiresGradient(true);
                params.add(a);
                adam.add(new NDArray[] {m.zeros(a.getShape()), m.zeros(a.getShape())});
            }
            NDArray[] inputs = inputs(m, x);
            float[] onehot = new float[y.length * classes];
            for (int i = 0; i < y.length; i++) {
                onehot[i * classes + y[i]] = 1;
            }
            NDArray target = m.create(onehot, new Shape(y.length, classes));
            for (int t = 1; t <= epochs; t++) {
                try (NDManager step = m.newSubManager()) {
                    boolean previous = JniUtils.isGradMode();
                    JniUtils.setGradMode(true);
                    NDArray loss;
                    try {
                        // copies in the step's manager, so every intermediate of this epoch is freed with it
                        NDArray tr = inputs[0].duplicate();
                        NDArray ps = inputs[1].duplicate();
                        tr.attach(step);
                        ps.attach(step);
                        NDArray logits = forward(tr, ps, params);
                        loss = logits.logSoftmax(1).mul(target).sum().neg().div(y.length);
                    } finally {
                        JniUtils.setGradMode(previous);
                    }
                    try (NDArray ones = loss.onesLike()) {
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
                    }
                    JniUtils.setGradMode(false);
                    double c1 = 1 - Math.pow(0.9, t);
                    double c2 = 1 - Math.pow(0.999, t);
                    for (int p = 0; p < params.size(); p++) {
                        NDArray param = params.get(p);
                        NDArray mom = adam.get(p)[0];
                        NDArray vel = adam.get(p)[1];
                        try (NDArray g = param.getGradient(); NDArray g1 = g.mul(0.1); NDArray g2 = g.square()) {
                            mom.muli(0.9).addi(g1);
                            vel.muli(0.999).addi(g2.muli(0.001));
                        }
                        try (NDArray root = vel.sqrt(); NDArray update = mom.div(root.addi(1e-8 * Math.sqrt(c2)))) {
                            param.subi(update.muli(learningRate * Math.sqrt(c2) / c1));
                        }
                        JniUtils.zeroGrad((PtNDArray) param);
                    }
                    JniUtils.setGradMode(previous);
                    loss.attach(step);
                }
            }
            for (int p = 0; p < params.size(); p++) {
                weights[p] = params.get(p).toFloatArray();
            }
        }
    }

    /** (N, channels, checkpoints) trajectories and (N, 3) positions. */
    private NDArray[] inputs(NDManager m, double[][] x) {
        int n = x.length;
        int channels = (x[0].length - POSITIONS) / checkpoints;
        float[] traj = new float[n * channels * checkpoints];
        float[] pos = new float[n * POSITIONS];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < channels * checkpoints; j++) {
                traj[i * channels * checkpoints + j] = (float) x[i][j];
            }
            for (int k = 0; k < POSITIONS; k++) {
                pos[i * POSITIONS + k] = (float) x[i][channels * checkpoints + k];
            }
        }
        return new NDArray[] {m.create(traj, new Shape(n, channels, checkpoints)), m.create(pos, new Shape(n, POSITIONS))};
    }

    private NDArray forward(NDArray traj, NDArray pos, List<NDArray> p) {
        NDList conv = Conv1d.conv1d(traj, p.get(0), p.get(1), new Shape(stride));
        NDArray h = conv.singletonOrThrow().getNDArrayInternal().relu();
        NDArray pooled = switch (pooling) {
            case MAX -> h.max(new int[] {2});
            case AVG -> h.mean(new int[] {2});
            case NONE -> h.reshape(h.getShape().get(0), -1);
        };
        NDArray hidden = Linear.linear(pooled.concat(pos, 1), p.get(2), p.get(3)).singletonOrThrow()
                .getNDArrayInternal().relu();
        return Linear.linear(hidden, p.get(4), p.get(5)).singletonOrThrow();
    }

    @Override
    public double[][] predictProba(double[][] x) {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> params = new ArrayList<>();
            for (int p = 0; p < shapes.length; p++) {
                params.add(m.create(weights[p], new Shape(shapes[p])));
            }
            NDArray[] inputs = inputs(m, x);
            float[] probs = forward(inputs[0], inputs[1], params).softmax(1).toFloatArray();
            double[][] out = new double[x.length][classes];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < classes; c++) {
                    out[i][c] = probs[i * classes + c];
                }
            }
            return out;
        }
    }

    @Override
    public String describe() {
        return "conv1d: kernel " + kernel() + " of " + checkpoints + " checkpoints, stride " + stride + ", " + filters
                + " filters, pooling " + pooling.name().toLowerCase() + ", hidden " + HIDDEN + ", adam lr "
                + learningRate + ", " + epochs + " epochs";
    }
}
