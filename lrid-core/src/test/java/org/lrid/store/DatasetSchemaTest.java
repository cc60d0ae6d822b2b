package org.lrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.lrid.LridException;

/**
 * The writer and the readers share one schema; readers see committed runs only; conditions are
 * triples.
 */
class DatasetSchemaTest {

    @TempDir Path dir;

    private static final List<String> OBS = List.of("weightraw_mean", "actabs_norm");

    private static RunRecord run(String id) {
        return new RunRecord(
                id,
                "fa",
                "feedback",
                "momentum",
                "{\"lr\":0.01}",
                0.01,
                "mlp-16x2-relu",
                "mlp",
                16,
                2,
                1.0,
                "gaussian-mixture",
                32,
                10,
                10,
                0,
                1,
                2,
                3,
                false,
                null,
                0.5,
                0.8,
                "test_accuracy",
                "test");
    }

    /**
     * 2 layers x conditions x 3 checkpoints; layer 0 has no diagnostics, layer 1 has cos 0.25 +
     * checkpoint.
     */
    private static List<TrajectoryRow> rows(List<Condition> conditions) {
        List<TrajectoryRow> rows = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            for (Condition c : conditions) {
                for (int k = 0; k < 3; k++) {
                    rows.add(
                            new TrajectoryRow(
                                    layer,
                                    layer == 0 ? "early" : "deep",
                                    k,
                                    5 * k,
                                    c.fraction(),
                                    c.sigma(),
                                    c.seed(),
                                    1.0 / (k + 1),
                                    0.5,
                                    new double[] {k, 10 + k},
                                    layer == 0 ? Double.NaN : 0.25 + k,
                                    layer == 0 ? Double.NaN : 80 - k));
                }
            }
        }
        return rows;
    }

    private static List<Object[]> query(String sql) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = r.getObject(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void theStoredTablesHaveExactlyTheSchemasColumnsWithDiagnosticsAsNullableDoubles()
            throws Exception {
        TrajectoryStore store = new TrajectoryStore(dir, OBS);
        store.write(run("r1"), rows(List.of(Condition.FULL)));
        List<String> expected =
                DatasetSchema.trajectoryColumns(OBS).stream()
                        .map(c -> c.name() + " " + c.type())
                        .toList();
        List<String> stored =
                query("DESCRIBE SELECT * FROM " + DatasetSchema.allTrajectories(dir)).stream()
                        .map(r -> r[0] + " " + r[1])
                        .toList();
        assertEquals(expected, stored);
        assertEquals(
                DatasetSchema.RUN_COLUMNS.stream().map(c -> c.name() + " " + c.type()).toList(),
                query("DESCRIBE SELECT * FROM " + DatasetSchema.runTable(dir)).stream()
                        .map(r -> r[0] + " " + r[1])
                        .toList());
        assertEquals(List.of("diag_feedback_cos", "diag_update_angle"), DatasetSchema.DIAGNOSTICS);
        // NaN (not applicable) is stored as null; values as given
        List<Object[]> diag =
                query(
                        "SELECT layer, checkpoint, diag_feedback_cos, diag_update_angle FROM "
                                + DatasetSchema.committedTrajectories(dir)
                                + " ORDER BY layer, checkpoint");
        assertEquals(6, diag.size());
        for (Object[] r : diag) {
            int layer = (Integer) r[0];
            int k = (Integer) r[1];
            if (layer == 0) {
                assertEquals(null, r[2]);
                assertEquals(null, r[3]);
            } else {
                assertEquals(0.25 + k, (Double) r[2], 1e-12);
                assertEquals(80.0 - k, (Double) r[3], 1e-12);
            }
        }
    }

    @Test
    void diagnosticsAreNeverObservables() {
        for (String d : DatasetSchema.DIAGNOSTICS) {
            assertTrue(DatasetSchema.isDiagnostic(d));
            LridException e =
                    assertThrows(
                            LridException.class, () -> DatasetSchema.refuseDiagnostics(List.of(d)));
            assertTrue(e.getMessage().contains("never a feature"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DatasetSchema.trajectoryColumns(List.of("x", d)));
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> DatasetSchema.trajectoryColumns(List.of("run_id")));
    }

    @Test
    void readersSeeCommittedRunsOnlyAndConditionsAsTriples() throws Exception {
        TrajectoryStore store = new TrajectoryStore(dir, OBS);
        List<Condition> conditions =
                List.of(Condition.FULL, new Condition(0.5, 0.1, 1), new Condition(0.5, 0.1, 2));
        store.write(run("r1"), rows(conditions));
        store.write(run("r2"), rows(conditions));
        store.write(run("r3"), rows(List.of(Condition.FULL, new Condition(0.25, 0, 9))));
        // a kill between the two writes: r3's trajectories exist, its run row does not
        Files.delete(DatasetSchema.runs(dir).resolve("r3.parquet"));

        DatasetSummary s = DatasetSummary.of(dir, OBS);
        assertEquals(2, s.runs());
        assertEquals(2 * 2 * 3 * 3, s.rows(), "rows of committed runs only");
        assertEquals(1, s.uncommitted());
        assertEquals(conditions, s.conditions(), "r3's (0.25, 0, 9) is not committed");
        assertEquals(conditions, Condition.of(dir));

        assertEquals(new Condition(0.5, 0.1, 2), Condition.resolve(dir, 0.5, 0.1, 2L));
        assertEquals(Condition.FULL, Condition.resolve(dir, 1, 0, null));
        LridException ambiguous =
                assertThrows(LridException.class, () -> Condition.resolve(dir, 0.5, 0.1, null));
        assertTrue(
                ambiguous.getMessage().contains("seeds 1, 2")
                        && ambiguous.getMessage().contains("--condition-seed"),
                ambiguous.getMessage());
        LridException absent =
                assertThrows(LridException.class, () -> Condition.resolve(dir, 0.25, 0, null));
        assertTrue(
                absent.getMessage()
                        .contains("has no recording condition (fraction 0.25, sigma 0.0)"),
                absent.getMessage());
        assertThrows(LridException.class, () -> Condition.resolve(dir, 0.5, 0.1, 3L));

        // export: one condition, committed runs, two rows per (network, layer, checkpoint) for two
        // observables
        Path csv = dir.resolve("seed2.csv");
        long n = LongFormat.export(dir, csv, OBS, new Condition(0.5, 0.1, 2));
        assertEquals(2 * 2 * 3 * 2, n);
        List<Object[]> exported =
                query("SELECT count(DISTINCT network), count(*) FROM read_csv_auto('" + csv + "')");
        assertEquals(2L, ((Number) exported.get(0)[0]).longValue());
        assertEquals(n, ((Number) exported.get(0)[1]).longValue());
        assertThrows(
                LridException.class,
                () ->
                        LongFormat.export(
                                dir,
                                dir.resolve("d.csv"),
                                List.of("diag_feedback_cos"),
                                Condition.FULL));
        assertTrue(Files.notExists(dir.resolve("d.csv")));
        // the feature table reads the same store and refuses a diagnostic as a feature
        LridException asFeature =
                assertThrows(
                        LridException.class,
                        () ->
                                org.lrid.identify.FeatureTable.load(
                                        dir,
                                        List.of("weightraw_mean", "diag_update_angle"),
                                        java.util.Map.of(),
                                        false,
                                        Condition.FULL));
        assertTrue(asFeature.getMessage().contains("is a diagnostic"), asFeature.getMessage());
        // and sees committed runs of one condition: 2 runs x 2 layers
        assertEquals(
                4,
                org.lrid.identify.FeatureTable.load(
                                dir, OBS, java.util.Map.of(), false, new Condition(0.5, 0.1, 1))
                        .x()
                        .length);
    }

    @Test
    void anEmptyOrMissingDatasetIsRefusedInOneLine() throws Exception {
        LridException e =
                assertThrows(
                        LridException.class, () -> DatasetSummary.of(dir.resolve("none"), OBS));
        assertTrue(e.getMessage().startsWith("no lrid dataset in"), e.getMessage());
        Files.createDirectories(DatasetSchema.runs(dir));
        Files.createDirectories(DatasetSchema.trajectories(dir));
        assertThrows(LridException.class, () -> Condition.of(dir));
    }

    @Test
    void conditionPredicatesSelectExactlyTheirTriple() {
        Condition c = new Condition(0.1, 0.3, 7);
        assertEquals(
                "t.unit_fraction = CAST('0.1' AS DOUBLE) AND t.noise_sigma = CAST('0.3' AS DOUBLE)"
                        + " AND t.condition_seed = 7",
                c.where("t"));
        assertTrue(Condition.FULL.isFull() && new Condition(1, 0, 5).isFull() && !c.isFull());
    }
}
