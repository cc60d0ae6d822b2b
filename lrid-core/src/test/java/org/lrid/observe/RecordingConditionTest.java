package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

/**
 * Recording conditions: validation, the kept units, the noise, and statistics under a condition.
 */
class RecordingConditionTest {

    private static final int VAR = SummaryStatistics.index(Transform.RAW, Statistic.VAR);

    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void validation() {
        for (double p : new double[] {0, -0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY}) {
            LridException e =
                    assertThrows(LridException.class, () -> new RecordingCondition(p, 0, 1));
            assertTrue(
                    e.getMessage().contains("fraction") && e.getMessage().contains("(0, 1]"),
                    e.getMessage());
        }
        for (double s : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            LridException e =
                    assertThrows(LridException.class, () -> new RecordingCondition(0.5, s, 1));
            assertTrue(e.getMessage().contains("sigma"), e.getMessage());
        }
        assertEquals(new RecordingCondition(1, 0, 0), RecordingCondition.FULL);
        assertTrue(RecordingCondition.FULL.isFull());
        assertFalse(new RecordingCondition(1, 0.1, 0).isFull());
        assertFalse(new RecordingCondition(0.5, 0, 0).isFull());
    }

    @Test
    void keepsCeilOfTheFraction() {
        for (double p : new double[] {0.001, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0 / 3, 0.999, 1}) {
            for (int n : new int[] {0, 1, 2, 3, 10, 100, 1001, 270_000}) {
                int expected =
                        n == 0
                                ? 0
                                : Math.max(
                                        1,
                                        BigDecimal.valueOf(p)
                                                .multiply(BigDecimal.valueOf(n))
                                                .setScale(0, RoundingMode.CEILING)
                                                .intValueExact());
                RecordingCondition c = new RecordingCondition(p, 0, 7);
                assertEquals(expected, c.kept(n), p + " of " + n);
                assertEquals(expected, UnitSubset.choose(c, 3, n).length, p + " of " + n);
            }
        }
    }

    @Test
    void theSameUnitsEveryTimeAndDifferentOnesPerStream() {
        RecordingCondition c = new RecordingCondition(0.3, 0, 42);
        int[] a = UnitSubset.choose(c, 5, 1001);
        assertEquals(301, a.length); // ceil(0.3 x 1001) = ceil(300.3)
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i - 1] < a[i], "strictly ascending");
        }
        assertTrue(a[0] >= 0 && a[a.length - 1] < 1001);
        assertArrayEquals(a, UnitSubset.choose(c, 5, 1001));
        assertArrayEquals(
                a,
                UnitSubset.choose(new RecordingCondition(0.3, 0.5, 42), 5, 1001),
                "noise leaves units");
        assertFalse(Arrays.equals(a, UnitSubset.choose(c, 6, 1001)), "other keys, other units");
        assertFalse(
                Arrays.equals(a, UnitSubset.choose(new RecordingCondition(0.3, 0, 43), 5, 1001)),
                "other seed");
        int[] all = UnitSubset.choose(new RecordingCondition(1, 0, 42), 5, 17);
        assertArrayEquals(java.util.stream.IntStream.range(0, 17).toArray(), all);
        // stream keys of one layer differ, and so do the layers'
        assertEquals(
                6,
                java.util.stream.LongStream.of(
                                UnitSubset.weightKey(0),
                                UnitSubset.actKey(0),
                                UnitSubset.gradavgKey(0),
                                UnitSubset.weightKey(1),
                                UnitSubset.actKey(1),
                                UnitSubset.gradavgKey(1))
                        .distinct()
                        .count());
        UnitSubset.GradavgUnits g = UnitSubset.gradavgUnits(c, UnitSubset.gradavgKey(2), 500, 500);
        assertEquals(150, g.inputs().length);
        assertEquals(150, g.outputs().length);
        assertFalse(
                Arrays.equals(g.inputs(), g.outputs()),
                "inputs and outputs are drawn from different streams");
        assertArrayEquals(
                g.inputs(),
                UnitSubset.gradavgUnits(c, UnitSubset.gradavgKey(2), 500, 500).inputs());
    }

    @Test
    void noiseIsFreshPerCheckpointButReproducible() {
        RecordingCondition c = new RecordingCondition(1, 0.2, 3);
        float[] a = new float[100];
        float[] b = new float[100];
        float[] other = new float[100];
        UnitSubset.addNoise(a, c, 1, 4);
        UnitSubset.addNoise(b, c, 1, 4);
        UnitSubset.addNoise(other, c, 1, 5);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, other));
        float[] none = new float[100];
        UnitSubset.addNoise(none, new RecordingCondition(1, 0, 3), 1, 4);
        assertArrayEquals(new float[100], none);
    }

    @Test
    void noiseRaisesTheMeasuredVarianceBySigmaSquared() {
        float[] w = uniform(100_000, 8);
        ConditionStatistics cs = new ConditionStatistics();
        double clean = cs.weight(w, RecordingCondition.FULL, 1, 0)[VAR];
        double noisy = cs.weight(w, new RecordingCondition(1, 0.5, 3), 1, 0)[VAR];
        // var(w + n) = var(w) + sigma^2 for independent noise; the sampling error here is about
        // 0.003
        assertEquals(clean + 0.25, noisy, 0.01);
        // act: per-row variance, averaged over 200 rows of 500 units
        float[] h = uniform(200 * 500, 9);
        double cleanAct = cs.act(h, 200, 500, RecordingCondition.FULL, 2, 0)[VAR];
        double noisyAct = cs.act(h, 200, 500, new RecordingCondition(0.5, 0.3, 3), 2, 0)[VAR];
        assertEquals(cleanAct + 0.09, noisyAct, 0.01);
        // gradavg with one kept input and one kept output: the mean square grows by sigma^2
        float[] g = uniform(50_000, 10);
        double[] plain = ConditionStatistics.gradavg(g, RecordingCondition.FULL, 3, 0, 1, 1);
        double[] withNoise =
                ConditionStatistics.gradavg(g, new RecordingCondition(1, 0.5, 3), 3, 0, 1, 1);
        assertEquals(plain[2] + 0.25, withNoise[2], 0.01);
        assertEquals(plain[0], withNoise[0], 0.01);
    }

    @Test
    void gradavgNoiseIsTheReferencesNoiseOnEachJacobianEntry() {
        // the reference (neuroailab/lr-identify, tensorflow/Metrics/functions.py,
        // compute_act_gradient): noise
        // of std sigma on each entry J_i, then the sum over the k_in kept inputs, then the division
        // by k_out.
        // Done here literally, entry by entry, with an independent generator, on a zero Jacobian.
        int examples = 20_000;
        int kIn = 300;
        int kOut = 7;
        double sigma = 0.5;
        java.util.Random random = new java.util.Random(11);
        double referenceMeanSquare = 0;
        for (int e = 0; e < examples; e++) {
            double sum = 0;
            for (int i = 0; i < kIn; i++) {
                sum += sigma * random.nextGaussian();
            }
            double perExample = sum / kOut;
            referenceMeanSquare += perExample * perExample / examples;
        }
        double formula = sigma * sigma * kIn / (kOut * kOut); // (sigma sqrt(k_in) / k_out)^2
        // sampling error of a mean square of 20,000 Gaussians: sqrt(2 / 20000) = 1%
        assertEquals(formula, referenceMeanSquare, 0.04 * formula);
        double[] lrid =
                ConditionStatistics.gradavg(
                        new float[examples],
                        new RecordingCondition(0.5, sigma, 3),
                        3,
                        0,
                        kIn,
                        kOut);
        assertEquals(
                formula, lrid[2], 0.04 * formula, "sq_id is the noise variance on a zero signal");
        assertEquals(
                Math.sqrt(formula * 2 / Math.PI),
                lrid[1],
                0.04 * Math.sqrt(formula),
                "abs_id = E|N(0, s^2)|");
        assertEquals(0, lrid[0], 4 * Math.sqrt(formula / examples), "raw_id: zero-mean noise");
        assertTrue(
                Math.abs(lrid[2] - sigma * sigma) > 0.5 * sigma * sigma,
                "not the old model's sigma^2");
    }

    @Test
    void statisticsUnderAConditionAreThoseOfTheKeptNoisyUnits() {
        SummaryStatistics s = new SummaryStatistics();
        ConditionStatistics cs = new ConditionStatistics();
        float[] w = uniform(30_000, 1);
        float[] wCopy = w.clone();
        RecordingCondition sub = new RecordingCondition(0.2, 0, 11);
        assertArrayEquals(s.flat(w), cs.weight(w, RecordingCondition.FULL, 0, 0));
        double[] atFirst = cs.weight(w, sub, 0, 0);
        assertArrayEquals(
                s.flat(UnitSubset.gather(w, UnitSubset.choose(sub, 0, w.length))), atFirst);
        assertArrayEquals(atFirst, cs.weight(w, sub, 0, 20), "same units at a later checkpoint");
        assertArrayEquals(
                atFirst,
                new ConditionStatistics().weight(w, sub, 0, 20),
                "and from another instance");
        assertArrayEquals(UnitSubset.choose(sub, 0, w.length), cs.units(sub, 0, w.length));

        RecordingCondition both = new RecordingCondition(0.2, 0.1, 11);
        float[] expected = UnitSubset.gather(w, UnitSubset.choose(both, 0, w.length));
        UnitSubset.addNoise(expected, both, 0, 3);
        assertArrayEquals(s.flat(expected), cs.weight(w, both, 0, 3), "subset, then noise");
        assertFalse(
                Arrays.equals(cs.weight(w, both, 0, 3), cs.weight(w, both, 0, 4)), "fresh noise");
        assertArrayEquals(cs.weight(w, both, 0, 3), cs.weight(w, both, 0, 3));

        int rows = 16;
        int cols = 100;
        float[] h = uniform(rows * cols, 2);
        float[] hCopy = h.clone();
        int[] columns = UnitSubset.choose(both, 1, cols);
        assertEquals(20, columns.length);
        float[] kept = UnitSubset.gatherColumns(h, rows, cols, columns);
        assertEquals(h[3 * cols + columns[5]], kept[3 * columns.length + 5]);
        UnitSubset.addNoise(kept, both, 1, 3);
        assertArrayEquals(
                s.rowAveraged(kept, rows, columns.length), cs.act(h, rows, cols, both, 1, 3));
        assertArrayEquals(
                s.rowAveraged(h, rows, cols), cs.act(h, rows, cols, RecordingCondition.FULL, 1, 3));

        assertArrayEquals(wCopy, w, "the caller's weights are untouched");
        assertArrayEquals(hCopy, h, "the caller's activity is untouched");
        assertThrows(IllegalArgumentException.class, () -> cs.act(h, rows, cols + 1, both, 1, 3));
    }
}
