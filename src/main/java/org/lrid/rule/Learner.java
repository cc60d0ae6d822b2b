package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lrid.net.Feedback;
import org.lrid.net.Init;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;

/**
 * A learning rule bound to one network: its optimizer state, its fixed direct-feedback matrices, and the
 * two halves of a training step after the loss, {@link #backward} (credit assignment) and
 * {@link #update} (B dynamics and the optimizer step).
 */
public final class Learner {

    private final LearningRule rule;
    private final Network network;
    private final List<WeightLayer> layers;
    private final List<OptimizerSpec.Updater> weightUpdaters = new ArrayList<>();
    private final List<OptimizerSpec.Updater> biasUpdaters = new ArrayList<>();
    private final List<OptimizerSpec.Updater> feedbackUpdaters = new ArrayList<>();
    private final List<NDArray> directFeedback = new ArrayList<>();
    private final float[] signScale;
    private final SplittableRandom noise;
    private final Feedback feedback;

    /**
     * @param feedbackSeed seeds the direct-feedback matrices and the alignment noise inputs (B itself is
     *     seeded when the network is built)
     */
    public Learner(LearningRule rule, Network network, long feedbackSeed) {
        this.rule = rule;
        this.network = network;
        this.layers = network.weightLayers();
        NDManager state = network.manager();
        signScale = new float[layers.size()];
        for (WeightLayer layer : layers) {
            weightUpdaters.add(rule.optimizer().newUpdater(layer.weight(), state));
            biasUpdaters.add(rule.optimizer().newUpdater(layer.bias(), state));
            if (rule.trainsFeedbackWeights()) {
                feedbackUpdaters.add(rule.optimizer().newUpdater(layer.feedbackWeight(), state));
            }
            signScale[layer.index()] = (float) (layer.initLimit() / Math.sqrt(3.0));
        }
        if (rule.credit() == CreditAssignment.DIRECT_FEEDBACK) {
            WeightLayer top = layers.get(layers.size() - 1);
            long outTop = top.outputUnits();
            for (int i = 0; i < layers.size() - 1; i++) {
                // LeCun scale over the receiving layer's units: a dense penultimate layer gets errors of
                // the size backprop gives it at initialisation, and a conv layer with thousands of units
                // is not flooded (at the top layer's scale a dfa convnet's loss reached 1e11)
                long units = layers.get(i).outputUnits();
                directFeedback.add(Init.uniform(state, new Shape(outTop, units), (float) Math.sqrt(3.0 / units),
                        Init.derive(feedbackSeed, 1000 + i)));
            }
        }
        noise = new SplittableRandom(Init.derive(feedbackSeed, 7));
        feedback = switch (rule.credit()) {
            case BACKPROP, DIRECT_FEEDBACK -> (layer, step) -> layer.weight();
            case FEEDBACK -> (layer, step) -> layer.feedbackWeight();
            case SIGN_SYMMETRY -> (layer, step) -> {
                NDArray s = layer.weight().sign();
                s.attach(step);
                return s.muli(signScale[layer.index()]);
            };
        };
    }

    public LearningRule rule() {
        return rule;
    }

    /** The error-routing of this rule, for callers that run the chain themselves. */
    public Feedback feedback() {
        return feedback;
    }

    /** Credit assignment: leaves dL/dW and dL/db (as this rule estimates them) on every layer. */
    public void backward(NDArray lossGradient, NDManager step) {
        if (rule.credit() != CreditAssignment.DIRECT_FEEDBACK) {
            network.backward(lossGradient, feedback);
            return;
        }
        int top = layers.size() - 1;
        layers.get(top).backwardWeights(lossGradient);
        long n = lossGradient.getShape().get(0);
        for (int i = 0; i < top; i++) {
            WeightLayer layer = layers.get(i);
            long[] shape = layer.outputShape();
            long[] batchShape = new long[shape.length + 1];
            batchShape[0] = n;
            System.arraycopy(shape, 0, batchShape, 1, shape.length);
            try (NDArray projected = lossGradient.matMul(directFeedback.get(i))) {
                layer.backwardWeights(projected.reshape(new Shape(batchShape)));
            }
        }
    }

    /** B dynamics and the optimizer step for W, b and B of every layer. */
    public void update(NDManager step) {
        List<NDArray> feedbackGrads = new ArrayList<>();
        if (rule.trainsFeedbackWeights()) {
            // B's gradients first: they read W and the task gradient before the updates change them
            for (WeightLayer layer : layers) {
                feedbackGrads.add(feedbackGradient(layer, step));
            }
        }
        for (WeightLayer layer : layers) {
            int i = layer.index();
            NDArray gw = layer.gradWeight();
            if (rule.forwardDecay() != 0) {
                try (NDArray decay = layer.weight().mul(2 * rule.forwardDecay())) {
                    gw.addi(decay);
                }
            }
            weightUpdaters.get(i).step(gw);
            biasUpdaters.get(i).step(layer.gradBias());
            if (rule.trainsFeedbackWeights()) {
                NDArray gb = feedbackGrads.get(i);
                if (gb != null) {
                    feedbackUpdaters.get(i).step(gb);
                }
            }
        }
    }

    private NDArray feedbackGradient(WeightLayer layer, NDManager step) {
        NDArray grad = null;
        if (!rule.alignment().isEmpty()) {
            Alignment a = rule.alignment();
            NDArray x = a.noiseInput() ? Alignment.noiseLike(layer.lastInput(), noise, step) : layer.lastInput();
            if (a.normalizeInput() && !a.noiseInput()) {
                grad = a.gradient(layer, Alignment.normalizePerExample(x), null, step);
            } else {
                // the real, unnormalised input: Pf is the kept pre-activation minus the bias
                NDArray pf = !a.noiseInput() && a.needsForwardProjection() ? layer.lastForwardProjection() : null;
                grad = a.gradient(layer, x, pf, step);
            }
        }
        if (rule.feedbackFollowsTask()) {
            grad = grad == null ? layer.gradWeight().duplicate() : grad.addi(layer.gradWeight());
        }
        return grad;
    }
}
