package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

class TaskSessionTest {

    @TempDir Path dir;

    private static float[] firstBatch(Task task, long seed) {
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, seed);
                NDManager step = m.newSubManager()) {
            return s.trainBatch(step, 16).inputs().toFloatArray();
        }
    }

    private static float[] probe(Task task, long seed) {
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, seed)) {
            return s.probeInputs().toFloatArray();
        }
    }

    @Test
    void batchesFollowTheDataSeedAndTheProbeSetDoesNot() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(2000, 500));
        assertArrayEquals(firstBatch(task, 1), firstBatch(task, 1));
        assertFalse(Arrays.equals(firstBatch(task, 1), firstBatch(task, 2)));
        assertArrayEquals(probe(task, 1), probe(task, 2));
        assertEquals(256 * 32, probe(task, 1).length);
    }

    @Test
    void crossEntropyGradientMatchesCentralDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            SplittableRandom r = new SplittableRandom(3);
            float[] logits = new float[4 * 5];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (r.nextDouble() * 4 - 2);
            }
            int[] labels = {0, 3, 4, 1};
            NDArray x = m.create(logits, new Shape(4, 5));
            float[] grad = SoftmaxCrossEntropy.of(x, labels).gradient().toFloatArray();
            for (int i = 0; i < logits.length; i++) {
                double h = 1e-2;
                float[] p = logits.clone();
                float[] q = logits.clone();
                p[i] += h;
                q[i] -= h;
                double fd =
                        (SoftmaxCrossEntropy.of(m.create(p, new Shape(4, 5)), labels).loss()
                                        - SoftmaxCrossEntropy.of(
                                                        m.create(q, new Shape(4, 5)), labels)
                                                .loss())
                                / (2 * h);
                assertEquals(fd, grad[i], 1e-3, "element " + i);
            }
        }
    }

    @Test
    void ntXentGradientMatchesCentralDifferences() {
        SplittableRandom r = new SplittableRandom(5);
        int rows = 6;
        int dim = 4;
        float[] u = new float[rows * dim];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] grad = new float[u.length];
        double loss = NtXent.lossAndGradient(u, rows, dim, 0.5, grad);
        assertTrue(loss > 0);
        float[] scratch = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            float h = 1e-3f;
            float[] p = u.clone();
            float[] q = u.clone();
            p[i] += h;
            q[i] -= h;
            double fd =
                    (NtXent.lossAndGradient(p, rows, dim, 0.5, scratch)
                                    - NtXent.lossAndGradient(q, rows, dim, 0.5, scratch))
                            / (2 * h);
            assertEquals(fd, grad[i], 2e-3, "element " + i);
        }
    }

    /**
     * The similarities, computed once per pair and four pairs at a time, are the one-pair-at-a-time
     * dot products z_i . z_j (in that orientation, summed in order) bit for bit, for every ordered
     * pair: so NT-Xent's loss and gradient are the previous loop's.
     */
    @Test
    void ntXentSimilaritiesAreThePlainDotProductsBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int rows : new int[] {2, 5, 75, 256}) {
            double[][] z = new double[rows][64];
            for (double[] row : z) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = r.nextDouble() * 2 - 1;
                }
            }
            double[][] s = NtXent.similarities(z);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    if (i == j) {
                        continue;
                    }
                    double plain = 0;
                    for (int k = 0; k < 64; k++) {
                        plain += z[i][k] * z[j][k];
                    }
                    assertEquals(
                            Double.doubleToRawLongBits(plain),
                            Double.doubleToRawLongBits(s[i][j]),
                            rows + " rows, pair " + i + ", " + j);
                }
            }
        }
    }

    @Test
    void contrastiveBatchesHoldTwoViewsOfEachImage() throws IOException {
        Path d = IdxReaderTest.fashionDir(Files.createDirectories(dir.resolve("f")), 200, 300);
        Task task = Tasks.create("contrastive", TaskOptions.DEFAULTS.withDataDir(d));
        assertEquals(64, task.outputSize());
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, 8);
            assertEquals(new Shape(16, 1, 28, 28), b.inputs().getShape());
            NDArray emb = m.randomNormal(new Shape(16, 64));
            LossAndGradient lg = s.loss(emb, b);
            assertTrue(Float.isFinite(lg.loss()));
            assertEquals(new Shape(16, 64), lg.gradient().getShape());
        }
    }

    @Test
    void cifar10ReadsBinaryBatchesAndRefusesABadSize() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar"));
        for (String f :
                new String[] {
                    "data_batch_1.bin",
                    "data_batch_2.bin",
                    "data_batch_3.bin",
                    "data_batch_4.bin",
                    "data_batch_5.bin",
                    "test_batch.bin"
                }) {
            byte[] records = new byte[2 * 3073];
            records[0] = 7;
            records[3073] = 2;
            records[1] = (byte) 255;
            Files.write(d.resolve(f), records);
        }
        ExampleSet train = Datasets.cifar10(d, false);
        assertEquals(10, train.count());
        assertEquals(7, train.labels()[0]);
        assertEquals(2, train.labels()[1]);
        assertEquals((1f - 0.4914f) / 0.2470f, train.features()[0], 1e-5);
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.write(bad.resolve("test_batch.bin"), new byte[3000]);
        LridException e = assertThrows(LridException.class, () -> Datasets.cifar10(bad, true));
        assertTrue(e.getMessage().contains("3073-byte records"), e.getMessage());
    }

    @Test
    void batchesAreGatheredRowsWithTheirLabelsAndNoExampleRepeatsWithinAnEpoch() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(100, 50));
        ExampleSet train = Datasets.gaussianMixture(0, false);
        java.util.Map<Float, Integer> rowOf = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) {
            rowOf.put(train.features()[i * 32], i);
        }
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 4)) {
            java.util.Set<Integer> epoch = new java.util.HashSet<>();
            for (int b = 0; b < 4; b++) {
                try (NDManager step = m.newSubManager()) {
                    Batch batch = s.trainBatch(step, 30);
                    assertEquals(new Shape(30, 32), batch.inputs().getShape());
                    float[] x = batch.inputs().toFloatArray();
                    int[] y = batch.labels().toIntArray();
                    java.util.Set<Integer> inBatch = new java.util.HashSet<>();
                    for (int i = 0; i < 30; i++) {
                        Integer row = rowOf.get(x[i * 32]);
                        assertTrue(
                                row != null,
                                "batch row " + i + " is not among the first 100 examples");
                        assertArrayEquals(
                                train.range(row, 1), Arrays.copyOfRange(x, i * 32, i * 32 + 32));
                        assertEquals(train.labels()[row], y[i]);
                        inBatch.add(row);
                    }
                    assertEquals(30, inBatch.size());
                    if (b < 3) {
                        epoch.addAll(inBatch);
                    }
                }
            }
            // three batches of 30 fit in an epoch of 100; the fourth starts a new permutation
            assertEquals(90, epoch.size());
            try (NDManager step = m.newSubManager()) {
                assertThrows(LridException.class, () -> s.trainBatch(step, 101));
            }
        }
    }

    @Test
    void lossAcceptsInt32AndInt64LabelsAndRefusesForeignOnes() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(200, 50));
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, 8);
            NDArray out = step.randomNormal(new Shape(8, 10));
            LossAndGradient own = s.loss(out, b);
            int[] y = b.labels().toIntArray();
            long[] wide = new long[8];
            for (int i = 0; i < 8; i++) {
                wide[i] = y[i];
            }
            LossAndGradient other = s.loss(out, new Batch(b.inputs(), step.create(wide)));
            assertEquals(own.loss(), other.loss(), 1e-6);
            assertArrayEquals(
                    own.gradient().toFloatArray(), other.gradient().toFloatArray(), 1e-7f);
            // the reference: mean of -log softmax at the label
            float[] o = out.toFloatArray();
            double ref = 0;
            for (int i = 0; i < 8; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 10; k++) {
                    max = Math.max(max, o[i * 10 + k]);
                }
                double z = 0;
                for (int k = 0; k < 10; k++) {
                    z += Math.exp(o[i * 10 + k] - max);
                }
                ref += max + Math.log(z) - o[i * 10 + y[i]];
            }
            assertEquals(ref / 8, own.loss(), 1e-5);
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            SoftmaxCrossEntropy.of(
                                    step.randomNormal(new Shape(2, 3)), new int[] {0, 3}));
        }
    }

    @Test
    void heldOutAccuracyCoversTheWholeLimitedTestSetInChunks() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(500, 2500));
        int[] labels = Datasets.gaussianMixture(0, true).labels();
        int zeros = 0;
        for (int i = 0; i < 2500; i++) {
            zeros += labels[i] == 0 ? 1 : 0;
        }
        int[] seen = new int[1];
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1)) {
            // always predicts class 0
            double acc =
                    s.heldOutAccuracy(
                            x -> {
                                seen[0] += (int) x.getShape().get(0);
                                assertTrue(x.getShape().get(0) <= 1000);
                                return x.get(":, 0:10")
                                        .zerosLike()
                                        .add(
                                                x.getManager()
                                                        .create(
                                                                new float[] {
                                                                    1, 0, 0, 0, 0, 0, 0, 0, 0, 0
                                                                }));
                            });
            assertEquals(2500, seen[0]);
            assertEquals(zeros / 2500.0, acc, 1e-12);
        }
    }

    @Test
    void gaussianMixtureIsFixedByItsSeed() {
        ExampleSet a = Datasets.gaussianMixture(3, 10, 8, 0.6, 100, false);
        assertArrayEquals(
                a.features(), Datasets.gaussianMixture(3, 10, 8, 0.6, 100, false).features());
        assertFalse(
                Arrays.equals(
                        a.features(),
                        Datasets.gaussianMixture(4, 10, 8, 0.6, 100, false).features()));
        Task task =
                Tasks.create(
                        "gaussian-mixture", TaskOptions.DEFAULTS.withSeed(9).withLimits(1000, 300));
        assertArrayEquals(new long[] {32}, task.inputShape());
        assertEquals(10, task.outputSize());
        assertEquals(20_000, Datasets.gaussianMixture(9, false).count());
        assertEquals(5_000, Datasets.gaussianMixture(9, true).count());
    }

    @Test
    void cifar10RefusesMissingDirectoriesFilesAndLabelsAndStandardisesPerChannel()
            throws IOException {
        LridException e =
                assertThrows(
                        LridException.class,
                        () ->
                                Tasks.create(
                                        "cifar10",
                                        TaskOptions.DEFAULTS.withDataDir(dir.resolve("absent"))));
        assertTrue(e.getMessage().contains(dir.resolve("absent").toString()), e.getMessage());
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> Tasks.create("cifar10", TaskOptions.DEFAULTS))
                        .getMessage()
                        .contains("--data-dir"));
        Path d = Files.createDirectories(dir.resolve("c"));
        byte[] record = new byte[3073];
        record[0] = 4;
        record[1 + 1024 + 5] = (byte) 200; // green plane, pixel (0, 5)
        record[1 + 2048 + 32] = (byte) 10; // blue plane, pixel (1, 0)
        Files.write(d.resolve("test_batch.bin"), record);
        ExampleSet test = Datasets.cifar10(d, true);
        assertEquals(1, test.count());
        assertEquals(4, test.labels()[0]);
        assertEquals((200 / 255f - 0.4822f) / 0.2435f, test.features()[1024 + 5], 1e-5);
        assertEquals((10 / 255f - 0.4465f) / 0.2616f, test.features()[2048 + 32], 1e-5);
        assertEquals((0 - 0.4914f) / 0.2470f, test.features()[7], 1e-5);
        LridException missing = assertThrows(LridException.class, () -> Datasets.cifar10(d, false));
        assertTrue(missing.getMessage().contains("data_batch_1.bin"), missing.getMessage());
        Path badLabel = Files.createDirectories(dir.resolve("l"));
        record[0] = 10;
        Files.write(badLabel.resolve("test_batch.bin"), record);
        assertTrue(
                assertThrows(LridException.class, () -> Datasets.cifar10(badLabel, true))
                        .getMessage()
                        .contains("label 10"));
    }

    @Test
    void fashionMnistBatchesFollowTheSeedAndTheProbeIsTheFirstTestImages() throws IOException {
        Path d = IdxReaderTest.fashionDir(Files.createDirectories(dir.resolve("fm")), 120, 300);
        Task task = Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withDataDir(d));
        assertEquals(10, task.outputSize());
        assertArrayEquals(firstBatch(task, 5), firstBatch(task, 5));
        assertFalse(Arrays.equals(firstBatch(task, 5), firstBatch(task, 6)));
        float[] probe = probe(task, 5);
        assertArrayEquals(probe, probe(task, 6));
        ExampleSet test = Datasets.fashionMnist(d, true);
        assertArrayEquals(test.range(0, 256), probe);
        // pixel byte (i * 37) & 0xff at flat index i, standardised
        assertEquals(((37 & 0xff) / 255f - 0.2860f) / 0.3530f, test.features()[1], 1e-6);
        assertEquals(-0.2860f / 0.3530f, Datasets.FASHION_BLACK, 1e-7);
        Task contrastive = Tasks.create("contrastive", TaskOptions.DEFAULTS.withDataDir(d));
        assertArrayEquals(probe, probe(contrastive, 7));
        Task limited =
                Tasks.create(
                        "fashion-mnist", TaskOptions.DEFAULTS.withDataDir(d).withLimits(60, 100));
        assertEquals(100 * 784, probe(limited, 1).length);
    }

    @Test
    void contrastiveOptionsAreChecked() throws IOException {
        Path d = IdxReaderTest.fashionDir(Files.createDirectories(dir.resolve("o")), 20, 20);
        TaskOptions o = TaskOptions.DEFAULTS.withDataDir(d);
        assertEquals(16, Tasks.create("contrastive", o.withEmbedding(16)).outputSize());
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> Tasks.create("contrastive", o.withEmbedding(0)))
                        .getMessage()
                        .contains("embedding"));
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> Tasks.create("contrastive", o.withTemperature(0)))
                        .getMessage()
                        .contains("temperature"));
    }

    @Test
    void unknownTaskNamesTheKnownOnes() {
        LridException e =
                assertThrows(
                        LridException.class, () -> Tasks.create("imagenet", TaskOptions.DEFAULTS));
        assertEquals(
                "unknown task 'imagenet'; known tasks: fashion-mnist, cifar10, gaussian-mixture, contrastive,"
                        + " seq-fashion-mnist, pattern, reach",
                e.getMessage());
        assertEquals(
                List.of(
                        "fashion-mnist",
                        "cifar10",
                        "gaussian-mixture",
                        "contrastive",
                        "seq-fashion-mnist",
                        "pattern",
                        "reach"),
                Tasks.names());
    }
}
