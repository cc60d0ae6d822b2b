package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * simulate, inspect and export as a user meets them with the bad inputs of issue 9 (causes 4, 5, 7
 * and 9) and their neighbours: a one-line error, exit 2 and an unchanged file system; committed
 * runs only.
 */
class DatasetCommandsTest {

    @TempDir Path dir;

    private static final String SPEC =
            """
            steps: 4
            checkpoints: 2
            rules: [sgdm, fa]
            architectures: [{family: mlp, width: 8, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [8]
            seeds: [0]
            task_options: {train_limit: 200, test_limit: 50}
            """;

    /** Every file under dir with its size and modification time. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(
                        dir.relativize(p).toString(),
                        Files.isDirectory(p)
                                ? "dir"
                                : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    /**
     * Runs the command and asserts the one-line error, exit 2, and that nothing under dir changed.
     */
    private void refused(String expected, String... args) throws IOException {
        Map<String, String> before = snapshot();
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).startsWith("lrid: error: "), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertEquals(before, snapshot(), "the file system changed: " + String.join(" ", args));
    }

    private Path spec(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static JsonNode lastJson(CliTest.Run r) throws IOException {
        List<String> lines = r.out().lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    @Test
    void simulateRefusesASpecThatRepeatsARunOrTheFullRecording() throws IOException {
        String out = dir.resolve("out").toString();
        Object[][] cases = {
            {
                SPEC.replace("[sgdm, fa]", "[sgdm, sgdm]"),
                "key 'rules': entry 1 (\"sgdm\") repeats entry 0"
            },
            {
                SPEC.replace("[sgdm, fa]", "[IA, ia]"),
                "key 'rules': entry 1 (\"ia\") repeats entry 0"
            },
            {SPEC.replace("[sgdm, fa]", "[fa, {name: FA, set: {}}]"), "key 'rules': entry 1"},
            {
                SPEC.replace("seeds: [0]", "seeds: [0, 0]"),
                "key 'seeds': entry 1 (0) repeats entry 0"
            },
            {
                SPEC.replace(
                        "[{family: mlp, width: 8, depth: 2}]",
                        "[{family: mlp, width: 8, depth: 2}, {family: mlp, depth: 2, width: 8}]"),
                "key 'architectures'"
            },
            {SPEC.replace("batch_sizes: [8]", "batch_sizes: [8, 8]"), "key 'batch_sizes'"},
            {SPEC + "conditions: [{fraction: 1, sigma: 0}]\n", "is the full recording"},
            {
                SPEC
                        + "conditions: [{fraction: 0.5, sigma: 0.1, seed: 2}, {fraction: 0.5, sigma: 0.1, seed: 2}]\n",
                "key 'conditions[1]' repeats conditions[0]"
            },
        };
        for (Object[] c : cases) {
            Path s = spec("bad.yaml", (String) c[0]);
            refused((String) c[1], "simulate", s.toString(), "--out", out, "--quiet");
            assertFalse(Files.exists(dir.resolve("out")));
        }
        refused(
                "is a directory; give a YAML file",
                "simulate",
                dir.toString(),
                "--out",
                out,
                "--quiet");
        refused(
                "does not exist",
                "simulate",
                dir.resolve("none.yaml").toString(),
                "--out",
                out,
                "--quiet");
    }

    @Test
    void simulateRefusesAnOutputThatIsAFileBeforeTheFirstRunTrains() throws IOException {
        Path s = spec("s.yaml", SPEC);
        Path file = Files.writeString(dir.resolve("taken"), "keep me");
        refused(
                "is a file, not a directory",
                "simulate",
                s.toString(),
                "--out",
                file.toString(),
                "--quiet");
        refused(
                "is a file",
                "simulate",
                s.toString(),
                "--out",
                file.resolve("sub").toString(),
                "--quiet");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("runs"), "not a directory");
        refused(
                "is a file, not a directory",
                "simulate",
                s.toString(),
                "--out",
                out.toString(),
                "--quiet");
        refused("is a file, not a directory", "demo", "--out", file.toString());
        assertEquals("keep me", Files.readString(file));
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        if (readOnly.toFile().setWritable(false, false) && !Files.isWritable(readOnly)) {
            // only where permissions bind (not as root)
            refused(
                    "not writable",
                    "simulate",
                    s.toString(),
                    "--out",
                    readOnly.resolve("data").toString(),
                    "--quiet");
        }
        readOnly.toFile().setWritable(true, false);
    }

    @Test
    void oneNetworkHasOneRunIdWhateverTheCaseOfItsRuleAcrossSpecs() throws IOException {
        Path out = dir.resolve("out");
        CliTest.Run first =
                CliTest.run(
                        "simulate",
                        spec("a.yaml", SPEC.replace("[sgdm, fa]", "[IA]")).toString(),
                        "--out",
                        out.toString(),
                        "--quiet",
                        "--json");
        assertEquals(0, first.code(), first.err());
        assertEquals(1, lastJson(first).get("trained").asInt());
        CliTest.Run second =
                CliTest.run(
                        "simulate",
                        spec("b.yaml", SPEC.replace("[sgdm, fa]", "[ia]")).toString(),
                        "--out",
                        out.toString(),
                        "--quiet",
                        "--json");
        assertEquals(0, second.code(), second.err());
        assertEquals(1, lastJson(second).get("skipped").asInt());
        assertEquals(0, lastJson(second).get("trained").asInt());
    }

    @Test
    void inspectAndExportSeeCommittedRunsAndConditionTriples() throws IOException {
        Path out = dir.resolve("data");
        Path s =
                spec(
                        "s.yaml",
                        SPEC
                                + "conditions: [{fraction: 0.5, sigma: 0.1, seed: 1},"
                                + " {fraction: 0.5, sigma: 0.1, seed: 2}]\n");
        assertEquals(
                0,
                CliTest.run("simulate", s.toString(), "--out", out.toString(), "--quiet").code());
        String d = out.toString();

        CliTest.Run inspect = CliTest.run("inspect", d, "--json");
        assertEquals(0, inspect.code(), inspect.err());
        JsonNode o = lastJson(inspect);
        assertEquals(2, o.get("runs").asInt());
        assertEquals(3, o.get("conditions").size());
        assertEquals(
                2 * 3 * 3 * 2,
                o.get("rows").asLong(),
                "2 runs x 3 layers x 3 conditions x 2 checkpoints");

        // export: an ambiguous condition, an absent one, a directory, a diagnostic: refused,
        // nothing written
        Path csv = dir.resolve("x.csv");
        refused(
                "has 2 conditions with fraction 0.5, sigma 0.1 (seeds 1, 2); choose one with --condition-seed",
                "export",
                d,
                "--out",
                csv.toString(),
                "--unit-fraction",
                "0.5",
                "--noise-sigma",
                "0.1");
        refused(
                "has no recording condition (fraction 0.3, sigma 0.0)",
                "export",
                d,
                "--out",
                csv.toString(),
                "--unit-fraction",
                "0.3");
        refused(
                "has no recording condition (fraction 0.5, sigma 0.1, seed 3)",
                "export",
                d,
                "--out",
                csv.toString(),
                "--unit-fraction",
                "0.5",
                "--noise-sigma",
                "0.1",
                "--condition-seed",
                "3");
        refused("is a directory", "export", d, "--out", dir.toString());
        refused(
                "is a diagnostic",
                "export",
                d,
                "--out",
                csv.toString(),
                "--observables",
                "diag_feedback_cos");
        refused(
                "is a diagnostic",
                "identify",
                d,
                "--observables",
                "diag_feedback_cos",
                "--out",
                dir.resolve("r.json").toString());
        refused(
                "is a diagnostic",
                "identify",
                d,
                "--observables",
                "weight,diag_update_angle",
                "--out",
                dir.resolve("r.json").toString());

        CliTest.Run export =
                CliTest.run(
                        "export",
                        d,
                        "--out",
                        csv.toString(),
                        "--unit-fraction",
                        "0.5",
                        "--noise-sigma",
                        "0.1",
                        "--condition-seed",
                        "2",
                        "--observables",
                        "weightraw_mean");
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().startsWith((2 * 3 * 2) + " rows"), export.out());

        // a kill between the two writes of a run: its trajectories exist, its run row does not
        String id;
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            Path row =
                    runs.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            id = row.getFileName().toString();
            Files.delete(row);
        }
        assertTrue(Files.exists(out.resolve("trajectories").resolve(id)));
        o = lastJson(CliTest.run("inspect", d, "--json"));
        assertEquals(1, o.get("runs").asInt());
        assertEquals(
                3 * 3 * 2, o.get("rows").asLong(), "the uncommitted run's rows are not counted");
        assertEquals(1, o.get("uncommitted_runs").asInt());
        export =
                CliTest.run(
                        "export", d, "--out", csv.toString(), "--observables", "weightraw_mean");
        assertTrue(export.out().startsWith((3 * 2) + " rows"), export.out());
        // the same command finishes the sweep
        CliTest.Run resumed =
                CliTest.run("simulate", s.toString(), "--out", d, "--quiet", "--json");
        assertEquals(1, lastJson(resumed).get("trained").asInt());
        assertEquals(
                0, lastJson(CliTest.run("inspect", d, "--json")).get("uncommitted_runs").asInt());
    }
}
