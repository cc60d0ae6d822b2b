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
        Splits.Split s = Splits.byCluster(1, 0.75, t.groups(), t.y(), 3).get(0);
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
        double acc =
                heldOutAccuracy(
                        planted(false, 1), new RandomForest(100, RandomForest.MaxFeatures.SQRT, 1));
        assertTrue(acc > 0.95, "planted: " + acc);
        double chance =
                heldOutAccuracy(
                        planted(true, 1), new RandomForest(100, RandomForest.MaxFeatures.SQRT, 1));
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

    /**
     * 5 observables x 10 checkpoints + 3 position columns; observable 2 rises with a rule-specific
     * slope.
     */
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

    static final FeatureLayout FIVE_BY_TEN =
            new FeatureLayout(List.of("a", "b", "c", "d", "e"), 10);

    @Test
    void conv1dFindsAPlantedTrajectoryAndNothingInShuffledLabels() {
        // minibatches of 64 of the 270 training rows: 4 Adam steps an epoch, the last 14 rows
        // dropped
        Conv1dClassifier.Shape1d h =
                new Conv1dClassifier.Shape1d(
                        3, 1, 20, Conv1dClassifier.Pooling.NONE, 64, 1e-2, 1e-4, 60);
        double acc =
                heldOutAccuracy(
                        plantedTrajectories(false, 8), new Conv1dClassifier(FIVE_BY_TEN, h, 8));
        assertTrue(acc > 0.95, "planted: " + acc);
        double chance =
                heldOutAccuracy(
                        plantedTrajectories(true, 8), new Conv1dClassifier(FIVE_BY_TEN, h, 8));
        assertTrue(Math.abs(chance - 0.25) < 0.15, "shuffled: " + chance);
    }

    @Test
    void conv1dIsOneConvolutionThenOneDenseLayerOverPositionAndObservableChannels() {
        FeatureLayout layout = new FeatureLayout(List.of("a", "b"), 21);
        assertEquals(
                List.of(1, 2, 6, 11, 21),
                Conv1dClassifier.kernels(21)); // ceil(f x 21), duplicates merged
        assertEquals(5, layout.channels()); // 3 position channels + 2 observables
        Conv1dClassifier flat =
                new Conv1dClassifier(
                        layout,
                        new Conv1dClassifier.Shape1d(
                                6, 4, 20, Conv1dClassifier.Pooling.NONE, 512, 1e-3, 0, 1),
                        0);
        assertEquals(4, flat.outLength()); // (21 - 6) / 4 + 1, valid padding
        assertArrayEquals(new long[][] {{20, 5, 6}, {20}, {4, 80}, {4}}, flat.parameterShapes(4));
        Conv1dClassifier pooled =
                new Conv1dClassifier(
                        layout,
                        new Conv1dClassifier.Shape1d(
                                21, 2, 40, Conv1dClassifier.Pooling.AVG, 512, 1e-3, 0, 1),
                        0);
        assertEquals(1, pooled.outLength());
        assertArrayEquals(
                new long[][] {{40, 5, 21}, {40}, {3, 40}, {3}}, pooled.parameterShapes(3));
        // the position is a constant input channel at every time step, before the observables
        double[] row = new double[layout.width()];
        row[layout.column(1, 4)] = 7;
        layout.setPosition(row, "middle");
        float[] channels = layout.asChannels(row);
        for (int c = 0; c < 21; c++) {
            assertEquals(0, channels[c]);
            assertEquals(1, channels[21 + c]);
            assertEquals(0, channels[2 * 21 + c]);
        }
        assertEquals(7, channels[4 * 21 + 4]);
        // a fit gives one probability row per example, rows summing to one, and four parameter
        // arrays
        double[][] x = new double[30][layout.width()];
        int[] y = new int[30];
        Random r = new Random(1);
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < layout.trajectoryWidth(); j++) {
                x[i][j] = r.nextGaussian();
            }
            layout.setPosition(x[i], FeatureLayout.POSITIONS.get(i % 3));
            y[i] = i % 3;
        }
        flat.fit(x, y, 3);
        assertEquals(4, flat.parameters().length);
        double[][] p = flat.predictProba(x);
        assertEquals(30, p.length);
        for (double[] one : p) {
            assertEquals(3, one.length);
            assertEquals(1, one[0] + one[1] + one[2], 1e-5);
        }
    }

    @Test
    void theGridsAreTheReferences() {
        FeatureLayout layout =
                new FeatureLayout(
                        java.util.stream.IntStream.range(0, 24).mapToObj(i -> "o" + i).toList(),
                        21);
        List<String> conv =
                Grids.of("conv1d", false, 0, layout, 1000).stream()
                        .map(ModelSelection.Candidate::label)
                        .toList();
        assertEquals(
                5 * 3 * 2 * 3 * 2 * 2 * 2,
                conv.size()); // kernels x strides x filters x pooling x batch x lr x wd
        assertTrue(
                conv.contains(
                        "kernel=11,stride=4,filters=40,pooling=avg,batch=1024,lr=1.0E-4,weight_decay=0.0"));
        List<String> svm =
                Grids.of("svm", false, 0, layout, 1000).stream()
                        .map(ModelSelection.Candidate::label)
                        .toList();
        // 7 C values without PCA, and with each of 10 ... 500 components (600 exceeds the 504
        // features)
        assertEquals(7 + 10 * 7, svm.size());
        assertTrue(svm.contains("pca=none,C=5000000.0") && svm.contains("pca=500,C=1.0"));
        assertTrue(!svm.contains("pca=600,C=1.0"));
        // 100 training rows: a cross-validation fold trains on 80, so at most 80 components
        assertEquals(7 + 5 * 7, Grids.of("svm", false, 0, layout, 100).size());
        assertEquals(15, Grids.of("rf", false, 0, layout, 100).size());
    }

    @Test
    void pcaFindsTheEigenvectorsOfTheTrainingCovariance() {
        Random r = new Random(3);
        int n = 200;
        int d = 12;
        double[][] x = new double[n][d + 3];
        for (double[] row : x) {
            double latent = r.nextGaussian() * 5;
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian() + (j < 4 ? latent : 0) + j;
            }
            row[d + 1] = 1; // a position column: not reduced
        }
        Pca pca = Pca.fit(x, d);
        // covariance computed independently
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1);
                }
            }
        }
        double[] variances = pca.variances();
        for (int k = 0; k < d; k++) {
            double[] v = pca.component(k);
            for (int a = 0; a < d; a++) {
                double cv = 0;
                for (int b = 0; b < d; b++) {
                    cv += cov[a][b] * v[b];
                }
                assertEquals(variances[k] * v[a], cv, 1e-9, "C v = lambda v, component " + k);
            }
            for (int m = 0; m < d; m++) {
                double dot = 0;
                double[] u = pca.component(m);
                for (int a = 0; a < d; a++) {
                    dot += v[a] * u[a];
                }
                assertEquals(k == m ? 1 : 0, dot, 1e-9);
            }
            if (k > 0) {
                assertTrue(variances[k] <= variances[k - 1]);
            }
        }
        assertTrue(variances[0] > 4 * 25 * 0.8, "the shared latent dominates: " + variances[0]);
        double[][] z = pca.transform(x, 3, d);
        assertEquals(3 + 3, z[0].length); // 3 scores, then the 3 position columns unchanged
        assertEquals(1, z[7][3 + 1]);
    }

    /**
     * 5 observables x 10 checkpoints + 3 positions; rule r lifts observable r's whole trajectory by
     * 1.5.
     */
    static Table plantedBlocks(boolean shuffle, long seed) {
        Table t = planted(shuffle, seed);
        int[] truth = planted(false, seed).y();
        Random r = new Random(seed + 2);
        double[][] x = new double[t.x().length][53];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < 5; o++) {
                double level = r.nextGaussian() * 0.3 + (o == truth[i] ? 1.5 : 0);
                for (int c = 0; c < 10; c++) {
                    x[i][o * 10 + c] = level + r.nextGaussian() * 0.5;
                }
            }
            x[i][50 + i % 3] = 1;
        }
        return new Table(x, t.y(), t.groups());
    }

    @Test
    void pcaSvmFindsAPlantedSignatureAndNothingInShuffledLabels() {
        for (int components : new int[] {0, 10, 40}) {
            double acc =
                    heldOutAccuracy(
                            plantedBlocks(false, 5),
                            new PcaSvm(FIVE_BY_TEN, components, 1, 5, null));
            assertTrue(acc > 0.9, components + " components, planted: " + acc);
            double chance =
                    heldOutAccuracy(
                            plantedBlocks(true, 5),
                            new PcaSvm(FIVE_BY_TEN, components, 1, 5, null));
            assertTrue(
                    Math.abs(chance - 0.25) < 0.15,
                    components + " components, shuffled: " + chance);
        }
        PcaSvm reduced = new PcaSvm(FIVE_BY_TEN, 10, 1, 5, null);
        Table t = plantedBlocks(false, 5);
        reduced.fit(t.x(), t.y(), 4);
        assertEquals(10, reduced.componentsUsed());
        assertEquals(10 + 3 + 1, reduced.svm().weights()[0].length); // scores, positions, bias
    }

    @Test
    void theSvmConvergesAtLargeC() {
        Table t = planted(false, 9);
        for (double c : new double[] {1, 5e3, 5e6}) {
            LinearSvm svm = new LinearSvm(c, 1);
            svm.fit(t.x(), t.y(), 4);
            for (double gap : svm.dualityGaps()) {
                assertTrue(gap >= -1e-9 && gap < 1e-2, "C " + c + ": relative duality gap " + gap);
            }
        }
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

    static void assertWholeClusters(int[] a, int[] b, String[] clusters) {
        Set<String> left = new HashSet<>();
        for (int i : a) {
            left.add(clusters[i]);
        }
        for (int i : b) {
            assertTrue(!left.contains(clusters[i]), clusters[i] + " on both sides");
        }
    }

    @Test
    void groupedSplitsNeverSeparateTheLayersOfOneNetworkAndBalanceClasses() {
        Table t = planted(false, 3);
        for (Splits.Split s : Splits.byCluster(10, 0.75, t.groups(), t.y(), 5)) {
            assertWholeClusters(s.train(), s.test(), t.groups());
            assertEquals(4 * 30 * 3, s.train().length + s.test().length);
            for (int c = 0; c < 4; c++) {
                final int cls = c;
                long n = java.util.Arrays.stream(s.train()).filter(i -> t.y()[i] == cls).count();
                assertEquals(0.75 * 90, n, 3, "class " + c); // 22 or 23 of its 30 networks
            }
        }
    }

    @Test
    void rowSplitsHaveExactlyEqualCountsPerClass() {
        int[] y = new int[100];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 40 ? 0 : i < 70 ? 1 : 2; // 40, 30 and 30 rows
        }
        for (Splits.Split s : Splits.byRows(3, 0.75, y, 1)) {
            for (int c = 0; c < 3; c++) {
                final int cls = c;
                assertEquals(
                        23,
                        java.util.Arrays.stream(s.train())
                                .filter(i -> y[i] == cls)
                                .count()); // round(22.5)
                assertEquals(7, java.util.Arrays.stream(s.test()).filter(i -> y[i] == cls).count());
            }
            Set<Integer> train = new HashSet<>();
            java.util.Arrays.stream(s.train()).forEach(train::add);
            java.util.Arrays.stream(s.test()).forEach(i -> assertTrue(!train.contains(i)));
        }
    }

    /** 4 rules; twin sets (one seed) hold one network of some of the rules: an incomplete grid. */
    static String[] incompleteTwins(int[] y, Random r) {
        String[] twins = new String[y.length];
        int i = 0;
        for (int seed = 0; i < y.length; seed++) {
            for (int rule = 0; rule < 4 && i < y.length; rule++) {
                if (rule == 0 || r.nextDouble() < 0.6) {
                    for (int layer = 0; layer < 3 && i < y.length; layer++, i++) {
                        y[i] = rule;
                        twins[i] = "seed" + seed;
                    }
                }
            }
        }
        return twins;
    }

    @Test
    void twinSplitsKeepTwinSetsTogetherAndStayBalancedOnAnIncompleteGrid() {
        int[] y = new int[600];
        String[] twins = incompleteTwins(y, new Random(4));
        for (Splits.Split s : Splits.byCluster(10, 0.75, twins, y, 2)) {
            assertWholeClusters(s.train(), s.test(), twins);
            for (int c = 0; c < 4; c++) {
                final int cls = c;
                long total = java.util.Arrays.stream(y).filter(v -> v == cls).count();
                long train = java.util.Arrays.stream(s.train()).filter(i -> y[i] == cls).count();
                assertEquals(
                        0.75,
                        (double) train / total,
                        0.05,
                        "class " + c + ": " + train + " of " + total);
            }
        }
    }

    @Test
    void innerFoldsNeverPutTwoMembersOfATwinSetOnBothSides() {
        int[] y = new int[300];
        String[] twins = incompleteTwins(y, new Random(6));
        List<int[]> folds = Splits.folds(y, twins, 5, 1);
        assertEquals(5, folds.size());
        for (int a = 0; a < folds.size(); a++) {
            for (int b = 0; b < folds.size(); b++) {
                if (a != b) {
                    assertWholeClusters(folds.get(a), folds.get(b), twins);
                }
            }
        }
        // and through model selection: every candidate's training rows and scored rows share no
        // twin set.
        // Column 0 holds the twin set's number, which z-scoring within the fold maps one to one.
        double[][] x = new double[y.length][2];
        for (int i = 0; i < y.length; i++) {
            x[i][0] = Integer.parseInt(twins[i].substring(4));
            x[i][1] = y[i];
        }
        List<Set<Double>> fitted = new java.util.ArrayList<>();
        List<ModelSelection.Candidate> grid =
                List.of(
                        new ModelSelection.Candidate(
                                "spy",
                                () ->
                                        new Classifier() {
                                            Set<Double> seen;

                                            public void fit(double[][] xs, int[] ys, int classes) {
                                                seen = new HashSet<>();
                                                for (double[] row : xs) {
                                                    seen.add(row[0]);
                                                }
                                                fitted.add(seen);
                                            }

                                            public double[][] predictProba(double[][] xs) {
                                                for (double[] row : xs) {
                                                    assertTrue(
                                                            !seen.contains(row[0]),
                                                            "a twin set on both sides of a fold");
                                                }
                                                return new double[xs.length][4];
                                            }

                                            public String describe() {
                                                return "spy";
                                            }
                                        }),
                        new ModelSelection.Candidate(
                                "other",
                                () -> new RandomForest(5, RandomForest.MaxFeatures.ALL, 1)));
        ModelSelection.select(grid, x, y, twins, 4, 5, 3);
        assertEquals(5, fitted.size());
    }

    @Test
    void crossValidationPicksTheBetterCandidate() {
        Table t = planted(false, 6);
        // a classifier that always says class 0 cannot beat a forest on this table
        List<ModelSelection.Candidate> grid =
                List.of(
                        new ModelSelection.Candidate(
                                "useless",
                                () ->
                                        new Classifier() {
                                            public void fit(double[][] x, int[] y, int classes) {}

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
                        new ModelSelection.Candidate(
                                "forest",
                                () -> new RandomForest(30, RandomForest.MaxFeatures.SQRT, 1)));
        ModelSelection.Choice choice =
                ModelSelection.select(grid, t.x(), t.y(), t.groups(), 4, 5, 1);
        assertEquals("forest", choice.best().label());
        assertEquals(0.25, choice.cvAccuracy()[0], 0.03);
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
        assertEquals((0.8 + 0.8 + 1.0) / 3, Metrics.meanRecall(m), 1e-12);
        // the reference's balanced accuracy: per class (sensitivity + specificity) / 2, averaged
        // class 0: 8/10 and 19/20; class 1: 8/10 and 18/20; class 2: 10/10 and 19/20
        assertEquals(
                ((0.8 + 0.95) / 2 + (0.8 + 0.9) / 2 + (1 + 0.95) / 2) / 3,
                Metrics.balancedAccuracy(m),
                1e-12);
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
