package org.lrid.identify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.lrid.store.DatasetSchema;

/**
 * A large dataset for measuring identification at scale, in the real schema: every run of a real
 * (small) zoo copied {@code copies} times, each copy with its own run id and every observable
 * multiplied by its own factor 1 + u, u uniform in [-spread, spread] (a hash of the copy, layer,
 * checkpoint and column: deterministic). Copy 0 keeps the original values. Only the run id and the
 * observables change; the trajectory files' other columns and the run rows are copied as they are.
 *
 * <pre>
 * java -cp lrid-core/target/test-classes:lrid-core/target/lrid.jar:$(cat lrid-core/target/classpath.txt) \
 *     org.lrid.identify.SyntheticZoo SOURCE_DIR OUT_DIR COPIES [SPREAD]
 * </pre>
 */
public final class SyntheticZoo {

    private SyntheticZoo() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SyntheticZoo SOURCE_DIR OUT_DIR COPIES [SPREAD]");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int copies = Integer.parseInt(args[2]);
        double spread = args.length > 3 ? Double.parseDouble(args[3]) : 0.05;
        long t = System.nanoTime();
        int n = write(source, out, copies, spread);
        System.out.printf(
                "%d networks written to %s in %.1f s%n", n, out, (System.nanoTime() - t) / 1e9);
    }

    /** Writes the copies; returns the number of networks in {@code out}. */
    static int write(Path source, Path out, int copies, double spread)
            throws SQLException, java.io.IOException {
        DatasetSchema.requireDataset(source);
        Files.createDirectories(DatasetSchema.runs(out));
        Files.createDirectories(DatasetSchema.trajectories(out));
        Set<String> metadata = Set.of("run_id");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            List<String> ids = new ArrayList<>();
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT run_id FROM "
                                    + DatasetSchema.runTable(source)
                                    + " ORDER BY run_id")) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            // the observable columns: DOUBLE columns of the trajectory table that are not
            // metadata or diagnostics
            List<String> observables = new ArrayList<>();
            Set<String> stored = new java.util.HashSet<>();
            DatasetSchema.TRAJECTORY_METADATA.forEach(col -> stored.add(col.name()));
            try (ResultSet r =
                    s.executeQuery(
                            "DESCRIBE SELECT * FROM " + DatasetSchema.allTrajectories(source))) {
                while (r.next()) {
                    String name = r.getString(1);
                    if (!stored.contains(name)
                            && !metadata.contains(name)
                            && !DatasetSchema.isDiagnostic(name)
                            && r.getString(2).equals("DOUBLE")) {
                        observables.add(name);
                    }
                }
            }
            int n = 0;
            for (String id : ids) {
                Path traj = DatasetSchema.trajectories(source).resolve(id + ".parquet");
                Path run = DatasetSchema.runs(source).resolve(id + ".parquet");
                for (int k = 0; k < copies; k++) {
                    String newId = k == 0 ? id : String.format("%s%08x", id.substring(0, 8), k);
                    StringBuilder replace = new StringBuilder("'" + newId + "' AS run_id");
                    if (k > 0) {
                        for (String o : observables) {
                            String q = DatasetSchema.quote(o);
                            replace.append(", ")
                                    .append(q)
                                    .append(" * (1 + ")
                                    .append(spread)
                                    .append(" * ((hash('")
                                    .append(newId)
                                    .append("', layer, checkpoint, '")
                                    .append(o.replace("'", "''"))
                                    .append("') % 2001) / 1000.0 - 1)) AS ")
                                    .append(q);
                        }
                    }
                    s.execute(
                            "COPY (SELECT * REPLACE ("
                                    + replace
                                    + ") FROM read_parquet('"
                                    + traj.toAbsolutePath()
                                    + "')) TO '"
                                    + DatasetSchema.trajectories(out)
                                            .resolve(newId + ".parquet")
                                            .toAbsolutePath()
                                    + "' (FORMAT PARQUET)");
                    s.execute(
                            "COPY (SELECT * REPLACE ('"
                                    + newId
                                    + "' AS run_id) FROM read_parquet('"
                                    + run.toAbsolutePath()
                                    + "')) TO '"
                                    + DatasetSchema.runs(out)
                                            .resolve(newId + ".parquet")
                                            .toAbsolutePath()
                                    + "' (FORMAT PARQUET)");
                    n++;
                }
            }
            return n;
        }
    }
}
