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
 * The registry of named rules. Coefficients are the defaults of Kunin et al.'s reference code
 * (science.md section 2); learning rates were chosen so that each rule trains the reference mlp on
 * Fashion-MNIST in 2,000 steps of batch 128 (README, "Training accuracy").
 */
public final class Rules {

    static final double SGD_LR = 0.05;
    static final double MOMENTUM_LR = 0.005;
    static final double MOMENTUM = 0.9;
    static final double ADAM_LR = 1e-3;
    /** The unit of the reference's alignment coefficients (Kunin et al.: wm 1e-3 + 1e-3, ia 2e-3 : 1e-3 : 1e-3). */
    static final double REFERENCE_COEFFICIENT = 1e-3;
    /** How much lrid scales every reference alignment coefficient (README, "Time scale"). */
    static final double ALIGNMENT_SCALE = 1;

    private static final Map<String, LearningRule> RULES = new LinkedHashMap<>();

    static {
        define("sgd", "backprop, plain SGD", CreditAssignment.BACKPROP, Kind.SGD, false, Map.of("lr", SGD_LR));
        define("sgdm", "backprop, SGD with momentum", CreditAssignment.BACKPROP, Kind.MOMENTUM, false,
                Map.of("lr", MOMENTUM_LR));
        define("adam", "backprop, Adam", CreditAssignment.BACKPROP, Kind.ADAM, false, Map.of("lr", ADAM_LR));
        define("fa", "feedback alignment (Lillicrap 2016): fixed random B", CreditAssignment.FEEDBACK,
                Kind.MOMENTUM, false, Map.of("lr", MOMENTUM_LR));
        define("ss", "sign symmetry (Liao, Leibo, Poggio 2016)", CreditAssignment.SIGN_SYMMETRY, Kind.MOMENTUM,
                false, Map.of("lr", MOMENTUM_LR));
        define("dfa", "direct feedback alignment (Nokland 2016)", CreditAssignment.DIRECT_FEEDBACK, Kind.MOMENTUM,
                false, Map.of("lr", MOMENTUM_LR));
        define("wm", "weight mirror (Akrout 2019)", CreditAssignment.FEEDBACK, Kind.MOMENTUM, false,
                alignment(DECAY, 1, AMP, 1));
        define("ia", "information alignment (Kunin 2020)", CreditAssignment.FEEDBACK, Kind.MOMENTUM, false,
                alignment(AMP, 2, NULL, 1, DECAY, 1));
        define("sa", "symmetric alignment (Kunin 2020)", CreditAssignment.FEEDBACK, Kind.MOMENTUM, false,
                alignment(DECAY, 1, SELF, 2));
        define("aa", "activation alignment (Kunin 2020)", CreditAssignment.FEEDBACK, Kind.MOMENTUM, false,
                alignment(SPARSE, 1, AMP, 2));
        define("kp", "Kolen-Pollack (Akrout 2019): B takes W's update, decay on W and B", CreditAssignment.FEEDBACK,
                Kind.MOMENTUM, true, alignment(DECAY, 1));
    }

    /**
     * The settings of an alignment rule: its primitives in the reference's proportions (multiples of the
     * reference's 1e-3), each scaled by {@link #ALIGNMENT_SCALE}, at the momentum learning rate.
     */
    private static Map<String, Object> alignment(Object... primitiveMultiplePairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", MOMENTUM_LR);
        for (int i = 0; i < primitiveMultiplePairs.length; i += 2) {
            double multiple = ((Number) primitiveMultiplePairs[i + 1]).doubleValue();
            m.put(((Primitive) primitiveMultiplePairs[i]).label(), REFERENCE_COEFFICIENT * multiple * ALIGNMENT_SCALE);
        }
        return m;
    }

    private static void define(String name, String description, CreditAssignment credit, Kind kind,
            boolean followsTask, Map<String, ?> settings) {
        RULES.put(name, LearningRule.define(name, description, credit, kind, followsTask, settings));
    }

    private Rules() {}

    private static void add(LearningRule rule) {
        RULES.put(rule.name(), rule);
    }

    /** @throws LridException listing the known names when {@code name} is unknown */
    public static LearningRule get(String name) {
        LearningRule rule = RULES.get(name.toLowerCase(Locale.ROOT));
        if (rule == null) {
            throw new LridException("unknown rule '" + name + "'; known rules: " + String.join(", ", names())
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
}
