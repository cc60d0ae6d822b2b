package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrid.LridException;

/**
 * h = relu(body(x) + x). The skip path passes the error unchanged, whatever the learning rule; only
 * the body's layers use the rule's feedback matrices.
 */
public final class Residual implements Module {

    private final List<Module> body;
    private NDArray lastOutput;

    public Residual(List<Module> body) {
        this.body = List.copyOf(body);
    }

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        NDArray y = x;
        for (Module m : body) {
            y = m.forward(y, keep);
        }
        NDArray h = y.add(x);
        h = Activation.RELU.apply(h);
        if (keep) {
            lastOutput = h;
        }
        return h;
    }

    @Override
    public NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad) {
        NDArray g = Activation.RELU.backward(gradOut, lastOutput);
        NDArray down = g;
        for (int i = body.size() - 1; i >= 0; i--) {
            down = body.get(i).backward(down, feedback, true);
        }
        return needInputGrad ? down.add(g) : null;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        long[] s = inputShape;
        for (Module m : body) {
            s = m.outputShape(s);
        }
        if (!Arrays.equals(s, inputShape)) {
            throw new LridException(
                    "residual block changes the shape "
                            + Arrays.toString(inputShape)
                            + " to "
                            + Arrays.toString(s)
                            + "; its body must keep channels and size");
        }
        return s;
    }

    @Override
    public List<WeightLayer> weightLayers() {
        List<WeightLayer> layers = new ArrayList<>();
        for (Module m : body) {
            layers.addAll(m.weightLayers());
        }
        return layers;
    }
}
