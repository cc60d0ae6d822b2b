package org.lrid.observe;

import org.lrid.LridException;

/**
 * A virtual electrode or imaging session: keep ceil(fraction x units) units, the same at every
 * checkpoint (chosen by the seed), and add N(0, sigma^2) noise to what is measured.
 */
public record RecordingCondition(double unitFraction, double noiseSigma, long seed) {

    /** Every unit, no noise: always recorded. */
    public static final RecordingCondition FULL = new RecordingCondition(1, 0, 0);

    public RecordingCondition {
        if (!(unitFraction > 0 && unitFraction <= 1)) {
            throw new LridException("unit fraction must be in (0, 1], got " + unitFraction);
        }
        if (!(noiseSigma >= 0) || Double.isInfinite(noiseSigma)) {
            throw new LridException("noise sigma must be a finite number >= 0, got " + noiseSigma);
        }
    }

    public boolean isFull() {
        return unitFraction == 1 && noiseSigma == 0;
    }

    /** Number of units kept out of {@code units}: ceil(fraction x units), at least 1. */
    public int kept(long units) {
        return (int) Math.max(1, Math.min(units, Math.ceil(unitFraction * units - 1e-9)));
    }
}
