package org.lrid.observe;

/** What a virtual electrode records of a layer (science.md section 3). */
public enum Measure {
    /** The forward weights W: synaptic strengths. */
    WEIGHT("weight"),
    /** The layer's output h on the probe batch: post-synaptic rates. */
    ACT("act"),
    /** Per probe example, sum over inputs of d(sum_j h_j)/dx_i divided by the output units. */
    GRADAVG("gradavg");

    private final String label;

    Measure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
