package org.lrid.task;

import java.nio.file.Path;

/**
 * Settings of a task. Nulls mean the defaults.
 *
 * @param dataDir where the data files are (Fashion-MNIST default /usr/share/datasets/fashion-mnist)
 * @param trainLimit use only the first N training examples
 * @param testLimit use only the first N held-out examples (the probe set is their first 256)
 * @param seed the synthetic task's own seed (its class means)
 * @param embedding output width of the contrastive task
 * @param temperature NT-Xent temperature
 */
public record TaskOptions(
        Path dataDir,
        Integer trainLimit,
        Integer testLimit,
        long seed,
        int embedding,
        double temperature) {

    public static final TaskOptions DEFAULTS = new TaskOptions(null, null, null, 0, 64, 0.5);

    public TaskOptions withDataDir(Path dir) {
        return new TaskOptions(dir, trainLimit, testLimit, seed, embedding, temperature);
    }

    public TaskOptions withLimits(Integer train, Integer test) {
        return new TaskOptions(dataDir, train, test, seed, embedding, temperature);
    }

    public TaskOptions withSeed(long s) {
        return new TaskOptions(dataDir, trainLimit, testLimit, s, embedding, temperature);
    }

    public TaskOptions withEmbedding(int size) {
        return new TaskOptions(dataDir, trainLimit, testLimit, seed, size, temperature);
    }

    public TaskOptions withTemperature(double t) {
        return new TaskOptions(dataDir, trainLimit, testLimit, seed, embedding, t);
    }
}
