package org.lrid.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.lrid.LridException;

/**
 * Loads the datasets into standardised {@link ExampleSet}s, once per JVM per source (parallel runs
 * share them read-only).
 */
public final class Datasets {

    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    // Fashion-MNIST training-set pixel mean and std on [0, 1]
    private static final float FASHION_MEAN = 0.2860f;
    private static final float FASHION_STD = 0.3530f;

    /**
     * The standardised value of a black Fashion-MNIST pixel (what shifted images are padded with).
     */
    static final float FASHION_BLACK = -FASHION_MEAN / FASHION_STD;

    private static final float[] CIFAR_MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] CIFAR_STD = {0.2470f, 0.2435f, 0.2616f};

    private static final Map<String, ExampleSet> CACHE = new ConcurrentHashMap<>();

    private Datasets() {}

    /**
     * Fashion-MNIST train ({@code test = false}) or test split from the standard gzip IDX files.
     */
    public static ExampleSet fashionMnist(Path dir, boolean test) {
        Path d = dir != null ? dir : FASHION_MNIST_DIR;
        String prefix = test ? "t10k" : "train";
        return CACHE.computeIfAbsent(
                "fashion:" + d.toAbsolutePath() + ":" + prefix,
                k -> {
                    IdxReader.Images images =
                            IdxReader.readImages(d.resolve(prefix + "-images-idx3-ubyte.gz"));
                    Path labelFile = d.resolve(prefix + "-labels-idx1-ubyte.gz");
                    byte[] labels = IdxReader.readLabels(labelFile);
                    if (labels.length != images.count()) {
                        throw new LridException(
                                "corrupt dataset in "
                                        + d
                                        + ": "
                                        + images.count()
                                        + " images but "
                                        + labels.length
                                        + " labels in "
                                        + labelFile.getFileName());
                    }
                    float[] f = new float[images.pixels().length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = ((images.pixels()[i] & 0xff) / 255f - FASHION_MEAN) / FASHION_STD;
                    }
                    return new ExampleSet(
                            f,
                            toLabels(labels, 10, labelFile),
                            new long[] {1, images.rows(), images.cols()});
                });
    }

    /**
     * CIFAR-10 from the binary batch files (data_batch_1..5.bin, test_batch.bin) in {@code dir}.
     */
    public static ExampleSet cifar10(Path dir, boolean test) {
        if (dir == null) {
            throw new LridException(
                    "cifar10 needs --data-dir: a directory with data_batch_1.bin ... test_batch.bin");
        }
        if (!Files.isDirectory(dir)) {
            throw new LridException(
                    "CIFAR-10 directory "
                            + dir
                            + " does not exist; pass --data-dir pointing at the"
                            + " extracted binary version (cifar-10-batches-bin with data_batch_1.bin ... test_batch.bin)");
        }
        return CACHE.computeIfAbsent(
                "cifar:" + dir.toAbsolutePath() + ":" + test,
                k -> {
                    String[] files =
                            test
                                    ? new String[] {"test_batch.bin"}
                                    : new String[] {
                                        "data_batch_1.bin",
                                        "data_batch_2.bin",
                                        "data_batch_3.bin",
                                        "data_batch_4.bin",
                                        "data_batch_5.bin"
                                    };
                    byte[][] contents = new byte[files.length][];
                    int n = 0;
                    for (int i = 0; i < files.length; i++) {
                        Path f = dir.resolve(files[i]);
                        if (!Files.isRegularFile(f)) {
                            throw new LridException(
                                    "missing CIFAR-10 file "
                                            + f
                                            + "; --data-dir must hold the binary version (data_batch_1.bin ... test_batch.bin)");
                        }
                        try {
                            contents[i] = Files.readAllBytes(f);
                        } catch (IOException e) {
                            throw new LridException("cannot read " + f + ": " + e.getMessage(), e);
                        }
                        if (contents[i].length == 0 || contents[i].length % 3073 != 0) {
                            throw new LridException(
                                    "corrupt CIFAR-10 file "
                                            + f
                                            + ": "
                                            + contents[i].length
                                            + " bytes is not a whole number of 3073-byte records");
                        }
                        n += contents[i].length / 3073;
                    }
                    float[] features = new float[n * 3072];
                    int[] labels = new int[n];
                    int r = 0;
                    for (int i = 0; i < files.length; i++) {
                        byte[] c = contents[i];
                        for (int off = 0; off < c.length; off += 3073, r++) {
                            labels[r] = c[off] & 0xff;
                            if (labels[r] > 9) {
                                throw new LridException(
                                        "corrupt CIFAR-10 file "
                                                + dir.resolve(files[i])
                                                + ": label "
                                                + labels[r]
                                                + " in record "
                                                + (off / 3073));
                            }
                            for (int p = 0; p < 3072; p++) {
                                int ch = p / 1024;
                                features[r * 3072 + p] =
                                        ((c[off + 1 + p] & 0xff) / 255f - CIFAR_MEAN[ch])
                                                / CIFAR_STD[ch];
                            }
                        }
                    }
                    return new ExampleSet(features, labels, new long[] {3, 32, 32});
                });
    }

    /** Default class count, dimension, mean separation and set sizes of the synthetic task. */
    public static final int MIXTURE_CLASSES = 10;

    public static final int MIXTURE_DIM = 32;
    public static final double MIXTURE_SEPARATION = 0.6;
    public static final int MIXTURE_TRAIN = 20_000;
    public static final int MIXTURE_TEST = 5_000;

    /**
     * The synthetic task's data: {@value #MIXTURE_CLASSES} classes in {@value #MIXTURE_DIM}
     * dimensions, separation {@value #MIXTURE_SEPARATION} (the Bayes-optimal accuracy is about
     * 0.92, so a network learns it well but not perfectly), 20,000 training and 5,000 held-out
     * examples, all fixed by {@code seed}.
     */
    public static ExampleSet gaussianMixture(long seed, boolean test) {
        return CACHE.computeIfAbsent(
                "gaussian:" + seed + ":" + test,
                k ->
                        gaussianMixture(
                                seed,
                                MIXTURE_CLASSES,
                                MIXTURE_DIM,
                                MIXTURE_SEPARATION,
                                test ? MIXTURE_TEST : MIXTURE_TRAIN,
                                test));
    }

    /**
     * A Gaussian mixture: {@code classes} means drawn N(0, separation^2 I) from {@code seed},
     * examples = mean + N(0, I) with uniformly drawn classes. The means depend only on the seed, so
     * the train ({@code test = false}) and held-out sets of one seed are two samples of the same
     * problem.
     */
    public static ExampleSet gaussianMixture(
            long seed, int classes, int dim, double separation, int count, boolean test) {
        SplittableRandom meanRandom = new SplittableRandom(seed);
        float[][] means = new float[classes][dim];
        for (float[] mean : means) {
            for (int j = 0; j < dim; j++) {
                mean[j] = (float) (org.lrid.Gaussian.next(meanRandom) * separation);
            }
        }
        SplittableRandom random = new SplittableRandom(seed ^ (test ? 0x7E57L : 0x7EA1L));
        float[] features = new float[count * dim];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(classes);
            labels[i] = c;
            for (int j = 0; j < dim; j++) {
                features[i * dim + j] = (float) (means[c][j] + org.lrid.Gaussian.next(random));
            }
        }
        return new ExampleSet(features, labels, new long[] {dim});
    }

    private static int[] toLabels(byte[] raw, int classes, Path file) {
        int[] labels = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            labels[i] = raw[i] & 0xff;
            if (labels[i] >= classes) {
                throw new LridException(
                        "corrupt label file " + file + ": label " + labels[i] + " at " + i);
            }
        }
        return labels;
    }
}
