package org.lrid.spark;

import ai.djl.ndarray.NDManager;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;
import org.lrid.observe.Observables;
import org.lrid.store.DatasetSchema;
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
    private final LongAccumulator diverged;

    RunTask(Path out, String version, LongAccumulator diverged) {
        this.out = out.toAbsolutePath().toString();
        this.version = version;
        this.diverged = diverged;
    }

    @Override
    public Outcome call(RunDescription r) {
        ExecutorJvm.configure();
        Path dir = Path.of(out);
        if (Files.exists(DatasetSchema.runs(dir).resolve(r.runId() + ".parquet"))) {
            return new Outcome(
                    r.runId(), false, false); // stored by an earlier attempt of this task
        }
        LeftoverFiles.remove(dir, r.runId()); // an earlier attempt's, killed mid-write
        TrajectoryStore store = new TrajectoryStore(dir, Observables.ALL);
        TrainResult result;
        try (NDManager manager = NDManager.newBaseManager()) {
            result = new RunExecutor(store, version).execute(r, TaskCache.get(r), manager);
        }
        if (result.diverged()) {
            diverged.add(1);
        }
        return new Outcome(r.runId(), true, result.diverged());
    }
}
