package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** One stage of a feed-forward network with an explicit backward pass. */
public interface Module {

    /**
     * @param keep true during a training step: cache what {@link #backward} needs. Inference passes
     *     (probes, evaluation) use false so they never disturb a training step's caches.
     */
    NDArray forward(NDArray x, boolean keep);

    /**
     * Propagates dL/d(output) down, storing each weight layer's gradients on the way.
     *
     * @param needInputGrad false for the first module, whose input gradient nobody uses
     * @return dL/d(input) as the feedback matrices see it, or null when not needed
     */
    NDArray backward(NDArray gradOut, Feedback feedback, boolean needInputGrad);

    /** Output shape for one example, given the input shape of one example. */
    long[] outputShape(long[] inputShape);

    /** The weight layers inside, in forward order. */
    List<WeightLayer> weightLayers();
}
