package org.lrid.spark;

import ai.djl.ndarray.NDManager;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;
import org.lrid.observe.Observables;
import org.lrid.store.Claims;
import org.lrid.store.TrajectoryStore;
import org.lrid.train.TrainResult;
import org.lrid.zoo.RunDescription;
import org.lrid.zoo.RunExecutor;

/**
 * One Spark task: one run, trained and stored on the executor through {@link RunExecutor}, the same
 * code the local engine runs. A task retried after an executor loss finds the run row its first
 * attempt may have written and stores nothing twice.
 */
final class RunTask implements Function<RunDescription, RunTask.Outcome> {

    private static final long serialVersionUID = 1L;

    /** What a task did with its run. */
    record Outcome(String runId, boolean trained, boolean diverged) implements Serializable {}

    private final String out;
    private final String version;
    private final Duration lease;
    private final LongAccumulator diverged;

    RunTask(Path out, String version, Duration lease, LongAccumulator diverged) {
        this.out = out.toAbsolutePath().toString();
        this.version = version;
        this.lease = lease;
        this.diverged = diverged;
    }

    @Override
    public Outcome call(RunDescription r) {
        ExecutorJvm.configure();
        Path dir = Path.of(out);
        TrajectoryStore store = new TrajectoryStore(dir, Observables.ALL);
        if (store.isStored(r.runId())) {
            return new Outcome(
                    r.runId(), false, false); // stored by an earlier attempt of this task
        }
        // claimed, trained and stored exactly once, as the local engine does; a retry after an
        // executor loss waits out the lost attempt's claim (stale at once when its JVM is gone
        // from this machine, after the lease otherwise) and then takes the run over
        RunExecutor.Outcome o;
        try (NDManager manager = NDManager.newBaseManager()) {
            o =
                    new RunExecutor(store, version, new Claims(dir, lease))
                            .executeOrAwait(r, TaskCache.get(r), manager);
        }
        TrainResult result = o.result();
        if (o.status() != RunExecutor.Status.STORED || result == null) {
            return new Outcome(r.runId(), false, false); // another process stored it
        }
        if (result.diverged()) {
            diverged.add(1);
        }
        return new Outcome(r.runId(), true, result.diverged());
    }
}
