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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

class TaskSessionTest {

    @TempDir
    Path dir;

    private static float[] firstBatch(Task task, long seed) {
        try (NDManager m = NDManager.newBaseManager(); TaskSession s = task.open(m, seed); NDManager step = m.newSubManager()) {
            return s.trainBatch(step, 16).inputs().toFloatArray();
        }
    }

    private static float[] probe(Task task, long seed) {
        try (NDManager m = NDManager.newBaseManager(); TaskSession s = task.open(m, seed)) {
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
                double fd = (SoftmaxCrossEntropy.of(m.create(p, new Shape(4, 5)), labels).loss()
                        - SoftmaxCrossEntropy.of(m.create(q, new Shape(4, 5)), labels).loss()) / (2 * h);
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
            double fd = (NtXent.lossAndGradient(p, rows, dim, 0.5, scratch)
                    - NtXent.lossAndGradient(q, rows, dim, 0.5, scratch)) / (2 * h);
            assertEquals(fd, grad[i], 2e-3, "element " + i);
        }
    }

    @Test
    void contrastiveBatchesHoldTwoViewsOfEachImage() throws IOException {
        Path d = IdxReaderTest.fashionDir(Files.createDirectories(dir.resolve("f")), 200, 300);
        Task task = Tasks.create("contrastive", TaskOptions.DEFAULTS.withDataDir(d));
        assertEquals(64, task.outputSize());
        try (NDManager m = NDManager.newBaseManager(); TaskSession s = task.open(m, 1); NDManager step = m.newSubManager()) {
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
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin", "test_batch.bin"}) {
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
    void unknownTaskNamesTheKnownOnes() {
        LridException e = assertThrows(LridException.class, () -> Tasks.create("imagenet", TaskOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("fashion-mnist, cifar10, gaussian-mixture, contrastive"));
    }
}
