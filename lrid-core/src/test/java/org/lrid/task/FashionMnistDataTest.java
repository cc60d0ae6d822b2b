package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The installed Fashion-MNIST (skipped when the dataset-fashion-mnist package is absent). */
class FashionMnistDataTest {

    @BeforeAll
    static void requireData() {
        Assumptions.assumeTrue(
                Files.isRegularFile(
                        Datasets.FASHION_MNIST_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void loadsOnceStandardisedWithTheKnownLabels() {
        ExampleSet train = Datasets.fashionMnist(null, false);
        ExampleSet test = Datasets.fashionMnist(null, true);
        assertSame(train, Datasets.fashionMnist(Datasets.FASHION_MNIST_DIR, false));
        assertEquals(60_000, train.count());
        assertEquals(10_000, test.count());
        assertArrayEquals(new long[] {1, 28, 28}, train.exampleShape());
        assertArrayEquals(
                new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5},
                java.util.Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(
                new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7},
                java.util.Arrays.copyOf(test.labels(), 10));
        double s = 0;
        double s2 = 0;
        for (float v : train.features()) {
            s += v;
            s2 += (double) v * v;
        }
        double mean = s / train.features().length;
        assertEquals(0, mean, 0.01);
        assertEquals(1, Math.sqrt(s2 / train.features().length - mean * mean), 0.01);
    }

    @Test
    void limitedTasksTrainAndEvaluate() {
        TaskOptions limits = TaskOptions.DEFAULTS.withLimits(6000, 1000);
        Task task = Tasks.create("fashion-mnist", limits);
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 0)) {
            try (NDManager step = m.newSubManager()) {
                Batch b = s.trainBatch(step, 128);
                assertEquals(new Shape(128, 1, 28, 28), b.inputs().getShape());
                assertEquals(new Shape(128), b.labels().getShape());
            }
            assertEquals(new Shape(256, 1, 28, 28), s.probeInputs().getShape());
            // every input classified as class 0: the share of T-shirts among the first 1000 test
            // images
            double acc =
                    s.heldOutAccuracy(
                            x ->
                                    x.getManager()
                                            .zeros(new Shape(x.getShape().get(0), 10))
                                            .add(
                                                    x.getManager()
                                                            .create(
                                                                    new float[] {
                                                                        1, 0, 0, 0, 0, 0, 0, 0, 0, 0
                                                                    })));
            assertTrue(acc > 0.05 && acc < 0.15, "accuracy " + acc);
        }
        Task contrastive = Tasks.create("contrastive", limits);
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = contrastive.open(m, 0)) {
            NDArray projection = m.randomNormal(new Shape(784, 64));
            // nearest class mean on a random projection of the pixels is far above chance
            double acc =
                    s.heldOutAccuracy(x -> x.reshape(x.getShape().get(0), 784).dot(projection));
            assertTrue(acc > 0.5, "nearest-class-mean accuracy " + acc);
            try (NDManager step = m.newSubManager()) {
                assertEquals(
                        new Shape(256, 1, 28, 28), s.trainBatch(step, 128).inputs().getShape());
            }
        }
    }
}
