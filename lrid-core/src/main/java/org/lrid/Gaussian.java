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
}
