package org.lrid.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.observe.Observables;
import org.lrid.store.DatasetSummary;

class SweepRunnerTest {

    @TempDir Path dir;

    private static final String SPEC =
            """
            steps: 60
            checkpoints: 21
            rules: [sgdm, fa, {name: sgd, set: {lr: 1.0e9}}]
            architectures: [{family: mlp, width: 16, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0, 1]
            conditions: [{fraction: 0.5, sigma: 0.1, seed: 3}]
            task_options: {train_limit: 2000, test_limit: 300}
            """;

    private static long scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void anInterruptedSweepResumesWithExactlyOneCopyOfEveryRun() throws Exception {
        SweepSpec spec = SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), SPEC));
        Path out = dir.resolve("data");
        CountDownLatch firstStored = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sweep =
                new Thread(
                        () -> {
                            try {
                                new SweepRunner(out, 1, "test")
                                        .run(
                                                spec,
                                                (run, result, stored, total, diverged) ->
                                                        firstStored.countDown());
                            } catch (Throwable t) {
                                thrown.set(t);
                            }
                        });
        sweep.start();
        firstStored.await();
        sweep.interrupt(); // as a kill would, mid-sweep and most likely mid-run
        sweep.join();
        assertTrue(thrown.get() instanceof CancellationException, String.valueOf(thrown.get()));
        int before = new SweepRunner(out, 2, "test").store().finishedRunIds().size();
        assertTrue(before >= 1 && before < 6, "stored before the interrupt: " + before);

        SweepRunner.Summary s = new SweepRunner(out, 2, "test").run(spec, null);
        assertEquals(6, s.total());
        assertEquals(before, s.skipped());
        assertEquals(6 - before, s.ran());
        String traj = out.resolve("trajectories").toAbsolutePath() + "/*.parquet";
        assertEquals(6, scalar("SELECT count(DISTINCT run_id) FROM read_parquet('" + traj + "')"));
        assertEquals(
                6,
                scalar(
                        "SELECT count(*) FROM read_parquet('"
                                + out.resolve("runs").toAbsolutePath()
                                + "/*.parquet')"));
        // 3 layers x 2 conditions x 21 checkpoints per finished run; the diverged runs stop early
        assertEquals(
                0,
                scalar(
                        "SELECT count(*) FROM (SELECT run_id, layer, unit_fraction, checkpoint, count(*) AS n"
                                + " FROM read_parquet('"
                                + traj
                                + "') GROUP BY ALL) WHERE n > 1"));
        assertEquals(
                4 * 3 * 2 * 21,
                scalar("SELECT count(*) FROM read_parquet('" + traj + "') WHERE NOT diverged"));

        DatasetSummary summary = DatasetSummary.of(out, Observables.ALL);
        assertEquals(6, summary.runs());
        assertEquals(2, summary.divergedRuns());
    }

    @Test
    void aMalformedSpecStartsNothing() throws Exception {
        // as 'lrid simulate' does: a runner for the output directory, then the spec; the spec is
        // refused and
        // nothing exists. The same runner with a good spec does write there, so the check can fail.
        Path out = dir.resolve("data");
        SweepRunner runner = new SweepRunner(out, 1, "test");
        for (String bad :
                java.util.List.of(
                        SPEC.replace("seeds: [0, 1]", "seeds: [0, 1]\nsteps_per_epoch: 3"),
                        SPEC.replace("seeds: [0, 1]", "seeds: [0, 0]"),
                        SPEC.replace("[sgdm, fa,", "[sgdm, SGDM,"))) {
            Path spec = Files.writeString(dir.resolve("bad.yaml"), bad);
            assertThrows(
                    org.lrid.LridException.class, () -> runner.run(SweepSpec.read(spec), null));
            assertTrue(Files.notExists(out), bad);
        }
        Path good =
                Files.writeString(
                        dir.resolve("good.yaml"),
                        SPEC.replace("steps: 60", "steps: 4")
                                .replace("checkpoints: 21", "checkpoints: 2")
                                .replace(
                                        "rules: [sgdm, fa, {name: sgd, set: {lr: 1.0e9}}]",
                                        "rules: [sgdm]")
                                .replace("seeds: [0, 1]", "seeds: [0]"));
        assertEquals(1, runner.run(SweepSpec.read(good), null).ran());
        assertEquals(1, runner.store().finishedRunIds().size());
    }

    @Test
    void aRandomisedRunStoresItsDrawnValuesAsPlainValues() throws Exception {
        SweepSpec spec =
                SweepSpec.read(
                        Files.writeString(
                                dir.resolve("r.yaml"),
                                """
                steps: 5
                checkpoints: 2
                samples: 2
                rules: [{name: fa, set: {lr: {loguniform: [0.001, 0.01]}, momentum: {uniform: [0.8, 0.95]}}}]
                architectures: [{family: mlp, width: 16, depth: 2, init_scale: {uniform: [0.4, 1.2]}}]
                tasks: [gaussian-mixture]
                batch_sizes: [{choice: [16, 32]}]
                seeds: [0]
                task_options: {train_limit: 500, test_limit: 100}
                """));
        Path out = dir.resolve("random");
        assertEquals(2, new SweepRunner(out, 1, "test").run(spec, null).ran());
        String runs = "read_parquet('" + out.resolve("runs").toAbsolutePath() + "/*.parquet')";
        String traj =
                "read_parquet('" + out.resolve("trajectories").toAbsolutePath() + "/*.parquet')";
        for (RunDescription r : spec.runs()) {
            String where = " WHERE run_id = '" + r.runId() + "'";
            String lr = r.overrides().get("lr");
            // the drawn values, stored as plain values: init_scale, batch size and hyperparameters
            assertEquals(
                    1,
                    scalar(
                            "SELECT count(*) FROM "
                                    + runs
                                    + where
                                    + " AND init_scale = "
                                    + r.initScale()
                                    + " AND batch_size = "
                                    + r.batchSize()
                                    + " AND learning_rate = "
                                    + lr
                                    + " AND json_extract(hyperparameters, '$.lr')::DOUBLE = "
                                    + lr
                                    + " AND json_extract(hyperparameters, '$.momentum')::DOUBLE = "
                                    + r.overrides().get("momentum")
                                    + " AND seed = "
                                    + r.seed()));
            assertTrue(
                    scalar(
                                    "SELECT count(*) FROM "
                                            + traj
                                            + where
                                            + " AND init_scale = "
                                            + r.initScale())
                            > 0);
        }
    }

    private static java.util.List<String> names(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A claim file as a process that died, or lost its machine, leaves it. */
    private static Path deadClaim(Path out, String runId, java.time.Instant modified)
            throws Exception {
        Path f = org.lrid.store.DatasetSchema.claims(out).resolve(runId + ".claim");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "owner=elsewhere pid 1\ntoken=dead\n");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(modified));
        return f;
    }

    @Test
    void staleClaimsOfADeadProcessAreTakenOverAndTheirRunsStored() throws Exception {
        SweepSpec spec =
                SweepSpec.read(
                        Files.writeString(
                                dir.resolve("s.yaml"),
                                SPEC.replace("steps: 60", "steps: 10")
                                        .replace("checkpoints: 21", "checkpoints: 2")));
        Path out = dir.resolve("data");
        java.util.List<RunDescription> runs = spec.runs();
        // one claim an hour old (a crash yesterday), taken over at once; one of a process whose
        // clock runs an hour ahead, young by this clock: the sweep trains the others first, then
        // waits for it, sees no heartbeat for a lease and takes it over
        deadClaim(out, runs.get(0).runId(), java.time.Instant.now().minusSeconds(3600));
        deadClaim(out, runs.get(1).runId(), java.time.Instant.now().plusSeconds(3600));
        java.util.List<Integer> waitingSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        SweepRunner.Summary s =
                new SweepRunner(out, 2, "test", java.time.Duration.ofMillis(1500))
                        .run(
                                spec,
                                new SweepRunner.Listener() {
                                    @Override
                                    public void runStored(
                                            RunDescription run,
                                            org.lrid.train.TrainResult result,
                                            int stored,
                                            int total,
                                            int diverged) {}

                                    @Override
                                    public void progress(
                                            int stored, int total, int diverged, int elsewhere) {
                                        waitingSeen.add(elsewhere);
                                    }
                                });
        assertEquals(6, s.ran(), s.toString());
        assertEquals(0, s.elsewhere());
        assertEquals(0, s.duplicates());
        assertTrue(waitingSeen.contains(1), "the bar showed the run claimed elsewhere");
        assertEquals(6, new SweepRunner(out, 1, "test").store().finishedRunIds().size());
        assertTrue(Files.notExists(org.lrid.store.DatasetSchema.claims(out)), "claims left");
        assertEquals(6, names(out.resolve("runs")).size(), names(out.resolve("runs")).toString());
        assertEquals(6, names(out.resolve("trajectories")).size());
    }

    @Test
    void aRunClaimedByALiveProcessIsLeftToItAndCountedAsStoredElsewhere() throws Exception {
        SweepSpec spec =
                SweepSpec.read(
                        Files.writeString(
                                dir.resolve("s.yaml"),
                                SPEC.replace("steps: 60", "steps: 10")
                                        .replace("checkpoints: 21", "checkpoints: 2")
                                        .replace("seeds: [0, 1]", "seeds: [0]")));
        Path out = dir.resolve("data");
        RunDescription theirs = spec.runs().get(0);
        // what "another process" will store: the same run, trained into a separate directory
        SweepSpec one =
                SweepSpec.read(
                        Files.writeString(
                                dir.resolve("one.yaml"),
                                SPEC.replace("steps: 60", "steps: 10")
                                        .replace("checkpoints: 21", "checkpoints: 2")
                                        .replace("seeds: [0, 1]", "seeds: [0]")
                                        .replace(
                                                "rules: [sgdm, fa, {name: sgd, set: {lr: 1.0e9}}]",
                                                "rules: [sgdm]")));
        assertEquals(theirs.runId(), one.runs().get(0).runId());
        Path elsewhere = dir.resolve("elsewhere");
        assertEquals(1, new SweepRunner(elsewhere, 1, "test").run(one, null).ran());
        // the other process holds the run's claim, its heartbeat beating
        java.time.Duration lease = java.time.Duration.ofMillis(800);
        org.lrid.store.Claims.Claim held =
                new org.lrid.store.Claims(out, lease).tryClaim(theirs.runId()).orElseThrow();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<SweepRunner.Summary> summary = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread mine =
                new Thread(
                        () -> {
                            try {
                                summary.set(
                                        new SweepRunner(out, 1, "test", lease)
                                                .run(
                                                        spec,
                                                        new SweepRunner.Listener() {
                                                            @Override
                                                            public void runStored(
                                                                    RunDescription run,
                                                                    org.lrid.train.TrainResult r,
                                                                    int stored,
                                                                    int total,
                                                                    int diverged) {}

                                                            @Override
                                                            public void progress(
                                                                    int stored,
                                                                    int total,
                                                                    int diverged,
                                                                    int claimed) {
                                                                if (stored == 2 && claimed == 1) {
                                                                    waiting.countDown();
                                                                }
                                                            }
                                                        }));
                            } catch (Throwable t) {
                                thrown.set(t);
                            }
                        });
        mine.start();
        waiting.await(); // its own two runs stored, the third claimed elsewhere
        Thread.sleep(4 * lease.toMillis());
        assertTrue(mine.isAlive(), "the waiting sweep must not take over a live claim");
        assertTrue(Files.exists(held.file()));
        // the other process stores its run (trajectories, then the run row) and releases it
        String name = theirs.runId() + ".parquet";
        Files.copy(
                elsewhere.resolve("trajectories").resolve(name),
                out.resolve("trajectories").resolve(name));
        Files.copy(elsewhere.resolve("runs").resolve(name), out.resolve("runs").resolve(name));
        held.close();
        mine.join();
        assertEquals(null, thrown.get());
        SweepRunner.Summary s = summary.get();
        assertEquals(2, s.ran(), s.toString());
        assertEquals(1, s.elsewhere(), s.toString());
        assertEquals(0, s.duplicates(), s.toString());
        assertEquals(3, names(out.resolve("runs")).size());
        assertTrue(Files.notExists(org.lrid.store.DatasetSchema.claims(out)), "claims left");
    }

    @Test
    void aFailingRunReleasesItsClaim() throws Exception {
        SweepSpec spec = SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), SPEC));
        Path out = dir.resolve("data");
        RunExecutor executor =
                new RunExecutor(new org.lrid.store.TrajectoryStore(out, Observables.ALL), "test");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            // no task: training fails after the claim was made
            assertThrows(
                    RuntimeException.class, () -> executor.execute(spec.runs().get(0), null, m));
        }
        assertEquals(java.util.List.of(), names(org.lrid.store.DatasetSchema.claims(out)));
        assertEquals(java.util.List.of(), names(out.resolve("runs")));
    }

    @Test
    void executeOrAwaitWaitsForAStaleClaimThenTrainsAndStoresTheRunOnce() throws Exception {
        SweepSpec spec =
                SweepSpec.read(
                        Files.writeString(
                                dir.resolve("s.yaml"),
                                SPEC.replace("steps: 60", "steps: 10")
                                        .replace("checkpoints: 21", "checkpoints: 2")));
        Path out = dir.resolve("data");
        RunDescription run = spec.runs().get(0);
        // the claim of a lost executor whose clock ran ahead: young by this clock, never beating
        deadClaim(out, run.runId(), java.time.Instant.now().plusSeconds(3600));
        org.lrid.store.TrajectoryStore store =
                new org.lrid.store.TrajectoryStore(out, Observables.ALL);
        RunExecutor executor =
                new RunExecutor(
                        store,
                        "test",
                        new org.lrid.store.Claims(out, java.time.Duration.ofMillis(500)));
        org.lrid.task.Task task =
                org.lrid.task.Tasks.create(
                        run.task(),
                        org.lrid.task.TaskOptions.DEFAULTS.withLimits(
                                run.trainLimit(), run.testLimit()));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertEquals(
                    RunExecutor.Status.CLAIMED_ELSEWHERE, executor.execute(run, task, m).status());
            RunExecutor.Outcome o = executor.executeOrAwait(run, task, m);
            assertEquals(RunExecutor.Status.STORED, o.status());
            assertTrue(o.trained());
            RunExecutor.Outcome again = executor.executeOrAwait(run, task, m);
            assertEquals(RunExecutor.Status.ALREADY_STORED, again.status());
            assertTrue(!again.trained(), "a stored run is not trained again");
        }
        assertEquals(java.util.Set.of(run.runId()), store.finishedRunIds());
        assertEquals(java.util.List.of(), names(org.lrid.store.DatasetSchema.claims(out)));
    }
}
