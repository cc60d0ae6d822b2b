package org.lrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetTableTest {

    @TempDir Path dir;

    @Test
    void writesAParquetFileThatReadsBackWithNullsForNonFiniteNumbers() throws Exception {
        List<ParquetTable.Column> cols =
                List.of(
                        new ParquetTable.Column("run_id", "VARCHAR"),
                        new ParquetTable.Column("checkpoint", "INTEGER"),
                        new ParquetTable.Column("weightraw_mean", "DOUBLE"),
                        new ParquetTable.Column("diverged", "BOOLEAN"));
        List<Object[]> rows = new ArrayList<>();
        for (int k = 0; k < 21; k++) {
            rows.add(new Object[] {"abc", k, k == 3 ? Double.NaN : k * 0.5, false});
        }
        Path file = dir.resolve("runs").resolve("abc.parquet");
        ParquetTable.write(file, cols, rows);
        assertTrue(Files.isRegularFile(file));
        try (java.util.stream.Stream<Path> files = Files.list(file.getParent())) {
            assertFalse(
                    files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                    "temporary file left");
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT count(*), sum(weightraw_mean), count(weightraw_mean) FROM read_parquet('"
                                        + file
                                        + "')")) {
            r.next();
            assertEquals(21, r.getInt(1));
            assertEquals(0.5 * (210 - 3), r.getDouble(2), 1e-9);
            assertEquals(20, r.getInt(3));
        }
    }

    @Test
    void ofWritersRacingToCreateOneFileExactlyOneSucceedsAndItsRowsStay() throws Exception {
        List<ParquetTable.Column> cols =
                List.of(
                        new ParquetTable.Column("run_id", "VARCHAR"),
                        new ParquetTable.Column("writer", "INTEGER"));
        Path file = dir.resolve("runs").resolve("r.parquet");
        int writers = 6;
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                results.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    List<Object[]> rows = new ArrayList<>();
                                    rows.add(new Object[] {"r", id});
                                    return ParquetTable.writeNew(file, cols, rows);
                                }));
            }
            go.countDown();
            int winner = -1;
            for (int w = 0; w < writers; w++) {
                if (results.get(w).get()) {
                    assertEquals(-1, winner, "two writers created the file");
                    winner = w;
                }
            }
            assertTrue(winner >= 0, "no writer created the file");
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = c.createStatement();
                    ResultSet r =
                            s.executeQuery(
                                    "SELECT count(*), min(writer) FROM read_parquet('"
                                            + file
                                            + "')")) {
                r.next();
                assertEquals(1, r.getLong(1));
                assertEquals(winner, r.getInt(2), "a loser replaced the winner's file");
            }
            try (java.util.stream.Stream<Path> files = Files.list(file.getParent())) {
                assertEquals(List.of(file), files.toList(), "temporary files left");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
