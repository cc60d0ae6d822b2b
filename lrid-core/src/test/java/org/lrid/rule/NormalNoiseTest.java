package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The noise sampler behind {@link Alignment#noiseLike}: the vector and scalar loops agree to the
 * bit, the values are Box-Muller of the counter hash, they are standard normal, and its ln, sin and
 * cos are within a stated ulp bound of Math's over every argument the sampler uses.
 */
class NormalNoiseTest {

    private static float[] sample(Shape shape, long seed, boolean vector) {
        return VectorLoops.with(
                vector,
                () -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        return NormalNoise.sample(shape, seed, m).toFloatArray();
                    }
                });
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void theVectorAndScalarLoopsGiveTheSameBits() {
        // sizes off the 32-element blocks, so the scalar tail runs after the vector loop, down to
        // a single element, and a short last block (sines or whole units dropped)
        Shape[] shapes = {
            new Shape(1),
            new Shape(2),
            new Shape(3),
            new Shape(17),
            new Shape(32),
            new Shape(33),
            new Shape(48),
            new Shape(63),
            new Shape(1001),
            new Shape(7, 3, 5, 5),
            new Shape(128, 1296)
        };
        for (Shape shape : shapes) {
            for (long seed : new long[] {0, -1, 0x5DEECE66DL}) {
                float[] vector = sample(shape, seed, true);
                float[] scalar = sample(shape, seed, false);
                assertEquals(shape.size(), vector.length);
                assertArrayEquals(bits(scalar), bits(vector), shape + " seed " + seed);
            }
        }
        // the vector loop does run, and stops short of an odd size's end for the tail
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(1001));
            int done = VectorNoise.fill(9, org.lrid.net.NativeFloats.bytes(a), 1001);
            assertTrue(
                    done > 900 && done < 1001 && done % 2 == 0, "vector loop stopped at " + done);
        }
    }

    /** splitmix64's finaliser, written out again for the check below. */
    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Word m of the hash stream: half m % 2, low first, of splitmix(seed + (m / 2) golden). */
    private static int word(long seed, long m) {
        long h = splitmix(seed + (m / 2) * 0x9E3779B97F4A7C15L);
        return (int) (m % 2 == 0 ? h : h >>> 32);
    }

    @Test
    void theValuesAreBoxMullerOfTheCounterHash() {
        long seed = 0x1234_5678_9ABC_DEF0L;
        float[] v = sample(new Shape(4001), seed, true);
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            // block i / 32, unit j: its words 32 block + j and 32 block + 16 + j, word m being
            // half m % 2 (low first) of hash m / 2
            int block = i / 32;
            int j = i % 16;
            double u1 = ((word(seed, 32 * block + j) >>> 8) + 1) / 16777216.0;
            double u2 = (word(seed, 32 * block + 16 + j) >>> 8) / 16777216.0;
            double r = Math.sqrt(-2 * Math.log(u1));
            double angle = 2 * Math.PI * u2;
            double z = i % 32 < 16 ? r * Math.cos(angle) : r * Math.sin(angle);
            worst = Math.max(worst, Math.abs(v[i] - z) / Math.max(1, Math.abs(z)));
        }
        // a few float ulp (2^-23 relative = 1.2e-7) from ln, sin or cos and three roundings
        assertTrue(worst < 1e-6, "worst deviation from exact Box-Muller " + worst);
    }

    private static float[] draws(SplittableRandom r, SplittableRandom other, int calls) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray like = m.zeros(new Shape(3, 11));
            float[] all = new float[0];
            for (int i = 0; i < calls; i++) {
                float[] v = Alignment.noiseLike(like, r, m).toFloatArray();
                if (other != null) {
                    Alignment.noiseLike(like, other, m); // another run's draw in between
                }
                float[] grown = Arrays.copyOf(all, all.length + v.length);
                System.arraycopy(v, 0, grown, all.length, v.length);
                all = grown;
            }
            return all;
        }
    }

    @Test
    void theValuesAreAFunctionOfTheirStreamAlone() {
        float[] a = draws(new SplittableRandom(5), null, 4);
        assertArrayEquals(a, draws(new SplittableRandom(5), null, 4), 0f);
        assertArrayEquals(a, draws(new SplittableRandom(5), new SplittableRandom(6), 4), 0f);
        assertFalse(Arrays.equals(a, draws(new SplittableRandom(6), null, 4)));
        // successive calls on one stream differ
        assertFalse(Arrays.equals(Arrays.copyOf(a, 33), Arrays.copyOfRange(a, 33, 66)));
    }

    /**
     * The standard normal CDF: erf's Taylor series for |x| <= 3, erfc's continued fraction else.
     */
    static double phi(double x) {
        double t = Math.abs(x) / Math.sqrt(2);
        double erf;
        if (t <= 3) {
            double sum = 0;
            double term = t; // (-1)^n t^(2n+1) / n!
            for (int n = 0; n < 200 && Math.abs(term) > 1e-20; n++) {
                sum += term / (2 * n + 1);
                term *= -t * t / (n + 1);
            }
            erf = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(t) = exp(-t^2) / sqrt(pi) / (t + (1/2) / (t + 1 / (t + (3/2) / (t + ...))))
            double f = t;
            for (int k = 80; k >= 1; k--) {
                f = t + (k / 2.0) / f;
            }
            erf = 1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / f;
        }
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    @Test
    void theCdfIsAccurate() {
        // tabulated values of the standard normal CDF
        assertEquals(0.5, phi(0), 1e-12);
        assertEquals(0.8413447460685429, phi(1), 1e-10);
        assertEquals(0.9750021048517795, phi(1.96), 1e-10);
        assertEquals(0.9986501019683699, phi(3), 1e-10);
        assertEquals(0.0013498980316301, phi(-3), 1e-10);
        assertEquals(0.9999683287581669, phi(4), 1e-10);
        assertEquals(2.866515718791939e-7, phi(-5), 1e-12);
    }

    @Test
    void theValuesAreStandardNormal() {
        int n = 1 << 21;
        float[] v = sample(new Shape(n + 1), 77, true); // a short last block
        double mean = 0;
        double square = 0;
        double fourth = 0;
        for (float x : v) {
            mean += x;
            square += (double) x * x;
            fourth += (double) x * x * x * x;
        }
        int size = v.length;
        mean /= size;
        double variance = square / size - mean * mean;
        // standard errors: 1/sqrt(n) for the mean, sqrt(2/n) for the variance
        assertEquals(0, mean, 5 / Math.sqrt(size));
        assertEquals(1, variance, 5 * Math.sqrt(2.0 / size));
        assertEquals(3, fourth / size, 5 * Math.sqrt(96.0 / size)); // var(z^4) = 105 - 9

        // tails beyond 3 and 4 standard deviations
        double[] cuts = {3, 4};
        for (double c : cuts) {
            long beyond = 0;
            for (float x : v) {
                beyond += Math.abs(x) > c ? 1 : 0;
            }
            double p = 2 * phi(-c);
            assertEquals(
                    p, beyond / (double) size, 5 * Math.sqrt(p * (1 - p) / size), "|z| > " + c);
        }

        // Kolmogorov-Smirnov against the normal CDF: below the 1e-3 critical value
        double[] sorted = new double[size];
        for (int i = 0; i < size; i++) {
            sorted[i] = v[i];
        }
        Arrays.sort(sorted);
        double d = 0;
        for (int i = 0; i < size; i++) {
            double f = phi(sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / size - f, f - (double) i / size));
        }
        double critical = Math.sqrt(-Math.log(1e-3 / 2) / 2) / Math.sqrt(size);
        assertTrue(
                d < critical, "KS statistic " + d + " above the 1e-3 critical value " + critical);

        // no correlation between neighbouring units (lag 1), between a unit's cosine and sine
        // (lag 16), between blocks (lag 32), nor of the squares of distinct units (a unit's
        // cosine and sine share r: their squares are dependent by design)
        for (int lag : new int[] {1, 16, 32}) {
            assertEquals(0, correlation(v, lag, false), 5 / Math.sqrt(size), "lag " + lag);
        }
        for (int lag : new int[] {1, 32}) {
            assertEquals(0, correlation(v, lag, true), 5 / Math.sqrt(size), "squares, lag " + lag);
        }
    }

    private static double correlation(float[] v, int lag, boolean squares) {
        int n = v.length - lag;
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        for (int i = 0; i < n; i++) {
            double a = squares ? (double) v[i] * v[i] : v[i];
            double b = squares ? (double) v[i + lag] * v[i + lag] : v[i + lag];
            sa += a;
            sb += b;
            saa += a * a;
            sbb += b * b;
            sab += a * b;
        }
        double cov = sab / n - (sa / n) * (sb / n);
        return cov / Math.sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
    }

    private static double ulps(float approx, double exact) {
        return Math.abs(approx - exact) / Math.ulp((float) exact);
    }

    @Test
    void lnIsWithinOneUlpOfMathLogOnEveryU1() {
        // every u1 the sampler uses: m / 2^24, m = 1 .. 2^24
        double worst = 0;
        for (int m = 1; m <= 1 << 24; m++) {
            float u1 = m * 0x1p-24f;
            float ln = NormalNoise.ln(u1);
            if (m == 1 << 24) {
                assertEquals(0f, ln);
            } else {
                assertTrue(ln < 0, "ln " + u1 + " = " + ln);
                worst = Math.max(worst, ulps(ln, Math.log(u1)));
            }
        }
        assertTrue(worst <= 1, "ln off by " + worst + " ulp");
    }

    @Test
    void sinAndCosAreWithinOneUlpOfMathsOnEveryAngle() {
        // every angle the sampler uses: j 2 pi / 2^24, j = -2^21 .. 2^21 - 1 (|a| <= pi / 4)
        double worstSin = 0;
        double worstCos = 0;
        for (int j = -(1 << 21); j < 1 << 21; j++) {
            float a = j * NormalNoise.ANGLE;
            worstSin = Math.max(worstSin, ulps(NormalNoise.sin(a), Math.sin(a)));
            worstCos = Math.max(worstCos, ulps(NormalNoise.cos(a), Math.cos(a)));
        }
        assertTrue(worstSin <= 1, "sin off by " + worstSin + " ulp");
        assertTrue(worstCos <= 1, "cos off by " + worstCos + " ulp");
    }
}
