package org.lrid.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes one table to a Parquet file through embedded DuckDB, atomically: the file appears whole
 * under its name or not at all, so a killed writer never leaves half a run visible.
 */
public final class ParquetTable {

    /** A column: its name and DuckDB type (VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN). */
    public record Column(String name, String type) {}

    private ParquetTable() {}

    public static void write(Path file, List<Column> columns, List<Object[]> rows) {
        org.lrid.AtomicFiles.write(file, "table", content(columns, rows));
    }

    /**
     * Writes the table to {@code file} only if no file has that name yet, atomically (see {@link
     * org.lrid.AtomicFiles#writeNew}): of two writers racing for one name, exactly one succeeds.
     *
     * @return true if this call created the file, false if it existed already
     */
    public static boolean writeNew(Path file, List<Column> columns, List<Object[]> rows) {
        return org.lrid.AtomicFiles.writeNew(file, "table", content(columns, rows));
    }

    private static org.lrid.AtomicFiles.Writer content(List<Column> columns, List<Object[]> rows) {
        return tmp -> {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
                try (Statement s = c.createStatement()) {
                    s.execute(
                            "CREATE TABLE t ("
                                    + columns.stream()
                                            .map(col -> quote(col.name()) + " " + col.type())
                                            .collect(Collectors.joining(", "))
                                    + ")");
                }
                String marks = columns.stream().map(col -> "?").collect(Collectors.joining(", "));
                try (PreparedStatement p =
                        c.prepareStatement("INSERT INTO t VALUES (" + marks + ")")) {
                    for (Object[] row : rows) {
                        for (int i = 0; i < row.length; i++) {
                            Object v = row[i];
                            // SQL has no NaN in most readers' eyes: a missing number is
                            // NULL
                            p.setObject(
                                    i + 1, v instanceof Double d && !Double.isFinite(d) ? null : v);
                        }
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                try (Statement s = c.createStatement()) {
                    s.execute(
                            "COPY t TO '"
                                    + tmp.toString().replace("'", "''")
                                    + "' (FORMAT PARQUET)");
                }
            }
        };
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
