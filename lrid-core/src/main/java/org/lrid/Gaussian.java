package org.lrid;

import java.util.SplittableRandom;

/** Standard normal draws from a caller's seeded stream (Marsaglia's polar method). */
public final class Gaussian {

    private Gaussian() {}

    public static double next(SplittableRandom r) {
        double u;
        double v;
        double s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /**
     * Adds {@code scale} times a standard normal draw to each of {@code v[off, off + len)} (set
     * instead when {@code add} is false): the polar method keeping both normals of each accepted
     * pair (they are independent), half the uniforms, logarithms and roots of {@link #next} per
     * draw.
     */
    public static void fill(
            SplittableRandom r, float[] v, int off, int len, double scale, boolean add) {
        int i = off;
        int end = off + len;
        while (i < end) {
            double u;
            double w;
            double s;
            do {
                u = 2 * r.nextDouble() - 1;
                w = 2 * r.nextDouble() - 1;
                s = u * u + w * w;
            } while (s >= 1 || s == 0);
            double f = scale * Math.sqrt(-2 * Math.log(s) / s);
            v[i] = (float) (add ? v[i] + (float) (u * f) : u * f);
            i++;
            if (i < end) {
                v[i] = (float) (add ? v[i] + (float) (w * f) : w * f);
                i++;
            }
        }
    }
}
