package org.lrid.observe;

/** The elementwise function applied to a measure before its statistics. */
public enum Transform {
    RAW("raw"),
    ABS("abs"),
    SQ("sq");

    private final String label;

    Transform(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
