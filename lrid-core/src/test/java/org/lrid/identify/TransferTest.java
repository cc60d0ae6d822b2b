package org.lrid.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.observe.Observables;
import org.lrid.store.Condition;
import org.lrid.store.LongFormat;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/**
 * {@code identify DIR --test-data OTHER}: train on one tiny zoo, test on another one simulated with
 * other seeds (as a dataset and as a long-format file), and the refusals.
 */
class TransferTest {

    @TempDir static Path dir;

    static Path train;
    static Path test;
    static Path testFile;

    @BeforeAll
    static void simulate() throws Exception {
        train = dir.resolve("train");
        test = dir.resolve("test");
        // each rule its own seeds (no twins across rules); the test zoo's seeds are none of these
        zoo(train, "sgdm", "0, 1, 2, 3, 4, 5");
        zoo(train, "adam", "10, 11, 12, 13, 14, 15");
        zoo(test, "sgdm", "40, 41, 42");
        zoo(test, "adam", "50, 51, 52");
        testFile = dir.resolve("test-long.csv");
        LongFormat.export(test, testFile, Observables.select("admissible"), Condition.FULL);
    }

    private static void zoo(Path data, String rule, String seeds) throws Exception {
        Path spec =
                Files.writeString(
                        dir.resolve(rule + "-" + data.getFileName() + ".yaml"),
                        """
                        steps: 300
                        checkpoints: 6
                        rules: [%s]
                        architectures: [{family: mlp, width: 16, depth: 2}]
                        tasks: [gaussian-mixture]
                        batch_sizes: [32]
                        seeds: [%s]
                        task_options: {train_limit: 2000, test_limit: 300}
                        """
                                .formatted(rule, seeds));
        new SweepRunner(data, 2, "test").run(SweepSpec.read(spec), null);
    }

    private static JsonNode transfer(Path other, Path out, String... extra) throws Exception {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "identify",
                                train.toString(),
                                "--test-data",
                                other.toString(),
                                "--classifiers",
                                "rf",
                                "--observables",
                                "weight,act",
                                "--quick",
                                "--splits",
                                "3",
                                "--out",
                                out.toString()));
        args.addAll(List.of(extra));
        IdentifyCommandTest.Run r = IdentifyCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        return new ObjectMapper().readTree(out.toFile());
    }

    @Test
    void trainedOnOneZooItNamesTheRulesOfAnotherAboveChance() throws Exception {
        JsonNode results = transfer(test, dir.resolve("transfer.json"));
        assertEquals("transfer", results.get("experiment").asText());
        assertEquals(test.toAbsolutePath().toString(), results.get("test_data").asText());
        assertEquals(2, results.get("cells").size());
        for (JsonNode cell : results.get("cells")) {
            assertEquals("transfer", cell.get("experiment").asText());
            assertEquals(6, cell.get("test_networks").asInt());
            // 6 test networks x 3 layers, all of them in every repetition
            assertEquals(
                    6 * 3,
                    cell.get("reliability").findValues("rows").stream()
                                    .mapToInt(JsonNode::asInt)
                                    .sum()
                            / 3);
            assertEquals(3, cell.get("network_accuracy").size());
            // sgdm and adam leave very different trajectories: far above the 0.5 of chance
            assertTrue(cell.get("accuracy_mean").asDouble() > 0.7, cell.toString());
            assertTrue(cell.get("network_accuracy_mean").asDouble() > 0.7, cell.toString());
            assertTrue(Double.isFinite(cell.get("brier_mean").asDouble()));
            assertTrue(Double.isFinite(cell.get("brier_calibrated_mean").asDouble()));
            assertEquals(2, cell.get("confusion_mean").size());
            assertFalse(cell.has("unseen_rules"));
        }
    }

    @Test
    void aLongFormatFileOfTheSameNetworksGivesTheSameScores() throws Exception {
        JsonNode fromDir = transfer(test, dir.resolve("t-dir.json"), "--transform", "logratio");
        JsonNode fromFile =
                transfer(testFile, dir.resolve("t-file.json"), "--transform", "logratio");
        for (int i = 0; i < 2; i++) {
            JsonNode a = fromDir.get("cells").get(i);
            JsonNode b = fromFile.get("cells").get(i);
            for (String k : List.of("accuracy", "network_accuracy", "confusion_mean")) {
                assertEquals(a.get(k), b.get(k), k);
            }
            assertEquals(a.get("brier_mean").asDouble(), b.get("brier_mean").asDouble(), 1e-12);
        }
    }

    @Test
    void networksOfRulesTheTrainingDataLacksAreLeftOutWithANote() throws Exception {
        // relabel the first test network as fa, a rule the training data does not hold
        List<String> lines = Files.readAllLines(testFile);
        String first = lines.get(1).split(",")[0];
        List<String> relabelled = new java.util.ArrayList<>();
        relabelled.add(lines.get(0));
        int rule = List.of(lines.get(0).split(",")).indexOf("rule");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[0].equals(first)) {
                f[rule] = "fa";
            }
            relabelled.add(String.join(",", f));
        }
        Path file = Files.write(dir.resolve("with-fa.csv"), relabelled);
        Path out = dir.resolve("unseen.json");
        IdentifyCommandTest.Run r =
                IdentifyCommandTest.run(
                        "identify",
                        train.toString(),
                        "--test-data",
                        file.toString(),
                        "--classifiers",
                        "rf",
                        "--observables",
                        "weight",
                        "--quick",
                        "--splits",
                        "2",
                        "--out",
                        out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("note: ") && r.out().contains("fa (1 networks)"), r.out());
        JsonNode cell = new ObjectMapper().readTree(out.toFile()).get("cells").get(0);
        assertEquals(5, cell.get("test_networks").asInt());
        assertEquals("fa (1 networks)", cell.get("unseen_rules").asText());
    }

    @Test
    void badTestDataIsRefusedBeforeAnyWork() throws Exception {
        Path out = dir.resolve("refused.json");
        String[] base = {
            "identify", train.toString(), "--quick", "--splits", "1", "--out", out.toString()
        };
        refused(
                out,
                "--test-data: nothing at",
                base,
                "--test-data",
                dir.resolve("nope").toString());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        refused(out, "--test-data: ", base, "--test-data", empty.toString());
        refused(out, "training dataset itself", base, "--test-data", train.toString());
        refused(
                out,
                "end in .csv or .parquet",
                base,
                "--test-data",
                Files.writeString(dir.resolve("x.txt"), "x").toString());
        refused(
                out,
                "leave out --experiment",
                base,
                "--test-data",
                test.toString(),
                "--experiment",
                "generalize");
        refused(out, "give it with --test-data", base, "--experiment", "transfer");
        // a held-out range means nothing to transfer (or to separability): refused, not ignored
        refused(
                out,
                "would ignore it",
                base,
                "--test-data",
                test.toString(),
                "--holdout",
                "learning_rate:upper-third");
        refused(out, "would ignore it", base, "--holdout", "learning_rate:upper-third");
        // a file without a rule column, and one whose rules the training data lacks
        List<String> lines = Files.readAllLines(testFile);
        int rule = List.of(lines.get(0).split(",")).indexOf("rule");
        List<String> noRule = new java.util.ArrayList<>();
        List<String> allFa = new java.util.ArrayList<>();
        for (String line : lines) {
            List<String> f = new java.util.ArrayList<>(List.of(line.split(",", -1)));
            List<String> g = new java.util.ArrayList<>(f);
            f.remove(rule);
            noRule.add(String.join(",", f));
            if (!line.equals(lines.get(0))) {
                g.set(rule, "fa");
            }
            allFa.add(String.join(",", g));
        }
        Path unlabelled = Files.write(dir.resolve("no-rule.csv"), noRule);
        refused(out, "has no rule column", base, "--test-data", unlabelled.toString());
        Path fa = Files.write(dir.resolve("all-fa.csv"), allFa);
        refused(
                out,
                "holds no network of a rule the training data has",
                base,
                "--test-data",
                fa.toString());
    }

    private static void refused(Path out, String expected, String[] base, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(base));
        args.addAll(List.of(extra));
        IdentifyCommandTest.Run r = IdentifyCommandTest.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertFalse(r.out().contains("accuracy") || r.out().contains("layers "), r.out());
        assertFalse(Files.exists(out), "a refused run wrote " + out);
    }

    @Test
    void networkAccuracySumsTheLayersLogProbabilities() {
        // network a: two layers lean weakly to class 0, one strongly to class 1 -> class 1
        double[][] p = {{0.6, 0.4}, {0.6, 0.4}, {0.05, 0.95}, {0.9, 0.1}};
        int[] truth = {1, 1, 1, 0};
        String[] groups = {"a", "a", "a", "b"};
        assertEquals(1.0, Evaluation.networkAccuracy(p, truth, groups), 1e-12);
        assertEquals(0.5, Evaluation.networkAccuracy(p, new int[] {0, 0, 0, 0}, groups), 1e-12);
    }
}
