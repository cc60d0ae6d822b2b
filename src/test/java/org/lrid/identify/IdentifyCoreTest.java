package org.lrid.identify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentifyCoreTest {

    /** 4 "rules" x 30 networks x 3 layers; features 7-10 carry the rule, the other 46 are noise. */
    record Table(double[][] x, int[] y, String[] groups) {}

    static Table planted(boolean shuffle, long seed) {
        Random r = new Random(seed);
        int rows = 4 * 30 * 3;
        double[][] x = new double[rows][50];
        int[] y = new int[rows];
        String[] g = new String[rows];
        int i = 0;
        for (int rule = 0; rule < 4; rule++) {
            for (int net = 0; net < 30; net++) {
                for (int layer = 0; layer < 3; layer++, i++) {
                    for (int j = 0; j < 50; j++) {
                        x[i][j] = r.nextGaussian();
                    }
                    x[i][7 + rule] += 5; // the planted signature: one direction per rule
                    y[i] = rule;
                    g[i] = rule + "-" + net;
                }
            }
        }
        if (shuffle) {
            for (int k = y.length - 1; k > 0; k--) {
                int j = r.nextInt(k + 1);
                int t = y[k];
                y[k] = y[j];
                y[j] = t;
            }
        }
        return new Table(x, y, g);
    }

    static double heldOutAccuracy(Table t, Classifier c) {
        Splits.Split s = Splits.make(1, 0.75, t.groups(), t.y(), 3).get(0);
        Standardizer z = Standardizer.fit(t.x(), s.train());
        int[] yTrain = java.util.Arrays.stream(s.train()).map(i -> t.y()[i]).toArray();
        c.fit(z.apply(t.x(), s.train()), yTrain, 4);
        int[] predicted = c.predict(z.apply(t.x(), s.test()));
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == t.y()[s.test()[i]]) {
                correct++;
            }
        }
        return (double) correct / predicted.length;
    }

    @Test
    void forestFindsAPlantedSignatureAndNothingInShuffledLabels() {
        double acc = heldOutAccuracy(planted(false, 1), new RandomForest(100, RandomForest.MaxFeatures.SQRT, 1));
        assertTrue(acc > 0.95, "planted: " + acc);
        double chance = heldOutAccuracy(planted(true, 1), new RandomForest(100, RandomForest.MaxFeatures.SQRT, 1));
        // 90 test rows at p = 0.25: the standard error is 0.046, so 0.25 +- 0.15 is over 3 of them
        assertTrue(Math.abs(chance - 0.25) < 0.15, "shuffled: " + chance);
    }

    @Test
    void linearSvmFindsAPlantedSignatureAndNothingInShuffledLabels() {
        double acc = heldOutAccuracy(planted(false, 4), new LinearSvm(1, 4));
        assertTrue(acc > 0.95, "planted: " + acc);
        double chance = heldOutAccuracy(planted(true, 4), new LinearSvm(1, 4));
        assertTrue(Math.abs(chance - 0.25) < 0.15, "shuffled: " + chance);
    }

    /** 5 observables x 10 checkpoints + 3 position columns; observable 2 rises with a rule-specific slope. */
    static Table plantedTrajectories(boolean shuffle, long seed) {
        Table t = planted(shuffle, seed);
        Random r = new Random(seed + 1);
        double[][] x = new double[t.x().length][53];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 50; j++) {
                x[i][j] = r.nextGaussian();
            }
            int rule = planted(false, seed).y()[i];
            for (int c = 0; c < 10; c++) {
                x[i][2 * 10 + c] += 0.5 * rule * c;
            }
            x[i][50 + i % 3] = 1;
        }
        return new Table(x, t.y(), t.groups());
    }

    @Test
    void conv1dFindsAPlantedTrajectoryAndNothingInShuffledLabels() {
        double acc = heldOutAccuracy(plantedTrajectories(false, 8),
                new Conv1dClassifier(10, 0.3, 1, 20, Conv1dClassifier.Pooling.NONE, 1e-2, 200, 8));
        assertTrue(acc > 0.95, "planted: " + acc);
        double chance = heldOutAccuracy(plantedTrajectories(true, 8),
                new Conv1dClassifier(10, 0.3, 1, 20, Conv1dClassifier.Pooling.NONE, 1e-2, 200, 8));
        assertTrue(Math.abs(chance - 0.25) < 0.15, "shuffled: " + chance);
    }

    @Test
    void forestImportancePointsAtThePlantedFeature() {
        Table t = planted(false, 2);
        RandomForest rf = new RandomForest(50, RandomForest.MaxFeatures.SQRT, 2);
        rf.fit(t.x(), t.y(), 4);
        double[] imp = rf.importances();
        int best = 0;
        for (int j = 1; j < imp.length; j++) {
            if (imp[j] > imp[best]) {
                best = j;
            }
        }
        assertTrue(best >= 7 && best <= 10, "most important feature: " + best);
        assertEquals(1.0, java.util.Arrays.stream(imp).sum(), 1e-9);
    }

    @Test
    void groupedSplitsNeverSeparateTheLayersOfOneNetworkAndBalanceClasses() {
        Table t = planted(false, 3);
        for (Splits.Split s : Splits.make(10, 0.75, t.groups(), t.y(), 5)) {
            Set<String> train = new HashSet<>();
            for (int i : s.train()) {
                train.add(t.groups()[i]);
            }
            for (int i : s.test()) {
                assertTrue(!train.contains(t.groups()[i]), "network " + t.groups()[i] + " on both sides");
            }
            assertEquals(4 * 30 * 3, s.train().length + s.test().length);
            for (int c = 0; c < 4; c++) {
                final int cls = c;
                long n = java.util.Arrays.stream(s.train()).filter(i -> t.y()[i] == cls).count();
                assertEquals(Math.round(0.75 * 30) * 3, n, "class " + c);
            }
        }
        List<Splits.Split> rows = Splits.make(2, 0.75, null, t.y(), 5);
        assertEquals(Math.round(0.75 * 90) * 4, rows.get(0).train().length);
    }

    @Test
    void crossValidationFoldsKeepNetworksWholeAndPickTheBetterCandidate() {
        Table t = planted(false, 6);
        List<int[]> folds = ModelSelection.folds(t.y(), t.groups(), 5, 1);
        assertEquals(5, folds.size());
        Set<String> seen = new HashSet<>();
        for (int[] f : folds) {
            Set<String> mine = new HashSet<>();
            for (int i : f) {
                mine.add(t.groups()[i]);
            }
            for (String g : mine) {
                assertTrue(seen.add(g), "network " + g + " in two folds");
            }
            for (int c = 0; c < 4; c++) {
                final int cls = c;
                assertEquals(6 * 3, java.util.Arrays.stream(f).filter(i -> t.y()[i] == cls).count());
            }
        }
        // a forest that sees one feature per split cannot beat one that sees them all on this table
        List<ModelSelection.Candidate> grid = List.of(
                new ModelSelection.Candidate("useless", () -> new Classifier() {
                    public void fit(double[][] x, int[] y, int classes) { }
                    public double[][] predictProba(double[][] x) {
                        double[][] p = new double[x.length][4];
                        for (double[] row : p) {
                            row[0] = 1;
                        }
                        return p;
                    }
                    public String describe() {
                        return "always class 0";
                    }
                }),
                new ModelSelection.Candidate("forest", () -> new RandomForest(30, RandomForest.MaxFeatures.SQRT, 1)));
        ModelSelection.Choice choice = ModelSelection.select(grid, t.x(), t.y(), t.groups(), 4, 5, 1);
        assertEquals("forest", choice.best().label());
        assertEquals(0.25, choice.cvAccuracy()[0], 0.02);
    }

    @Test
    void twinSplitsKeepNetworksThatShareAnInitialisationTogether() {
        String[] twins = new String[40];
        for (int i = 0; i < twins.length; i++) {
            twins[i] = "seed" + (i % 8); // 8 initialisations, 5 networks each
        }
        for (Splits.Split s : Splits.byCluster(5, 0.75, twins, 2)) {
            Set<String> train = new HashSet<>();
            for (int i : s.train()) {
                train.add(twins[i]);
            }
            for (int i : s.test()) {
                assertTrue(!train.contains(twins[i]), twins[i] + " on both sides");
            }
            assertEquals(6 * 5, s.train().length);
        }
    }

    @Test
    void zScoringUsesOnlyTrainingRows() {
        double[][] x = {{1, 10}, {3, 10}, {100, -5}};
        Standardizer z = Standardizer.fit(x, new int[] {0, 1});
        assertArrayEquals(new double[] {2, 10}, z.mean(), 1e-12);
        double[][] out = z.apply(x, new int[] {2});
        assertEquals(98, out[0][0], 1e-12); // (100 - 2) / 1
        assertEquals(-15, out[0][1], 1e-12); // constant in training: std taken as 1
    }

    @Test
    void metricsMatchHandComputedValues() {
        // truth rows, predicted columns
        double[][] m = {{8, 2, 0}, {1, 8, 1}, {0, 0, 10}};
        assertEquals(26.0 / 30, Metrics.accuracy(m), 1e-12);
        assertEquals((0.8 + 0.8 + 1.0) / 3, Metrics.balancedAccuracy(m), 1e-12);
        double[] d = Metrics.dPrime(m);
        // class 0: hit 8/10, false alarms 1/20
        assertEquals(Metrics.inverseNormal(0.8) - Metrics.inverseNormal(0.05), d[0], 1e-9);
        assertEquals(0.8416212335729143, Metrics.inverseNormal(0.8), 1e-8);
        // class 2: hit rate 1 and false alarms 1/20: z(1) is infinite, clipped at 5
        assertEquals(5, d[2], 1e-12);
        double[] ms = Metrics.meanSem(new double[] {1, 2, 3, 4});
        assertEquals(2.5, ms[0], 1e-12);
        assertEquals(Math.sqrt(5.0 / 3) / 2, ms[1], 1e-12);
        long[][] c = Metrics.confusion(new int[] {0, 0, 1, 2}, new int[] {0, 1, 1, 1}, 3);
        assertArrayEquals(new long[] {1, 1, 0}, c[0]);
        assertArrayEquals(new long[] {0, 1, 0}, c[2 - 1]);
        assertArrayEquals(new long[] {0, 1, 0}, c[2]);
    }
}
