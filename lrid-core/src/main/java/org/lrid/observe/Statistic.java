package org.lrid.observe;

import java.util.Locale;

/** The seven distribution statistics of a transformed measure. */
public enum Statistic {
    NORM,
    MEAN,
    MEDIAN,
    THIRDQUARTILE,
    VAR,
    SKEW,
    KURTOSIS;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
