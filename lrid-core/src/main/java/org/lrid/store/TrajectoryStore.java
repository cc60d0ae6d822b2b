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
 * {@code DIR/runs/<run_id>.parquet} (one row per run). A run is finished when its run row exists;
 * it is written last, and each file appears atomically, so a killed sweep never shows half a run
 * and a resumed one never stores a run twice. The run row is created with an operation that fails
 * when the file exists ({@link ParquetTable#writeNew}), so even two processes that both trained a
 * run store it once: the second learns that the run was stored by someone else. Both directories
 * open with {@code pandas.read_parquet(path)}. The columns, their types and the directory names are
 * {@link DatasetSchema}'s, which every reader uses too.
 */
public final class TrajectoryStore {

    private final Path dir;
    private final List<String> observables;

    /**
     * @param observables the observable column names, in the order of {@link
     *     TrajectoryRow#observables}
     */
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
        Path runs = DatasetSchema.runs(dir);
        if (!Files.isDirectory(runs)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(runs)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
                    .forEach(n -> ids.add(n.substring(0, n.length() - ".parquet".length())));
        } catch (IOException e) {
            throw new LridException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Whether the run row of {@code runId} exists. */
    public boolean isStored(String runId) {
        return Files.exists(runRow(runId));
    }

    private Path runRow(String runId) {
        return DatasetSchema.runs(dir).resolve(runId + ".parquet");
    }

    /**
     * Writes a run's trajectories, then its run row (the columns of {@link DatasetSchema}), the row
     * exactly once whoever else writes the same run.
     *
     * @return true if this call stored the run; false if it was stored already (by another process,
     *     or another thread), in which case its run row is left untouched
     */
    public boolean write(RunRecord run, List<TrajectoryRow> rows) {
        if (isStored(run.runId())) {
            return false;
        }
        List<DatasetSchema.Column> cols = DatasetSchema.trajectoryColumns(observables);
        List<Object[]> data = new ArrayList<>(rows.size());
        for (TrajectoryRow r : rows) {
            if (r.observables().length != observables.size()) {
                throw new IllegalArgumentException(
                        r.observables().length
                                + " observables, the store has "
                                + observables.size());
            }
            data.add(values(cols, run, r));
        }
        Path trajectories = DatasetSchema.trajectories(dir).resolve(run.runId() + ".parquet");
        if (!ParquetTable.writeNew(trajectories, parquet(cols), data)) {
            if (isStored(run.runId())) {
                return false;
            }
            // left by a writer killed before its run row (or one committing this instant): a
            // trajectory file holds no timing, so the same run writes the same rows
            ParquetTable.write(trajectories, parquet(cols), data);
        }
        List<Object[]> one = new ArrayList<>();
        one.add(values(DatasetSchema.RUN_COLUMNS, run, null));
        return ParquetTable.writeNew(runRow(run.runId()), parquet(DatasetSchema.RUN_COLUMNS), one);
    }

    private static Object[] values(
            List<DatasetSchema.Column> cols, RunRecord run, TrajectoryRow row) {
        Object[] v = new Object[cols.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = cols.get(i).value().apply(run, row);
        }
        return v;
    }

    private static List<ParquetTable.Column> parquet(List<DatasetSchema.Column> cols) {
        return cols.stream().map(DatasetSchema.Column::parquet).toList();
    }
}
