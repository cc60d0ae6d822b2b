package org.lrid.rule;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrid.LridException;

/**
 * A learning rule as data: the triple (credit assignment, B dynamics, optimizer) of science.md
 * section 2, plus Kolen-Pollack's two switches. Immutable; {@link #withOverrides} makes variants.
 *
 * @param name registry name, e.g. {@code ia}
 * @param description one line for {@code lrid rules}
 * @param credit how the error reaches the layer below
 * @param alignment the loss B minimises (empty: B fixed or unused)
 * @param feedbackFollowsTask B also receives W's own task gradient (Kolen-Pollack)
 * @param forwardDecay coefficient of ||W||^2 added to W's loss (Kolen-Pollack decays W and B alike, which
 *     is what makes W - B shrink geometrically)
 * @param optimizer the optimizer stepping W, b and B
 */
public record LearningRule(String name, String description, CreditAssignment credit, Alignment alignment,
        boolean feedbackFollowsTask, double forwardDecay, OptimizerSpec optimizer) {

    /** True when the rule reads or changes B. */
    public boolean usesFeedbackWeights() {
        return credit == CreditAssignment.FEEDBACK;
    }

    /** True when B changes during training. */
    public boolean trainsFeedbackWeights() {
        return !alignment.isEmpty() || feedbackFollowsTask;
    }

    /** Every hyperparameter by name, as stored with each run. */
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", optimizer.learningRate());
        if (optimizer.kind() == OptimizerSpec.Kind.MOMENTUM) {
            h.put("momentum", optimizer.momentum());
        }
        if (optimizer.kind() == OptimizerSpec.Kind.ADAM) {
            h.put("beta1", optimizer.beta1());
            h.put("beta2", optimizer.beta2());
            h.put("eps", optimizer.epsilon());
        }
        for (Primitive p : Primitive.values()) {
            if (alignment.coefficient(p) != 0) {
                h.put(p.label(), alignment.coefficient(p));
            }
        }
        if (forwardDecay != 0) {
            h.put("forward_decay", forwardDecay);
        }
        return h;
    }

    /** The keys {@link #withOverrides} accepts for this rule. */
    public List<String> overridableKeys() {
        List<String> keys = new ArrayList<>(List.of("lr"));
        switch (optimizer.kind()) {
            case MOMENTUM -> keys.add("momentum");
            case ADAM -> keys.addAll(List.of("beta1", "beta2", "eps"));
            default -> { }
        }
        if (credit == CreditAssignment.FEEDBACK) {
            for (Primitive p : Primitive.values()) {
                keys.add(p.label());
            }
            keys.add("noise_input");
            keys.add("normalize_input");
        }
        if (feedbackFollowsTask) {
            keys.add("forward_decay");
        }
        return keys;
    }

    /**
     * A copy with some hyperparameters changed, e.g. {@code {lr: 0.1, amp: 0.004}}.
     *
     * @throws LridException naming the key when it is unknown for this rule or its value is not a number
     */
    public LearningRule withOverrides(Map<String, ?> overrides) {
        OptimizerSpec opt = optimizer;
        EnumMap<Primitive, Double> coeffs = new EnumMap<>(Primitive.class);
        coeffs.putAll(alignment.coefficients());
        boolean noise = alignment.noiseInput();
        boolean normalize = alignment.normalizeInput();
        double fwdDecay = forwardDecay;
        List<String> allowed = overridableKeys();
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (!allowed.contains(key)) {
                throw new LridException("rule '" + name + "' has no hyperparameter '" + e.getKey()
                        + "'; it takes: " + String.join(", ", allowed));
            }
            if (key.equals("noise_input")) {
                noise = parseBoolean(key, e.getValue());
                continue;
            }
            if (key.equals("normalize_input")) {
                normalize = parseBoolean(key, e.getValue());
                continue;
            }
            double value = parseNumber(key, e.getValue());
            if (key.equals("forward_decay")) {
                fwdDecay = value;
            } else if (key.equals("lr") || key.equals("momentum") || key.startsWith("beta")
                    || key.equals("eps")) {
                opt = opt.with(key, value);
            } else {
                coeffs.put(Primitive.parse(key), value);
            }
        }
        return new LearningRule(name, description, credit, new Alignment(coeffs, noise, normalize), feedbackFollowsTask,
                fwdDecay, opt);
    }

    private double parseNumber(String key, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value).trim());
        } catch (NumberFormatException ex) {
            throw new LridException("hyperparameter '" + key + "' of rule '" + name + "' must be a number, got '"
                    + value + "'");
        }
    }

    private boolean parseBoolean(String key, Object value) {
        String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new LridException("hyperparameter '" + key + "' must be true or false, got '" + value + "'");
    }

    /** Human-readable components, e.g. {@code feedback B; amp 0.002 + null 0.001 + decay 0.001; sgdm}. */
    public String components() {
        StringBuilder sb = new StringBuilder("error via ").append(credit.matrix()).append("; B: ");
        if (alignment.isEmpty() && !feedbackFollowsTask) {
            sb.append(credit == CreditAssignment.FEEDBACK ? "fixed" : "unused");
        } else {
            List<String> terms = new ArrayList<>();
            if (feedbackFollowsTask) {
                terms.add("W's task update");
            }
            alignment.coefficients().forEach((p, c) -> terms.add(p.label() + " " + c));
            sb.append(String.join(" + ", terms));
            if (alignment.noiseInput()) {
                sb.append(" (noise input)");
            }
            if (!alignment.normalizeInput()) {
                sb.append(" (raw input)");
            }
        }
        if (forwardDecay != 0) {
            sb.append("; W decay ").append(forwardDecay);
        }
        sb.append("; ").append(optimizer.label()).append(" lr ").append(optimizer.learningRate());
        return sb.toString();
    }
}
