package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.lrid.Gaussian;
import org.lrid.LridException;
import org.lrid.net.Init;
import org.lrid.net.Network;
import org.lrid.net.Recurrent;
import org.lrid.net.RecurrentLayer;

/**
 * A recurrent rule bound to one {@code rnn} network: its optimizer state and noise stream, and the
 * two halves of a training step after the clean forward pass (kept) and its loss:
 *
 * <ul>
 *   <li>gradient rules ({@code bptt}, {@code rflo}, {@code eprop}): {@link #backward} with dL/dy;
 *   <li>perturbation rules ({@code np}, {@code wp}): {@link #perturb} with the clean trial's
 *       per-example losses and a function giving the per-example losses of any output sequence of
 *       the same batch. One perturbed trial per update; the baseline is the unperturbed trial of
 *       the same batch (Zuge, Klos and Memmesheimer's R - R_bar with R_bar the noise-free reward),
 *       which removes the reward's dependence on the batch from the estimate.
 * </ul>
 *
 * then {@link #update} steps W and b of W_in, W_rec and W_out with the rule's optimizer (W_rec has
 * no bias).
 */
public final class RecurrentLearner {

    private final LearningRule rule;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final Recurrent net;
    private final List<RecurrentLayer> layers;
    private final List<OptimizerSpec.Updater> weightUpdaters = new ArrayList<>();
    private final List<OptimizerSpec.Updater> biasUpdaters = new ArrayList<>();
    private final SplittableRandom noise;

    /**
     * @param rule a recurrent rule of the registry, its weight decay resolved ({@link
     *     LearningRule#forFamily})
     * @param feedbackSeed seeds the perturbation noise (B itself is seeded when the network is
     *     built)
     */
    public RecurrentLearner(LearningRule rule, Network network, long feedbackSeed) {
        this.rule = rule;
        this.net = Recurrent.of(network);
        if (net == null || rule.family() != CreditAssignment.Family.RECURRENT) {
            throw new LridException(
                    "rule '"
                            + rule.name()
                            + "' with a "
                            + network.description()
                            + " network: "
                            + "recurrent rules ("
                            + String.join(", ", Rules.namesFor("rnn"))
                            + ") train --arch rnn only");
        }
        this.schedule = rule.schedule();
        this.weightDecay = rule.weightDecay();
        this.layers = List.of(net.inputLayer(), net.recurrentLayer(), net.outputLayer());
        for (RecurrentLayer layer : layers) {
            weightUpdaters.add(rule.optimizer().newUpdater(layer.weight(), network.manager()));
            biasUpdaters.add(
                    layer.hasBias()
                            ? rule.optimizer().newUpdater(layer.bias(), network.manager())
                            : null);
        }
        this.noise = new SplittableRandom(Init.derive(feedbackSeed, 11));
    }

    public LearningRule rule() {
        return rule;
    }

    /** Credit assignment of a gradient rule from dL/dy (N, T, O) of the kept forward pass. */
    public void backward(NDArray lossGradient, NDManager step) {
        switch (rule.credit()) {
            case BPTT -> net.backward(lossGradient, null, false);
            case RFLO -> net.backwardLocal(lossGradient, net.outputLayer().feedbackWeight());
            case EPROP -> net.backwardLocal(lossGradient, net.outputLayer().weight());
            default ->
                    throw new IllegalStateException(
                            rule.name() + " is a perturbation rule: call perturb");
        }
    }

    /**
     * Credit assignment of a perturbation rule: runs one perturbed trial of the batch {@code
     * inputs} and sets each layer's gradient estimate.
     *
     * @param cleanLosses per-example losses of the unperturbed trial (the baseline)
     * @param exampleLosses per-example losses of an output sequence (N, T, O) of the same batch
     */
    public void perturb(
            NDArray inputs,
            float[] cleanLosses,
            Function<NDArray, float[]> exampleLosses,
            NDManager step) {
        double sigma = rule.sigma();
        int n = cleanLosses.length;
        if (rule.credit() == CreditAssignment.NODE_PERTURBATION) {
            long steps = inputs.getShape().get(1);
            NDArray xiU = gaussian(step, new Shape(n, steps, net.hiddenUnits()), sigma);
            NDArray xiY =
                    gaussian(
                            step,
                            new Shape(n, steps, net.outputLayer().weight().getShape().get(0)),
                            sigma);
            NDArray y = net.forwardPerturbed(inputs, xiU, xiY, true);
            float[] perturbed = exampleLosses.apply(y);
            // E[(L(xi) - L) xi] = sigma^2 dL/du: per example, weighted by 1/N for the batch mean
            float[] scale = new float[n];
            for (int i = 0; i < n; i++) {
                scale[i] = (float) ((perturbed[i] - cleanLosses[i]) / (sigma * sigma * n));
            }
            try (NDArray c = step.create(scale, new Shape(n, 1, 1))) {
                net.setErrors(xiU.muli(c), xiY.muli(c));
            }
            return;
        }
        if (rule.credit() != CreditAssignment.WEIGHT_PERTURBATION) {
            throw new IllegalStateException(rule.name() + " is a gradient rule: call backward");
        }
        List<NDArray> params = net.parameters();
        List<NDArray> psi = new ArrayList<>();
        List<NDArray> perturbedParams = new ArrayList<>();
        for (NDArray p : params) {
            NDArray d = gaussian(step, p.getShape(), sigma);
            psi.add(d);
            perturbedParams.add(d.add(p));
        }
        float[] perturbed = exampleLosses.apply(net.forwardWith(inputs, perturbedParams));
        double delta = 0;
        for (int i = 0; i < n; i++) {
            delta += (perturbed[i] - cleanLosses[i]) / n;
        }
        float c = (float) (delta / (sigma * sigma));
        net.inputLayer().setGradients(psi.get(0).muli(c), psi.get(1).muli(c));
        net.recurrentLayer().setGradients(psi.get(2).muli(c), null);
        net.outputLayer().setGradients(psi.get(3).muli(c), psi.get(4).muli(c));
    }

    private NDArray gaussian(NDManager step, Shape shape, double sigma) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (sigma * Gaussian.next(noise));
        }
        return step.create(v, shape);
    }

    /**
     * The optimizer step for W and b of the three layers, from the gradients credit assignment
     * left, at step {@code stepIndex} (1-based) of a run of {@code totalSteps} (the schedule), with
     * weight decay wd * p added to the gradients as {@link Learner#update} does.
     */
    public void update(NDManager step, int stepIndex, int totalSteps) {
        double lr = rule.optimizer().learningRate() * schedule.factor(stepIndex, totalSteps);
        for (int i = 0; i < layers.size(); i++) {
            RecurrentLayer layer = layers.get(i);
            NDArray gw = layer.gradWeight();
            if (weightDecay != 0) {
                try (NDArray decay = layer.weight().mul(weightDecay)) {
                    gw.addi(decay);
                }
            }
            weightUpdaters.get(i).step(gw, lr);
            if (biasUpdaters.get(i) != null) {
                NDArray gb = layer.gradBias();
                if (weightDecay != 0) {
                    try (NDArray decay = layer.bias().mul(weightDecay)) {
                        gb.addi(decay);
                    }
                }
                biasUpdaters.get(i).step(gb, lr);
            }
        }
    }
}
