package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every statistic against a plain double-precision computation with a full sort. */
class SummaryStatisticsTest {

    /** numpy.percentile's default: linear interpolation at position q (n - 1) of the sorted values. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** norm, mean, median, q75, var, skew, kurtosis of v, straight from the definitions. */
    static double[] reference(double[] v) {
        int n = v.length;
        double[] s = v.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(v).sum() / n;
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / n;
        double m4 = Arrays.stream(v).map(x -> Math.pow(x - mean, 4)).sum() / n;
        double median = percentile(s, 0.5);
        return new double[] {Math.sqrt(Arrays.stream(v).map(x -> x * x).sum()), mean, median, percentile(s, 0.75), var,
            var > 0 ? 3 * (mean - median) / Math.sqrt(var) : 0, var > 0 ? m4 / (var * var) : 0};
    }

    static double[] referenceAll(float[] v) {
        double[] raw = new double[v.length];
        double[] abs = new double[v.length];
        double[] sq = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            raw[i] = v[i];
            abs[i] = Math.abs((double) v[i]);
            sq[i] = (double) v[i] * v[i];
        }
        double[] out = new double[21];
        System.arraycopy(reference(raw), 0, out, 0, 7);
        System.arraycopy(reference(abs), 0, out, 7, 7);
        System.arraycopy(reference(sq), 0, out, 14, 7);
        return out;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        for (int k = 0; k < expected.length; k++) {
            double tol = 1e-9 + 1e-6 * Math.abs(expected[k]);
            assertEquals(expected[k], actual[k], tol, what + ": " + Observables.ALL.get(k));
        }
    }

    static float[] data(String kind, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(r);
            v[i] = (float) switch (kind) {
                case "normal" -> g * 0.3 + 0.1;
                case "constant" -> 0.25;
                // Student-t with 2 degrees of freedom: infinite variance in theory, heavy tails in practice
                case "heavy" -> g / Math.sqrt((Math.pow(gaussian(r), 2) + Math.pow(gaussian(r), 2)) / 2);
                case "ties" -> r.nextInt(3) - 1;
                default -> throw new IllegalArgumentException(kind);
            };
        }
        return v;
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "constant", "heavy", "ties"})
    void flatStatisticsMatchTheDefinitions(String kind) {
        for (int n : new int[] {1, 2, 3, 4, 5, 10, 999, 20_000}) {
            float[] v = data(kind, n, n);
            double[] out = new double[21];
            new SummaryStatistics().flat(v, 0, n, out, 0);
            assertClose(referenceAll(v), out, kind + " n=" + n);
            for (double x : out) {
                assertFalse(Double.isNaN(x), kind + " n=" + n + " gave NaN");
            }
        }
    }

    @Test
    void rowAveragedIsTheMeanOfPerRowStatistics() {
        int rows = 7;
        int cols = 33;
        float[] m = data("heavy", rows * cols, 5);
        double[] expected = new double[21];
        for (int r = 0; r < rows; r++) {
            double[] row = referenceAll(Arrays.copyOfRange(m, r * cols, (r + 1) * cols));
            for (int k = 0; k < 21; k++) {
                expected[k] += row[k] / rows;
            }
        }
        double[] out = new double[21];
        new SummaryStatistics().rowAveraged(m, rows, cols, out, 0);
        assertClose(expected, out, "rows");
    }

    @Test
    void uniformInitialisationMatchesTheory() {
        float limit = 0.2f;
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * limit);
        }
        double[] out = new double[21];
        new SummaryStatistics().flat(v, 0, v.length, out, 0);
        // var = L^2 / 3, kurtosis = 9/5 for a uniform; sampling error of both is well under 1% here
        assertEquals(limit * limit / 3, out[4], 0.01 * limit * limit / 3);
        assertEquals(1.8, out[6], 0.02);
        assertEquals(0, out[1], 0.002);
        assertEquals(limit / 2, out[7 + 1], 0.002); // E|v| = L / 2
    }

    @Test
    void gradavgIsTheMeanOfRawAbsAndSquare() {
        double[] g = SummaryStatistics.gradavg(new float[] {1, -3, 2});
        assertEquals(0, g[0], 1e-12);
        assertEquals(2, g[1], 1e-12);
        assertEquals(14.0 / 3, g[2], 1e-12);
    }

    @Test
    void namesAreThe45OfTheSpecAndThe24Admissible() {
        assertEquals(45, Observables.ALL.size());
        assertEquals(45, Observables.ALL.stream().distinct().count());
        assertEquals(24, Observables.ADMISSIBLE.size());
        assertTrue(Observables.ALL.containsAll(Observables.ADMISSIBLE));
        assertEquals(List.of("weightraw_norm", "weightraw_mean"), Observables.ALL.subList(0, 2));
        assertEquals("actsq_kurtosis", Observables.ALL.get(41));
        assertEquals(List.of("gradavgraw_id", "gradavgabs_id", "gradavgsq_id"), Observables.ALL.subList(42, 45));
        assertEquals(13, Observables.select("weight").size());
        assertEquals(8, Observables.select("act").size());
        assertEquals(3, Observables.select("gradavg").size());
    }
}
