package org.lrid.task;

import org.lrid.LridException;

/**
 * Labelled examples held in Java memory, standardised, row-major: example i occupies
 * {@code features[i * size, (i + 1) * size)}. Shared read-only between parallel runs.
 */
public record ExampleSet(float[] features, int[] labels, long[] exampleShape) {

    public ExampleSet {
        long size = 1;
        for (long d : exampleShape) {
            size *= d;
        }
        if (features.length != size * labels.length) {
            throw new IllegalArgumentException("features do not match labels x example size");
        }
    }

    public int count() {
        return labels.length;
    }

    public int exampleSize() {
        return features.length / Math.max(1, labels.length);
    }

    /** The first {@code n} examples (all of them when n is null or larger). */
    public ExampleSet limit(Integer n) {
        if (n == null || n >= count()) {
            return this;
        }
        if (n < 1) {
            throw new LridException("an example limit must be at least 1, got " + n);
        }
        float[] f = java.util.Arrays.copyOf(features, n * exampleSize());
        return new ExampleSet(f, java.util.Arrays.copyOf(labels, n), exampleShape);
    }

    public float[] range(int from, int count) {
        int size = exampleSize();
        return java.util.Arrays.copyOfRange(features, from * size, (from + count) * size);
    }
}
