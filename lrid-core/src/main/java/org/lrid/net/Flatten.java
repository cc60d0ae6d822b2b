package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Reshapes (N, ...) to (N, prod(...)). */
public final class Flatten implements Module {

    private Shape lastShape;

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        if (keep) {
            lastShape = x.getShape();
        }
        return x.reshape(x.getShape().get(0), -1);
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad) {
        return needInputGrad ? gradOut.reshape(lastShape) : null;
    }

    @Override
    public long[] outputShape(long[] s) {
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        return new long[] {n};
    }

    @Override
    public List<WeightLayer> weightLayers() {
        return List.of();
    }
}
