package org.lrid.task;

import org.lrid.LridException;

/**
 * Labelled examples held in Java memory, standardised, row-major: example i occupies {@code
 * features[i * size, (i + 1) * size)}. Only the first {@code count} examples belong to the set: a
 * limited set shares its parent's arrays, so that every subset of a dataset shares one native copy.
 * Read-only and shared between parallel runs.
 */
public record ExampleSet(float[] features, int[] labels, long[] exampleShape, int count) {

    public ExampleSet {
        long size = 1;
        for (long d : exampleShape) {
            size *= d;
        }
        if (count < 0 || count > labels.length || features.length != size * labels.length) {
            throw new IllegalArgumentException("features do not match labels x example size");
        }
    }

    public ExampleSet(float[] features, int[] labels, long[] exampleShape) {
        this(features, labels, exampleShape, labels.length);
    }

    public int exampleSize() {
        long size = 1;
        for (long d : exampleShape) {
            size *= d;
        }
        return Math.toIntExact(size);
    }

    /**
     * The first {@code n} examples (all of them when n is null or larger), sharing this set's
     * arrays.
     */
    public ExampleSet limit(Integer n) {
        if (n == null || n >= count) {
            return this;
        }
        if (n < 1) {
            throw new LridException("an example limit must be at least 1, got " + n);
        }
        return new ExampleSet(features, labels, exampleShape, n);
    }

    public float[] range(int from, int n) {
        int size = exampleSize();
        return java.util.Arrays.copyOfRange(features, from * size, (from + n) * size);
    }
}
