package org.lrid.net;

/**
 * Whether lrid's few Java loops over whole parameters (the optimizer steps, the alignment noise)
 * run on Java's Vector API ({@code jdk.incubator.vector}, incubating in Java 17: the JVM prints one
 * "Using incubator modules" warning at start) or as scalar loops. Both give the same bits: the
 * vector loops do the scalar loops' float operations lane by lane, in the same order, and Java
 * never fuses a multiply and an add. {@code bin/lrid} adds the module unless {@code
 * LRID_VECTOR=off}; without it (a test JVM, an embedding program) the scalar loops run and nothing
 * of the module is loaded.
 */
public final class Simd {

    private static final boolean PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static volatile boolean enabled = PRESENT;

    private Simd() {}

    /** True when the vector loops run. */
    public static boolean enabled() {
        return enabled;
    }

    /** True when the JVM resolved the Vector API's module. */
    public static boolean present() {
        return PRESENT;
    }

    /** Floats per vector in the loops (the CPU's preferred width), 0 when they are off. */
    public static int lanes() {
        return enabled ? Lanes.FLOATS : 0;
    }

    /** For a benchmark's header: "vector loops on (16 float lanes)" or "vector loops off". */
    public static String describe() {
        return enabled ? "vector loops on (" + lanes() + " float lanes)" : "vector loops off";
    }

    /** Loaded (with the module's classes) only when the loops are on. */
    private static final class Lanes {
        static final int FLOATS = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }

    /**
     * Turns the vector loops on or off (tests comparing the two, benchmarks); on only when the
     * module is present.
     *
     * @return the previous setting
     */
    public static boolean setEnabled(boolean on) {
        boolean before = enabled;
        enabled = on && PRESENT;
        return before;
    }
}
