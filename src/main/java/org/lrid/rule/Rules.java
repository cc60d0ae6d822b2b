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

    private static final Map<String, LearningRule> RULES = new LinkedHashMap<>();

    static {
        OptimizerSpec sgdm = OptimizerSpec.momentum(MOMENTUM_LR, MOMENTUM);
        add(new LearningRule("sgd", "backprop, plain SGD", CreditAssignment.BACKPROP, Alignment.NONE,
                false, 0, OptimizerSpec.sgd(SGD_LR)));
        add(new LearningRule("sgdm", "backprop, SGD with momentum", CreditAssignment.BACKPROP, Alignment.NONE,
                false, 0, sgdm));
        add(new LearningRule("adam", "backprop, Adam", CreditAssignment.BACKPROP, Alignment.NONE, false, 0,
                OptimizerSpec.adam(ADAM_LR)));
        add(new LearningRule("fa", "feedback alignment (Lillicrap 2016): fixed random B",
                CreditAssignment.FEEDBACK, Alignment.NONE, false, 0, sgdm));
        add(new LearningRule("ss", "sign symmetry (Liao, Leibo, Poggio 2016)", CreditAssignment.SIGN_SYMMETRY,
                Alignment.NONE, false, 0, sgdm));
        add(new LearningRule("dfa", "direct feedback alignment (Nokland 2016)", CreditAssignment.DIRECT_FEEDBACK,
                Alignment.NONE, false, 0, sgdm));
        add(new LearningRule("wm", "weight mirror (Akrout 2019)", CreditAssignment.FEEDBACK,
                Alignment.of(DECAY, 1e-3, AMP, 1e-3), false, 0, sgdm));
        add(new LearningRule("ia", "information alignment (Kunin 2020)", CreditAssignment.FEEDBACK,
                Alignment.of(AMP, 2e-3, NULL, 1e-3, DECAY, 1e-3), false, 0, sgdm));
        add(new LearningRule("sa", "symmetric alignment (Kunin 2020)", CreditAssignment.FEEDBACK,
                Alignment.of(DECAY, 1e-3, SELF, 2e-3), false, 0, sgdm));
        add(new LearningRule("aa", "activation alignment (Kunin 2020)", CreditAssignment.FEEDBACK,
                Alignment.of(SPARSE, 1e-3, AMP, 2e-3), false, 0, sgdm));
        add(new LearningRule("kp", "Kolen-Pollack (Akrout 2019): B takes W's update, both decay",
                CreditAssignment.FEEDBACK, Alignment.of(DECAY, 1e-3), true, 1e-3, sgdm));
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
