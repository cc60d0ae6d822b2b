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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} and {@code rules}: bad input gets one line and exit 2, the JSON carries the new
 * fields.
 */
class TrainRulesCliTest {

    @TempDir Path dir;

    private void assertRefused(String expected, String... args) throws IOException {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "something was written");
        }
    }

    @Test
    void impossibleCheckpointsWidthsAndHyperparametersAreRefusedInOneLine() throws IOException {
        String[] base = {
            "train", "--task", "gaussian-mixture", "--quiet", "--data-dir", dir.toString()
        };
        assertRefused(
                "has at most 51 distinct checkpoints",
                concat(base, "--checkpoints", "500", "--steps", "50"));
        assertRefused("distinct checkpoints", concat(base, "--checkpoints", "2147483647"));
        assertRefused("width must be at most", concat(base, "--width", "2000000000"));
        assertRefused("width must be at most", concat(base, "--width", "200000", "--depth", "64"));
        assertRefused(
                "hidden-to-hidden weights", concat(base, "--width", "20000", "--depth", "64"));
        assertRefused("hidden-to-hidden weights", concat(base, "--width", "60000", "--depth", "3"));
        assertRefused(
                "hyperparameter 'momentum' must be a number in [0, 1), got 'NaN'",
                concat(base, "--set", "momentum=NaN"));
        assertRefused(
                "hyperparameter 'lr' must be a number in (0, 1.0E12], got 'Infinity'",
                concat(base, "--set", "LR=Infinity"));
        assertRefused(
                "hyperparameter 'weight_decay' must be a number in [0, 1), got '-1'",
                concat(base, "--set", "weight_decay=-1"));
        assertRefused(
                "hyperparameter 'lr_schedule' must be one of constant|step|cosine",
                concat(base, "--set", "lr_schedule=linear"));
        assertRefused("rule 'sgdm' has no hyperparameter 'amp'", concat(base, "--set", "amp=1"));
    }

    @Test
    void familyMismatchesAreRefusedBeforeAnyWork() throws IOException {
        assertRefused(
                "rule 'fa' is a feed-forward rule and cannot train rnn",
                "train",
                "--arch",
                "rnn",
                "--rule",
                "fa",
                "--task",
                "pattern");
        assertRefused(
                "the exact gradient of an rnn is bptt",
                "train",
                "--arch",
                "rnn",
                "--rule",
                "sgdm",
                "--task",
                "reach");
        assertRefused(
                "rule 'rflo' is a recurrent rule and cannot train mlp",
                "train",
                "--rule",
                "rflo",
                "--task",
                "gaussian-mixture");
        assertRefused("mlp cannot read sequences", "train", "--task", "pattern");
        assertRefused(
                "rnn reads sequences", "train", "--arch", "rnn", "--task", "gaussian-mixture");
        assertRefused(
                "hyperparameter 'sigma' must be a number in (0, 10]",
                "train",
                "--arch",
                "rnn",
                "--rule",
                "wp",
                "--task",
                "pattern",
                "--set",
                "sigma=0");
        assertRefused(
                "rule 'bptt' has no hyperparameter 'sigma'",
                "train",
                "--arch",
                "rnn",
                "--task",
                "pattern",
                "--set",
                "sigma=0.1");
    }

    @Test
    void trainOnAnRnnTakesTheFamilyDefaultsAndNamesItsScore() throws IOException {
        CliTest.Run r =
                CliTest.run(
                        "train",
                        "--arch",
                        "rnn",
                        "--task",
                        "reach",
                        "--width",
                        "16",
                        "--steps",
                        "4",
                        "--checkpoints",
                        "2",
                        "--batch",
                        "8",
                        "--json",
                        "--quiet");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        JsonNode o = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("bptt", o.get("rule").asText());
        assertEquals("rnn-w16-d1-tanh", o.get("arch").asText());
        assertTrue(o.has("test_r2") && !o.has("test_accuracy"), o.toString());
        assertTrue(o.get("curve").get(0).has("test_r2"));
        assertEquals(3, o.get("curve").get(0).get("update_angle").size());
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    @Test
    void trainJsonCarriesResolvedHyperparametersDiagnosticsAndAlignment() throws IOException {
        CliTest.Run r =
                CliTest.run(
                        "train",
                        "--task",
                        "gaussian-mixture",
                        "--rule",
                        "IA",
                        "--width",
                        "32",
                        "--steps",
                        "40",
                        "--checkpoints",
                        "5",
                        "--batch-size",
                        "32",
                        "--set",
                        "Nesterov=false",
                        "--json",
                        "--quiet");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        JsonNode o = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("ia", o.get("rule").asText());
        JsonNode hp = o.get("hyperparameters");
        assertEquals(
                1e-4,
                hp.get("weight_decay").asDouble(),
                0); // the mlp family's, resolved and stored
        assertFalse(hp.get("nesterov").asBoolean());
        assertTrue(hp.get("alignment_bias").asBoolean());
        assertFalse(hp.get("normalize_input").asBoolean());
        JsonNode alignment = o.get("alignment");
        assertEquals(3, alignment.size());
        for (JsonNode c : alignment) {
            assertTrue(c.isNumber() && Math.abs(c.asDouble()) <= 1, alignment.toString());
        }
        JsonNode curve = o.get("curve");
        assertEquals(5, curve.size());
        for (JsonNode point : curve) {
            assertEquals(3, point.get("update_angle").size());
            assertEquals(
                    0,
                    point.get("update_angle").get(2).asDouble(),
                    0.01); // the top layer gets the exact error
        }
        assertEquals(alignment, curve.get(4).get("feedback_cosine"));

        CliTest.Run bp =
                CliTest.run(
                        "train",
                        "--task",
                        "gaussian-mixture",
                        "--rule",
                        "sgdm",
                        "--width",
                        "16",
                        "--steps",
                        "5",
                        "--checkpoints",
                        "2",
                        "--json",
                        "--quiet");
        List<String> bpLines = bp.out().lines().toList();
        JsonNode b = new ObjectMapper().readTree(bpLines.get(bpLines.size() - 1));
        for (JsonNode c : b.get("alignment")) {
            assertTrue(c.isNull(), b.get("alignment").toString()); // backprop has no B
        }
    }

    @Test
    void rulesPrintsTheHyperparameterTableAndItsJson() throws IOException {
        CliTest.Run r = CliTest.run("rules");
        assertEquals(0, r.code());
        for (String key :
                List.of(
                        "weight_decay",
                        "nesterov",
                        "lr_schedule",
                        "warmup",
                        "lr_drop_at",
                        "alignment_bias",
                        "normalize_input",
                        "noise_input",
                        "sigma")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(key + " ")), key);
        }
        CliTest.Run j = CliTest.run("rules", "--json");
        JsonNode o = new ObjectMapper().readTree(j.out());
        assertEquals(11 + 6, o.get("rules").size());
        int recurrent = 0;
        for (JsonNode rule : o.get("rules")) {
            boolean isRecurrent = rule.get("family").asText().equals("recurrent");
            recurrent += isRecurrent ? 1 : 0;
            // sigma is a table entry of the perturbation rules only
            assertEquals(
                    List.of("np", "wp").contains(rule.get("rule").asText()),
                    rule.get("hyperparameters").has("sigma"),
                    rule.toString());
        }
        assertEquals(6, recurrent);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("rflo") && l.contains("recurrent")));
        JsonNode table = o.get("hyperparameters");
        assertTrue(table.size() >= 19);
        for (JsonNode h : table) {
            for (String f :
                    List.of("name", "type", "range", "default", "applies_to", "description")) {
                assertTrue(h.has(f), h.toString());
            }
        }
        JsonNode ia = o.get("rules").get(7);
        assertEquals("ia", ia.get("rule").asText());
        assertTrue(ia.get("hyperparameters").has("alignment_bias"));
    }
}
