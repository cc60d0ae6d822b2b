package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.lrid.LridException;

/** Fully connected layer: a = x W^T + b, W of shape (out, in). */
public final class Dense extends WeightLayer {

    private final long in;
    private final long out;

    public Dense(
            NDManager manager,
            long in,
            long out,
            Activation activation,
            long weightSeed,
            long feedbackSeed) {
        this(manager, in, out, activation, 1.0, weightSeed, feedbackSeed);
    }

    /**
     * @param initScale multiplies the init limit of W and B (1: {@link Init#limit})
     */
    public Dense(
            NDManager manager,
            long in,
            long out,
            Activation activation,
            double initScale,
            long weightSeed,
            long feedbackSeed) {
        this(
                manager,
                in,
                out,
                activation,
                weightSeed,
                feedbackSeed,
                Init.limit(in, activation, initScale));
    }

    private Dense(
            NDManager manager,
            long in,
            long out,
            Activation activation,
            long weightSeed,
            long feedbackSeed,
            float limit) {
        super(
                Init.uniform(manager, new Shape(out, in), limit, weightSeed),
                manager.zeros(new Shape(out)),
                Init.uniform(manager, new Shape(out, in), limit, feedbackSeed),
                activation,
                limit);
        this.in = in;
        this.out = out;
    }

    @Override
    protected NDArray preActivation(NDArray x) {
        MatrixProducts.record(x.getShape().get(0), in, out);
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
                    "dense layer expects inputs of size "
                            + in
                            + " but gets shape "
                            + new Shape(inputShape)
                            + "; check the architecture's widths");
        }
        return new long[] {out};
    }

    public long in() {
        return in;
    }

    public long out() {
        return out;
    }

    @Override
    public String kind() {
        return "dense";
    }
}
