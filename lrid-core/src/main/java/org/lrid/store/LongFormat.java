package org.lrid.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.lrid.LridException;

/**
 * Observable trajectories in the long format that outside data (another simulator, statistics
 * computed from recordings) can be given in: one row per (network, layer, checkpoint, observable)
 * with columns {@code network, layer, layer_position, checkpoint, observable, value} and optionally
 * {@code rule}.
 */
public final class LongFormat {

    public static final List<String> REQUIRED =
            List.of("network", "layer", "layer_position", "checkpoint", "observable", "value");

    private LongFormat() {}

    /**
     * Writes one recording condition of a dataset's committed runs in long format, CSV or Parquet
     * by the file's ending. Resolve the condition first with {@link Condition#resolve}.
     */
    public static long export(Path dir, Path file, List<String> observables, Condition condition) {
        String format = format(file);
        DatasetSchema.requireDataset(dir);
        DatasetSchema.refuseDiagnostics(observables);
        String cols =
                observables.stream().map(o -> "\"" + o + "\"").collect(Collectors.joining(", "));
        long[] rows = new long[1];
        org.lrid.AtomicFiles.write(
                file,
                "export",
                tmp -> {
                    String sql =
                            "COPY (SELECT * FROM (UNPIVOT (SELECT run_id AS network, layer, layer_position, checkpoint,"
                                    + " rule, "
                                    + cols
                                    + " FROM "
                                    + DatasetSchema.committedTrajectories(dir)
                                    + " t WHERE "
                                    + condition.where("t")
                                    + ") ON "
                                    + cols
                                    + " INTO NAME observable VALUE value)"
                                    + " ORDER BY network, layer, checkpoint, observable) TO '"
                                    + tmp.toString().replace("'", "''")
                                    + "' (FORMAT "
                                    + format
                                    + ")";
                    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                            Statement s = c.createStatement()) {
                        rows[0] = s.executeLargeUpdate(sql);
                    } catch (SQLException e) {
                        throw new LridException(
                                "cannot export "
                                        + dir
                                        + " to "
                                        + file
                                        + ": "
                                        + e.getMessage().lines().findFirst().orElse(""),
                                e);
                    }
                });
        return rows[0];
    }

    /** The SQL source that reads a long-format file (CSV or Parquet). */
    public static String source(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LridException("no trajectories file at " + file);
        }
        String path = file.toAbsolutePath().toString().replace("'", "''");
        return format(file).equals("CSV")
                ? "read_csv_auto('" + path + "', header = true)"
                : "read_parquet('" + path + "')";
    }

    private static String format(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".csv")) {
            return "CSV";
        }
        if (name.endsWith(".parquet")) {
            return "PARQUET";
        }
        throw new LridException(
                "trajectory files end in .csv or .parquet, got " + file.getFileName());
    }
}
