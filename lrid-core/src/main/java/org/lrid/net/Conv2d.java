package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.lrid.LridException;

/** 2-D convolution, W of shape (out, in, k, k), square stride and zero padding. */
public final class Conv2d extends WeightLayer {

    private final long inChannels;
    private final long outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Shape strideShape;
    private final Shape paddingShape;
    private static final Shape NO_DILATION = new Shape(1, 1);

    public Conv2d(
            NDManager manager,
            long inChannels,
            long outChannels,
            int kernel,
            int stride,
            int padding,
            Activation activation,
            long weightSeed,
            long feedbackSeed) {
        this(
                manager,
                inChannels,
                outChannels,
                kernel,
                stride,
                padding,
                activation,
                1.0,
                weightSeed,
                feedbackSeed);
    }

    /**
     * @param initScale multiplies the init limit of W and B (1: {@link Init#limit})
     */
    public Conv2d(
            NDManager manager,
            long inChannels,
            long outChannels,
            int kernel,
            int stride,
            int padding,
            Activation activation,
            double initScale,
            long weightSeed,
            long feedbackSeed) {
        this(
                manager,
                inChannels,
                outChannels,
                kernel,
                stride,
                padding,
                activation,
                weightSeed,
                feedbackSeed,
                Init.limit(inChannels * kernel * kernel, activation, initScale));
    }

    private Conv2d(
            NDManager manager,
            long inChannels,
            long outChannels,
            int kernel,
            int stride,
            int padding,
            Activation activation,
            long weightSeed,
            long feedbackSeed,
            float limit) {
        super(
                Init.uniform(
                        manager,
                        new Shape(outChannels, inChannels, kernel, kernel),
                        limit,
                        weightSeed),
                manager.zeros(new Shape(outChannels)),
                Init.uniform(
                        manager,
                        new Shape(outChannels, inChannels, kernel, kernel),
                        limit,
                        feedbackSeed),
                activation,
                limit);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.strideShape = new Shape(stride, stride);
        this.paddingShape = new Shape(padding, padding);
    }

    /**
     * The kept forward pass as libtorch's autograd recorded it: detached aliases of W and b that
     * require gradients (fresh each step, in the step's manager) and the pre-activation they made.
     * Null when the last forward pass kept nothing or ran inside someone else's graph.
     */
    private NDArray weightLeaf;

    private NDArray biasLeaf;
    private NDArray recorded;
    private boolean recordedUsed;

    /**
     * A training step's forward pass records its convolution's graph, so that dL/dW and dL/db come
     * from libtorch's own convolution backward ({@link #keptGradients}: oneDNN's filter-gradient
     * kernel with the bias sum), which took the convnet's two layers about 3.5 ms less than the
     * convolution over the batch axis ({@link #weightGrad}) with its transposed copies and a
     * separate sum (with the forward pass: 3.0-3.5 against 5.3-6.4 ms and 11.7-12.3 against
     * 12.6-13.1, one AMD EPYC core). Under an outer graph (an autograd reference of the whole
     * network) the layer records nothing of its own.
     */
    @Override
    protected NDArray preActivation(NDArray x, boolean keep) {
        if (!keep) {
            // a held-out evaluation between a kept forward pass and its backward keeps the graph
            return preActivation(x);
        }
        weightLeaf = null;
        biasLeaf = null;
        recorded = null;
        if (JniUtils.isGradMode()) {
            return preActivation(x);
        }
        NDManager step = x.getManager();
        weightLeaf = weight.stopGradient();
        weightLeaf.attach(step);
        weightLeaf.setRequiresGradient(true);
        biasLeaf = bias.stopGradient();
        biasLeaf.attach(step);
        biasLeaf.setRequiresGradient(true);
        JniUtils.setGradMode(true);
        try {
            recorded = convolve(x, weightLeaf, biasLeaf);
        } finally {
            JniUtils.setGradMode(false);
        }
        recordedUsed = false;
        return recorded;
    }

    @Override
    protected NDArray[] keptGradients(NDArray e) {
        if (recorded == null || recorded != lastPreActivation()) {
            return null;
        }
        if (recordedUsed) {
            // a diagnosed step's second backward: libtorch would add to the first's gradients
            JniUtils.zeroGrad((PtNDArray) weightLeaf);
            JniUtils.zeroGrad((PtNDArray) biasLeaf);
        }
        recordedUsed = true;
        MatrixProducts.recordFilterGradient(lastInput(), weight, stride, padding);
        JniUtils.backward((PtNDArray) recorded, (PtNDArray) e, true, false);
        NDArray[] gradients = new NDArray[2];
        try (NDArray w = weightLeaf.getGradient();
                NDArray b = biasLeaf.getGradient()) {
            gradients[0] = w.duplicate();
            gradients[1] = b.duplicate();
        }
        return gradients;
    }

    @Override
    public void clearStep() {
        super.clearStep();
        weightLeaf = null;
        biasLeaf = null;
        recorded = null;
    }

    @Override
    protected NDArray preActivation(NDArray x) {
        return convolve(x, weight, bias);
    }

    @Override
    public NDArray project(NDArray x, NDArray m) {
        try (NDArray zeroBias =
                x.getManager().zeros(new Shape(m.getShape().get(0)), x.getDataType())) {
            return convolve(x, m, zeroBias);
        }
    }

    /** This layer's convolution (its stride and padding) of x with filters m and bias b. */
    private NDArray convolve(NDArray x, NDArray m, NDArray b) {
        MatrixProducts.recordConvolution(x, m, stride, padding);
        return x.getNDArrayInternal()
                .convolution(x, m, b, strideShape, paddingShape, NO_DILATION, 1)
                .singletonOrThrow();
    }

    @Override
    public NDArray backProject(NDArray e, NDArray m, long[] inputShape) {
        if (stride == 1) {
            // the adjoint of a stride-1 convolution is a convolution with the flipped,
            // channel-swapped kernel and the complementary padding
            if (inChannels == 1) {
                return backProjectToOneChannel(e, m);
            }
            try (NDArray flipped = m.flip(2, 3);
                    NDArray swapped = flipped.transpose(1, 0, 2, 3)) {
                swapped.attach(e.getManager());
                return conv(e, swapped, kernel - 1 - padding, swapped.getShape().get(0), 1);
            }
        }
        // libtorch's transposed convolution is not exposed by DJL: take the input-gradient by
        // autograd
        long[] batchShape = new long[inputShape.length + 1];
        batchShape[0] = e.getShape().get(0);
        System.arraycopy(inputShape, 0, batchShape, 1, inputShape.length);
        try (NDArray zeros = e.getManager().zeros(new Shape(batchShape), e.getDataType())) {
            return Autograd.vjp(x -> project(x, m), zeros, e);
        }
    }

    @Override
    public NDArray weightGrad(NDArray x, NDArray e) {
        if (stride == 1) {
            // dW[o,i] = sum_n xpad[n,i] (*) e[n,o]: a convolution over the batch axis, swapped into
            // channels
            try (NDArray xt = x.transpose(1, 0, 2, 3);
                    NDArray et = e.transpose(1, 0, 2, 3)) {
                try (NDArray g = conv(xt, et, padding, et.getShape().get(0), 1)) {
                    return g.transpose(1, 0, 2, 3);
                }
            }
        }
        // the filter gradient is linear in e and does not depend on the weights' values
        try (NDArray zeros = e.getManager().zeros(weight.getShape(), e.getDataType())) {
            return Autograd.vjp(m -> project(x, m), zeros, e);
        }
    }

    /**
     * {@link #backProject} of a layer with one input channel (the first layer on grayscale images):
     * that convolution has a single output channel, for which libtorch's kernel ran at 6 GFLOP/s
     * (12.6 ms for the convnet's first layer, batch 128, one AMD EPYC core). Here: a depthwise
     * convolution (each of e's channels with its own flipped filter, libtorch's fast grouped path)
     * and the sum over channels, 2.4-3.5 ms. The same sum of products, added in another order. It
     * helps only there: with 3 or more input channels the grouped form was 2-10x slower.
     */
    private NDArray backProjectToOneChannel(NDArray e, NDArray m) {
        int out = Math.toIntExact(m.getShape().get(0));
        try (NDArray flipped = m.flip(2, 3);
                NDArray depthwise = flipped.reshape(out, 1, kernel, kernel)) {
            depthwise.attach(e.getManager());
            try (NDArray perChannel = conv(e, depthwise, kernel - 1 - padding, out, out)) {
                return perChannel.sum(new int[] {1}, true);
            }
        }
    }

    private static NDArray conv(NDArray x, NDArray w, int pad, long outChannels, int groups) {
        try (NDArray zeroBias = x.getManager().zeros(new Shape(outChannels), x.getDataType())) {
            MatrixProducts.recordConvolution(x, w, 1, pad, groups);
            return x.getNDArrayInternal()
                    .convolution(
                            x,
                            w,
                            zeroBias,
                            new Shape(1, 1),
                            new Shape(pad, pad),
                            NO_DILATION,
                            groups)
                    .singletonOrThrow();
        }
    }

    @Override
    protected NDArray biasGrad(NDArray e) {
        return e.sum(new int[] {0, 2, 3});
    }

    @Override
    protected long[] computeOutputShape(long[] inputShape) {
        if (inputShape.length != 3 || inputShape[0] != inChannels) {
            throw new LridException(
                    "conv layer expects inputs of shape ("
                            + inChannels
                            + ", height, width) but gets "
                            + new Shape(inputShape)
                            + "; a convnet or resnet needs an image task");
        }
        long h = (inputShape[1] + 2L * padding - kernel) / stride + 1;
        long w = (inputShape[2] + 2L * padding - kernel) / stride + 1;
        if (h < 1 || w < 1) {
            throw new LridException(
                    "conv layer with kernel "
                            + kernel
                            + " leaves no output on an input of "
                            + inputShape[1]
                            + "x"
                            + inputShape[2]
                            + "; use fewer layers or a larger input");
        }
        return new long[] {outChannels, h, w};
    }

    @Override
    public String kind() {
        return "conv2d";
    }
}
