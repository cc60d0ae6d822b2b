package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
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
 *       the same batch. {@code perturbations} noise draws per update, each one perturbed trial
 *       against the unperturbed trial of the same batch (Zuge, Klos and Memmesheimer's R - R_bar
 *       with R_bar the noise-free reward, which removes the reward's dependence on the batch), or,
 *       when {@code antithetic}, two trials at +noise and -noise, whose pair is a central
 *       difference; the estimates are averaged.
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
     * Credit assignment of a perturbation rule: runs the perturbed trials of the batch {@code
     * inputs} and sets each layer's gradient estimate. The rule draws {@link
     * LearningRule#perturbations} noise samples; each is tried once against the clean trial, or,
     * when {@link LearningRule#antithetic}, at +noise and -noise. Every trial j gives the unbiased
     * estimate (L_j - L_clean) noise_j / sigma^2 (per example for np, whose noise is per example);
     * the update is their mean, so an antithetic pair is the central difference (L_+ - L_-) noise /
     * (2 sigma^2), in which the clean trial's reward cancels.
     *
     * @param cleanLosses per-example losses of the unperturbed trial (the baseline)
     * @param exampleLosses per-example losses of an output sequence (N, T, O) of the same batch
     */
    public void perturb(
            NDArray inputs,
            float[] cleanLosses,
            Function<NDArray, float[]> exampleLosses,
            NDManager step) {
        if (!rule.credit().perturbative()) {
            throw new IllegalStateException(rule.name() + " is a gradient rule: call backward");
        }
        double sigma = rule.sigma();
        int draws = rule.perturbations();
        int[] signs = rule.antithetic() ? new int[] {1, -1} : new int[] {1};
        int trials = draws * signs.length;
        int n = cleanLosses.length;
        boolean node = rule.credit() == CreditAssignment.NODE_PERTURBATION;
        List<NDArray> params = net.parameters();
        NDArray[] sum = new NDArray[params.size()];
        for (int d = 0; d < draws; d++) {
            List<NDArray> noise = new ArrayList<>();
            if (node) {
                long steps = inputs.getShape().get(1);
                noise.add(normal(step, new Shape(n, steps, net.hiddenUnits()), sigma, this.noise));
                noise.add(
                        normal(
                                step,
                                new Shape(n, steps, net.outputLayer().weight().getShape().get(0)),
                                sigma,
                                this.noise));
            } else {
                for (NDArray p : params) {
                    noise.add(normal(step, p.getShape(), sigma, this.noise));
                }
            }
            for (int sign : signs) {
                List<NDArray> signed = sign > 0 ? noise : noise.stream().map(NDArray::neg).toList();
                NDArray[] estimate =
                        node
                                ? nodeEstimate(
                                        inputs, signed, cleanLosses, exampleLosses, sigma, trials)
                                : weightEstimate(
                                        inputs,
                                        params,
                                        signed,
                                        cleanLosses,
                                        exampleLosses,
                                        sigma,
                                        trials);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = sum[i] == null ? estimate[i] : sum[i].addi(estimate[i]);
                }
            }
        }
        net.inputLayer().setGradients(sum[0], sum[1]);
        net.recurrentLayer().setGradients(sum[2], null);
        net.outputLayer().setGradients(sum[3], sum[4]);
    }

    /**
     * One node-perturbation trial: noise on u_t and y_t, per example weighted by its reward change
     * (E[(L(xi) - L) xi] = sigma^2 dL/du), 1/N for the batch mean and 1/trials for the average; the
     * gradients in {@link Recurrent#parameters} order.
     */
    private NDArray[] nodeEstimate(
            NDArray inputs,
            List<NDArray> noise,
            float[] cleanLosses,
            Function<NDArray, float[]> exampleLosses,
            double sigma,
            int trials) {
        int n = cleanLosses.length;
        NDArray y = net.forwardPerturbed(inputs, noise.get(0), noise.get(1), true);
        float[] perturbed = exampleLosses.apply(y);
        float[] scale = new float[n];
        for (int i = 0; i < n; i++) {
            scale[i] = (float) ((perturbed[i] - cleanLosses[i]) / (sigma * sigma * n * trials));
        }
        try (NDArray c = inputs.getManager().create(scale, new Shape(n, 1, 1));
                NDArray eu = noise.get(0).mul(c);
                NDArray ey = noise.get(1).mul(c)) {
            net.setErrors(eu, ey);
        }
        return new NDArray[] {
            net.inputLayer().gradWeight(),
            net.inputLayer().gradBias(),
            net.recurrentLayer().gradWeight(),
            net.outputLayer().gradWeight(),
            net.outputLayer().gradBias()
        };
    }

    /**
     * One weight-perturbation trial: noise Psi on every weight and bias, the batch-mean reward
     * change times Psi / (sigma^2 trials).
     */
    private NDArray[] weightEstimate(
            NDArray inputs,
            List<NDArray> params,
            List<NDArray> psi,
            float[] cleanLosses,
            Function<NDArray, float[]> exampleLosses,
            double sigma,
            int trials) {
        int n = cleanLosses.length;
        List<NDArray> perturbedParams = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            perturbedParams.add(psi.get(i).add(params.get(i)));
        }
        float[] perturbed = exampleLosses.apply(net.forwardWith(inputs, perturbedParams));
        for (NDArray p : perturbedParams) {
            p.close();
        }
        double delta = 0;
        for (int i = 0; i < n; i++) {
            delta += (perturbed[i] - cleanLosses[i]) / n;
        }
        float c = (float) (delta / (sigma * sigma * trials));
        NDArray[] out = new NDArray[psi.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = psi.get(i).mul(c);
        }
        return out;
    }

    /**
     * Gaussian noise N(0, sigma^2) of {@code shape} in {@code manager}, a deterministic function of
     * the stream {@code random}: the stream gives one 64-bit draw per pair of values (two 24-bit
     * uniforms, u1 in (0, 1] and u2 in [0, 1), copied to libtorch in one buffer), and libtorch
     * turns each pair into two normals by Box-Muller, sqrt(-2 ln u1) (cos, sin)(2 pi u2). Drawing
     * normals one by one in Java cost np most of its step (about 1M values per step at 128 units,
     * batch 128, 60 time steps). The tails stop at sqrt(-2 ln 2^-24) = 5.8 sigma.
     */
    static NDArray normal(NDManager manager, Shape shape, double sigma, SplittableRandom random) {
        long size = shape.size();
        int pairs = Math.toIntExact((size + 1) / 2);
        float[] u = new float[2 * pairs];
        for (int i = 0; i < pairs; i++) {
            long bits = random.nextLong();
            u[i] = ((bits >>> 40) + 1) * 0x1.0p-24f;
            u[pairs + i] = ((bits >>> 16) & 0xFFFFFF) * 0x1.0p-24f;
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray uniform = scratch.create(u, new Shape(2, pairs));
            NDArray radius = uniform.get(0).log().muli(-2).sqrt().muli(sigma);
            NDArray angle = uniform.get(1).muli(2 * Math.PI);
            NDArray both = radius.mul(angle.cos()).concat(radius.mul(angle.sin()));
            NDArray result = (size == both.size() ? both : both.get("0:" + size)).reshape(shape);
            result.attach(manager);
            return result;
        }
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
            weightUpdaters.get(i).step(layer.gradWeight(), lr, weightDecay);
            if (biasUpdaters.get(i) != null) {
                biasUpdaters.get(i).step(layer.gradBias(), lr, weightDecay);
            }
        }
    }
}
