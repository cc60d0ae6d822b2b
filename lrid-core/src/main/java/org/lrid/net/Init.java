package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Weight initialisation in Java from an explicit seed, so that the same seed gives the same network
 * on any engine or thread count.
 */
public final class Init {

    private Init() {}

    /**
     * He-uniform for ReLU layers, LeCun-uniform otherwise: U(-L, L), L = sqrt(gain * 3 / fanIn).
     */
    public static float limit(long fanIn, Activation activation) {
        return limit(fanIn, activation, 1.0);
    }

    /**
     * {@link #limit(long, Activation)} times {@code scale} (an architecture's {@code init_scale}):
     * the weights' standard deviation is {@code scale * sqrt(gain / fanIn)}. PyTorch's default
     * U(+-1/sqrt(fanIn)) is scale 1/sqrt(6) = 0.41 of the ReLU limit, 1/sqrt(3) = 0.58 of the LeCun
     * one.
     */
    public static float limit(long fanIn, Activation activation, double scale) {
        double gain = activation == Activation.RELU ? 2.0 : 1.0;
        return (float) (scale * Math.sqrt(gain * 3.0 / fanIn));
    }

    /** Most elements of one weight tensor (1 GiB of floats). */
    public static final long MAX_TENSOR = 1L << 28;

    public static NDArray uniform(NDManager manager, Shape shape, float limit, long seed) {
        if (shape.size() > MAX_TENSOR) {
            throw new org.lrid.LridException(
                    "a weight tensor of shape "
                            + shape
                            + " has "
                            + shape.size()
                            + " elements, more than the limit of "
                            + MAX_TENSOR
                            + "; use a smaller --width or --depth");
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2.0 * random.nextDouble() - 1.0) * limit);
        }
        return manager.create(values, shape);
    }

    /**
     * A seed for component {@code k} of something seeded with {@code seed}, decorrelated from both.
     */
    public static long derive(long seed, long k) {
        long z = seed * 0x9E3779B97F4A7C15L + k * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
