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
 * A learning rule bound to one network: its optimizer state, its fixed direct-feedback matrices,
 * and the two halves of a training step after the loss, {@link #backward} (credit assignment) and
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
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final double kpDecay;
    private final double maxAlignmentStep;
    private final OptimizerSpec.Scalars scalars;
    private final boolean fusedFeedback;
    private final boolean dataTerms;

    /**
     * @param feedbackSeed seeds the direct-feedback matrices and the alignment noise inputs (B
     *     itself is seeded when the network is built)
     * @throws IllegalStateException when the rule's weight decay is not resolved ({@link
     *     LearningRule#forFamily})
     */
    public Learner(LearningRule rule, Network network, long feedbackSeed) {
        this(rule, network, feedbackSeed, true);
    }

    /**
     * @param fuse take B's step in one pass with its gradient where the rule allows ({@link
     *     #update}); false materialises every gradient first (the tests' reference: the same bits)
     */
    Learner(LearningRule rule, Network network, long feedbackSeed, boolean fuse) {
        if (rule.family() != CreditAssignment.Family.FEED_FORWARD) {
            throw new IllegalArgumentException(
                    "rule " + rule.name() + " is recurrent: use RecurrentLearner");
        }
        this.rule = rule;
        this.schedule = rule.schedule();
        this.weightDecay = rule.weightDecay();
        this.kpDecay = rule.alignment().coefficient(Primitive.DECAY);
        this.maxAlignmentStep = rule.maxAlignmentStep();
        Alignment alignment = rule.alignment();
        this.dataTerms =
                alignment.coefficients().keySet().stream()
                        .anyMatch(p -> p != Primitive.DECAY && p != Primitive.SELF);
        // the fused pass reads one array besides B: W (self) or the data terms' gradient
        this.fusedFeedback =
                fuse
                        && rule.trainsFeedbackWeights()
                        && rule.optimizer().fusesLinear()
                        && !(dataTerms && alignment.coefficient(Primitive.SELF) != 0);

        this.network = network;
        this.layers = network.weightLayers();
        NDManager state = network.manager();
        this.scalars = new OptimizerSpec.Scalars(state);
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
                // LeCun scale over the receiving layer's units: a dense penultimate layer gets
                // errors of
                // the size backprop gives it at initialisation, and a conv layer with thousands of
                // units
                // is not flooded (at the top layer's scale a dfa convnet's loss reached 1e11)
                long units = layers.get(i).outputUnits();
                directFeedback.add(
                        Init.uniform(
                                state,
                                new Shape(outTop, units),
                                (float) Math.sqrt(3.0 / units),
                                Init.derive(feedbackSeed, 1000 + i)));
            }
        }
        noise = new SplittableRandom(Init.derive(feedbackSeed, 7));
        feedback =
                switch (rule.credit()) {
                    case BACKPROP, DIRECT_FEEDBACK -> (layer, step) -> layer.weight();
                    case FEEDBACK -> (layer, step) -> layer.feedbackWeight();
                    case SIGN_SYMMETRY ->
                            (layer, step) -> {
                                NDArray s = layer.weight().sign();
                                s.attach(step);
                                return s.muli(signScale[layer.index()]);
                            };
                    default ->
                            throw new IllegalStateException(
                                    "not a feed-forward credit: " + rule.credit());
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
            org.lrid.net.MatrixProducts.record(lossGradient, directFeedback.get(i));
            try (NDArray projected = lossGradient.matMul(directFeedback.get(i))) {
                layer.backwardWeights(projected.reshape(new Shape(batchShape)));
            }
        }
    }

    /**
     * B dynamics and the optimizer step for W, b and B of every layer, at step {@code stepIndex}
     * (1-based) of a run of {@code totalSteps}, which set the learning rate under the rule's
     * schedule.
     *
     * <p>Every rule adds weight decay wd * p to the gradients of W and b (PyTorch's {@code
     * weight_decay} and TensorFlow's {@code l2_regularizer(wd)}, i.e. the loss (wd / 2) ||p||^2).
     * Kolen-Pollack's decay term ||W||^2 + ||B||^2 is minimised over W as well as B, and B receives
     * W's whole update (task gradient and weight decay), so that W - B shrinks by the factor (1 -
     * lr (wd + 2 decay)) each step.
     */
    public void update(NDManager step, int stepIndex, int totalSteps) {
        double lr = rule.optimizer().learningRate() * schedule.factor(stepIndex, totalSteps);
        List<NDArray> feedbackGrads = new ArrayList<>();
        if (rule.trainsFeedbackWeights() && !fusedFeedback) {
            // B's gradients first: they read W and the task gradient before the updates change them
            for (WeightLayer layer : layers) {
                feedbackGrads.add(feedbackGradient(layer, step, lr));
            }
        }
        for (WeightLayer layer : layers) {
            int i = layer.index();
            if (fusedFeedback) {
                // B's step first, reading this layer's W and task gradient before W's step
                feedbackUpdaters.get(i).step(linearFeedbackGradient(layer, step, lr), lr);
            }
            // the decay goes into the optimizer's own (fused) step: g + wd p there
            double forwardDecay = weightDecay + (rule.feedbackFollowsTask() ? 2 * kpDecay : 0);
            weightUpdaters.get(i).step(layer.gradWeight(), lr, forwardDecay);
            biasUpdaters.get(i).step(layer.gradBias(), lr, weightDecay);
            if (!feedbackGrads.isEmpty()) {
                NDArray gB = feedbackGrads.get(i);
                if (gB != null) {
                    feedbackUpdaters.get(i).step(gB, lr);
                }
            }
        }
    }

    /**
     * {@link #feedbackGradient} for the optimizer to read element by element: the data terms'
     * gradient D (amp, null, sparse) materialised, then (2 decay B + D, or 2 decay B - self W)
     * capped as there, plus W's update for Kolen-Pollack. With Nesterov (every alignment rule's
     * default) B's step is then one pass over B, D or W and dL/dW instead of two to four libtorch
     * calls, an allocation and a pass over their sum (the same bits, tested: addition commutes, and
     * D times 1 is D).
     */
    private OptimizerSpec.LinearGradient linearFeedbackGradient(
            WeightLayer layer, NDManager step, double lr) {
        Alignment a = rule.alignment();
        float cap = 1;
        NDArray other = null;
        float otherScale = 0;
        if (!a.isEmpty()) {
            // decay and self alone (sa, kp) need no input: no noise drawn, none normalised
            AlignmentInput in =
                    dataTerms
                            ? alignmentInput(layer, step)
                            : new AlignmentInput(layer.lastInput(), null);
            other = dataTerms ? a.dataGradient(layer, in.x(), in.pf(), step) : null;
            otherScale = 1;
            double h = a.curvatureBound(layer, in.x(), in.pf());
            if (lr * h > maxAlignmentStep) {
                cap = (float) (maxAlignmentStep / (lr * h));
            }
            double self = a.coefficient(Primitive.SELF);
            if (other == null && self != 0) {
                other = layer.weight();
                otherScale = (float) -self;
            }
        }
        return new OptimizerSpec.LinearGradient(
                (float) (2 * a.coefficient(Primitive.DECAY)),
                other,
                otherScale,
                cap,
                rule.feedbackFollowsTask() ? layer.gradWeight() : null,
                (float) weightDecay);
    }

    /** The input x the alignment losses see, and Pf = project(x, W) when they need it. */
    private record AlignmentInput(NDArray x, NDArray pf) {}

    private AlignmentInput alignmentInput(WeightLayer layer, NDManager step) {
        Alignment a = rule.alignment();
        NDArray x =
                a.noiseInput()
                        ? Alignment.noiseLike(layer.lastInput(), noise, step)
                        : layer.lastInput();
        NDArray pf = null;
        if (a.normalizeInput() && !a.noiseInput()) {
            x = Alignment.normalizePerExample(x);
        } else if (!a.noiseInput() && a.needsForwardProjection()) {
            // the real input: Pf is the kept pre-activation (with the bias) or it minus the bias
            pf = a.bias() ? layer.lastPreActivation() : layer.lastForwardProjection();
        }
        if (pf == null && a.needsForwardProjection()) {
            // on a normalised or noise input: Pf once, for the gradient and the step cap (each
            // had taken its own, a convolution of the conv layers' size)
            pf = a.projection(layer, x, layer.weight());
        }
        return new AlignmentInput(x, pf);
    }

    /**
     * B's gradient: the alignment loss's, its step capped at the stability limit of its own
     * curvature ({@code alignment_max_step}: lr_B = min(lr, max_step / h), h bounding the loss's
     * largest curvature in B, which the null and sparse terms make proportional to the input's
     * second moment), plus W's update for Kolen-Pollack.
     */
    private NDArray feedbackGradient(WeightLayer layer, NDManager step, double lr) {
        NDArray grad = null;
        Alignment a = rule.alignment();
        if (!a.isEmpty()) {
            AlignmentInput in = alignmentInput(layer, step);
            NDArray x = in.x();
            NDArray pf = in.pf();
            grad = a.gradient(layer, x, pf, step);
            double h = a.curvatureBound(layer, x, pf);
            if (grad != null && lr * h > maxAlignmentStep) {
                grad.muli(maxAlignmentStep / (lr * h));
            }
        }
        if (rule.feedbackFollowsTask()) {
            // Kolen-Pollack: W's update (task gradient and weight decay) on B; the decay term is
            // already in grad. wd B + dL/dW is dL/dW + wd B exactly (addition commutes), without
            // a copy of dL/dW.
            NDArray follow;
            if (weightDecay != 0) {
                follow = layer.feedbackWeight().mul(scalars.constant(weightDecay));
                follow.addi(layer.gradWeight());
            } else {
                follow = layer.gradWeight().duplicate();
            }
            follow.attach(step);
            grad = grad == null ? follow : grad.addi(follow);
            if (grad != follow) {
                follow.close();
            }
        }
        return grad;
    }
}
