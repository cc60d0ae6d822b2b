package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A layer with forward weights W, bias b and feedback weights B (B has exactly W's shape), followed
 * by its own activation, so that the layer's output h = phi(project(x, W) + b) is what an electrode
 * sees.
 *
 * <p>The four linear maps below are all a learning rule needs: every credit-assignment mode and
 * every alignment primitive of science.md section 2 is written with them, so rules never look at
 * whether a layer is dense or convolutional.
 */
public abstract class WeightLayer implements Module {

    protected final NDArray weight;
    protected final NDArray bias;
    protected final NDArray feedback;
    protected final Activation activation;
    private final float initLimit;
    private int index = -1;
    private long[] inputShape;
    private long[] outputShape;

    private java.util.function.BiConsumer<NDArray, NDArray> tap;
    private NDArray lastInput;
    private NDArray lastPreActivation;
    private NDArray lastOutput;
    private NDArray gradWeight;
    private NDArray gradBias;

    protected WeightLayer(
            NDArray weight,
            NDArray bias,
            NDArray feedback,
            Activation activation,
            float initLimit) {
        this.weight = weight;
        this.bias = bias;
        this.feedback = feedback;
        this.activation = activation;
        this.initLimit = initLimit;
    }

    /** x -> x M^T (dense) or conv(x, M) (conv), without bias. */
    public abstract NDArray project(NDArray x, NDArray m);

    /**
     * The adjoint of {@link #project} in x: e -> e M (dense) or the transposed convolution of e
     * with M.
     */
    public abstract NDArray backProject(NDArray e, NDArray m, long[] inputShape);

    /**
     * The adjoint of {@link #project} in M: d<project(x, M), e>/dM, i.e. e^T x or the filter
     * gradient.
     */
    public abstract NDArray weightGrad(NDArray x, NDArray e);

    /** Sum of e over every axis but the channel axis (the bias gradient). */
    protected abstract NDArray biasGrad(NDArray e);

    protected abstract NDArray preActivation(NDArray x);

    /**
     * The pre-activation of a forward pass; {@code keep} says it is a training step's, whose
     * gradients {@link #keptGradients} may then take from what the layer recorded here.
     */
    protected NDArray preActivation(NDArray x, boolean keep) {
        return preActivation(x);
    }

    /**
     * dL/dW and dL/db of the kept forward pass from the error e at its pre-activation, if the layer
     * recorded a faster way to them than {@link #weightGrad} and {@link #biasGrad}; else null.
     */
    protected NDArray[] keptGradients(NDArray e) {
        return null;
    }

    /** Output shape of one example for an input shape of one example; refuses impossible shapes. */
    protected abstract long[] computeOutputShape(long[] inputShape);

    @Override
    public final long[] outputShape(long[] inputShape) {
        long[] out = computeOutputShape(inputShape);
        this.inputShape = inputShape.clone();
        this.outputShape = out.clone();
        return out;
    }

    /** Shape of one example's input, as last validated by {@link #outputShape}. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Shape of one example's output h. */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /**
     * Number of output units of one example (out for dense; channels x height x width for conv).
     */
    public long outputUnits() {
        long n = 1;
        for (long d : outputShape) {
            n *= d;
        }
        return n;
    }

    public abstract String kind();

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        NDArray a = preActivation(x, keep);
        NDArray h = activation.apply(a);
        if (tap != null) {
            tap.accept(x, h);
        }
        if (keep) {
            lastInput = x;
            lastPreActivation = a;
            lastOutput = h;
        }
        return h;
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback fb, boolean needInputGrad) {
        return inputGradient(backwardWeights(gradOut), fb, needInputGrad);
    }

    /**
     * Stores dL/dW and dL/db from the error at this layer's output (dL/dh) and returns the error at
     * the pre-activation. Used directly by direct feedback alignment, which skips the chain.
     */
    public NDArray backwardWeights(NDArray gradOut) {
        requireKeptForward();
        NDArray e = activation.backward(gradOut, lastOutput);
        storeGradients(e);
        return e;
    }

    /**
     * The chain below the activation, from the error e = dL/da at the pre-activation (which {@link
     * Network#backward} took together with the module above): stores dL/dW and dL/db and returns
     * dL/dx through the feedback matrix, or null when not needed.
     */
    NDArray backwardFromPreActivation(NDArray e, Feedback fb, boolean needInputGrad) {
        requireKeptForward();
        storeGradients(e);
        return inputGradient(e, fb, needInputGrad);
    }

    private NDArray inputGradient(NDArray e, Feedback fb, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        return backProject(e, fb.matrix(this, e.getManager()), lastInput.getShape().getShape());
    }

    private void requireKeptForward() {
        if (lastInput == null) {
            throw new IllegalStateException("backward without a kept forward pass");
        }
    }

    private void storeGradients(NDArray e) {
        NDArray[] kept = keptGradients(e);
        if (kept != null) {
            gradWeight = kept[0];
            gradBias = kept[1];
            return;
        }
        gradWeight = weightGrad(lastInput, e);
        gradBias = biasGrad(e);
    }

    /**
     * Sees (input, output) of every forward pass until reset with null (used by {@link
     * Network#probe}).
     */
    void setTap(java.util.function.BiConsumer<NDArray, NDArray> tap) {
        this.tap = tap;
    }

    /** Forgets the step's caches (they belong to the step's manager, which is about to close). */
    public void clearStep() {
        lastInput = null;
        lastPreActivation = null;
        lastOutput = null;
        gradWeight = null;
        gradBias = null;
    }

    @Override
    public List<WeightLayer> weightLayers() {
        return List.of(this);
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public NDArray feedbackWeight() {
        return feedback;
    }

    public Activation activation() {
        return activation;
    }

    /** Half-width of the uniform distribution W (and B) were drawn from. */
    public float initLimit() {
        return initLimit;
    }

    /** The input of the last kept forward pass (the layer's real input for alignment losses). */
    public NDArray lastInput() {
        return lastInput;
    }

    /**
     * project(lastInput, W) without a second matrix product: the kept pre-activation minus the
     * bias, allocated in the step's manager.
     */
    public NDArray lastForwardProjection() {
        long[] shape = new long[lastPreActivation.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = bias.size();
        try (NDArray b = bias.reshape(shape)) {
            return lastPreActivation.sub(b);
        }
    }

    /** The pre-activation a = project(x, W) + b of the last kept forward pass. */
    public NDArray lastPreActivation() {
        return lastPreActivation;
    }

    /**
     * Adds this layer's bias to a projection (N x out, or N x C x H x W) in place and returns it.
     */
    public NDArray addBias(NDArray projection) {
        long[] shape = new long[projection.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = bias.size();
        try (NDArray b = bias.reshape(shape)) {
            return projection.addi(b);
        }
    }

    public NDArray lastOutput() {
        return lastOutput;
    }

    public NDArray gradWeight() {
        return gradWeight;
    }

    public NDArray gradBias() {
        return gradBias;
    }

    /** Position among the network's weight layers, counted from the input side (0-based). */
    public int index() {
        return index;
    }

    void setIndex(int index) {
        this.index = index;
    }

    /** Number of elements of W. */
    public long weightCount() {
        return weight.size();
    }

    /** Copies W into B (used to check that feedback alignment with tied weights is backprop). */
    public void tieFeedbackToWeight() {
        feedback.set(weight.toByteBuffer());
    }
}
