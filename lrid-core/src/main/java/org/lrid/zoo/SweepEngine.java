package org.lrid.zoo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.lrid.LridException;

/**
 * Where a sweep's runs execute: {@code local} (this JVM's thread pool, {@link SweepRunner}) or an
 * engine a module on the classpath provides ({@code spark}, from lrid-spark). Engines are found by
 * name with {@link ServiceLoader} ({@code META-INF/services/org.lrid.zoo.SweepEngine}), so that
 * core knows none of them and nothing of an engine loads unless it is asked for. Every engine skips
 * the runs already stored, stores each run through {@link RunExecutor} and counts diverged runs the
 * same way.
 */
public interface SweepEngine {

    /** The name {@code --engine} selects. */
    String name();

    /** Refuses settings this engine cannot honour, before anything is written. */
    default void check(Settings settings) {}

    /**
     * Runs every run of {@code spec} that {@code out} does not hold yet.
     *
     * @param progress called after each stored run (on any thread); may be null
     */
    SweepRunner.Summary run(SweepSpec spec, Path out, Settings settings, Progress progress);

    /**
     * @param workers runs trained at once on this machine ({@code local}; {@code local[workers]}
     *     for an embedded Spark without a master)
     * @param master where the engine runs (its own syntax, e.g. {@code spark://host:7077}); null:
     *     the engine's default
     * @param version the lrid version stored with every run
     * @param lease how long a process may stay silent before its claims are taken over ({@link
     *     org.lrid.store.Claims})
     */
    record Settings(int workers, String master, String version, java.time.Duration lease) {

        /** Settings with {@link org.lrid.store.Claims#DEFAULT_LEASE}. */
        public Settings(int workers, String master, String version) {
            this(workers, master, version, org.lrid.store.Claims.DEFAULT_LEASE);
        }
    }

    /** Runs stored so far (including those stored before the call), of how many, and diverged. */
    @FunctionalInterface
    interface Progress {
        void stored(int stored, int total, int diverged);

        /** As {@link #stored}, and the runs another process holds a live claim on now. */
        default void waiting(int stored, int total, int diverged, int claimedElsewhere) {
            stored(stored, total, diverged);
        }
    }

    /** The engine called {@code name}, or a one-line error saying how to get it. */
    static SweepEngine named(String name) {
        List<String> known = new ArrayList<>();
        for (SweepEngine e : ServiceLoader.load(SweepEngine.class)) {
            if (e.name().equals(name)) {
                return e;
            }
            known.add(e.name());
        }
        if (name.equals("spark")) {
            throw new LridException(
                    "--engine spark needs the lrid-spark module on the classpath: build it with"
                            + " './mvnw -B -ntp package -DskipTests' (bin/lrid then adds"
                            + " lrid-spark/target/lrid-spark.jar and its classpath)");
        }
        throw new LridException("unknown --engine " + name + "; choose one of " + known);
    }
}
