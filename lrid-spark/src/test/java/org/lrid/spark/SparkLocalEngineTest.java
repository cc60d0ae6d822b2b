package org.lrid.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lrid.spark.Datasets.scalar;
import static org.lrid.spark.Datasets.table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.observe.Observables;
import org.lrid.store.TrajectoryStore;
import org.lrid.zoo.RunDescription;
import org.lrid.zoo.SweepEngine;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/** The spark engine on an embedded {@code local[2]} against the local engine, value for value. */
class SparkLocalEngineTest {

    @TempDir Path dir;

    // two rules (one that diverges at once) x two seeds, a recording condition beyond the full one
    static final String SPEC =
            """
            name: spark-local
            steps: 30
            checkpoints: 4
            rules: [sgdm, {name: sgd, set: {lr: 1.0e9}}]
            architectures: [{family: mlp, width: 16, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0, 1]
            conditions: [{fraction: 0.5, sigma: 0.1, seed: 3}]
            task_options: {train_limit: 500, test_limit: 100}
            """;

    @BeforeAll
    static void oneLibtorchThread() {
        ExecutorJvm.configure(); // as 'lrid simulate' does before libtorch loads
    }

    /**
     * Rows of one side that the other lacks, every column compared (the runs' train_seconds, wall
     * time, excepted).
     */
    private static long difference(Path a, Path b, String dir) throws Exception {
        String columns = dir.equals("runs") ? "* EXCLUDE (train_seconds)" : "*";
        return scalar(
                "SELECT count(*) FROM (SELECT "
                        + columns
                        + " FROM "
                        + table(a, dir)
                        + " EXCEPT ALL SELECT "
                        + columns
                        + " FROM "
                        + table(b, dir)
                        + ")");
    }

    @Test
    void local2StoresTheSameRunsAndValuesAsTheLocalEngineAndResumes() throws Exception {
        SweepSpec spec = SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), SPEC));
        Set<String> ids =
                spec.runs().stream().map(RunDescription::runId).collect(Collectors.toSet());
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        SweepEngine.Settings settings = new SweepEngine.Settings(2, "local[2]", "test");

        SweepRunner.Summary l =
                SweepEngine.named("local")
                        .run(spec, local, new SweepEngine.Settings(2, null, "test"), null);
        List<int[]> progress = new CopyOnWriteArrayList<>();
        SweepRunner.Summary s =
                SweepEngine.named("spark")
                        .run(
                                spec,
                                spark,
                                settings,
                                (stored, total, diverged) ->
                                        progress.add(new int[] {stored, total, diverged}));
        assertEquals(4, l.ran());
        assertEquals(2, l.diverged());
        assertEquals(4, s.total());
        assertEquals(4, s.ran());
        assertEquals(0, s.skipped());
        assertEquals(2, s.diverged(), "divergence counted as the local engine counts it");
        assertEquals(ids, new TrajectoryStore(spark, Observables.ALL).finishedRunIds());
        // the driver's bar: one report per stored run, ending at 4 of 4 with both diverged
        assertEquals(4, progress.size());
        int[] last = progress.stream().max((x, y) -> Integer.compare(x[0], y[0])).orElseThrow();
        assertEquals(List.of(4, 4, 2), List.of(last[0], last[1], last[2]));

        for (String d : List.of("runs", "trajectories")) {
            assertTrue(scalar("SELECT count(*) FROM " + table(spark, d)) > 0);
            assertEquals(
                    scalar("SELECT count(*) FROM " + table(local, d)),
                    scalar("SELECT count(*) FROM " + table(spark, d)),
                    d);
            assertEquals(0, difference(local, spark, d), d + ": local rows spark lacks");
            assertEquals(0, difference(spark, local, d), d + ": spark rows local lacks");
        }
        // trained, not copied: the values vary between runs
        assertTrue(
                scalar(
                                "SELECT count(DISTINCT train_loss) FROM "
                                        + table(spark, "trajectories")
                                        + " WHERE NOT diverged")
                        > 2);

        // resume: a run whose row is gone is trained again, the others are skipped
        String again = spec.runs().get(0).runId();
        Files.delete(spark.resolve("runs").resolve(again + ".parquet"));
        // and what an attempt killed mid-write leaves (a hidden temp file) is gone afterwards
        Files.writeString(
                spark.resolve("trajectories").resolve("." + again + ".parquet.7.tmp"), "");
        SweepRunner.Summary r = SweepEngine.named("spark").run(spec, spark, settings, null);
        assertEquals(3, r.skipped());
        assertEquals(1, r.ran());
        assertEquals(ids, new TrajectoryStore(spark, Observables.ALL).finishedRunIds());
        assertEquals(0, difference(local, spark, "trajectories"));
        assertEquals(0, difference(spark, local, "runs"));
        assertEquals(List.of(), Datasets.temporaryFiles(spark));
    }
}
