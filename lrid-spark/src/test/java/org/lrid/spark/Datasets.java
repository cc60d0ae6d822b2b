package org.lrid.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/** What the tests read back from a stored dataset, independently of the code that wrote it. */
final class Datasets {

    private Datasets() {}

    static long scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** {@code read_parquet} of a dataset's runs or trajectories directory. */
    static String table(Path out, String dir) {
        return "read_parquet('" + out.resolve(dir).toAbsolutePath() + "/*.parquet')";
    }

    /** Every file under {@code out} whose name marks an unfinished write. */
    static List<Path> temporaryFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
