package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every statistic against a plain double-precision computation with a full sort. No timing here.
 */
class SummaryStatisticsTest {

    static final String[] KINDS = {
        "normal",
        "constant",
        "constant-odd",
        "heavy",
        "cauchy",
        "ties",
        "relu",
        "negative",
        "signed-zeros",
        "one-bucket",
        "wide"
    };

    /**
     * numpy.percentile's default: linear interpolation at position q (n - 1) of the sorted values.
     */
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
        boolean constant = s[0] == s[n - 1];
        double mean = constant ? s[0] : Arrays.stream(v).sum() / n;
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / n;
        double m4 = Arrays.stream(v).map(x -> Math.pow(x - mean, 4)).sum() / n;
        double median = percentile(s, 0.5);
        double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        return new double[] {
            norm,
            mean,
            median,
            percentile(s, 0.75),
            var,
            var > 0 ? 3 * (mean - median) / Math.sqrt(var) : 0,
            var > 0 ? m4 / (var * var) : 0
        };
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
            // quantiles are exact; sums differ only in rounding order
            double tol = 1e-12 + 1e-7 * Math.abs(expected[k]);
            assertEquals(expected[k], actual[k], tol, what + ": " + Observables.ALL.get(k));
        }
    }

    static float[] data(String kind, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(r);
            v[i] =
                    (float)
                            switch (kind) {
                                case "normal" -> g * 0.3 + 0.1;
                                case "constant" -> 0.25;
                                case "constant-odd" ->
                                        -0.1; // not a dyadic number: its sum is not exact
                                // Student-t with 2 degrees of freedom: infinite variance in theory,
                                // heavy tails in practice
                                case "heavy" ->
                                        g
                                                / Math.sqrt(
                                                        (Math.pow(gaussian(r), 2)
                                                                        + Math.pow(gaussian(r), 2))
                                                                / 2);
                                case "cauchy" -> Math.tan(Math.PI * (r.nextDouble() - 0.5));
                                case "ties" -> r.nextInt(3) - 1;
                                case "relu" -> Math.max(0, g); // half zeros, as ReLU activity
                                case "negative" -> -Math.abs(g) - 1e-3;
                                case "signed-zeros" ->
                                        r.nextInt(4) == 0 ? g : (r.nextBoolean() ? 0.0 : -0.0);
                                case "one-bucket" -> 1 + 1e-4 * r.nextDouble(); // every key shares
                                // its top 16 bits
                                case "wide" -> Math.exp(8 * g) * (r.nextBoolean() ? 1 : -1);
                                default -> throw new IllegalArgumentException(kind);
                            };
        }
        return v;
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static final int[] SIZES = {
        1, 2, 3, 4, 5, 10, 24, 25, 100, 522, 999, 8192, 8193, 20_000
    };

    @ParameterizedTest
    @ValueSource(
            strings = {
                "normal",
                "constant",
                "constant-odd",
                "heavy",
                "cauchy",
                "ties",
                "relu",
                "negative",
                "signed-zeros",
                "one-bucket",
                "wide"
            })
    void flatStatisticsMatchTheDefinitions(String kind) {
        SummaryStatistics shared =
                new SummaryStatistics(); // reused: no state may leak between calls
        for (int n : SIZES) {
            float[] v = data(kind, n, n);
            double[] expected = referenceAll(v);
            double[] fresh = new SummaryStatistics().flat(v);
            assertClose(expected, fresh, kind + " n=" + n);
            double[] out = new double[23];
            shared.flat(v, 0, n, out, 2);
            assertArrayEquals(
                    fresh,
                    Arrays.copyOfRange(out, 2, 23),
                    kind + " n=" + n + " on a reused instance");
            for (double x : fresh) {
                assertFalse(Double.isNaN(x), kind + " n=" + n + " gave NaN");
            }
        }
    }

    @Test
    void smallSetsByHand() {
        SummaryStatistics s = new SummaryStatistics();
        // one value: median = q75 = the value, var 0, skew and kurtosis defined as 0
        double[] one = s.flat(new float[] {-2});
        assertArrayEquals(new double[] {2, -2, -2, -2, 0, 0, 0}, Arrays.copyOfRange(one, 0, 7), 0);
        assertArrayEquals(new double[] {2, 2, 2, 2, 0, 0, 0}, Arrays.copyOfRange(one, 7, 14), 0);
        assertArrayEquals(new double[] {4, 4, 4, 4, 0, 0, 0}, Arrays.copyOfRange(one, 14, 21), 0);
        // {-1, 3}: median at position 0.5 -> 1, q75 at 0.75 -> 2; var 4; kurtosis of two points is
        // 1
        double[] two = s.flat(new float[] {3, -1});
        assertArrayEquals(
                new double[] {Math.sqrt(10), 1, 1, 2, 4, 0, 1},
                Arrays.copyOfRange(two, 0, 7),
                1e-12);
        // abs {1, 3}, sq {1, 9}: the sq quantiles interpolate the squares (q75 = 1 + 0.75 x 8 = 7)
        assertEquals(7, two[14 + 3], 1e-12);
        assertEquals(5, two[14 + 2], 1e-12);
        assertEquals(2.5, two[7 + 3], 1e-12);
        // {0, 1, 2, 10}: median 1.5, q75 at 2.25 -> 2 + 0.25 x 8 = 4
        double[] four = s.flat(new float[] {10, 0, 2, 1});
        assertEquals(1.5, four[2], 1e-12);
        assertEquals(4, four[3], 1e-12);
        assertEquals(3 * (3.25 - 1.5) / Math.sqrt(four[4]), four[5], 1e-12);
    }

    @Test
    void offsetsAndEmptySets() {
        float[] v = data("heavy", 30_000, 3);
        SummaryStatistics s = new SummaryStatistics();
        double[] out = new double[21];
        s.flat(v, 1234, 10_000, out, 0);
        assertClose(referenceAll(Arrays.copyOfRange(v, 1234, 11_234)), out, "range");
        s.flat(v, 5, 0, out, 0);
        for (double x : out) {
            assertTrue(Double.isNaN(x));
        }
    }

    @Test
    void nonFiniteValuesNeitherHangNorBreakTheNextCall() {
        SummaryStatistics s = new SummaryStatistics();
        for (int n : new int[] {7, 10_000}) {
            float[] v = data("normal", n, 1);
            v[0] = Float.NaN;
            v[n / 2] = Float.POSITIVE_INFINITY;
            v[n - 1] = -Float.NaN;
            double[] out = s.flat(v);
            assertTrue(
                    Double.isNaN(out[1]) && Double.isNaN(out[4]),
                    "mean and var of NaN data are NaN");
            float[] w = data("cauchy", n, 2);
            assertClose(referenceAll(w), s.flat(w), "after NaN, n=" + n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "constant", "heavy", "cauchy", "relu", "signed-zeros"})
    void rowAveragedIsTheMeanOfPerRowStatistics(String kind) {
        SummaryStatistics s = new SummaryStatistics();
        int[][] shapes = {
            {1, 1},
            {3, 1},
            {5, 2},
            {4, 3},
            {2, 4},
            {7, 33},
            {256, 10},
            {9, 24},
            {9, 25},
            {64, 522},
            {2, 10_000}
        };
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] m = data(kind, rows * cols, 31L * rows + cols);
            double[] expected = new double[21];
            for (int r = 0; r < rows; r++) {
                double[] row = referenceAll(Arrays.copyOfRange(m, r * cols, (r + 1) * cols));
                for (int k = 0; k < 21; k++) {
                    expected[k] += row[k] / rows;
                }
            }
            assertClose(expected, s.rowAveraged(m, rows, cols), kind + " " + rows + "x" + cols);
        }
    }

    @Test
    void uniformInitialisationMatchesTheory() {
        float limit = 0.2f;
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * r.nextDouble() - 1) * limit);
        }
        double[] out = new SummaryStatistics().flat(v);
        double l2 = (double) limit * limit;
        // var = L^2 / 3 and kurtosis = 9/5 for a uniform; relative sampling errors ~0.2% and ~0.3%
        // here
        assertEquals(
                l2 / 3, out[SummaryStatistics.index(Transform.RAW, Statistic.VAR)], 0.01 * l2 / 3);
        assertEquals(1.8, out[SummaryStatistics.index(Transform.RAW, Statistic.KURTOSIS)], 0.02);
        assertEquals(0, out[SummaryStatistics.index(Transform.RAW, Statistic.MEAN)], 0.002);
        assertEquals(0, out[SummaryStatistics.index(Transform.RAW, Statistic.MEDIAN)], 0.004);
        assertEquals(
                limit / 2,
                out[SummaryStatistics.index(Transform.RAW, Statistic.THIRDQUARTILE)],
                0.004);
        assertEquals(
                limit / 2,
                out[SummaryStatistics.index(Transform.ABS, Statistic.MEAN)],
                0.002); // E|v| = L/2
        assertEquals(
                3 * limit / 4,
                out[SummaryStatistics.index(Transform.ABS, Statistic.THIRDQUARTILE)],
                0.004);
        assertEquals(
                l2 / 3, out[SummaryStatistics.index(Transform.SQ, Statistic.MEAN)], 0.01 * l2 / 3);
        assertEquals(
                Math.sqrt(v.length * l2 / 3),
                out[SummaryStatistics.index(Transform.RAW, Statistic.NORM)],
                0.01 * Math.sqrt(v.length * l2 / 3));
    }

    @Test
    void indexFollowsTheObservableNames() {
        for (Transform t : Transform.values()) {
            for (Statistic st : Statistic.values()) {
                int k = SummaryStatistics.index(t, st);
                assertEquals("weight" + t.label() + "_" + st.label(), Observables.ALL.get(k));
                assertEquals(
                        "act" + t.label() + "_" + st.label(),
                        Observables.ALL.get(Observables.PER_MEASURE + k));
                assertEquals(k, Observables.index(Measure.WEIGHT, t, st));
                assertEquals(Observables.PER_MEASURE + k, Observables.index(Measure.ACT, t, st));
            }
        }
    }

    @Test
    void gradavgIsTheMeanOfRawAbsAndSquare() {
        double[] g = SummaryStatistics.gradavgValues(new float[] {1, -3, 2});
        assertArrayEquals(new double[] {0, 2, 14.0 / 3}, g, 1e-12);
        assertArrayEquals(g, SummaryStatistics.gradavg(new float[] {1, -3, 2}), 0);
        assertEquals(Observables.ALL.get(Observables.gradavgIndex(Transform.SQ)), "gradavgsq_id");
    }

    @Test
    void threadsGetTheSameAnswersAsOneThread() throws Exception {
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inputs.add(data(KINDS[i % KINDS.length], i % 2 == 0 ? 50_000 : 777, i));
        }
        SummaryStatistics serial = new SummaryStatistics();
        List<double[]> expected = inputs.stream().map(serial::flat).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<double[]>> futures = new ArrayList<>();
                for (float[] v : inputs) {
                    futures.add(pool.submit(() -> SummaryStatistics.forCurrentThread().flat(v)));
                }
                for (int i = 0; i < inputs.size(); i++) {
                    assertArrayEquals(expected.get(i), futures.get(i).get(), "input " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The extremes are taken by plain comparisons (ReLU's exact zeros made Math.min's branches
     * mispredict): rows of signed zeros, of mostly zeros, constant rows with a NaN or an infinity
     * keep the values the definitions give, and NaN stays NaN in mean and variance, for the
     * histogram path and the small-set path alike.
     */
    @Test
    void zerosSignedZerosAndNonFiniteExtremesKeepTheirStatistics() {
        SummaryStatistics s = new SummaryStatistics();
        SplittableRandom r = new SplittableRandom(11);
        for (int n : new int[] {5, 24, 25, 256, 9000}) {
            float[] zeros = new float[n];
            float[] sparse = new float[n];
            for (int i = 0; i < n; i++) {
                zeros[i] = r.nextBoolean() ? 0.0f : -0.0f;
                sparse[i] = r.nextInt(10) == 0 ? (float) r.nextDouble(0, 3) : 0.0f;
            }
            double[] z = s.flat(zeros);
            assertClose(referenceAll(zeros), z, "signed zeros n=" + n);
            for (int k = 0; k < 21; k++) {
                assertEquals(0.0, z[k], 0.0, "signed zeros n=" + n + " " + k);
            }
            assertClose(referenceAll(sparse), s.flat(sparse), "90% zeros n=" + n);
            for (float odd : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                float[] c = new float[n];
                Arrays.fill(c, 0.5f);
                c[n / 2] = odd;
                double[] out = s.flat(c);
                for (int t = 0; t < 3; t++) {
                    assertFalse(Double.isFinite(out[7 * t + 1]), odd + " n=" + n + ": mean finite");
                    assertTrue(Double.isNaN(out[7 * t + 4]), odd + " n=" + n + ": var not NaN");
                }
            }
            // no state leaks: a clean call after the non-finite ones
            assertClose(referenceAll(sparse), s.flat(sparse), "after non-finite, n=" + n);
        }
    }
}
