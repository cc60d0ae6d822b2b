package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.lrid.net.WeightLayer;

/**
 * The B dynamics of a rule: a weighted sum of alignment primitives, e.g. information alignment is
 * {amp: 2e-3, null: 1e-3, decay: 1e-3}. Empty for rules whose B is fixed or unused.
 *
 * @param coefficients weight of each primitive in the loss minimised over B
 * @param noiseInput feed the alignment losses i.i.d. standard normal inputs instead of the real
 *     layer input (Akrout's weight-mirror "sleep phase")
 * @param normalizeInput centre each example's input and scale it to unit L2 norm before the losses
 *     see it, as the {@code normalize_input} option of Kunin et al.'s reference code (off by
 *     default there and here). Noise inputs are already white and are never normalised.
 * @param bias the projections include the layer's (stop-gradient) bias, Pf = x W^T + b and Pb = x
 *     B^T + b, as the reference's {@code use_bias_forward/backward} (on by default there and here)
 */
public record Alignment(
        Map<Primitive, Double> coefficients,
        boolean noiseInput,
        boolean normalizeInput,
        boolean bias) {

    public static final Alignment NONE = new Alignment(Map.of(), false, false, false);

    public Alignment {
        EnumMap<Primitive, Double> copy = new EnumMap<>(Primitive.class);
        copy.putAll(coefficients);
        copy.values().removeIf(c -> c == 0.0);
        coefficients = Collections.unmodifiableMap(copy);
    }

    public static Alignment of(Object... primitiveCoefficientPairs) {
        EnumMap<Primitive, Double> m = new EnumMap<>(Primitive.class);
        for (int i = 0; i < primitiveCoefficientPairs.length; i += 2) {
            m.put(
                    (Primitive) primitiveCoefficientPairs[i],
                    ((Number) primitiveCoefficientPairs[i + 1]).doubleValue());
        }
        return new Alignment(m, false, false, false);
    }

    /** The same coefficients with the projections' bias on or off. */
    public Alignment withBias(boolean withBias) {
        return new Alignment(coefficients, noiseInput, normalizeInput, withBias);
    }

    public boolean isEmpty() {
        return coefficients.isEmpty();
    }

    public double coefficient(Primitive p) {
        return coefficients.getOrDefault(p, 0.0);
    }

    /** True when the gradient uses Pf = project(x, W) (amp, null). */
    public boolean needsForwardProjection() {
        return coefficient(Primitive.AMP) != 0 || coefficient(Primitive.NULL) != 0;
    }

    /** sum_p c_p * loss_p, a scalar in x's manager (for logging and tests). */
    public NDArray loss(WeightLayer layer, NDArray x) {
        NDArray total = null;
        for (Map.Entry<Primitive, Double> e : coefficients.entrySet()) {
            NDArray term = e.getKey().loss(layer, x, bias).muli(e.getValue());
            total = total == null ? term : total.addi(term);
        }
        return total;
    }

    /**
     * d(sum_p c_p loss_p)/dB for layer input x, allocated in {@code step}. The terms that pair an
     * output-shaped array with x (amp, sparse) are summed before the one filter-gradient they
     * share.
     *
     * @param forwardProjection Pf = project(x, W) (+ b with {@link #bias}) if the caller has it
     *     (for the real input it is the kept pre-activation a, or a - b), else null
     */
    public NDArray gradient(
            WeightLayer layer, NDArray x, NDArray forwardProjection, NDManager step) {
        return gradient(layer, x, forwardProjection, step, true);
    }

    /**
     * The data terms' part of {@link #gradient} (amp, null, sparse; null when there are none), to
     * which {@link #gradient} adds 2 decay B and then -self W: the part a fused step reads as it
     * goes ({@link OptimizerSpec.LinearGradient}).
     */
    public NDArray dataGradient(
            WeightLayer layer, NDArray x, NDArray forwardProjection, NDManager step) {
        return gradient(layer, x, forwardProjection, step, false);
    }

    private NDArray gradient(
            WeightLayer layer,
            NDArray x,
            NDArray forwardProjection,
            NDManager step,
            boolean linearTerms) {
        NDArray w = layer.weight();
        NDArray b = layer.feedbackWeight();
        double n = normaliser(x);
        double amp = coefficient(Primitive.AMP);
        double nul = coefficient(Primitive.NULL);
        double sparse = coefficient(Primitive.SPARSE);
        double decay = linearTerms ? coefficient(Primitive.DECAY) : 0;
        double self = linearTerms ? coefficient(Primitive.SELF) : 0;

        NDArray pf = null;
        if (amp != 0 || nul != 0) {
            pf = forwardProjection != null ? forwardProjection : projection(layer, x, w);
        }
        // The data terms are weight-gradients, bilinear in their two arguments:
        //   amp: -(amp/N) wg(x, Pf)   sparse: (2 sparse/N) wg(x, Pb)   null: (2 null/N) wg(Rf, Pf)
        // so terms sharing an argument share one product: amp joins null on Pf when there is no
        // sparse
        // term (ia: two products instead of three), else amp joins sparse on x.
        NDArray grad = null;
        boolean ampWithNull = amp != 0 && nul != 0 && sparse == 0;
        NDArray pairedWithX = null;
        if (amp != 0 && !ampWithNull) {
            pairedWithX = pf.mul(-amp / n);
        }
        if (sparse != 0) {
            // Pf does not depend on B: only the ||Pb||^2 half of sparse has a B-gradient
            NDArray pbTerm = projection(layer, x, b).muli(2 * sparse / n);
            if (pairedWithX == null) {
                pairedWithX = pbTerm;
            } else {
                pairedWithX.addi(pbTerm);
                pbTerm.close();
            }
        }
        if (pairedWithX != null) {
            grad = layer.weightGrad(x, pairedWithX);
            pairedWithX.close();
        }
        if (nul != 0) {
            try (NDArray rf = layer.backProject(pf, b, x.getShape().slice(1).getShape())) {
                NDArray pairedWithPf = rf.muli(2 * nul / n);
                if (ampWithNull) {
                    try (NDArray ampTerm = x.mul(-amp / n)) {
                        pairedWithPf.addi(ampTerm);
                    }
                }
                NDArray term = layer.weightGrad(pairedWithPf, pf);
                grad = grad == null ? term : grad.addi(term);
            }
        }
        if (decay != 0) {
            NDArray term = b.mul(2 * decay);
            term.attach(step);
            grad = grad == null ? term : grad.addi(term);
        }
        if (self != 0) {
            NDArray term = w.mul(-self);
            term.attach(step);
            grad = grad == null ? term : grad.addi(term);
        }
        if (pf != null && pf != forwardProjection) {
            pf.close();
        }
        if (grad != null && grad.getManager() != step) {
            grad.attach(step);
        }
        return grad;
    }

    /**
     * An upper bound on the largest curvature (Hessian eigenvalue) in B of sum_p c_p loss_p for
     * input x: decay contributes 2 decay, null 2 null lambda_max(Pf^T Pf / N) and sparse 2 sparse
     * lambda_max(x^T x / N) (the amp and self terms are linear in B), each eigenvalue bounded by
     * its trace, ||Pf||^2 / N and ||x||^2 / N. A step lr on B is stable while lr times this stays
     * below about 1.
     *
     * @param forwardProjection as for {@link #gradient}, or null
     */
    public double curvatureBound(WeightLayer layer, NDArray x, NDArray forwardProjection) {
        double n = normaliser(x);
        // a convolution's weight entry meets each input (and each Pf) value at up to kh x kw
        // overlapping window positions: its quadratic terms' Hessians are Grams of kh x kw shifted
        // copies, so the trace bound gains that factor (1 for a dense layer). Without it a conv
        // layer's B step was allowed up to 25x past its stability limit (ia and aa diverged on the
        // convnet within 10 steps).
        ai.djl.ndarray.types.Shape ws = layer.weight().getShape();
        double overlap = ws.dimension() == 4 ? ws.get(2) * ws.get(3) : 1;
        double h = 2 * coefficient(Primitive.DECAY);
        double nul = coefficient(Primitive.NULL);
        double sparse = coefficient(Primitive.SPARSE);
        if (nul != 0) {
            NDArray pf =
                    forwardProjection != null
                            ? forwardProjection
                            : projection(layer, x, layer.weight());
            try (NDArray sq = pf.square();
                    NDArray sum = sq.sum()) {
                h += 2 * nul * overlap * sum.getFloat() / n;
            }
            if (pf != forwardProjection) {
                pf.close();
            }
        }
        if (sparse != 0) {
            try (NDArray sq = x.square();
                    NDArray sum = sq.sum()) {
                h += 2 * sparse * overlap * sum.getFloat() / n;
            }
        }
        return h;
    }

    /**
     * N, the normaliser of the data terms (amp, null, sparse): the number of examples, for dense
     * and conv layers alike. The reference (Kunin et al.'s Alignments/primitives.py, sparse, null
     * and amp: {@code tf.reduce_sum(tf.reduce_mean(t, 0))} on the NHWC projections and
     * reconstructions of Alignments/alignment.py) averages over the batch and sums over every other
     * axis, so a conv layer's terms are sums over spatial positions: H x W times a dense layer's on
     * the same per-position statistics (the check is {@code
     * PrimitiveGradientTest.convLossesAverageOverExamplesAndSumOverPositions}). A mean over
     * positions as well would leave a conv layer's B to the decay term (B shrinks toward 0 on the
     * convnet); its stiffness is what {@link #curvatureBound} caps instead.
     */
    static double normaliser(NDArray x) {
        return x.getShape().get(0);
    }

    /** project(x, m), plus the layer's bias when the projections include it. */
    NDArray projection(WeightLayer layer, NDArray x, NDArray m) {
        NDArray p = layer.project(x, m);
        return bias ? layer.addBias(p) : p;
    }

    /** Each example (row of the batch axis) centred and scaled to unit L2 norm, in x's manager. */
    public static NDArray normalizePerExample(NDArray x) {
        long n = x.getShape().get(0);
        try (NDArray flat = x.reshape(n, -1);
                NDArray mean = flat.mean(new int[] {1}, true);
                NDArray centred = flat.sub(mean);
                NDArray norm = centred.norm(new int[] {1}, true)) {
            try (NDArray safe = norm.addi(1e-12f)) {
                return centred.div(safe).reshape(x.getShape());
            }
        }
    }

    /**
     * Standard-normal inputs of x's shape in {@code step}, for the noise-input option: {@link
     * NormalNoise}'s counter-based Box-Muller in Java, written straight into the new array's memory
     * (on the Vector API when {@link org.lrid.net.Simd} is on, the same bits either way), from one
     * draw of the per-run stream {@code random}: the values are a function of that stream alone,
     * whatever other runs draw in parallel, with no lock. On the reference mlp's 166k inputs (AMD
     * EPYC, AVX-512): 0.12 ms a call on the Vector API (0.73 ns a sample), against 0.63 ms for
     * libtorch's sampler (its global generator seeded under a lock, mt19937 per element: 3.8 ns)
     * and 0.83-0.95 ms for the scalar loop ({@code LRID_VECTOR=off}: 5.0-5.7 ns); wm's step 5.2-5.6
     * -> 4.6-4.8 ms. Drawn with SplittableRandom and copied they had taken 2.7 ms. Without AVX-512
     * the vector loop is slower (AVX2 alone: 2.0 ns a sample, no 64-bit lanewise multiply).
     */
    public static NDArray noiseLike(NDArray x, SplittableRandom random, NDManager step) {
        return NormalNoise.sample(x.getShape(), random.nextLong(), step);
    }
}
