package org.lrid.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.lrid.LridException;

/**
 * The one definition of a dataset directory: its two tables (names, columns, types, and how each
 * value is taken from a {@link RunRecord} and a {@link TrajectoryRow}), the directories they live
 * in, and the SQL fragments every reader uses (Parquet globs, the committed-run join, the
 * recording-condition predicate). The writer ({@link TrajectoryStore}) and every reader (identify's
 * feature table, the report, {@link LongFormat}, {@link DatasetSummary}) go through it, so a column
 * cannot be renamed in one place only.
 *
 * <p><b>Committed runs.</b> A run counts when its run row exists ({@link #RUNS}); trajectory files
 * of runs without one (a kill between the two writes) are never read: {@link
 * #committedTrajectories(Path)}.
 *
 * <p><b>Diagnostics are not features.</b> {@link #DIAGNOSTICS} are stored beside the observables in
 * the trajectory table (science.md section 3, "Diagnostics") but no observable selection may
 * contain them: their names start with {@code diag_}, which {@code Observables.select} refuses, and
 * every reader that turns columns into features calls {@link #refuseDiagnostics}.
 */
public final class DatasetSchema {

    /** Directory of the trajectory table: one Parquet file per run. */
    public static final String TRAJECTORIES = "trajectories";

    /** Directory of the run table: one Parquet file per finished run. */
    public static final String RUNS = "runs";

    /**
     * Directory of the claims of runs being trained now, one {@code <run_id>.claim} each ({@link
     * Claims}); never part of the data.
     */
    public static final String CLAIMS = "claims";

    /**
     * A stored column with how its value is taken from a run and, for trajectory columns, a row.
     */
    public record Column(
            String name, String type, BiFunction<RunRecord, TrajectoryRow, Object> value) {

        ParquetTable.Column parquet() {
            return new ParquetTable.Column(name, type);
        }
    }

    /** cos(W, B) of the layer at the checkpoint (null where the rule has no B). */
    public static final String DIAG_FEEDBACK_COS = "diag_feedback_cos";

    /**
     * Angle in degrees between the rule's update of W and the backprop gradient of the same batch.
     */
    public static final String DIAG_UPDATE_ANGLE = "diag_update_angle";

    /** The diagnostic columns, after the observables. Never features. */
    public static final List<Column> DIAGNOSTIC_COLUMNS =
            List.of(
                    row(DIAG_FEEDBACK_COS, "DOUBLE", TrajectoryRow::feedbackCosine),
                    row(DIAG_UPDATE_ANGLE, "DOUBLE", TrajectoryRow::updateAngle));

    /** The names of {@link #DIAGNOSTIC_COLUMNS}. */
    public static final List<String> DIAGNOSTICS =
            DIAGNOSTIC_COLUMNS.stream().map(Column::name).toList();

    /**
     * What the run table's {@code test_accuracy} (and the trajectory table's) holds: the task's
     * held-out score, {@code test_accuracy} for classification or {@code test_r2} (1 - MSE /
     * variance of the target) for the regression tasks with time (pattern, reach). One column keeps
     * every dataset's readers unchanged.
     */
    public static final String SCORE_NAME = "score_name";

    /** The run table: one row per finished run. */
    public static final List<Column> RUN_COLUMNS =
            List.of(
                    run("run_id", "VARCHAR", RunRecord::runId),
                    run("rule", "VARCHAR", RunRecord::rule),
                    run("credit_assignment", "VARCHAR", RunRecord::creditAssignment),
                    run("optimizer", "VARCHAR", RunRecord::optimizer),
                    run("hyperparameters", "VARCHAR", RunRecord::hyperparameters),
                    run("learning_rate", "DOUBLE", RunRecord::learningRate),
                    run("arch", "VARCHAR", RunRecord::arch),
                    run("arch_family", "VARCHAR", RunRecord::archFamily),
                    run("width", "INTEGER", RunRecord::width),
                    run("depth", "INTEGER", RunRecord::depth),
                    run("init_scale", "DOUBLE", RunRecord::initScale),
                    run("task", "VARCHAR", RunRecord::task),
                    run("batch_size", "INTEGER", RunRecord::batchSize),
                    run("steps", "INTEGER", RunRecord::steps),
                    run("steps_done", "INTEGER", RunRecord::stepsDone),
                    run("seed", "BIGINT", RunRecord::seed),
                    run("init_seed", "BIGINT", RunRecord::initSeed),
                    run("data_seed", "BIGINT", RunRecord::dataSeed),
                    run("feedback_seed", "BIGINT", RunRecord::feedbackSeed),
                    run("diverged", "BOOLEAN", RunRecord::diverged),
                    run("divergence", "VARCHAR", RunRecord::divergence),
                    run("train_seconds", "DOUBLE", RunRecord::trainSeconds),
                    run("test_accuracy", "DOUBLE", RunRecord::testAccuracy),
                    run(SCORE_NAME, "VARCHAR", RunRecord::scoreName),
                    run("lrid_version", "VARCHAR", RunRecord::lridVersion));

    /**
     * The trajectory table's columns before the observables: the run's metadata (repeated so that
     * one file is self-describing), the layer, the checkpoint and the recording condition.
     */
    public static final List<Column> TRAJECTORY_METADATA =
            List.of(
                    run("run_id", "VARCHAR", RunRecord::runId),
                    run("rule", "VARCHAR", RunRecord::rule),
                    run("credit_assignment", "VARCHAR", RunRecord::creditAssignment),
                    run("optimizer", "VARCHAR", RunRecord::optimizer),
                    run("learning_rate", "DOUBLE", RunRecord::learningRate),
                    run("hyperparameters", "VARCHAR", RunRecord::hyperparameters),
                    run("arch", "VARCHAR", RunRecord::arch),
                    run("arch_family", "VARCHAR", RunRecord::archFamily),
                    run("width", "INTEGER", RunRecord::width),
                    run("depth", "INTEGER", RunRecord::depth),
                    run("init_scale", "DOUBLE", RunRecord::initScale),
                    run("task", "VARCHAR", RunRecord::task),
                    run("batch_size", "INTEGER", RunRecord::batchSize),
                    run("seed", "BIGINT", RunRecord::seed),
                    run("init_seed", "BIGINT", RunRecord::initSeed),
                    run("data_seed", "BIGINT", RunRecord::dataSeed),
                    run("feedback_seed", "BIGINT", RunRecord::feedbackSeed),
                    row("layer", "INTEGER", TrajectoryRow::layer),
                    row("layer_position", "VARCHAR", TrajectoryRow::layerPosition),
                    row("checkpoint", "INTEGER", TrajectoryRow::checkpoint),
                    row("step", "INTEGER", TrajectoryRow::step),
                    row(Condition.FRACTION, "DOUBLE", TrajectoryRow::unitFraction),
                    row(Condition.SIGMA, "DOUBLE", TrajectoryRow::noiseSigma),
                    row(Condition.SEED, "BIGINT", TrajectoryRow::conditionSeed),
                    row("train_loss", "DOUBLE", TrajectoryRow::trainLoss),
                    row("test_accuracy", "DOUBLE", TrajectoryRow::testAccuracy),
                    run("diverged", "BOOLEAN", RunRecord::diverged));

    /**
     * The names of {@link #TRAJECTORY_METADATA} and {@link #DIAGNOSTICS}: stored, never
     * observables.
     */
    private static final Set<String> NOT_OBSERVABLES;

    /** The prefix of every diagnostic column (observe.Observables.DIAGNOSTIC_PREFIX refuses it). */
    public static final String DIAGNOSTIC_PREFIX = "diag_";

    static {
        if (!DIAGNOSTICS.stream().allMatch(d -> d.startsWith(DIAGNOSTIC_PREFIX))) {
            throw new ExceptionInInitializerError(
                    "a diagnostic column does not start with " + DIAGNOSTIC_PREFIX);
        }
        List<String> names = new ArrayList<>(DIAGNOSTICS);
        TRAJECTORY_METADATA.forEach(c -> names.add(c.name()));
        NOT_OBSERVABLES = Set.copyOf(names);
    }

    private DatasetSchema() {}

    /**
     * Every column of the trajectory table: {@link #TRAJECTORY_METADATA}, the observables (DOUBLE,
     * in the given order), then the {@link #DIAGNOSTICS} (DOUBLE, null where not applicable).
     */
    public static List<Column> trajectoryColumns(List<String> observables) {
        List<Column> cols = new ArrayList<>(TRAJECTORY_METADATA);
        for (int i = 0; i < observables.size(); i++) {
            String name = observables.get(i);
            if (NOT_OBSERVABLES.contains(name)) {
                throw new IllegalArgumentException(
                        "'" + name + "' is a stored column, not an observable");
            }
            int k = i;
            cols.add(new Column(name, "DOUBLE", (run, r) -> r.observables()[k]));
        }
        cols.addAll(DIAGNOSTIC_COLUMNS);
        return List.copyOf(cols);
    }

    /** True for a diagnostic column: stored with every run, never a feature. */
    public static boolean isDiagnostic(String name) {
        return name.startsWith(DIAGNOSTIC_PREFIX);
    }

    /**
     * Refuses a diagnostic column as an observable, with one line saying why (asked by every reader
     * that turns stored columns into features).
     */
    public static void refuseDiagnostics(List<String> observables) {
        for (String o : observables) {
            if (isDiagnostic(o)) {
                throw new LridException(
                        "'"
                                + o
                                + "' is a diagnostic (what a simulator can check and an experimenter"
                                + " cannot measure), never a feature; choose observables such as weightabs_median");
            }
        }
    }

    /** DIR/trajectories. */
    public static Path trajectories(Path dir) {
        return dir.resolve(TRAJECTORIES);
    }

    /** DIR/runs. */
    public static Path runs(Path dir) {
        return dir.resolve(RUNS);
    }

    /** DIR/claims. */
    public static Path claims(Path dir) {
        return dir.resolve(CLAIMS);
    }

    /**
     * Checks that {@code dir} holds a dataset with at least one committed run.
     *
     * @throws LridException naming the directory and the command that makes one
     */
    public static void requireDataset(Path dir) {
        if (!Files.isDirectory(runs(dir))
                || !Files.isDirectory(trajectories(dir))
                || countParquet(runs(dir)) == 0
                || countParquet(trajectories(dir)) == 0) {
            throw new LridException(
                    "no lrid dataset in "
                            + dir
                            + " (expected "
                            + RUNS
                            + "/ and "
                            + TRAJECTORIES
                            + "/ with .parquet files); create one with 'lrid simulate SPEC --out "
                            + dir
                            + "'");
        }
    }

    /** {@code read_parquet(...)} of the run table. */
    public static String runTable(Path dir) {
        return "read_parquet('" + glob(runs(dir)) + "')";
    }

    /**
     * {@code read_parquet(...)} of every trajectory file, committed or not (for counting orphans
     * only).
     */
    public static String allTrajectories(Path dir) {
        return "read_parquet('" + glob(trajectories(dir)) + "')";
    }

    /**
     * A SQL source of the trajectory rows of committed runs (those whose run row exists), with
     * every trajectory column: use as {@code FROM <this> t}.
     */
    public static String committedTrajectories(Path dir) {
        return "(SELECT * FROM "
                + allTrajectories(dir)
                + " WHERE run_id IN (SELECT run_id FROM "
                + runTable(dir)
                + "))";
    }

    /**
     * A SQL source joining committed trajectory rows ({@code t}) with their run row ({@code r}):
     * use as {@code FROM <this>}.
     */
    public static String trajectoriesWithRuns(Path dir) {
        return allTrajectories(dir) + " t JOIN " + runTable(dir) + " r USING (run_id)";
    }

    /** A quoted SQL identifier. */
    public static String quote(String column) {
        return ParquetTable.quote(column);
    }

    static String glob(Path d) {
        return d.toAbsolutePath().resolve("*.parquet").toString().replace("'", "''");
    }

    private static long countParquet(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Column run(String name, String type, Function<RunRecord, Object> value) {
        return new Column(name, type, (run, row) -> value.apply(run));
    }

    private static Column row(String name, String type, Function<TrajectoryRow, Object> value) {
        return new Column(name, type, (run, row) -> value.apply(row));
    }
}
