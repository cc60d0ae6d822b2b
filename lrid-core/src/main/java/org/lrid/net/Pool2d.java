package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.lrid.LridException;

/** Max or average pooling with a square window equal to its stride. */
public final class Pool2d implements Module {

    public enum Kind {
        MAX,
        AVG
    }

    private final Kind kind;
    private final Shape window;
    private final int size;
    private NDArray lastInput;

    public Pool2d(Kind kind, int size) {
        this.kind = kind;
        this.size = size;
        this.window = new Shape(size, size);
    }

    private NDArray pool(NDArray x) {
        return kind == Kind.MAX
                ? Pool.maxPool2d(x, window, window, new Shape(0, 0), false)
                : Pool.avgPool2d(x, window, window, new Shape(0, 0), false, true);
    }

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        if (keep) {
            lastInput = x;
        }
        return pool(x);
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad) {
        NDArray x = lastInput;
        return needInputGrad ? Autograd.vjp(this::pool, x, gradOut) : null;
    }

    @Override
    public long[] outputShape(long[] s) {
        if (s.length != 3 || s[1] < size || s[2] < size) {
            throw new LridException(
                    "pooling needs an image of at least "
                            + size
                            + "x"
                            + size
                            + " but gets shape "
                            + new Shape(s)
                            + "; use fewer pooling stages");
        }
        return new long[] {s[0], s[1] / size, s[2] / size};
    }

    @Override
    public List<WeightLayer> weightLayers() {
        return List.of();
    }
}
