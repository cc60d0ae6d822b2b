package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, one-line errors, the JSON contract. */
class CliTest {

    @TempDir Path dir;

    record Run(int code, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("lrid:")).toList();
        }
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void assertOneLineError(Run r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
    }

    @Test
    void unknownRuleArchitectureTaskAndHyperparameter() {
        assertOneLineError(
                run("train", "--rule", "hebb", "--quiet"),
                "unknown rule 'hebb'; known rules: sgd, sgdm");
        assertOneLineError(run("train", "--arch", "vgg", "--quiet"), "unknown architecture 'vgg'");
        assertOneLineError(
                run("train", "--task", "imagenet", "--quiet"), "unknown task 'imagenet'");
        assertOneLineError(
                run("train", "--rule", "ia", "--set", "gamma=1", "--quiet"),
                "rule 'ia' has no hyperparameter 'gamma'");
        assertOneLineError(run("train", "--set", "lr=fast", "--quiet"), "must be a number");
    }

    @Test
    void missingAndCorruptDataFiles() throws IOException {
        assertOneLineError(
                run("train", "--data-dir", dir.resolve("nowhere").toString(), "--quiet"),
                "missing data file");
        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Files.write(
                corrupt.resolve("train-images-idx3-ubyte.gz"),
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertOneLineError(
                run("train", "--data-dir", corrupt.toString(), "--quiet"), "corrupt IDX file");
    }

    /**
     * Conv architectures through diagnosed checkpoints: a diagnosed step runs backward twice (the
     * exact gradient, then the rule's), which once crashed max pooling at step 1 because its first
     * backward dropped the saved input.
     */
    @Test
    void convArchitecturesTrainThroughDiagnosedCheckpoints() throws IOException {
        for (String arch : List.of("convnet", "resnet")) {
            for (String rule : List.of("sgdm", "fa")) {
                Run r =
                        run(
                                "train",
                                "--arch",
                                arch,
                                "--rule",
                                rule,
                                "--steps",
                                "4",
                                "--checkpoints",
                                "3",
                                "--batch-size",
                                "16",
                                "--train-limit",
                                "256",
                                "--test-limit",
                                "64",
                                "--quiet",
                                "--json");
                assertEquals(0, r.code(), arch + " " + rule + ": " + r.err());
                JsonNode j = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).get());
                assertEquals(false, j.get("diverged").asBoolean(), arch + " " + rule);
                assertEquals(3, j.get("curve").size(), arch + " " + rule);
            }
        }
    }

    /**
     * Activation alignment on the convnet: B's step is capped by the curvature bound, which for a
     * conv layer must count the kernel's overlapping windows (without that factor aa diverged
     * within 20 steps).
     */
    @Test
    void alignmentOnAConvLayerStaysWithinItsStabilityLimit() throws IOException {
        Run r =
                run(
                        "train",
                        "--arch",
                        "convnet",
                        "--rule",
                        "aa",
                        "--steps",
                        "20",
                        "--checkpoints",
                        "3",
                        "--batch-size",
                        "32",
                        "--train-limit",
                        "1000",
                        "--test-limit",
                        "100",
                        "--quiet",
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).get());
        assertEquals(false, j.get("diverged").asBoolean(), r.out());
    }

    /** Every command's --help renders cleanly (a bare '%' in a description makes picocli warn). */
    @Test
    void everyHelpRendersWithoutWarnings() {
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        List<List<String>> commands = new java.util.ArrayList<>();
        commands.add(List.of());
        root.getSubcommands()
                .forEach(
                        (name, sub) -> {
                            commands.add(List.of(name));
                            sub.getSubcommands()
                                    .keySet()
                                    .forEach(n -> commands.add(List.of(name, n)));
                        });
        for (List<String> c : commands) {
            List<String> args = new java.util.ArrayList<>(c);
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), c + ": " + r.err());
            assertTrue(r.out().contains("Usage:"), c + ": " + r.out());
            assertTrue(!r.err().contains("WARN"), c + ": " + r.err());
        }
    }

    @Test
    void impossibleShapesAndBadNumbers() {
        assertOneLineError(
                run("train", "--arch", "convnet", "--task", "gaussian-mixture", "--quiet"),
                "needs image inputs");
        assertOneLineError(
                run("train", "--task", "gaussian-mixture", "--steps", "-3", "--quiet"), "steps");
        assertOneLineError(
                run("train", "--task", "gaussian-mixture", "--width", "0", "--quiet"), "width");
        assertOneLineError(
                run("train", "--task", "gaussian-mixture", "--batch-size", "999999", "--quiet"),
                "exceeds the");
        assertOneLineError(run("train", "--bogus"), "Unknown option");
    }

    @Test
    void trainJsonEndsWithTheResultObject() throws IOException {
        Run r =
                run(
                        "train",
                        "--task",
                        "gaussian-mixture",
                        "--rule",
                        "fa",
                        "--width",
                        "32",
                        "--steps",
                        "60",
                        "--batch-size",
                        "32",
                        "--json",
                        "--quiet");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        JsonNode o = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        for (String key :
                List.of(
                        "rule",
                        "arch",
                        "task",
                        "steps",
                        "train_seconds",
                        "steps_per_second",
                        "final_loss",
                        "test_accuracy",
                        "diverged")) {
            assertTrue(o.has(key), "missing " + key + " in " + o);
        }
        assertEquals("fa", o.get("rule").asText());
        assertEquals(60, o.get("steps").asInt());
        assertTrue(o.get("test_accuracy").asDouble() > 0.3, o.toString());
    }

    @Test
    void simulateRefusesABadSpecBeforeWritingAndInspectNeedsADataset() throws IOException {
        Path spec =
                Files.writeString(
                        dir.resolve("s.yaml"),
                        "steps: 10\nrules: [sgdm, hebb]\narchitectures: [mlp]\n"
                                + "tasks: [gaussian-mixture]\nbatch_sizes: [8]\nseeds: [0]\n");
        Path out = dir.resolve("out");
        assertOneLineError(
                run("simulate", spec.toString(), "--out", out.toString(), "--quiet"),
                "unknown rule 'hebb'");
        assertTrue(Files.notExists(out));
        assertOneLineError(
                run("simulate", dir.resolve("none.yaml").toString(), "--out", out.toString()),
                "does not exist");
        assertOneLineError(run("inspect", out.toString()), "no lrid dataset in");
        assertOneLineError(
                run("report", dir.resolve("missing.json").toString()), "no results file");
        assertOneLineError(
                run("identify", out.toString(), "--experiment", "astrology", "--out", "x.json"),
                "unknown experiment 'astrology'");
        assertOneLineError(
                run(
                        "predict",
                        "--model",
                        dir.resolve("none.model").toString(),
                        "--trajectories",
                        "t.csv"),
                "no model at");
    }

    @Test
    void rulesListsEveryRuleAndHelpWorksEverywhere() {
        Run r = run("rules");
        assertEquals(0, r.code());
        for (String rule :
                List.of("sgd", "sgdm", "adam", "fa", "ss", "dfa", "wm", "ia", "sa", "aa", "kp")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(rule + " ")), rule);
        }
        for (String[] cmd :
                List.of(
                        new String[] {"--help"},
                        new String[] {"train", "--help"},
                        new String[] {"rules", "--help"},
                        new String[] {"bench", "train", "--help"},
                        new String[] {"simulate", "--help"},
                        new String[] {"inspect", "--help"},
                        new String[] {"bench", "observe", "--help"},
                        new String[] {"bench", "zoo", "--help"},
                        new String[] {"bench", "identify", "--help"},
                        new String[] {"identify", "--help"},
                        new String[] {"predict", "--help"},
                        new String[] {"export", "--help"},
                        new String[] {"report", "--help"},
                        new String[] {"demo", "--help"})) {
            assertEquals(0, run(cmd).code(), String.join(" ", cmd));
        }
    }
}
