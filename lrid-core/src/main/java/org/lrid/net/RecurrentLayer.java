package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.lrid.LridException;

/**
 * One of the three weight layers of a {@link Recurrent} network: W_in (input to hidden, with the
 * hidden bias b), W_rec (hidden to hidden; its bias is fixed at zero, since b is counted once, on
 * W_in) or W_out (hidden to output, with b_out). Its maps are dense ones; the time loop is the
 * network's, so the layer's gradients are set by the network (or a rule) for the whole sequence
 * rather than computed by {@link WeightLayer#backwardWeights}.
 *
 * <p>B has W's shape. On W_out it is the fixed random feedback of RFLO in the layer convention of
 * science.md section 1: the learning signal of the hidden units is {@code eps B} ((N, O) x (O, N)),
 * i.e. Murray's {@code B eps} with his B the transpose of this one. B of W_in and W_rec is drawn
 * but unused.
 */
public final class RecurrentLayer extends WeightLayer {

    /** Which of the three matrices this layer is. */
    public enum Role {
        INPUT,
        RECURRENT,
        OUTPUT
    }

    private final Role role;
    private final long in;
    private final long out;
    private final Recurrent owner;
    private NDArray gradW;
    private NDArray gradB;

    RecurrentLayer(
            Recurrent owner,
            Role role,
            NDArray weight,
            NDArray bias,
            NDArray feedback,
            Activation activation,
            float initLimit) {
        super(weight, bias, feedback, activation, initLimit);
        this.owner = owner;
        this.role = role;
        this.in = weight.getShape().get(1);
        this.out = weight.getShape().get(0);
        outputShape(new long[] {in});
    }

    public Role role() {
        return role;
    }

    /** The recurrent network this layer belongs to (its time loop, leak and probes). */
    public Recurrent owner() {
        return owner;
    }

    @Override
    protected NDArray preActivation(NDArray x) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    @Override
    public NDArray project(NDArray x, NDArray m) {
        return DenseMaps.project(x, m);
    }

    @Override
    public NDArray backProject(NDArray e, NDArray m, long[] inputShape) {
        return DenseMaps.backProject(e, m);
    }

    @Override
    public NDArray weightGrad(NDArray x, NDArray e) {
        return DenseMaps.weightGrad(x, e);
    }

    @Override
    protected NDArray biasGrad(NDArray e) {
        return DenseMaps.biasGrad(e);
    }

    @Override
    protected long[] computeOutputShape(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] != in) {
            throw new LridException(
                    "recurrent layer expects inputs of size "
                            + in
                            + " but gets shape "
                            + new Shape(inputShape));
        }
        return new long[] {out};
    }

    @Override
    public String kind() {
        return switch (role) {
            case INPUT -> "rnn-input";
            case RECURRENT -> "rnn-recurrent";
            case OUTPUT -> "rnn-output";
        };
    }

    /** The layer trains its bias: false for W_rec, whose bias stays zero. */
    public boolean hasBias() {
        return role != Role.RECURRENT;
    }

    /**
     * Sets this step's estimate of dL/dW and dL/db (the rule's, for the whole sequence). Both
     * belong to the step's manager. A null bias gradient means zero.
     */
    public void setGradients(NDArray weightGradient, NDArray biasGradient) {
        this.gradW = weightGradient;
        this.gradB =
                biasGradient != null
                        ? biasGradient
                        : weightGradient.getManager().zeros(new Shape(out));
    }

    @Override
    public NDArray gradWeight() {
        return gradW;
    }

    @Override
    public NDArray gradBias() {
        return gradB;
    }

    @Override
    public void clearStep() {
        super.clearStep();
        owner.forgetTrial();
        gradW = null;
        gradB = null;
    }
}
