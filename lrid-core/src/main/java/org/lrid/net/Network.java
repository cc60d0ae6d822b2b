package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrid.LridException;

/**
 * A feed-forward network: a sequence of modules whose parameters all live in one manager that the
 * network owns and closes.
 */
public final class Network implements AutoCloseable {

    private final NDManager manager;
    private final List<Module> modules;
    private final List<WeightLayer> weightLayers;
    private final long[] inputShape;
    private final long[] outputShape;
    private final String description;
    private final int firstWeightModule;

    /**
     * @param manager the manager the modules' parameters were created in; closed with the network
     * @throws LridException when the modules cannot be chained on this input shape
     */
    public Network(NDManager manager, List<Module> modules, long[] inputShape, String description) {
        this.manager = manager;
        this.modules = List.copyOf(modules);
        this.inputShape = inputShape.clone();
        this.description = description;
        long[] s = inputShape;
        for (Module m : modules) {
            s = m.outputShape(s);
        }
        this.outputShape = s;
        List<WeightLayer> layers = new ArrayList<>();
        for (Module m : modules) {
            layers.addAll(m.weightLayers());
        }
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setIndex(i);
        }
        this.weightLayers = List.copyOf(layers);
        int first = 0;
        while (first < this.modules.size() && this.modules.get(first).weightLayers().isEmpty()) {
            first++;
        }
        this.firstWeightModule = first;
    }

    /**
     * @param keep true during a training step, so that {@link #backward} can follow
     */
    public NDArray forward(NDArray x, boolean keep) {
        NDArray y = x;
        for (Module m : modules) {
            y = m.forward(y, keep);
        }
        return y;
    }

    /** Forward pass that keeps nothing, for evaluation and probing. */
    public NDArray predict(NDArray x) {
        return forward(x, false);
    }

    /** One weight layer's input and output on a probe batch. */
    public record LayerResponse(WeightLayer layer, NDArray input, NDArray output) {}

    /**
     * Runs {@code x} through the network without keeping anything for a training step and returns
     * every weight layer's input and output, in the manager of {@code x}.
     */
    public List<LayerResponse> probe(NDArray x) {
        List<LayerResponse> responses = new ArrayList<>();
        for (WeightLayer layer : weightLayers) {
            layer.setTap((in, out) -> responses.add(new LayerResponse(layer, in, out)));
        }
        try {
            predict(x);
        } finally {
            for (WeightLayer layer : weightLayers) {
                layer.setTap(null);
            }
        }
        return responses;
    }

    /**
     * Sends dL/d(output) down the chain of modules through the feedback matrices {@code feedback}
     * chooses, leaving each weight layer's gradients on it.
     */
    public void backward(NDArray gradOut, Feedback feedback) {
        NDArray g = gradOut;
        for (int i = modules.size() - 1; i >= 0; i--) {
            Module module = modules.get(i);
            // max pooling over a ReLU layer's output: both derivatives in one pass, the same values
            // (Pool2d#backwardThroughRelu; the sign and product passes were 1 ms of the convnet's
            // 34 ms step)
            if (i > 0
                    && module instanceof Pool2d pool
                    && modules.get(i - 1) instanceof WeightLayer below
                    && pool.fusesWith(below)) {
                NDArray e = pool.backwardThroughRelu(g);
                i--;
                g = below.backwardFromPreActivation(e, feedback, i > firstWeightModule);
                continue;
            }
            // below the first weight layer nobody reads the error: skip its (largest) product
            g = module.backward(g, feedback, i > firstWeightModule);
        }
    }

    /** Drops the references a training step left on the layers. */
    public void clearStep() {
        for (WeightLayer layer : weightLayers) {
            layer.clearStep();
        }
    }

    public List<WeightLayer> weightLayers() {
        return weightLayers;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    public long[] outputShape() {
        return outputShape.clone();
    }

    /** The manager that owns the parameters (for optimizer state that must live as long). */
    public NDManager manager() {
        return manager;
    }

    public String description() {
        return description;
    }

    public long parameterCount() {
        long n = 0;
        for (WeightLayer l : weightLayers) {
            n += l.weight().size() + l.bias().size();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder(description)
                        .append(": input ")
                        .append(Arrays.toString(inputShape));
        for (WeightLayer l : weightLayers) {
            sb.append(" -> ").append(l.kind()).append(Arrays.toString(l.outputShape()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        manager.close();
    }
}
