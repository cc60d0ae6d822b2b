package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12: two {@code simulate} processes writing one dataset at once. */
class ConcurrentSimulateTest {

    @TempDir Path dir;

    /** 30 very short runs. */
    private static final String SPEC =
            """
            name: shared
            steps: 20
            checkpoints: 3
            rules: [sgdm, fa, sgd]
            architectures: [{family: mlp, width: 16, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            task_options: {train_limit: 500, test_limit: 100}
            """;

    private static Process simulate(Path spec, Path out, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.log.ai.djl=error");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.lrid.cli.Main");
        cmd.addAll(
                List.of(
                        "simulate",
                        spec.toString(),
                        "--out",
                        out.toString(),
                        "--workers",
                        "1",
                        "--lease-seconds",
                        "30",
                        "--quiet",
                        "--json"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private static long scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> filesUnder(Path d) throws Exception {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString()).toList();
        }
    }

    @Test
    void twoProcessesOnOneOutStoreEveryRunOnceAndTrainNoneTwice() throws Exception {
        Path spec = Files.writeString(dir.resolve("shared.yaml"), SPEC);
        Path out = dir.resolve("data");
        Path[] logs = {dir.resolve("a.log"), dir.resolve("b.log")};
        Process a = simulate(spec, out, logs[0]);
        Process b = simulate(spec, out, logs[1]);
        JsonNode[] json = new JsonNode[2];
        Process[] ps = {a, b};
        for (int i = 0; i < 2; i++) {
            assertTrue(ps[i].waitFor(10, TimeUnit.MINUTES), "process " + i + " did not end");
            String text = Files.readString(logs[i]);
            assertEquals(0, ps[i].exitValue(), text);
            String last = text.strip().lines().reduce((x, y) -> y).orElse("");
            json[i] = new ObjectMapper().readTree(last);
            System.out.println("process " + i + ": " + last);
        }
        int trained = 0;
        for (JsonNode j : json) {
            assertEquals(30, j.get("runs").asInt());
            assertEquals(0, j.get("trained_but_stored_elsewhere").asInt(), j.toString());
            // every run of the sweep is accounted for by each process: found stored, trained,
            // or stored by the other one while this one ran
            assertEquals(
                    30,
                    j.get("skipped").asInt()
                            + j.get("trained").asInt()
                            + j.get("stored_elsewhere").asInt(),
                    j.toString());
            trained += j.get("trained").asInt();
        }
        // each of the 30 stored runs was trained by one process, and no run by both
        assertEquals(30, trained, json[0] + " " + json[1]);

        String runs = out.resolve("runs").toAbsolutePath() + File.separator + "*.parquet";
        String traj = out.resolve("trajectories").toAbsolutePath() + File.separator + "*.parquet";
        assertEquals(30, scalar("SELECT count(*) FROM read_parquet('" + runs + "')"));
        assertEquals(30, scalar("SELECT count(DISTINCT run_id) FROM read_parquet('" + runs + "')"));
        assertEquals(30, scalar("SELECT count(DISTINCT run_id) FROM read_parquet('" + traj + "')"));
        List<String> files = filesUnder(out);
        assertEquals(60, files.size(), "30 run rows, 30 trajectory files, nothing else: " + files);
        assertTrue(
                files.stream().allMatch(f -> f.endsWith(".parquet") && !f.contains("/.")),
                files.toString());
    }

    @Test
    void aLeaseThatIsNotAPositiveNumberOfSecondsIsRefusedBeforeAnythingIsWritten()
            throws Exception {
        Path spec = Files.writeString(dir.resolve("shared.yaml"), SPEC);
        Path out = dir.resolve("data");
        for (String lease : List.of("0", "-5", "NaN", "Infinity")) {
            assertEquals(
                    2,
                    Main.execute(
                            "simulate",
                            spec.toString(),
                            "--out",
                            out.toString(),
                            "--lease-seconds",
                            lease,
                            "--quiet"),
                    lease);
            assertTrue(Files.notExists(out), lease);
        }
    }
}
