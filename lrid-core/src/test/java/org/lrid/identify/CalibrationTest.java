package org.lrid.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Temperature scaling and the novelty test on synthetic tables. */
class CalibrationTest {

    /**
     * Two classes, means 0.6 apart in each of 5 columns: overlapping, so a sharp classifier errs
     * confidently.
     */
    static double[][] gaussians(int n, int[] y, Random r, double scale) {
        double[][] x = new double[n][5];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int c = 0; c < 5; c++) {
                x[i][c] = scale * (r.nextGaussian() + 0.3 * (2 * y[i] - 1));
            }
        }
        return x;
    }

    /** Over-confident: the logistic model's true log-odds multiplied by 8. */
    static Classifier overConfident() {
        return new Classifier() {
            @Override
            public void fit(double[][] x, int[] y, int classes) {}

            @Override
            public double[][] predictProba(double[][] x) {
                double[][] p = new double[x.length][];
                for (int i = 0; i < x.length; i++) {
                    double s = 0;
                    for (double v : x[i]) {
                        s += 2 * 0.3 * v; // the true log-odds of class 1 for unit-variance
                        // gaussians
                    }
                    double q = 1 / (1 + Math.exp(-8 * s));
                    p[i] = new double[] {1 - q, q};
                }
                return p;
            }

            @Override
            public String describe() {
                return "over-confident";
            }
        };
    }

    @Test
    void temperatureLowersTheBrierScoreOfAnOverConfidentClassifierOnHeldOutRows() {
        Random r = new Random(1);
        int[] yTrain = new int[400];
        double[][] xTrain = gaussians(400, yTrain, r, 1);
        int[] yTest = new int[2000];
        double[][] xTest = gaussians(2000, yTest, r, 1);
        Calibration cal =
                Calibration.fit(
                        CalibrationTest::overConfident, xTrain, yTrain, null, 2, 5, 0, false);
        // the true probabilities are the classifier's at T = 8
        assertEquals(8, cal.temperature(), 2.5);
        double[][] raw = overConfident().predictProba(xTest);
        double before = Calibration.brier(raw, yTest);
        double after = Calibration.brier(cal.apply(raw), yTest);
        assertTrue(after < before - 0.05, "Brier " + before + " -> " + after);
        // the reliability curve of the calibrated probabilities lies near the diagonal where it has
        // rows
        double[][] curve = Calibration.reliability(cal.apply(raw), yTest);
        for (double[] bin : curve) {
            if (bin[2] >= 100) {
                assertEquals(bin[0], bin[1], 0.1, "bin at confidence " + bin[0]);
            }
        }
        double[][] rawCurve = Calibration.reliability(raw, yTest);
        assertTrue(rawCurve[9][0] - rawCurve[9][1] > 0.1, "the raw top bin is not over-confident");
    }

    @Test
    void brierAndReliabilityMatchHandComputedValues() {
        double[][] p = {{0.9, 0.1}, {0.6, 0.4}, {0.2, 0.8}};
        int[] y = {0, 1, 1};
        assertEquals((0.01 + 0.01 + 0.36 + 0.36 + 0.04 + 0.04) / 3, Calibration.brier(p, y), 1e-12);
        double[][] c = Calibration.reliability(p, y);
        assertEquals(0.9, c[9][0], 1e-12);
        assertEquals(1, c[9][1], 1e-12);
        assertEquals(0, c[6][1], 1e-12);
        assertEquals(1, c[8][2], 1e-12);
        assertTrue(Double.isNaN(c[0][0]));
    }

    @Test
    void noveltyFlagsNoiseAndPassesHeldOutRowsOfTheTrainingDistribution() {
        Random r = new Random(2);
        int[] y = new int[300];
        double[][] x = gaussians(300, y, r, 1);
        Calibration cal =
                Calibration.fit(CalibrationTest::overConfident, x, y, null, 2, 5, 0, true);
        int[] yHeld = new int[500];
        boolean[] held = cal.unknown(gaussians(500, yHeld, r, 1));
        boolean[] noise = cal.unknown(gaussians(500, yHeld, r, 3));
        double heldUnknown = 0;
        double noiseUnknown = 0;
        for (int i = 0; i < 500; i++) {
            heldUnknown += held[i] ? 1 / 500.0 : 0;
            noiseUnknown += noise[i] ? 1 / 500.0 : 0;
        }
        assertTrue(heldUnknown <= 0.05, "held-out rows called unknown: " + heldUnknown);
        assertTrue(noiseUnknown >= 0.9, "noise rows called unknown: " + noiseUnknown);
    }
}
