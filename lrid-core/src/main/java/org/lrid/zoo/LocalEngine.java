package org.lrid.zoo;

import java.nio.file.Path;
import org.lrid.LridException;
import org.lrid.train.TrainResult;

/** The embedded default: {@link SweepRunner}'s thread pool in this JVM. */
public final class LocalEngine implements SweepEngine {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void check(Settings settings) {
        if (settings.master() != null) {
            throw new LridException(
                    "--master "
                            + settings.master()
                            + " needs an engine that has one: add --engine spark");
        }
    }

    @Override
    public SweepRunner.Summary run(SweepSpec spec, Path out, Settings settings, Progress progress) {
        check(settings);
        SweepRunner.Listener listener = null;
        if (progress != null) {
            listener =
                    new SweepRunner.Listener() {
                        @Override
                        public void runStored(
                                RunDescription run,
                                TrainResult result,
                                int stored,
                                int total,
                                int diverged) {
                            progress.stored(stored, total, diverged);
                        }

                        @Override
                        public void progress(
                                int stored, int total, int diverged, int claimedElsewhere) {
                            progress.waiting(stored, total, diverged, claimedElsewhere);
                        }
                    };
        }
        return new SweepRunner(out, settings.workers(), settings.version(), settings.lease())
                .run(spec, listener);
    }
}
