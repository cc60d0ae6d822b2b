package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.lrid.LridException;

/**
 * Max or average pooling with a square window equal to its stride.
 *
 * <p>Max pooling is one pass over libtorch's memory in each direction: the forward pass keeps, per
 * output, the window position of its maximum (the first in row-major order that is strictly
 * greater, or NaN, exactly libtorch's CPU rule), and the backward pass writes each output's
 * gradient to that position. Both are libtorch's max_pool2d and its gradient, ties included, at a
 * fraction of the cost of libtorch's NCHW kernel (10 ms forward for the convnet's first stage,
 * batch 128, on one AMD EPYC core) and of any composition of whole-array operations (strided maxima
 * and tie masks took 11 and 6 ms for the two stages, forward and backward).
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

    /** The output of the kept forward pass: the maxima, read in order by the fused backward. */
    private NDArray lastOutput;

    /** Per output of the kept forward pass: the input's flat index of its window's maximum. */
    private int[] argmax = new int[0];

    public Pool2d(Kind kind, int size) {
        this.kind = kind;
        this.size = size;
        this.window = new Shape(size, size);
    }

    private NDArray pool(NDArray x) {
        if (kind == Kind.AVG) {
            return Pool.avgPool2d(x, window, window, new Shape(0, 0), false, true);
        }
        // under libtorch's autograd (a reference gradient of the whole network), libtorch's own
        // operator, the same values, so that the graph stays whole
        return JniUtils.isGradMode() ? libtorchMaxPool(x, size) : maxPool(x, null);
    }

    /** libtorch's max_pool2d of x (kernel = stride = size, no padding). */
    static NDArray libtorchMaxPool(NDArray x, int size) {
        Shape w = new Shape(size, size);
        return Pool.maxPool2d(x, w, w, new Shape(0, 0), false);
    }

    /**
     * The max pool of x; when {@code positions} is not null, it receives each output's flat input
     * index of the maximum. The loop reads and writes libtorch's memory in place ({@link
     * NativeFloats#get}): copying it in and out in bulk had been a third of the time.
     */
    private NDArray maxPool(NDArray x, int[] positions) {
        long[] s = x.getShape().getShape();
        int planes = Math.toIntExact(s[0] * s[1]);
        int height = Math.toIntExact(s[2]);
        int width = Math.toIntExact(s[3]);
        int h = height / size;
        int w = width / size;
        NDArray y = x.getManager().create(new Shape(s[0], s[1], h, w), DataType.FLOAT32);
        long in = NativeFloats.address(x);
        long out = NativeFloats.address(y);
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            int planeStart = plane * height * width;
            for (int r = 0; r < h; r++) {
                int rowStart = planeStart + r * size * width;
                for (int c = 0; c < w; c++) {
                    int first = rowStart + c * size;
                    int best = size == 2 ? twoByTwo(in, first, width) : -1;
                    if (best < 0) {
                        best = window(in, first, width);
                    }
                    NativeFloats.put(out, o, NativeFloats.get(in, best));
                    if (positions != null) {
                        positions[o] = best;
                    }
                    o++;
                }
            }
        }
        return y;
    }

    /**
     * The flat index of the maximum of the window whose top-left input is {@code first}: the first
     * in row-major order that is strictly greater than all before it, or NaN (libtorch's CPU rule).
     */
    private int window(long in, int first, int width) {
        int best = first;
        float max = NativeFloats.get(in, first);
        for (int i = 0; i < size; i++) {
            int row = first + i * width;
            for (int j = 0; j < size; j++) {
                float v = NativeFloats.get(in, row + j);
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    best = row + j;
                }
            }
        }
        return best;
    }

    /**
     * {@link #window} of a 2 x 2 window without data-dependent branches (a ReLU layer's maxima are
     * coin flips to a branch predictor; this runs about three times faster), or -1 when the maximum
     * is infinite or NaN. The first input equal to the maximum m is the first with a - m + 0 >= +0
     * (the + 0 turns -0 into +0, so -0 and +0 tie as they do in libtorch's comparisons).
     */
    private static int twoByTwo(long in, int first, int width) {
        float a = NativeFloats.get(in, first);
        float b = NativeFloats.get(in, first + 1);
        float c = NativeFloats.get(in, first + width);
        float d = NativeFloats.get(in, first + width + 1);
        float m = Math.max(Math.max(a, b), Math.max(c, d));
        if (!Float.isFinite(m)) {
            return -1;
        }
        // 1 where the input is below the maximum (the sign bit of a - m + 0)
        int belowA = Float.floatToRawIntBits(a - m + 0f) >>> 31;
        int belowB = Float.floatToRawIntBits(b - m + 0f) >>> 31;
        int belowC = Float.floatToRawIntBits(c - m + 0f) >>> 31;
        int k = belowA * (1 + belowB * (1 + belowC));
        return first + (k >> 1) * width + (k & 1);
    }

    /**
     * d(max pool)/dx applied to g: each output's gradient goes to its window's maximum (the
     * position the forward pass kept), every other input gets zero. With {@code reluBelow}, the
     * result is also multiplied by the derivative of the ReLU whose output x is, sign(x) as
     * libtorch's sign gives it ((x > 0) - (x < 0), so 0 for NaN and both zeros): the error at the
     * ReLU's pre-activation, bit for bit what {@link Activation#backward} makes of this method's
     * plain result (where the gradient is zero its product is +0 as well, the memset's zero).
     */
    private NDArray maxPoolBackward(NDArray x, NDArray g, boolean reluBelow) {
        int outputs = Math.toIntExact(g.size());
        // libtorch's zeros (a memset), then one write per output straight into its memory
        NDArray dx = g.getManager().zeros(x.getShape(), DataType.FLOAT32);
        long grad = NativeFloats.address(g);
        long out = NativeFloats.address(dx);
        if (!reluBelow) {
            for (int o = 0; o < outputs; o++) {
                NativeFloats.put(out, argmax[o], NativeFloats.get(grad, o));
            }
            return dx;
        }
        // sign(x) at the maximum is sign(y), the output, read in order
        long maxima = NativeFloats.address(lastOutput);
        for (int o = 0; o < outputs; o++) {
            float h = NativeFloats.get(maxima, o);
            // int selects (conditional moves; float ones compile to branches, which a ReLU layer's
            // zeros mispredict)
            float sign = (h > 0 ? 1 : 0) - (h < 0 ? 1 : 0);
            NativeFloats.put(out, argmax[o], sign * NativeFloats.get(grad, o));
        }
        return dx;
    }

    /**
     * True when {@link #backwardThroughRelu} can stand for this module's backward followed by the
     * ReLU derivative of {@code below}, the layer whose output this pooling took in its kept
     * forward pass.
     */
    boolean fusesWith(WeightLayer below) {
        return kind == Kind.MAX
                && below.activation() == Activation.RELU
                && lastInput != null
                && lastInput == below.lastOutput();
    }

    /**
     * dL/da of the ReLU layer below (see {@link #fusesWith}) from dL/d(output): this module's
     * gradient and the ReLU's derivative in one pass, without the two whole-array operations and
     * the temporary the separate steps take.
     */
    NDArray backwardThroughRelu(NDArray gradOut) {
        return maxPoolBackward(lastInput, gradOut, true);
    }

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        NDArray y;
        if (kind == Kind.MAX && keep) {
            long[] s = x.getShape().getShape();
            int outputs = Math.toIntExact(s[0] * s[1] * (s[2] / size) * (s[3] / size));
            if (argmax.length != outputs) {
                argmax = new int[outputs];
            }
            y = maxPool(x, argmax);
            if (JniUtils.isGradMode()) {
                y.close();
                y = libtorchMaxPool(x, size);
            }
        } else {
            y = pool(x);
        }
        if (keep) {
            lastInput = x;
            lastOutput = y;
        }
        return y;
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad) {
        NDArray x = lastInput;
        // kept: a diagnosed step runs backward twice (the exact gradient, then the rule's)
        if (!needInputGrad) {
            return null;
        }
        return kind == Kind.MAX ? maxPoolBackward(x, gradOut, false) : avgPoolBackward(x, gradOut);
    }

    /**
     * d(average pool)/dx applied to g: every input of an output's window gets g / (size x size),
     * the rows and columns past the last whole window zero: libtorch's avg_pool2d backward (windows
     * equal to the stride never overlap, so each input gets one quotient, as there), in one pass
     * where its autograd had first run the forward pass again.
     */
    private NDArray avgPoolBackward(NDArray x, NDArray g) {
        long[] s = x.getShape().getShape();
        int planes = Math.toIntExact(s[0] * s[1]);
        int height = Math.toIntExact(s[2]);
        int width = Math.toIntExact(s[3]);
        int h = height / size;
        int w = width / size;
        float area = size * size;
        NDArray dx = g.getManager().zeros(x.getShape(), DataType.FLOAT32);
        long grad = NativeFloats.address(g);
        long out = NativeFloats.address(dx);
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            int planeStart = plane * height * width;
            for (int r = 0; r < h; r++) {
                int rowStart = planeStart + r * size * width;
                for (int c = 0; c < w; c++) {
                    float share = NativeFloats.get(grad, o++) / area;
                    int first = rowStart + c * size;
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            NativeFloats.put(out, first + i * width + j, share);
                        }
                    }
                }
            }
        }
        return dx;
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
