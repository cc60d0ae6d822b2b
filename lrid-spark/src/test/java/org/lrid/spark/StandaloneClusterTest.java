package org.lrid.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lrid.spark.Datasets.scalar;
import static org.lrid.spark.Datasets.table;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.observe.Observables;
import org.lrid.store.TrajectoryStore;
import org.lrid.zoo.RunDescription;
import org.lrid.zoo.SweepEngine;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/**
 * A real standalone cluster on 127.0.0.1: a Spark master and two workers, each its own JVM started
 * as a cluster operator would start them. One worker dies (with its executor, as when a machine is
 * lost) while the sweep runs; the sweep still ends with every run stored exactly once.
 */
class StandaloneClusterTest {

    @TempDir Path dir;

    static final String SPEC =
            """
            name: spark-cluster
            steps: 100
            checkpoints: 4
            rules: [sgdm, fa]
            architectures: [{family: mlp, width: 16, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0, 1, 2, 3]
            task_options: {train_limit: 500, test_limit: 100}
            """;

    /**
     * The driver's Spark settings for this cluster (spark.* system properties, as spark-submit or
     * LRID_JAVA_OPTS give them). No executor classpath: the executors use the driver's, as from a
     * shared install.
     */
    private static Map<String, String> driverConf(Path dir) {
        return Map.of(
                // tasks start once both executors are up, so that the kill takes a run in flight
                "spark.cores.max", "2",
                "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "120s",
                "spark.executor.memory", "1g",
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.local.dir", dir.resolve("driver-local").toString());
    }

    @Test
    void aSweepOutlivesALostWorkerAndStoresEveryRunExactlyOnce() throws Exception {
        String classpath = System.getProperty("java.class.path");
        assertTrue(classpath.contains("spark-core"), "the test classpath: " + classpath);
        SweepSpec spec = SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), SPEC));
        Set<String> ids =
                spec.runs().stream().map(RunDescription::runId).collect(Collectors.toSet());
        Path out = dir.resolve("data");
        List<Process> processes = new ArrayList<>();
        Map<String, String> conf = driverConf(dir);
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try {
            Path home = Files.createDirectories(dir.resolve("spark-home"));
            Files.createDirectories(home.resolve("jars")); // the Worker's launcher wants one
            int port = freePort();
            Path masterLog = dir.resolve("master.log");
            processes.add(
                    start(
                            home,
                            masterLog,
                            "org.apache.spark.deploy.master.Master",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(port),
                            "--webui-port",
                            "0"));
            String url = "spark://127.0.0.1:" + port;
            // the workers start beside the master (they retry until it listens) and the driver
            // once it leads: on a busy machine the JVMs' start-up overlaps
            for (int i = 0; i < 2; i++) {
                processes.add(
                        start(
                                home,
                                dir.resolve("worker" + i + ".log"),
                                "org.apache.spark.deploy.worker.Worker",
                                url,
                                "--host",
                                "127.0.0.1",
                                "--cores",
                                "1",
                                "--memory",
                                "2g",
                                "--webui-port",
                                "0",
                                "--work-dir",
                                dir.resolve("work" + i).toString()));
            }
            await(masterLog, "elected leader", 1, processes.get(0));
            conf.forEach(System::setProperty);
            Future<SweepRunner.Summary> sweep =
                    driver.submit(
                            () ->
                                    SweepEngine.named("spark")
                                            .run(
                                                    spec,
                                                    out,
                                                    new SweepEngine.Settings(2, url, "test"),
                                                    null));
            TrajectoryStore store = new TrajectoryStore(out, Observables.ALL);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (store.finishedRunIds().isEmpty()) {
                if (sweep.isDone()) {
                    sweep.get(); // throws what ended it
                    fail("the sweep ended before its first run was stored");
                }
                if (System.nanoTime() > deadline) {
                    fail("no run stored within 150 s; see " + dir);
                }
                Thread.sleep(100);
            }
            // the machine of worker 0 is lost: its executor and the worker itself, at once
            Process victim = processes.get(1);
            List<ProcessHandle> executors = victim.descendants().toList();
            assertFalse(executors.isEmpty(), "worker 0 runs an executor when it is killed");
            executors.forEach(ProcessHandle::destroyForcibly);
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
            int storedAtKill = store.finishedRunIds().size();
            assertTrue(storedAtKill < ids.size(), "killed mid-sweep: " + storedAtKill);

            SweepRunner.Summary s = sweep.get(240, TimeUnit.SECONDS);
            assertEquals(8, s.total());
            assertEquals(0, s.skipped());
            assertEquals(ids, store.finishedRunIds());
            assertEquals(8, scalar("SELECT count(*) FROM " + table(out, "runs")));
            assertEquals(8, scalar("SELECT count(DISTINCT run_id) FROM " + table(out, "runs")));
            assertEquals(
                    8, scalar("SELECT count(DISTINCT run_id) FROM " + table(out, "trajectories")));
            // one row per (run, layer, condition, checkpoint): 3 layers x 1 condition x 4
            assertEquals(8 * 3 * 4, scalar("SELECT count(*) FROM " + table(out, "trajectories")));
            assertEquals(List.of(), Datasets.temporaryFiles(out));
        } finally {
            conf.keySet().forEach(System::clearProperty);
            driver.shutdownNow();
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : processes) {
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** A Spark daemon in its own JVM, on the test's classpath, with what Spark needs on Java 17. */
    private Process start(Path sparkHome, Path log, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // daemons: small heaps, C1 only (they route messages; their start-up is what costs)
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(
                List.of(
                        Files.readString(Path.of("lrid-spark/target/jvm-options.txt"))
                                .trim()
                                .split("\\s+")));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().put("SPARK_HOME", sparkHome.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.13");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
        b.redirectErrorStream(true).redirectOutput(log.toFile());
        return b.start();
    }

    /** Waits until {@code log} holds {@code text} {@code times} times, while {@code p} lives. */
    private static void await(Path log, String text, int times, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String s = Files.exists(log) ? Files.readString(log) : "";
            int n = s.split(java.util.regex.Pattern.quote(text), -1).length - 1;
            if (n >= times) {
                return;
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("no '" + text + "' x" + times + " in " + log + ":\n" + s);
            }
            Thread.sleep(200);
        }
    }
}
