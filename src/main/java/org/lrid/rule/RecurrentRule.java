package org.lrid.rule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrid.LridException;

/**
 * A learning rule for the {@code rnn} family as data: credit assignment through time x optimizer, plus the
 * perturbation rules' noise. Immutable; {@link #with} makes variants.
 *
 * @param name registry name, e.g. {@code rflo}
 * @param description one line for {@code lrid rules}
 * @param credit how the units get their learning signal
 * @param sigma std of the perturbation noise (node: on u_t and y_t; weight: on every weight and bias); NaN for
 *     the gradient rules
 * @param optimizer steps W and b of W_in, W_rec and W_out
 */
public record RecurrentRule(String name, String description, RecurrentCredit credit, double sigma,
        OptimizerSpec optimizer) {

    public RecurrentRule {
        if (credit.perturbative() && !(sigma > 0 && Double.isFinite(sigma))) {
            throw new LridException("the perturbation noise sigma of '" + name + "' must be a positive number, got "
                    + sigma);
        }
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
        if (credit.perturbative()) {
            h.put("sigma", sigma);
        }
        return h;
    }

    /** The keys {@link #with} accepts for this rule. */
    public List<String> overridableKeys() {
        return List.copyOf(hyperparameters().keySet());
    }

    /** This rule with one hyperparameter changed ({@code --set key=value}). */
    public RecurrentRule with(String key, double value) {
        String k = key.toLowerCase(Locale.ROOT);
        if (!overridableKeys().contains(k)) {
            throw new LridException("rule '" + name + "' has no hyperparameter '" + key + "'; it has: "
                    + String.join(", ", overridableKeys()));
        }
        if (k.equals("sigma")) {
            return new RecurrentRule(name, description, credit, value, optimizer);
        }
        OptimizerSpec o = optimizer;
        o = switch (k) {
            case "lr" -> new OptimizerSpec(o.kind(), value, o.momentum(), o.nesterov(), o.beta1(), o.beta2(), o.epsilon());
            case "momentum" -> new OptimizerSpec(o.kind(), o.learningRate(), value, o.nesterov(), o.beta1(), o.beta2(),
                    o.epsilon());
            case "beta1" -> new OptimizerSpec(o.kind(), o.learningRate(), o.momentum(), o.nesterov(), value, o.beta2(),
                    o.epsilon());
            case "beta2" -> new OptimizerSpec(o.kind(), o.learningRate(), o.momentum(), o.nesterov(), o.beta1(), value,
                    o.epsilon());
            default -> new OptimizerSpec(o.kind(), o.learningRate(), o.momentum(), o.nesterov(), o.beta1(), o.beta2(),
                    value);
        };
        return new RecurrentRule(name, description, credit, sigma, o);
    }
}
