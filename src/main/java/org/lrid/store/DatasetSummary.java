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
import java.util.stream.Stream;
import org.lrid.LridException;

/**
 * What a dataset directory holds, read with DuckDB: runs per rule x arch x task, diverged runs, rows,
 * observables with missing (non-finite) values, bytes on disk.
 */
public record DatasetSummary(int runs, int divergedRuns, long rows, List<Group> groups,
        Map<String, Long> nonFiniteCounts, long bytes) {

    public record Group(String rule, String arch, String task, int runs, int diverged) {}

    public static DatasetSummary of(Path dir, List<String> observables) {
        Path runs = dir.resolve(TrajectoryStore.RUNS);
        Path trajectories = dir.resolve(TrajectoryStore.TRAJECTORIES);
        if (!Files.isDirectory(runs) || !Files.isDirectory(trajectories) || countParquet(runs) == 0) {
            throw new LridException("no lrid dataset in " + dir + " (expected runs/ and trajectories/ with .parquet"
                    + " files); create one with 'lrid simulate SPEC --out " + dir + "'");
        }
        String runGlob = glob(runs);
        String trajGlob = glob(trajectories);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            List<Group> groups = new ArrayList<>();
            int total = 0;
            int diverged = 0;
            try (ResultSet r = s.executeQuery("SELECT rule, arch, task, count(*), count(*) FILTER (WHERE diverged)"
                    + " FROM read_parquet('" + runGlob + "') GROUP BY ALL ORDER BY ALL")) {
                while (r.next()) {
                    groups.add(new Group(r.getString(1), r.getString(2), r.getString(3), r.getInt(4), r.getInt(5)));
                    total += r.getInt(4);
                    diverged += r.getInt(5);
                }
            }
            StringBuilder q = new StringBuilder("SELECT count(*)");
            for (String o : observables) {
                q.append(", count(*) FILTER (WHERE \"").append(o).append("\" IS NULL OR isinf(\"").append(o)
                        .append("\") OR isnan(\"").append(o).append("\"))");
            }
            q.append(" FROM read_parquet('").append(trajGlob).append("')");
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
            return new DatasetSummary(total, diverged, rows, groups, nonFinite, size(dir));
        } catch (SQLException e) {
            throw new LridException("cannot read the dataset in " + dir + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    static String glob(Path d) {
        return d.toAbsolutePath().resolve("*.parquet").toString().replace("'", "''");
    }

    private static long countParquet(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
