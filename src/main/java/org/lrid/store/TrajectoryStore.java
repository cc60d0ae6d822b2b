package org.lrid.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.lrid.LridException;

/**
 * The trajectory dataset on disk: {@code DIR/trajectories/<run_id>.parquet} (one row per layer x
 * condition x checkpoint, with the run's metadata repeated so that one file is self-describing) and
 * {@code DIR/runs/<run_id>.parquet} (one row per run). A run is finished when its run row exists; it is
 * written last, and each file appears atomically, so a killed sweep never shows half a run and a resumed
 * one never stores a run twice. Both directories open with {@code pandas.read_parquet(path)}.
 */
public final class TrajectoryStore {

    public static final String TRAJECTORIES = "trajectories";
    public static final String RUNS = "runs";

    private final Path dir;
    private final List<String> observables;

    /** @param observables the observable column names, in the order of {@link TrajectoryRow#observables} */
    public TrajectoryStore(Path dir, List<String> observables) {
        this.dir = dir;
        this.observables = List.copyOf(observables);
    }

    public Path dir() {
        return dir;
    }

    /** Ids of the runs whose run row exists. */
    public Set<String> finishedRunIds() {
        Set<String> ids = new HashSet<>();
        Path runs = dir.resolve(RUNS);
        if (!Files.isDirectory(runs)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(runs)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
                    .forEach(n -> ids.add(n.substring(0, n.length() - ".parquet".length())));
        } catch (IOException e) {
            throw new LridException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Writes a run's trajectories, then its run row. */
    public void write(RunRecord run, List<TrajectoryRow> rows) {
        List<ParquetTable.Column> cols = new ArrayList<>(List.of(
                col("run_id", "VARCHAR"), col("rule", "VARCHAR"), col("credit_assignment", "VARCHAR"),
                col("optimizer", "VARCHAR"), col("learning_rate", "DOUBLE"), col("hyperparameters", "VARCHAR"),
                col("arch", "VARCHAR"), col("arch_family", "VARCHAR"), col("width", "INTEGER"), col("depth", "INTEGER"),
                col("task", "VARCHAR"), col("batch_size", "INTEGER"), col("seed", "BIGINT"),
                col("init_seed", "BIGINT"), col("data_seed", "BIGINT"), col("feedback_seed", "BIGINT"),
                col("layer", "INTEGER"), col("layer_position", "VARCHAR"), col("checkpoint", "INTEGER"),
                col("step", "INTEGER"), col("unit_fraction", "DOUBLE"), col("noise_sigma", "DOUBLE"),
                col("condition_seed", "BIGINT"), col("train_loss", "DOUBLE"), col("test_accuracy", "DOUBLE"),
                col("diverged", "BOOLEAN")));
        for (String o : observables) {
            cols.add(col(o, "DOUBLE"));
        }
        List<Object[]> data = new ArrayList<>(rows.size());
        for (TrajectoryRow r : rows) {
            Object[] v = new Object[cols.size()];
            Object[] head = {run.runId(), run.rule(), run.creditAssignment(), run.optimizer(), run.learningRate(),
                run.hyperparameters(), run.arch(), run.archFamily(), run.width(), run.depth(), run.task(),
                run.batchSize(), run.seed(), run.initSeed(), run.dataSeed(), run.feedbackSeed(), r.layer(),
                r.layerPosition(), r.checkpoint(), r.step(), r.unitFraction(), r.noiseSigma(), r.conditionSeed(),
                r.trainLoss(), r.testAccuracy(), run.diverged()};
            System.arraycopy(head, 0, v, 0, head.length);
            for (int k = 0; k < observables.size(); k++) {
                v[head.length + k] = r.observables()[k];
            }
            data.add(v);
        }
        ParquetTable.write(dir.resolve(TRAJECTORIES).resolve(run.runId() + ".parquet"), cols, data);

        List<ParquetTable.Column> runCols = List.of(col("run_id", "VARCHAR"), col("rule", "VARCHAR"),
                col("credit_assignment", "VARCHAR"), col("optimizer", "VARCHAR"), col("hyperparameters", "VARCHAR"),
                col("learning_rate", "DOUBLE"), col("arch", "VARCHAR"), col("arch_family", "VARCHAR"),
                col("width", "INTEGER"), col("depth", "INTEGER"), col("task", "VARCHAR"), col("batch_size", "INTEGER"),
                col("steps", "INTEGER"), col("steps_done", "INTEGER"), col("seed", "BIGINT"), col("init_seed", "BIGINT"),
                col("data_seed", "BIGINT"), col("feedback_seed", "BIGINT"), col("diverged", "BOOLEAN"),
                col("divergence", "VARCHAR"), col("train_seconds", "DOUBLE"), col("test_accuracy", "DOUBLE"),
                col("lrid_version", "VARCHAR"));
        Object[] row = {run.runId(), run.rule(), run.creditAssignment(), run.optimizer(), run.hyperparameters(),
            run.learningRate(), run.arch(), run.archFamily(), run.width(), run.depth(), run.task(), run.batchSize(),
            run.steps(), run.stepsDone(), run.seed(), run.initSeed(), run.dataSeed(), run.feedbackSeed(),
            run.diverged(), run.divergence(), run.trainSeconds(), run.testAccuracy(), run.lridVersion()};
        List<Object[]> one = new ArrayList<>();
        one.add(row);
        ParquetTable.write(dir.resolve(RUNS).resolve(run.runId() + ".parquet"), runCols, one);
    }

    private static ParquetTable.Column col(String name, String type) {
        return new ParquetTable.Column(name, type);
    }
}
