package org.lrid.observe;

import org.lrid.LridException;

/**
 * A virtual electrode or imaging session: keep ceil(fraction x units) units, the same at every
 * checkpoint (chosen by the seed), and add N(0, sigma^2) noise to what is measured (science.md
 * section 3). {@link UnitSubset} draws the units and the noise; {@link ConditionStatistics} applies
 * both and takes the statistics.
 *
 * @param unitFraction fraction p of the units kept, in (0, 1]
 * @param noiseSigma standard deviation of the additive Gaussian noise, finite and >= 0
 * @param seed chooses the units (fixed across checkpoints) and the noise (fresh at each checkpoint)
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

    /**
     * Number of units kept out of {@code units}: ceil(fraction x units), at least 1 (0 of 0). The
     * 1e-9 absorbs rounding in the product, so that 0.3 x 1000 keeps 300 and not 301.
     */
    public int kept(long units) {
        if (units <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(units, Math.ceil(unitFraction * units - 1e-9)));
    }
}
