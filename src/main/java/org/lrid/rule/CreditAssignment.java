package org.lrid.rule;

/** How the error reaches the layer below (science.md section 2, the matrix M in dL/dx ~ e M). */
public enum CreditAssignment {
    /** M = W: exact gradients. */
    BACKPROP("W"),
    /** M = B, a separate feedback matrix (fixed, or trained by an alignment loss). */
    FEEDBACK("B"),
    /** M = sign(W) scaled to W's init scale (Liao, Leibo and Poggio 2016). */
    SIGN_SYMMETRY("sign(W)*s"),
    /** No chain: the top error is sent straight to every layer by a fixed random D_l (Nokland 2016). */
    DIRECT_FEEDBACK("D_l e_top");

    private final String matrix;

    CreditAssignment(String matrix) {
        this.matrix = matrix;
    }

    /** The matrix the error is sent down through, as printed by {@code lrid rules}. */
    public String matrix() {
        return matrix;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
