package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateCommandTest {

    @TempDir Path dir;

    private static final String SPEC =
            """
            name: tiny
            steps: 50
            checkpoints: 6
            rules: [sgdm, fa]
            architectures: [{family: mlp, width: 16, depth: 2}, {family: mlp, width: 32, depth: 1}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0, 1]
            task_options: {train_limit: 2000, test_limit: 300}
            """;

    private static void assertOneLineError(CliTest.Run r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
        assertOneLineError(
                CliTest.run("estimate", dir.resolve("none.yaml").toString()), "does not exist");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--workers", "0"),
                "--workers must be at least 1");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--engine", "yarn"),
                "--engine must be local or spark");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--executors", "8"), "add --engine spark");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--engine", "spark"),
                "--engine spark needs --executors");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--engine", "spark", "--executors", "8,0"),
                "--executors must be at least 1");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertOneLineError(
                CliTest.run("estimate", spec.toString(), "--out", file.toString()), "is a file");
    }

    @Test
    void tableAndJsonPerArchitectureAndCluster() throws Exception {
        Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
        CliTest.Run r =
                CliTest.run(
                        "estimate",
                        spec.toString(),
                        "--workers",
                        "1",
                        "--engine",
                        "spark",
                        "--executors",
                        "1,4",
                        "--cores-per-executor",
                        "1",
                        "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp-w16-d2"), r.out());
        assertTrue(r.out().contains("spark, 4 executors x 1 cores"), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).get());
        assertEquals(8, j.get("runs").asInt());
        assertEquals(4, j.get("configurations").asInt());
        assertEquals(2, j.get("groups").size());
        for (JsonNode g : j.get("groups")) {
            assertEquals(4, g.get("runs").asInt());
            assertEquals(200, g.get("steps").asInt());
            assertTrue(g.get("steps_per_second").asDouble() > 0);
        }
        // one executor of one core is one worker; four of them are faster, but not 4x the
        // start-up
        double one = j.get("spark").get(0).get("hours").asDouble();
        double four = j.get("spark").get(1).get("hours").asDouble();
        assertEquals(j.get("local_hours").asDouble(), one, 1e-9);
        assertTrue(four < one, four + " vs " + one);
        assertTrue(four * 4 > one, four + " vs " + one);
    }
}
