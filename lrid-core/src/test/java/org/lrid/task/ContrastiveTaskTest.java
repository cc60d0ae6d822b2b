package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContrastiveTaskTest {

    @TempDir Path dir;

    /**
     * Largest |noise| of the sum of four uniforms: 2 sqrt(3) standard deviations of NOISE = 0.1.
     */
    private static final float MAX_NOISE = 0.35f;

    @Test
    void eachViewIsAShiftedPossiblyFlippedNoisyCopyPaddedWithBlack() {
        SplittableRandom r = new SplittableRandom(2);
        long[] shape = {2, 9, 7};
        int size = 2 * 9 * 7;
        float[] src = new float[size];
        for (int i = 0; i < size; i++) {
            src[i] = (float) (r.nextDouble() * 20 - 10);
        }
        float[] view = new float[size];
        java.util.Set<String> transforms = new java.util.HashSet<>();
        for (int trial = 0; trial < 200; trial++) {
            ContrastiveTask.augment(src, 0, view, 0, shape, -42f, r);
            String match = null;
            for (int dy = -3; dy <= 3 && match == null; dy++) {
                for (int dx = -3; dx <= 3 && match == null; dx++) {
                    for (int f = 0; f < 2 && match == null; f++) {
                        if (matches(src, view, 2, 9, 7, dy, dx, f == 1, -42f)) {
                            match = dy + "," + dx + "," + f;
                        }
                    }
                }
            }
            assertTrue(match != null, "view " + trial + " is no shifted, flipped copy");
            transforms.add(match);
        }
        // 7 x 7 shifts x 2 flips = 98 transforms, most of which 200 draws should reach
        assertTrue(transforms.size() > 70, transforms.size() + " distinct transforms");
    }

    private static boolean matches(
            float[] src,
            float[] view,
            int ch,
            int h,
            int w,
            int dy,
            int dx,
            boolean flip,
            float background) {
        for (int c = 0; c < ch; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y - dy;
                    int sx = (flip ? w - 1 - x : x) - dx;
                    float expected =
                            sy >= 0 && sy < h && sx >= 0 && sx < w
                                    ? src[(c * h + sy) * w + sx]
                                    : background;
                    if (Math.abs(view[(c * h + y) * w + x] - expected) > MAX_NOISE) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void pixelNoiseIsCentredWithUnitVariance() {
        SplittableRandom r = new SplittableRandom(1);
        double s = 0;
        double s2 = 0;
        double s4 = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            double z = ContrastiveTask.noise(r);
            s += z;
            s2 += z * z;
            s4 += z * z * z * z;
        }
        assertEquals(0, s / n, 0.01);
        assertEquals(1, s2 / n, 0.01);
        // kurtosis of the sum of four uniforms is 3 - 0.3
        assertEquals(2.7, s4 / n, 0.05);
    }

    @Test
    void batchesHoldViewsOneThenViewsTwoAndFollowTheDataSeed() throws IOException {
        int count = 64;
        Path d = labelledFashionDir(dir.resolve("f"), count, 20, true);
        Task task = Tasks.create("contrastive", TaskOptions.DEFAULTS.withDataDir(d));
        float[] a = batch(task, 3, 16);
        assertArrayEquals(a, batch(task, 3, 16));
        assertFalse(Arrays.equals(a, batch(task, 4, 16)));
        // rows i and 16 + i are views of one training image, and the batch's 16 images are distinct
        float[] train = Datasets.fashionMnist(d, false).features();
        java.util.Set<Integer> sources = new java.util.HashSet<>();
        for (int i = 0; i < 16; i++) {
            int first = source(train, count, a, i);
            assertEquals(first, source(train, count, a, 16 + i), "views of row " + i);
            sources.add(first);
        }
        assertEquals(16, sources.size());
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, 8);
            assertEquals(new Shape(16, 1, 28, 28), b.inputs().getShape());
            assertNull(b.labels());
        }
    }

    /** The training image that batch row {@code row} is an augmented view of (-1 if none). */
    private static int source(float[] train, int count, float[] batch, int row) {
        float[] view = Arrays.copyOfRange(batch, row * 784, (row + 1) * 784);
        int found = -1;
        for (int k = 0; k < count; k++) {
            float[] image = Arrays.copyOfRange(train, k * 784, (k + 1) * 784);
            for (int t = 0; t < 98; t++) {
                if (matches(
                        image,
                        view,
                        1,
                        28,
                        28,
                        t / 14 - 3,
                        (t / 2) % 7 - 3,
                        t % 2 == 1,
                        Datasets.FASHION_BLACK)) {
                    assertEquals(-1, found, "row " + row + " matches two images");
                    found = k;
                    break;
                }
            }
        }
        assertTrue(found >= 0, "row " + row + " is no view of a training image");
        return found;
    }

    private static float[] batch(Task task, long seed, int n) {
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, seed);
                NDManager step = m.newSubManager()) {
            s.trainBatch(step, n);
            return s.trainBatch(step, n).inputs().toFloatArray();
        }
    }

    /**
     * NT-Xent written the plain way, in double: mean over anchors of -log softmax_{j != i}(cos / t)
     * at i's pair.
     */
    private static double referenceLoss(double[] u, int rows, int dim, double t) {
        double[][] z = new double[rows][dim];
        for (int i = 0; i < rows; i++) {
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                norm += u[i * dim + k] * u[i * dim + k];
            }
            for (int k = 0; k < dim; k++) {
                z[i][k] = u[i * dim + k] / Math.sqrt(norm);
            }
        }
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int pos = (i + rows / 2) % rows;
            double denominator = 0;
            double positive = 0;
            for (int j = 0; j < rows; j++) {
                double sim = 0;
                for (int k = 0; k < dim; k++) {
                    sim += z[i][k] * z[j][k];
                }
                if (j != i) {
                    denominator += Math.exp(sim / t);
                }
                if (j == pos) {
                    positive = sim / t;
                }
            }
            loss += Math.log(denominator) - positive;
        }
        return loss / rows;
    }

    @Test
    void sessionLossIsNtXentWithItsExactGradient() throws IOException {
        Path d = labelledFashionDir(dir.resolve("g"), 20, 20, false);
        double t = 0.2;
        Task task =
                Tasks.create(
                        "contrastive",
                        TaskOptions.DEFAULTS.withDataDir(d).withEmbedding(5).withTemperature(t));
        int rows = 8;
        int dim = 5;
        SplittableRandom r = new SplittableRandom(11);
        float[] u = new float[rows * dim];
        double[] ud = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (r.nextDouble() * 2 - 1);
            ud[i] = u[i];
        }
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, rows / 2);
            NDArray out = step.create(u, new Shape(rows, dim));
            LossAndGradient lg = s.loss(out, b);
            assertEquals(referenceLoss(ud, rows, dim, t), lg.loss(), 1e-5);
            float[] grad = lg.gradient().toFloatArray();
            for (int i = 0; i < u.length; i++) {
                double h = 1e-5;
                double[] p = ud.clone();
                double[] q = ud.clone();
                p[i] += h;
                q[i] -= h;
                double fd =
                        (referenceLoss(p, rows, dim, t) - referenceLoss(q, rows, dim, t)) / (2 * h);
                assertEquals(fd, grad[i], 1e-5 + 1e-4 * Math.abs(fd), "element " + i);
            }
        }
    }

    @Test
    void heldOutAccuracyIsThatOfNearestClassMeanOnTheEmbedding() throws IOException {
        Path d = labelledFashionDir(dir.resolve("h"), 300, 120, false);
        Task task =
                Tasks.create("contrastive", TaskOptions.DEFAULTS.withDataDir(d).withEmbedding(8));
        try (NDManager m = NDManager.newBaseManager();
                TaskSession s = task.open(m, 1)) {
            NDArray projection = m.randomNormal(new Shape(784, 8));
            // a fixed random projection keeps the images' class structure: every test image is
            // classified right
            double acc =
                    s.heldOutAccuracy(x -> x.reshape(x.getShape().get(0), 784).dot(projection));
            assertEquals(1.0, acc, 1e-12);
            // an embedding that ignores the input puts every image in one class
            double constant =
                    s.heldOutAccuracy(
                            x ->
                                    x.reshape(x.getShape().get(0), 784)
                                            .get(":, 0:8")
                                            .zerosLike()
                                            .add(1));
            assertEquals(0.1, constant, 1e-12);
        }
    }

    /**
     * A miniature Fashion-MNIST with labels i % 10: its images show their class (a bright band of
     * rows 4 + 2 * label and 5 + 2 * label on black, with a little pixel variation), or are random
     * bytes.
     */
    static Path labelledFashionDir(Path d, int n, int m, boolean random) throws IOException {
        Files.createDirectories(d);
        IdxReaderTest.gz(d.resolve("train-images-idx3-ubyte.gz"), labelledImages(n, 1, random));
        IdxReaderTest.gz(d.resolve("train-labels-idx1-ubyte.gz"), IdxReaderTest.labels(n));
        IdxReaderTest.gz(d.resolve("t10k-images-idx3-ubyte.gz"), labelledImages(m, 2, random));
        IdxReaderTest.gz(d.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.labels(m));
        return d;
    }

    private static byte[] labelledImages(int n, long seed, boolean random) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.IMAGES_MAGIC);
        out.writeInt(n);
        out.writeInt(28);
        out.writeInt(28);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 784; p++) {
                boolean band = (p / 28 - 4) / 2 == i % 10 && p / 28 >= 4;
                out.writeByte(random ? r.nextInt(256) : (band ? 200 : 0) + r.nextInt(8));
            }
        }
        return bytes.toByteArray();
    }
}
