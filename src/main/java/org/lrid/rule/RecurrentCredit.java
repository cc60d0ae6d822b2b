package org.lrid.rule;

/**
 * How a recurrent network's units get their learning signal through time (science.md section 6): the
 * credit-assignment half of a recurrent rule, as {@link CreditAssignment} is for feed-forward ones.
 */
public enum RecurrentCredit {
    /** Exact gradient: back-propagation through time. */
    BPTT,
    /** Random feedback local online learning (Murray 2019): signal eps_t B, B fixed random, eligibility traces. */
    RFLO,
    /** e-prop (Bellec et al. 2020), rate-unit form: signal eps_t W_out, the same eligibility traces. */
    EPROP,
    /** Node perturbation: noise on every unit's input u_t and output y_t, reward-modulated. */
    NODE_PERTURBATION,
    /** Weight perturbation: noise on every weight for a trial, reward-modulated. */
    WEIGHT_PERTURBATION;

    /** True for the rules that estimate the gradient from a perturbed trial rather than from dL/dy. */
    public boolean perturbative() {
        return this == NODE_PERTURBATION || this == WEIGHT_PERTURBATION;
    }
}
