package org.lrid.zoo;

import java.nio.file.Path;
import org.lrid.LridException;

/** The embedded default: {@link SweepRunner}'s thread pool in this JVM. */
public final class LocalEngine implements SweepEngine {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public SweepRunner.Summary run(SweepSpec spec, Path out, Settings settings, Progress progress) {
        if (settings.master() != null) {
            throw new LridException(
                    "--master "
                            + settings.master()
                            + " needs an engine that has one: add --engine spark");
        }
        return new SweepRunner(out, settings.workers(), settings.version())
                .run(
                        spec,
                        progress == null
                                ? null
                                : (run, result, stored, total, diverged) ->
                                        progress.stored(stored, total, diverged));
    }
}
