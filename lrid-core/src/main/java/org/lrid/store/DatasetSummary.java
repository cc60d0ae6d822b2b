package org.lrid.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lrid.LridException;

/**
 * What a dataset directory holds, read with DuckDB: runs per rule x arch x task, diverged runs,
 * rows, observables with missing (non-finite) values, recording conditions, bytes on disk. Only
 * committed runs (those whose run row exists) are counted, as every reader does; {@code
 * uncommitted} counts trajectory files without a run row (a kill between the two writes: the next
 * 'lrid simulate' trains them again).
 */
public record DatasetSummary(
        int runs,
        int divergedRuns,
        long rows,
        List<Group> groups,
        Map<String, Long> nonFiniteCounts,
        List<Condition> conditions,
        int uncommitted,
        long bytes) {

    public record Group(String rule, String arch, String task, int runs, int diverged) {}

    public static DatasetSummary of(Path dir, List<String> observables) {
        DatasetSchema.requireDataset(dir);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            List<Group> groups = new ArrayList<>();
            int total = 0;
            int diverged = 0;
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT rule, arch, task, count(*), count(*) FILTER (WHERE diverged)"
                                    + " FROM "
                                    + DatasetSchema.runTable(dir)
                                    + " GROUP BY ALL ORDER BY ALL")) {
                while (r.next()) {
                    groups.add(
                            new Group(
                                    r.getString(1),
                                    r.getString(2),
                                    r.getString(3),
                                    r.getInt(4),
                                    r.getInt(5)));
                    total += r.getInt(4);
                    diverged += r.getInt(5);
                }
            }
            StringBuilder q = new StringBuilder("SELECT count(*)");
            for (String o : observables) {
                q.append(", count(*) FILTER (WHERE \"")
                        .append(o)
                        .append("\" IS NULL OR isinf(\"")
                        .append(o)
                        .append("\") OR isnan(\"")
                        .append(o)
                        .append("\"))");
            }
            q.append(" FROM ").append(DatasetSchema.committedTrajectories(dir));
            Map<String, Long> nonFinite = new LinkedHashMap<>();
            long rows;
            try (ResultSet r = s.executeQuery(q.toString())) {
                r.next();
                rows = r.getLong(1);
                for (int i = 0; i < observables.size(); i++) {
                    long n = r.getLong(i + 2);
                    if (n > 0) {
                        nonFinite.put(observables.get(i), n);
                    }
                }
            }
            Set<String> committed = ids(DatasetSchema.runs(dir));
            int uncommitted =
                    (int)
                            ids(DatasetSchema.trajectories(dir)).stream()
                                    .filter(id -> !committed.contains(id))
                                    .count();
            return new DatasetSummary(
                    total,
                    diverged,
                    rows,
                    groups,
                    nonFinite,
                    Condition.of(dir),
                    uncommitted,
                    size(dir));
        } catch (SQLException e) {
            throw new LridException(
                    "cannot read the dataset in "
                            + dir
                            + ": "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }

    private static Set<String> ids(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - ".parquet".length()))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
