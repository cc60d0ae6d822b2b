package org.lrid.rule;

import java.util.List;
import java.util.Locale;
import org.lrid.LridException;

/**
 * The recurrent rules of science.md section 6 as data, one row each: name, credit assignment through
 * time, optimizer and noise. Learning rates were tuned on this repository's tasks at 128 units, batch 128
 * (see the README table); every rule but {@code bptt-adam} uses momentum SGD (momentum 0.9).
 */
public final class RecurrentRules {

    private static final double NO_NOISE = Double.NaN;

    private static final List<RecurrentRule> RULES = List.of(
            new RecurrentRule("bptt", "back-propagation through time (exact gradient), momentum SGD",
                    RecurrentCredit.BPTT, NO_NOISE, momentum(0.02)),
            new RecurrentRule("bptt-adam", "back-propagation through time (exact gradient), Adam",
                    RecurrentCredit.BPTT, NO_NOISE, new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0.002, 0, false, 0.9, 0.999, 1e-8)),
            new RecurrentRule("rflo", "random feedback local online learning (Murray 2019): eps B, eligibility traces",
                    RecurrentCredit.RFLO, NO_NOISE, momentum(0.02)),
            new RecurrentRule("eprop", "e-prop (Bellec et al. 2020), rate units: eps W_out, eligibility traces",
                    RecurrentCredit.EPROP, NO_NOISE, momentum(0.02)),
            new RecurrentRule("np", "node perturbation: noise on u_t and y_t, reward against the unperturbed trial",
                    RecurrentCredit.NODE_PERTURBATION, 0.1, momentum(0.001)),
            new RecurrentRule("wp", "weight perturbation: noise on every weight, reward against the unperturbed trial",
                    RecurrentCredit.WEIGHT_PERTURBATION, 0.01, momentum(1e-4)));

    private RecurrentRules() {}

    /** Heavy-ball momentum 0.9: the optimizer the recurrent learning rates were measured with. */
    private static OptimizerSpec momentum(double lr) {
        return new OptimizerSpec(OptimizerSpec.Kind.MOMENTUM, lr, 0.9, false, 0.9, 0.999, 1e-8);
    }

    public static List<RecurrentRule> all() {
        return RULES;
    }

    public static List<String> names() {
        return RULES.stream().map(RecurrentRule::name).toList();
    }

    /** @throws LridException for an unknown name */
    public static RecurrentRule get(String name) {
        String n = String.valueOf(name).toLowerCase(Locale.ROOT);
        for (RecurrentRule r : RULES) {
            if (r.name().equals(n)) {
                return r;
            }
        }
        throw new LridException("unknown recurrent rule '" + name + "'; known: " + String.join(", ", names()));
    }
}
