package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.lrid.Gaussian;
import org.lrid.LridException;

/**
 * A leaky rate RNN (science.md section 6), as one module whose input is a batch of sequences {@code
 * (N, T, I)} and whose output is the output sequence {@code (N, T, O)}:
 *
 * <pre>
 *   u_t = W_rec h_{t-1} + W_in x_t + b
 *   h_t = (1 - alpha) h_{t-1} + alpha phi(u_t),   h_0 = 0
 *   y_t = W_out h_t + b_out
 * </pre>
 *
 * <p>Its three weight layers ({@link RecurrentLayer}) are W_in, W_rec and W_out, in that order
 * (positions early, middle, deep). {@link #backward} is exact back-propagation through time; {@link
 * #backwardLocal} is the eligibility-trace estimate of RFLO and e-prop; {@link #forwardPerturbed},
 * {@link #forwardWith} and {@link #setErrors} serve the perturbation rules.
 *
 * <p>Initialisation: W_in and W_out LeCun-uniform (U(-L, L), L = sqrt(3 / fan-in)); W_rec Gaussian
 * with std {@code g / sqrt(N)}, g = {@link #RECURRENT_GAIN} = 1, so that its spectral radius is
 * near g (circular law) and the linearised dynamics sit at the edge of stability, as the references
 * do (jacobfulano/ rnn-learning rnn.py, {@code initialize_weights}: {@code w_rec = g * randn(n_rec,
 * n_rec) / sqrt(n_rec)} with g = 1.5, commented "--> 1"). Biases start at 0. B of every layer is
 * drawn like its W from the feedback seed.
 */
public final class Recurrent implements Module {

    /** Default leak alpha = dt / tau. */
    public static final double DEFAULT_LEAK = 0.2;

    /** Default number of hidden units. */
    public static final int DEFAULT_WIDTH = 128;

    /** Gain g of W_rec: entries N(0, g^2 / N), spectral radius about g. */
    public static final double RECURRENT_GAIN = 1.0;

    private final int inputs;
    private final int hidden;
    private final int outputs;
    private final double alpha;
    private final Activation phi;
    private final RecurrentLayer input;
    private final RecurrentLayer recurrent;
    private final RecurrentLayer output;
    private Trajectory kept;

    /**
     * A forward pass: inputs {@code x} (N*T, I), previous states {@code prev} (h_{t-1}, N*T x H),
     * states {@code h} (N*T, H), the one-step gains {@code gain} = alpha phi'(u_t) (N*T, H) and the
     * outputs {@code y} (N, T, O), all in the input's manager. Rows are example-major: row n*T + t.
     */
    public record Trajectory(
            int examples, int steps, NDArray x, NDArray prev, NDArray h, NDArray gain, NDArray y) {}

    private Recurrent(
            NDManager m,
            int inputs,
            int hidden,
            int outputs,
            double alpha,
            Activation phi,
            long weightSeed,
            long feedbackSeed) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.outputs = outputs;
        this.alpha = alpha;
        this.phi = phi;
        float inLimit = (float) Math.sqrt(3.0 / inputs);
        float outLimit = (float) Math.sqrt(3.0 / hidden);
        double recStd = RECURRENT_GAIN / Math.sqrt(hidden);
        this.input =
                new RecurrentLayer(
                        this,
                        RecurrentLayer.Role.INPUT,
                        Init.uniform(
                                m, new Shape(hidden, inputs), inLimit, Init.derive(weightSeed, 0)),
                        m.zeros(new Shape(hidden)),
                        Init.uniform(
                                m,
                                new Shape(hidden, inputs),
                                inLimit,
                                Init.derive(feedbackSeed, 0)),
                        phi,
                        inLimit);
        this.recurrent =
                new RecurrentLayer(
                        this,
                        RecurrentLayer.Role.RECURRENT,
                        gaussian(m, hidden, hidden, recStd, Init.derive(weightSeed, 1)),
                        m.zeros(new Shape(hidden)),
                        gaussian(m, hidden, hidden, recStd, Init.derive(feedbackSeed, 1)),
                        phi,
                        (float) (recStd * Math.sqrt(3.0)));
        this.output =
                new RecurrentLayer(
                        this,
                        RecurrentLayer.Role.OUTPUT,
                        Init.uniform(
                                m,
                                new Shape(outputs, hidden),
                                outLimit,
                                Init.derive(weightSeed, 2)),
                        m.zeros(new Shape(outputs)),
                        Init.uniform(
                                m,
                                new Shape(outputs, hidden),
                                outLimit,
                                Init.derive(feedbackSeed, 2)),
                        Activation.IDENTITY,
                        outLimit);
    }

    /**
     * @param inputShape one example's shape, {@code {steps, features}}
     * @throws LridException when the task has no time axis, or for a bad width or leak
     */
    public static Recurrent create(
            NDManager m,
            long[] inputShape,
            int outputSize,
            int width,
            double leak,
            Activation activation,
            long weightSeed,
            long feedbackSeed) {
        if (inputShape.length != 2) {
            throw new LridException(
                    "rnn needs inputs with time (steps, features) but the task gives examples of"
                            + " shape "
                            + Arrays.toString(inputShape)
                            + "; use a task with time (seq-fashion-mnist, pattern,"
                            + " reach) or --arch mlp");
        }
        if (!(leak > 0 && leak <= 1)) {
            throw new LridException("the rnn leak alpha = dt/tau must be in (0, 1], got " + leak);
        }
        if (width < 1) {
            throw new LridException("rnn width must be at least 1, got " + width);
        }
        return new Recurrent(
                m,
                Math.toIntExact(inputShape[1]),
                width,
                outputSize,
                leak,
                activation,
                weightSeed,
                feedbackSeed);
    }

    private static NDArray gaussian(NDManager m, int rows, int cols, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * Gaussian.next(r));
        }
        return m.create(v, new Shape(rows, cols));
    }

    public double leak() {
        return alpha;
    }

    public int hiddenUnits() {
        return hidden;
    }

    public Activation activation() {
        return phi;
    }

    public RecurrentLayer inputLayer() {
        return input;
    }

    public RecurrentLayer recurrentLayer() {
        return recurrent;
    }

    public RecurrentLayer outputLayer() {
        return output;
    }

    /**
     * The recurrent module of a network built by the {@code rnn} family, or null for any other
     * network.
     */
    public static Recurrent of(Network network) {
        List<WeightLayer> layers = network.weightLayers();
        return !layers.isEmpty() && layers.get(0) instanceof RecurrentLayer r ? r.owner() : null;
    }

    /**
     * W_in, b, W_rec, W_out, b_out: every trained parameter, in the order {@link #forwardWith}
     * takes.
     */
    public List<NDArray> parameters() {
        return List.of(
                input.weight(), input.bias(), recurrent.weight(), output.weight(), output.bias());
    }

    @Override
    public NDArray forward(NDArray x, boolean keep) {
        Trajectory t = run(x, parameters(), null, null);
        if (keep) {
            kept = t;
        }
        return t.y();
    }

    /**
     * The forward pass with noise added to the pre-activations u_t ({@code (N, T, H)}) and to the
     * outputs y_t ({@code (N, T, O)}); either may be null. Node perturbation's trial; kept for
     * {@link #setErrors} when {@code keep}.
     */
    public NDArray forwardPerturbed(NDArray x, NDArray noiseU, NDArray noiseY, boolean keep) {
        Trajectory t = run(x, parameters(), noiseU, noiseY);
        if (keep) {
            kept = t;
        }
        return t.y();
    }

    /**
     * The forward pass with other parameters (weight perturbation), in {@link #parameters}'s order.
     */
    public NDArray forwardWith(NDArray x, List<NDArray> parameters) {
        return run(x, parameters, null, null).y();
    }

    /**
     * The whole forward trajectory on a probe batch, without disturbing a training step's caches.
     */
    public Trajectory trajectory(NDArray x) {
        return run(x, parameters(), null, null);
    }

    private Trajectory run(NDArray x, List<NDArray> p, NDArray noiseU, NDArray noiseY) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(2) != inputs) {
            throw new IllegalArgumentException(
                    "rnn expects inputs (N, T, " + inputs + "), got " + s);
        }
        int n = Math.toIntExact(s.get(0));
        int steps = Math.toIntExact(s.get(1));
        NDManager m = x.getManager();
        NDArray flatX = x.reshape(n * (long) steps, inputs);
        NDArray drive;
        try (NDArray winT = p.get(0).transpose()) {
            // reshape gives a view: its base stays open (the step's manager frees it)
            MatrixProducts.record(flatX, winT);
            drive = flatX.matMul(winT).addi(p.get(1)).reshape(n, steps, hidden);
        }
        if (noiseU != null) {
            drive.addi(noiseU);
        }
        List<NDArray> states = new ArrayList<>(steps + 1);
        List<NDArray> gains = new ArrayList<>(steps);
        states.add(m.zeros(new Shape(n, hidden)));
        try (NDArray wrecT = p.get(2).transpose()) {
            for (int t = 0; t < steps; t++) {
                NDArray h = states.get(t);
                NDArray r;
                MatrixProducts.record(h, wrecT);
                try (NDArray dt = drive.get(":, " + t + ", :");
                        NDArray u = h.matMul(wrecT).addi(dt)) {
                    r = phi == Activation.IDENTITY ? u.duplicate() : phi.apply(u);
                }
                gains.add(phi.derivativeFromOutput(r).muli(alpha));
                // out of place: autograd (the gradient checks) needs phi's output unchanged
                try (NDArray scaled = r.mul(alpha)) {
                    states.add(h.mul(1 - alpha).addi(scaled));
                }
                r.close();
            }
        }
        NDArray prev =
                NDArrays.stack(new NDList(states.subList(0, steps)), 1)
                        .reshape(n * (long) steps, hidden);
        NDArray h =
                NDArrays.stack(new NDList(states.subList(1, steps + 1)), 1)
                        .reshape(n * (long) steps, hidden);
        NDArray gain = NDArrays.stack(new NDList(gains), 1).reshape(n * (long) steps, hidden);
        for (NDArray a : states) {
            a.close();
        }
        for (NDArray a : gains) {
            a.close();
        }
        NDArray y;
        try (NDArray woutT = p.get(3).transpose()) {
            MatrixProducts.record(h, woutT);
            y = h.matMul(woutT).addi(p.get(4)).reshape(n, steps, outputs);
        }
        if (noiseY != null) {
            y.addi(noiseY);
        }
        return new Trajectory(n, steps, flatX, prev, h, gain, y);
    }

    /**
     * Exact back-propagation through time of dL/dy (N, T, O); leaves dL/dW and dL/db on the three
     * layers.
     */
    @Override
    public NDArray backward(NDArray gradY, Feedback feedback, boolean needInputGrad) {
        NDArray errors = hiddenErrors(gradY, output.weight(), true);
        setErrors(errors, gradY);
        if (!needInputGrad) {
            return null;
        }
        try (NDArray flat = errors.reshape(kept.examples() * (long) kept.steps(), hidden)) {
            MatrixProducts.record(flat, input.weight());
            return flat.matMul(input.weight()).reshape(kept.examples(), kept.steps(), inputs);
        }
    }

    /**
     * RFLO and e-prop: the learning signal of the hidden units is {@code L_t = eps_t M} with M (O x
     * N) the random feedback B of W_out (rflo) or W_out itself (eprop), and each synapse's update
     * is {@code sum_t L_{i,t} p_{ij,t}} with the eligibility trace {@code p_{ij,t} = (1 - alpha)
     * p_{ij,t-1} + alpha phi'(u_{i,t}) z_{j,t}}. Since the weights are fixed within a trial, the
     * sum equals {@code sum_s alpha phi'(u_{i,s}) z_{j,s} Lf_{i,s}} with the learning signal
     * filtered backwards, {@code Lf_s = L_s + (1 - alpha) Lf_{s+1}}: the same numbers as the
     * forward trace, at the cost of one matrix product per weight matrix. W_out gets {@code eps_t
     * h_t^T}, its exact gradient.
     */
    public void backwardLocal(NDArray gradY, NDArray learningMatrix) {
        setErrors(hiddenErrors(gradY, learningMatrix, false), gradY);
    }

    /**
     * dL/du as the rule sees it, (N, T, H): the learning signal {@code eps_t M} carried back
     * through the leak and, when {@code exact}, through W_rec and phi' (back-propagation through
     * time).
     */
    private NDArray hiddenErrors(NDArray gradY, NDArray m, boolean exact) {
        Trajectory k = requireKept();
        int n = k.examples();
        int steps = k.steps();
        NDArray signal;
        try (NDArray flat = gradY.reshape(n * (long) steps, outputs)) {
            MatrixProducts.record(flat, m);
            signal = flat.matMul(m).reshape(n, steps, hidden);
        }
        NDArray gains = k.gain().reshape(n, steps, hidden);
        NDArray[] errors = new NDArray[steps];
        NDArray carry = null;
        for (int t = steps - 1; t >= 0; t--) {
            NDArray delta;
            try (NDArray lt = signal.get(":, " + t + ", :")) {
                delta = carry == null ? lt.duplicate() : carry.addi(lt);
            }
            try (NDArray gt = gains.get(":, " + t + ", :")) {
                errors[t] = delta.mul(gt);
            }
            carry = delta.muli(1 - alpha);
            if (exact) {
                MatrixProducts.record(errors[t], recurrent.weight());
                try (NDArray back = errors[t].matMul(recurrent.weight())) {
                    carry.addi(back);
                }
            }
        }
        carry.close();
        gains.close();
        NDArray stacked = NDArrays.stack(new NDList(errors), 1);
        for (NDArray e : errors) {
            e.close();
        }
        return stacked;
    }

    /**
     * Sets the gradients of the kept trial from per-step errors: dL/du (N, T, H) for W_in, b and
     * W_rec ({@code e^T x}, {@code e^T h_{t-1}}) and dL/dy (N, T, O) for W_out and b_out ({@code
     * eps^T h}). Every gradient rule ends here; node perturbation passes its noise-weighted reward
     * instead of dL/du.
     */
    public void setErrors(NDArray hiddenErrors, NDArray outputErrors) {
        Trajectory k = requireKept();
        long rows = k.examples() * (long) k.steps();
        try (NDArray e = hiddenErrors.reshape(rows, hidden);
                NDArray g = outputErrors.reshape(rows, outputs)) {
            input.setGradients(input.weightGrad(k.x(), e), e.sum(new int[] {0}));
            recurrent.setGradients(recurrent.weightGrad(k.prev(), e), null);
            output.setGradients(output.weightGrad(k.h(), g), g.sum(new int[] {0}));
        }
    }

    private Trajectory requireKept() {
        if (kept == null) {
            throw new IllegalStateException("backward without a kept forward pass");
        }
        return kept;
    }

    /**
     * Drops the kept trial (its arrays belong to the step's manager); every layer's clearStep calls
     * it.
     */
    void forgetTrial() {
        kept = null;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length != 2 || inputShape[1] != inputs) {
            throw new LridException(
                    "rnn expects examples of shape (steps, "
                            + inputs
                            + "), got "
                            + Arrays.toString(inputShape));
        }
        return new long[] {inputShape[0], outputs};
    }

    @Override
    public List<WeightLayer> weightLayers() {
        return List.of(input, recurrent, output);
    }

    /**
     * What an electrode sees of each weight layer on a probe batch, one row per (example, time
     * step): W_in (x_t -> h_t), W_rec (h_{t-1} -> h_t), W_out (h_t -> y_t). Statistics of {@code
     * act} over the units of each row, averaged over rows, are science.md section 6's average over
     * examples and time steps.
     */
    public static List<Network.LayerResponse> responses(Recurrent net, Trajectory t) {
        NDArray y = t.y().reshape(t.examples() * (long) t.steps(), net.outputs);
        return List.of(
                new Network.LayerResponse(net.input, t.x(), t.h()),
                new Network.LayerResponse(net.recurrent, t.prev(), t.h()),
                new Network.LayerResponse(net.output, t.h(), y));
    }

    /**
     * The layer-wise activity change of science.md section 6 for one layer, per probe example: the
     * one-step sensitivity {@code sum_{i in out} sum_{j in in} d h_{i,t} / d z_{j,t}} divided by
     * the number of kept output units, averaged over time steps. z is x_t for W_in (J = alpha
     * phi'(u) W_in), h_{t-1} for W_rec (J = (1 - alpha) I + alpha phi'(u) W_rec) and h_t for W_out
     * (J = W_out).
     *
     * @param inKept the kept input units of the layer; {@code outKept} the kept output units
     */
    public static float[] gradavg(RecurrentLayer layer, Trajectory t, int[] inKept, int[] outKept) {
        Recurrent net = layer.owner();
        int in = Math.toIntExact(layer.weight().getShape().get(1));
        int out = Math.toIntExact(layer.weight().getShape().get(0));
        float[] inMask = new float[in];
        for (int j : inKept) {
            inMask[j] = 1;
        }
        float[] weights;
        NDManager m = t.h().getManager();
        try (NDArray mask = m.create(inMask, new Shape(1, in));
                NDArray response = layer.project(mask, layer.weight())) {
            weights = response.toFloatArray();
        }
        float[] outMask = new float[out];
        for (int i : outKept) {
            outMask[i] = 1;
        }
        for (int i = 0; i < out; i++) {
            weights[i] *= outMask[i];
        }
        double diagonal = 0;
        if (layer.role() == RecurrentLayer.Role.RECURRENT) {
            for (int i : outKept) {
                diagonal += inMask[i];
            }
            diagonal *= 1 - net.alpha;
        }
        int n = t.examples();
        int steps = t.steps();
        float[] perExample = new float[n];
        if (layer.role() == RecurrentLayer.Role.OUTPUT) {
            double v = 0;
            for (float w : weights) {
                v += w;
            }
            Arrays.fill(perExample, (float) (v / outKept.length));
            return perExample;
        }
        float[] sums;
        try (NDArray w = m.create(weights, new Shape(out));
                NDArray perUnit = t.gain().mul(w);
                NDArray rowSums = perUnit.sum(new int[] {1})) {
            sums = rowSums.toFloatArray();
        }
        for (int e = 0; e < n; e++) {
            double acc = 0;
            for (int s = 0; s < steps; s++) {
                acc += sums[e * steps + s] + diagonal;
            }
            perExample[e] = (float) (acc / steps / outKept.length);
        }
        return perExample;
    }
}
