package org.lrid.rule;

import static org.lrid.rule.Primitive.AMP;
import static org.lrid.rule.Primitive.DECAY;
import static org.lrid.rule.Primitive.NULL;
import static org.lrid.rule.Primitive.SELF;
import static org.lrid.rule.Primitive.SPARSE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrid.LridException;
import org.lrid.rule.OptimizerSpec.Kind;

/**
 * The registry of named rules. Alignment coefficients keep the proportions of Kunin et al.'s
 * reference code (science.md section 2), scaled so that B relaxes through several time constants
 * within a run (README, "Time scale"); learning rates were chosen so that each rule trains the
 * reference mlp on Fashion-MNIST in 2,000 steps of batch 128 (README, "Training accuracy").
 */
public final class Rules {

    static final double SGD_LR = 0.05;
    static final double MOMENTUM_LR = 0.005;
    static final double MOMENTUM = 0.9;
    static final double ADAM_LR = 1e-3;

    /** The learning rate of bptt, rflo and eprop (momentum 0.9, heavy-ball) and of bptt-adam. */
    static final double RECURRENT_LR = 0.02;

    static final double RECURRENT_ADAM_LR = 0.002;

    /**
     * The unit of the reference's alignment coefficients (Kunin et al.: wm 1e-3 + 1e-3, ia 2e-3 :
     * 1e-3 : 1e-3).
     */
    static final double REFERENCE_COEFFICIENT = 1e-3;

    /**
     * How much lrid scales the reference's alignment coefficients (README, "Time scale"): B's decay
     * time constant 1 / (2 c lr / (1 - momentum)) goes from 10,000 steps at the reference's c =
     * 1e-3 to 200.
     */
    static final double ALIGNMENT_SCALE = 50;

    /**
     * Kolen-Pollack's decay also decays W, so it is also a weight decay and costs accuracy: scaled
     * less, W - B relaxes with time constant 1 / ((weight_decay + 2 decay) lr / (1 - momentum)),
     * about 500 steps.
     */
    static final double KP_SCALE = 20;

    private static final Map<String, LearningRule> RULES = new LinkedHashMap<>();

    static {
        define(
                "sgd",
                "backprop, plain SGD",
                CreditAssignment.BACKPROP,
                Kind.SGD,
                false,
                Map.of("lr", SGD_LR));
        define(
                "sgdm",
                "backprop, SGD with momentum",
                CreditAssignment.BACKPROP,
                Kind.MOMENTUM,
                false,
                Map.of("lr", MOMENTUM_LR));
        define(
                "adam",
                "backprop, Adam",
                CreditAssignment.BACKPROP,
                Kind.ADAM,
                false,
                Map.of("lr", ADAM_LR));
        define(
                "fa",
                "feedback alignment (Lillicrap 2016): fixed random B",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                false,
                Map.of("lr", MOMENTUM_LR));
        define(
                "ss",
                "sign symmetry (Liao, Leibo, Poggio 2016)",
                CreditAssignment.SIGN_SYMMETRY,
                Kind.MOMENTUM,
                false,
                Map.of("lr", MOMENTUM_LR));
        define(
                "dfa",
                "direct feedback alignment (Nokland 2016)",
                CreditAssignment.DIRECT_FEEDBACK,
                Kind.MOMENTUM,
                false,
                Map.of("lr", MOMENTUM_LR));
        // Akrout's mirror mode: B sees white noise, so E[x x^T] = I and B -> (amp / 2 decay) W. On
        // the real,
        // uncentred input B -> (WS + b mu^T) / 2 (S the input's second moment, top eigenvalue in
        // the hundreds):
        // the error sent down is amplified a hundredfold and training diverges (README, "Time
        // scale")
        Map<String, Object> mirror = alignment(ALIGNMENT_SCALE, DECAY, 1, AMP, 1);
        mirror.put("noise_input", true);
        define(
                "wm",
                "weight mirror (Akrout 2019), on noise input",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                false,
                mirror);
        define(
                "ia",
                "information alignment (Kunin 2020)",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                false,
                alignment(ALIGNMENT_SCALE, AMP, 2, NULL, 1, DECAY, 1));
        define(
                "sa",
                "symmetric alignment (Kunin 2020)",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                false,
                alignment(ALIGNMENT_SCALE, DECAY, 1, SELF, 2));
        // aa keeps the reference's raw alignment input on every family: it trains the convnet
        // with it, and with the conv families' normalised input (ia's default there) it stayed at
        // chance over 500 steps (RuleTrainingTest)
        Map<String, Object> activation = alignment(ALIGNMENT_SCALE, SPARSE, 1, AMP, 2);
        activation.put("normalize_input", false);
        define(
                "aa",
                "activation alignment (Kunin 2020)",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                false,
                activation);
        define(
                "kp",
                "Kolen-Pollack (Akrout 2019): B takes W's update",
                CreditAssignment.FEEDBACK,
                Kind.MOMENTUM,
                true,
                alignment(KP_SCALE, DECAY, 1));

        // recurrent rules (science.md section 6), for the rnn family only. Learning rates measured
        // at 128 units,
        // batch 128 on seq-fashion-mnist, pattern and reach, with heavy-ball momentum 0.9 (README,
        // "Recurrent
        // circuits"); lr 0.05 diverged on pattern, np at lr 0.005 on seq-fashion-mnist, wp at 3e-4.
        define(
                "bptt",
                "back-propagation through time, momentum SGD",
                CreditAssignment.BPTT,
                Kind.MOMENTUM,
                false,
                heavyBall(RECURRENT_LR));
        define(
                "bptt-adam",
                "back-propagation through time, Adam",
                CreditAssignment.BPTT,
                Kind.ADAM,
                false,
                Map.of("lr", RECURRENT_ADAM_LR));
        define(
                "rflo",
                "RFLO (Murray 2019): fixed random B, eligibility traces",
                CreditAssignment.RFLO,
                Kind.MOMENTUM,
                false,
                heavyBall(RECURRENT_LR));
        define(
                "eprop",
                "e-prop (Bellec 2020), rate units: W_out, traces",
                CreditAssignment.EPROP,
                Kind.MOMENTUM,
                false,
                heavyBall(RECURRENT_LR));
        Map<String, Object> np = heavyBall(1e-3);
        np.put("sigma", 0.1);
        define(
                "np",
                "node perturbation (noise on u_t, y_t), reward-modulated",
                CreditAssignment.NODE_PERTURBATION,
                Kind.MOMENTUM,
                false,
                np);
        // wp: two antithetic draws per update (four perturbed trials); their lower variance
        // takes 4x the learning rate of one one-sided draw (lr 1e-4: pattern test_r2 0.53 at
        // 2,000 steps, its loss rising again after about 2,400). README, "Recurrent circuits"
        Map<String, Object> wp = heavyBall(4e-4);
        wp.put("sigma", 0.01);
        wp.put("perturbations", 2);
        wp.put("antithetic", true);
        define(
                "wp",
                "weight perturbation (noise on W, b), reward-modulated",
                CreditAssignment.WEIGHT_PERTURBATION,
                Kind.MOMENTUM,
                false,
                wp);
    }

    /** Heavy-ball momentum 0.9: the optimizer the recurrent learning rates were measured with. */
    private static Map<String, Object> heavyBall(double lr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", lr);
        m.put("nesterov", false);
        return m;
    }

    /**
     * The settings of an alignment rule: its primitives in the reference's proportions (multiples
     * of the reference's 1e-3), each scaled by {@code scale}, at the momentum learning rate.
     */
    private static Map<String, Object> alignment(double scale, Object... primitiveMultiplePairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", MOMENTUM_LR);
        for (int i = 0; i < primitiveMultiplePairs.length; i += 2) {
            double multiple = ((Number) primitiveMultiplePairs[i + 1]).doubleValue();
            m.put(
                    ((Primitive) primitiveMultiplePairs[i]).label(),
                    REFERENCE_COEFFICIENT * multiple * scale);
        }
        return m;
    }

    private static void define(
            String name,
            String description,
            CreditAssignment credit,
            Kind kind,
            boolean followsTask,
            Map<String, ?> settings) {
        RULES.put(
                name, LearningRule.define(name, description, credit, kind, followsTask, settings));
    }

    private Rules() {}

    /**
     * @throws LridException listing the known names when {@code name} is unknown
     */
    public static LearningRule get(String name) {
        LearningRule rule = RULES.get(name.toLowerCase(Locale.ROOT));
        if (rule == null) {
            throw new LridException(
                    "unknown rule '"
                            + name
                            + "'; known rules: "
                            + String.join(", ", names())
                            + " (see 'lrid rules')");
        }
        return rule;
    }

    public static List<String> names() {
        return List.copyOf(RULES.keySet());
    }

    public static List<LearningRule> all() {
        return List.copyOf(RULES.values());
    }

    /** The names of the rules that train architecture family {@code architectureFamily}. */
    public static List<String> namesFor(String architectureFamily) {
        CreditAssignment.Family f = CreditAssignment.Family.ofArchitecture(architectureFamily);
        return RULES.values().stream()
                .filter(r -> r.family() == f)
                .map(LearningRule::name)
                .toList();
    }
}
