package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.lrid.LridException;

/**
 * Max or average pooling with a square window equal to its stride.
 *
 * <p>Max pooling is written with strided views: the forward pass is the elementwise maximum of the
 * window's size^2 offsets, and the backward pass routes each output's gradient to the first input
 * in the window (row-major) that equals the maximum, which is libtorch's own rule for ties. Both
 * are exactly libtorch's max_pool2d and its gradient for finite inputs, at a fraction of the cost
 * of libtorch's NCHW kernel and of re-running it under autograd (the convnet spent a third of its
 * step there).
 */
public final class Pool2d implements Module {

    public enum Kind {
        MAX,
        AVG
    }

    private final Kind kind;
    private final Shape window;
    private final int size;
    private NDArray lastInput;
    private NDArray lastOutput;

    public Pool2d(Kind kind, int size) {
        this.kind = kind;
        this.size = size;
        this.window = new Shape(size, size);
    }

    private NDArray pool(NDArray x) {
        return kind == Kind.MAX
                ? maxPool(x)
                : Pool.avgPool2d(x, window, window, new Shape(0, 0), false, true);
    }

    /** libtorch's max_pool2d of x (kernel = stride = size, no padding), for tests. */
    static NDArray libtorchMaxPool(NDArray x, int size) {
        Shape w = new Shape(size, size);
        return Pool.maxPool2d(x, w, w, new Shape(0, 0), false);
    }

    /** The input positions (i, j) of every window: a strided view of x, in x's manager. */
    private NDArray offset(NDArray x, int i, int j) {
        long[] s = x.getShape().getShape();
        long h = s[2] / size * size;
        long w = s[3] / size * size;
        return x.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", i, h, size, j, w, size));
    }

    private NDArray maxPool(NDArray x) {
        if (size == 1) {
            return x.duplicate();
        }
        NDArray y = null;
        try (NDArray first = offset(x, 0, 0)) {
            for (int k = 1; k < size * size; k++) {
                try (NDArray v = offset(x, k / size, k % size)) {
                    NDArray next = (y == null ? first : y).maximum(v);
                    if (y != null) {
                        y.close();
                    }
                    y = next;
                }
            }
        }
        return y;
    }

    /**
     * d(max pool)/dx applied to g: each window's gradient goes to the first (row-major) input equal
     * to the window's maximum y, as libtorch's max_pool2d backward does.
     */
    private NDArray maxPoolBackward(NDArray x, NDArray y, NDArray g) {
        NDManager m = g.getManager();
        long[] s = x.getShape().getShape();
        long h = s[2] / size;
        long w = s[3] / size;
        NDList pieces = new NDList(size * size);
        NDArray taken = null;
        try (NDManager scratch = m.newSubManager()) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    NDArray v = offset(x, i, j);
                    v.attach(scratch);
                    NDArray hit = v.eq(y);
                    hit.attach(scratch);
                    if (taken != null) {
                        NDArray free = taken.logicalNot();
                        free.attach(scratch);
                        hit = hit.logicalAnd(free);
                        hit.attach(scratch);
                        taken = taken.logicalOr(hit);
                    } else {
                        taken = hit;
                    }
                    taken.attach(scratch);
                    NDArray mask = hit.toType(g.getDataType(), false);
                    mask.attach(scratch);
                    NDArray piece = g.mul(mask);
                    piece.attach(scratch);
                    pieces.add(piece);
                }
            }
            // (size*size, N, C, h, w) -> (N, C, h, size, w, size) -> (N, C, h*size, w*size)
            NDArray stacked = NDArrays.stack(pieces);
            stacked.attach(scratch);
            NDArray split = stacked.reshape(size, size, s[0], s[1], h, w);
            split.attach(scratch);
            NDArray moved = split.transpose(2, 3, 4, 0, 5, 1);
            moved.attach(scratch);
            NDArray dx = moved.reshape(s[0], s[1], h * size, w * size);
            if (h * size < s[2] || w * size < s[3]) {
                // rows and columns the windows do not cover get no gradient
                dx.attach(scratch);
                NDArray full = m.zeros(x.getShape(), g.getDataType());
                full.set(new NDIndex(":, :, 0:{}, 0:{}", h * size, w * size), dx);
                return full;
            }
            dx.attach(m);
            return dx;
        }
    }

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        NDArray y = pool(x);
        if (keep) {
            lastInput = x;
            lastOutput = y;
        }
        return y;
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad) {
        NDArray x = lastInput;
        NDArray y = lastOutput;
        // kept: a diagnosed step runs backward twice (the exact gradient, then the rule's)
        if (!needInputGrad) {
            return null;
        }
        return kind == Kind.MAX
                ? maxPoolBackward(x, y, gradOut)
                : Autograd.vjp(this::pool, x, gradOut);
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
