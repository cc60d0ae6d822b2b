package org.lrid.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrid.LridException;

/**
 * A learning rule as data: the structure of science.md section 2 (credit assignment, which
 * optimizer, whether B follows W's task update) and its hyperparameter values, typed and validated
 * by the one table {@link Hyperparameter}. Immutable; {@link #withOverrides} makes variants.
 *
 * @param name registry name, e.g. {@code ia}
 * @param description one line for {@code lrid rules}
 * @param credit how the error reaches the layer below
 * @param optimizerKind the optimizer stepping W, b and B
 * @param feedbackFollowsTask B also receives W's own update (Kolen-Pollack)
 * @param values canonical value of every hyperparameter that applies to the rule, in table order;
 *     {@code weight_decay} is absent until the rule meets an architecture ({@link #forFamily})
 */
public record LearningRule(
        String name,
        String description,
        CreditAssignment credit,
        OptimizerSpec.Kind optimizerKind,
        boolean feedbackFollowsTask,
        Map<String, Object> values) {

    public LearningRule {
        name = name.toLowerCase(Locale.ROOT);
        Map<String, Object> canonical = new LinkedHashMap<>();
        for (Hyperparameter h : Hyperparameter.values()) {
            Object v = values.get(h.key());
            if (v != null) {
                canonical.put(h.key(), h.parse(v));
            }
        }
        for (String k : values.keySet()) {
            if (Hyperparameter.find(k) == null || !k.equals(Hyperparameter.find(k).key())) {
                throw new IllegalArgumentException("not a canonical hyperparameter: " + k);
            }
        }
        values = Collections.unmodifiableMap(canonical);
    }

    /**
     * A rule with the table's defaults for every applicable hyperparameter, then {@code settings}.
     *
     * @param settings rule-specific values, e.g. {@code {lr: 0.005, amp: 0.002}}
     */
    public static LearningRule define(
            String name,
            String description,
            CreditAssignment credit,
            OptimizerSpec.Kind optimizerKind,
            boolean feedbackFollowsTask,
            Map<String, ?> settings) {
        LearningRule bare =
                new LearningRule(
                        name, description, credit, optimizerKind, feedbackFollowsTask, Map.of());
        Map<String, Object> v = new LinkedHashMap<>();
        for (Hyperparameter h : bare.applicable()) {
            if (h.defaultValue() != null) {
                v.put(h.key(), h.defaultValue());
            }
        }
        LearningRule withDefaults =
                new LearningRule(name, description, credit, optimizerKind, feedbackFollowsTask, v);
        LearningRule r = withDefaults.withOverrides(settings);
        if (!r.values.containsKey(Hyperparameter.LR.key())) {
            throw new IllegalArgumentException("rule " + name + " needs a learning rate");
        }
        return r;
    }

    /** The hyperparameters of the table that apply to this rule, in table order. */
    public List<Hyperparameter> applicable() {
        List<Hyperparameter> out = new ArrayList<>();
        for (Hyperparameter h : Hyperparameter.values()) {
            if (h.appliesTo(this)) {
                out.add(h);
            }
        }
        return out;
    }

    /** True when the rule reads or changes B (rflo reads the B of the rnn's W_out). */
    public boolean usesFeedbackWeights() {
        return credit == CreditAssignment.FEEDBACK || credit == CreditAssignment.RFLO;
    }

    /** Feed-forward (mlp, convnet, resnet) or recurrent (rnn), from the credit assignment. */
    public CreditAssignment.Family family() {
        return credit.family();
    }

    /**
     * Refuses an architecture family this rule cannot train: a feed-forward rule on an rnn (it
     * would silently run BPTT, or fail for dfa), a recurrent rule on mlp, convnet or resnet.
     *
     * @throws LridException one line naming the rules that do train {@code architectureFamily}
     */
    public void requireTrains(String architectureFamily) {
        CreditAssignment.Family needed = CreditAssignment.Family.ofArchitecture(architectureFamily);
        if (family() == needed) {
            return;
        }
        List<String> fitting =
                Rules.all().stream()
                        .filter(r -> r.family() == needed)
                        .map(LearningRule::name)
                        .toList();
        String hint =
                switch (name) {
                    case "sgd", "sgdm" -> "; the exact gradient of an rnn is bptt (momentum SGD)";
                    case "adam" -> "; the exact gradient of an rnn with Adam is bptt-adam";
                    case "bptt" -> "; the exact gradient of a feed-forward net is sgdm";
                    case "bptt-adam" ->
                            "; the exact gradient of a feed-forward net with Adam is adam";
                    default -> "";
                };
        throw new LridException(
                "rule '"
                        + name
                        + "' is a "
                        + family().label()
                        + " rule and cannot train "
                        + architectureFamily
                        + "; "
                        + needed.label()
                        + " rules: "
                        + String.join(", ", fitting)
                        + hint);
    }

    /** The perturbation noise std of np and wp. */
    public double sigma() {
        if (!credit.perturbative()) {
            throw new IllegalStateException("rule " + name + " has no perturbation noise");
        }
        return number(Hyperparameter.SIGMA);
    }

    /** Noise draws per update of np and wp, their estimates averaged. */
    public int perturbations() {
        if (!credit.perturbative()) {
            throw new IllegalStateException("rule " + name + " has no perturbation noise");
        }
        Object v = values.get(Hyperparameter.PERTURBATIONS.key());
        return ((Number) (v == null ? Hyperparameter.PERTURBATIONS.defaultValue() : v)).intValue();
    }

    /** Whether np and wp try each draw at +noise and -noise. */
    public boolean antithetic() {
        if (!credit.perturbative()) {
            throw new IllegalStateException("rule " + name + " has no perturbation noise");
        }
        return flag(Hyperparameter.ANTITHETIC);
    }

    /** True when B changes during training. */
    public boolean trainsFeedbackWeights() {
        return !alignment().isEmpty() || feedbackFollowsTask;
    }

    /** Every hyperparameter by canonical name with its canonical value, as stored with each run. */
    public Map<String, Object> hyperparameters() {
        return values;
    }

    /** {@link #hyperparameters} as one JSON object (numbers, booleans and strings), as stored. */
    public String hyperparametersJson() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach(
                (k, v) -> {
                    if (sb.length() > 1) {
                        sb.append(',');
                    }
                    sb.append('"').append(k).append("\":");
                    sb.append(v instanceof String s ? "\"" + s + "\"" : String.valueOf(v));
                });
        return sb.append('}').toString();
    }

    /** The keys {@link #withOverrides} accepts for this rule. */
    public List<String> overridableKeys() {
        return applicable().stream().map(Hyperparameter::key).toList();
    }

    /**
     * A copy with some hyperparameters changed, e.g. {@code {lr: 0.1, amp: 0.004}}. Keys are
     * matched in any case and stored canonically.
     *
     * @throws LridException naming the key when it is unknown for this rule, given twice, or its
     *     value is outside the table's range
     */
    public LearningRule withOverrides(Map<String, ?> overrides) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        List<String> allowed = overridableKeys();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            Hyperparameter h = Hyperparameter.find(e.getKey());
            if (h == null || !allowed.contains(h.key())) {
                throw new LridException(
                        "rule '"
                                + name
                                + "' has no hyperparameter '"
                                + e.getKey()
                                + "'; it takes: "
                                + String.join(", ", allowed));
            }
            String previous = seen.put(h.key(), e.getKey());
            if (previous != null) {
                throw new LridException(
                        "hyperparameter '"
                                + h.key()
                                + "' is given twice ('"
                                + previous
                                + "' and '"
                                + e.getKey()
                                + "'); keys are case-insensitive");
            }
            v.put(h.key(), h.parse(e.getValue()));
        }
        return new LearningRule(name, description, credit, optimizerKind, feedbackFollowsTask, v);
    }

    /**
     * This rule with its architecture family's defaults (weight decay; for rules with alignment,
     * whether its losses see normalised inputs), except those set.
     */
    public LearningRule forFamily(String family) {
        requireTrains(family);
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.putIfAbsent(Hyperparameter.WEIGHT_DECAY.key(), Hyperparameter.weightDecayFor(family));
        if (Hyperparameter.NORMALIZE_INPUT.appliesTo(this)) {
            v.putIfAbsent(
                    Hyperparameter.NORMALIZE_INPUT.key(), Hyperparameter.normalizeInputFor(family));
        }
        if (v.equals(values)) {
            return this;
        }
        return new LearningRule(name, description, credit, optimizerKind, feedbackFollowsTask, v);
    }

    /** True once the weight decay is known ({@link #forFamily}, or set explicitly). */
    public boolean isResolved() {
        return values.containsKey(Hyperparameter.WEIGHT_DECAY.key());
    }

    private double number(Hyperparameter h) {
        Object v = values.get(h.key());
        return v == null ? ((Number) h.defaultValue()).doubleValue() : (Double) v;
    }

    /**
     * A boolean hyperparameter; one whose default is per family reads false until the rule meets an
     * architecture ({@link #forFamily}), which only a description before training sees.
     */
    private boolean flag(Hyperparameter h) {
        Object v = values.getOrDefault(h.key(), h.defaultValue());
        return Boolean.TRUE.equals(v);
    }

    /** The weight decay on W and b. */
    public double weightDecay() {
        Object v = values.get(Hyperparameter.WEIGHT_DECAY.key());
        if (v == null) {
            throw new IllegalStateException(
                    "rule "
                            + name
                            + " has no weight decay until it meets an architecture;"
                            + " use LearningRule.forFamily (RunSpec does)");
        }
        return (Double) v;
    }

    /** The optimizer with its hyperparameters. */
    public OptimizerSpec optimizer() {
        return switch (optimizerKind) {
            case SGD ->
                    new OptimizerSpec(
                            optimizerKind, number(Hyperparameter.LR), 0, false, 0.9, 0.999, 1e-8);
            case MOMENTUM ->
                    new OptimizerSpec(
                            optimizerKind,
                            number(Hyperparameter.LR),
                            number(Hyperparameter.MOMENTUM),
                            flag(Hyperparameter.NESTEROV),
                            0.9,
                            0.999,
                            1e-8);
            case ADAM ->
                    new OptimizerSpec(
                            optimizerKind,
                            number(Hyperparameter.LR),
                            0,
                            false,
                            number(Hyperparameter.BETA1),
                            number(Hyperparameter.BETA2),
                            number(Hyperparameter.EPS));
        };
    }

    /** The learning-rate schedule. */
    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(
                (String) values.getOrDefault(Hyperparameter.LR_SCHEDULE.key(), "constant"),
                number(Hyperparameter.WARMUP),
                number(Hyperparameter.LR_DROP),
                Hyperparameter.fractionsOf(
                        (String)
                                values.getOrDefault(
                                        Hyperparameter.LR_DROP_AT.key(),
                                        Hyperparameter.LR_DROP_AT.defaultValue())));
    }

    /** The loss B minimises (empty for rules without B dynamics). */
    public Alignment alignment() {
        if (credit != CreditAssignment.FEEDBACK) {
            return Alignment.NONE;
        }
        EnumMap<Primitive, Double> c = new EnumMap<>(Primitive.class);
        for (Primitive p : Primitive.values()) {
            c.put(p, number(Hyperparameter.find(p.label())));
        }
        return new Alignment(
                c,
                flag(Hyperparameter.NOISE_INPUT),
                flag(Hyperparameter.NORMALIZE_INPUT),
                flag(Hyperparameter.ALIGNMENT_BIAS));
    }

    /**
     * The largest lr x curvature of B's alignment step (infinite where the rule has no alignment
     * term).
     */
    public double maxAlignmentStep() {
        return credit == CreditAssignment.FEEDBACK
                ? number(Hyperparameter.ALIGNMENT_MAX_STEP)
                : Double.POSITIVE_INFINITY;
    }

    /**
     * Human-readable components, e.g. {@code error via B; B: amp 0.002 + null 0.001 + decay 0.001;
     * sgdm}.
     */
    public String components() {
        Alignment alignment = alignment();
        StringBuilder sb = new StringBuilder("error via ").append(credit.matrix()).append("; B: ");
        if (credit.family() == CreditAssignment.Family.RECURRENT) {
            sb.setLength(0);
            sb.append("signal via ").append(credit.matrix());
            if (credit.perturbative()) {
                sb.append(" (sigma ")
                        .append(sigma())
                        .append(", ")
                        .append(perturbations())
                        .append(perturbations() == 1 ? " draw" : " draws")
                        .append(antithetic() ? " at +-noise" : ", baseline: the unperturbed trial")
                        .append(")");
            }
        } else if (alignment.isEmpty() && !feedbackFollowsTask) {
            sb.append(credit == CreditAssignment.FEEDBACK ? "fixed" : "unused");
        } else {
            List<String> terms = new ArrayList<>();
            if (feedbackFollowsTask) {
                terms.add("W's update");
            }
            alignment.coefficients().forEach((p, c) -> terms.add(p.label() + " " + c));
            sb.append(String.join(" + ", terms));
            if (alignment.noiseInput()) {
                sb.append(" (noise input)");
            }
            if (alignment.normalizeInput()) {
                sb.append(" (normalised input)");
            }
        }
        OptimizerSpec opt = optimizer();
        sb.append("; ").append(opt.label());
        if (optimizerKind == OptimizerSpec.Kind.MOMENTUM && !opt.nesterov()) {
            sb.append(" (heavy-ball)");
        }
        sb.append(" lr ").append(opt.learningRate());
        LearningRateSchedule s = schedule();
        if (!s.isConstant()) {
            sb.append(" ").append(s.describe());
        }
        return sb.toString();
    }
}
