package org.lrid.rule;

/**
 * How the error reaches the units that did not cause it directly: for feed-forward rules
 * (science.md section 2) the matrix M in dL/dx ~ e M; for recurrent rules (section 6) how the units
 * get their learning signal through time. The credit decides a rule's {@link Family}, which decides
 * the architectures it trains.
 */
public enum CreditAssignment {
    /** M = W: exact gradients. */
    BACKPROP("W", Family.FEED_FORWARD),
    /** M = B, a separate feedback matrix (fixed, or trained by an alignment loss). */
    FEEDBACK("B", Family.FEED_FORWARD),
    /** M = sign(W) scaled to W's init scale (Liao, Leibo and Poggio 2016). */
    SIGN_SYMMETRY("sign(W)*s", Family.FEED_FORWARD),
    /**
     * No chain: the top error is sent straight to every layer by a fixed random D_l (Nokland 2016).
     */
    DIRECT_FEEDBACK("D_l e_top", Family.FEED_FORWARD),
    /** Exact gradient of a recurrent network: back-propagation through time. */
    BPTT("W through time", Family.RECURRENT),
    /**
     * Random feedback local online learning (Murray 2019): signal eps_t B_out, B fixed random,
     * eligibility traces.
     */
    RFLO("B_out, traces", Family.RECURRENT),
    /**
     * e-prop (Bellec et al. 2020), rate-unit form: signal eps_t W_out, the same eligibility traces.
     */
    EPROP("W_out, traces", Family.RECURRENT),
    /** Node perturbation: noise on every unit's input u_t and output y_t, reward-modulated. */
    NODE_PERTURBATION("reward x node noise", Family.RECURRENT),
    /** Weight perturbation: noise on every weight for a trial, reward-modulated. */
    WEIGHT_PERTURBATION("reward x weight noise", Family.RECURRENT);

    /** The networks a rule trains: feed-forward (mlp, convnet, resnet) or recurrent (rnn). */
    public enum Family {
        FEED_FORWARD("feed-forward"),
        RECURRENT("recurrent");

        private final String label;

        Family(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /**
         * The family of rules that train architecture family {@code arch} (mlp, convnet, resnet,
         * rnn).
         */
        public static Family ofArchitecture(String arch) {
            return "rnn".equalsIgnoreCase(arch) ? RECURRENT : FEED_FORWARD;
        }
    }

    private final String matrix;
    private final Family family;

    CreditAssignment(String matrix, Family family) {
        this.matrix = matrix;
        this.family = family;
    }

    /** The matrix the error is sent down through, as printed by {@code lrid rules}. */
    public String matrix() {
        return matrix;
    }

    public Family family() {
        return family;
    }

    /**
     * True for the rules that estimate the gradient from a perturbed trial rather than from dL/dy.
     */
    public boolean perturbative() {
        return this == NODE_PERTURBATION || this == WEIGHT_PERTURBATION;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
