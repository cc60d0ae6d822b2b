package org.lrid.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

class SweepSpecTest {

    @TempDir Path dir;

    private SweepSpec spec(String yaml) throws IOException {
        return SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), yaml));
    }

    private static final String GOOD =
            """
            steps: 50
            rules: [sgdm, {name: ia, set: {amp: 0.004}}]
            architectures: [mlp, {family: mlp, width: 32, depth: 3}]
            tasks: [gaussian-mixture]
            batch_sizes: [32, 64]
            seeds: [0, 1, 2]
            conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]
            """;

    @Test
    void expandsTheWholeGridWithStableDistinctIds() throws IOException {
        SweepSpec s = spec(GOOD);
        assertEquals(2 * 2 * 1 * 2 * 3, s.runs().size());
        assertEquals(
                s.runs().size(),
                new HashSet<>(s.runs().stream().map(RunDescription::runId).toList()).size());
        assertEquals(
                s.runs().stream().map(RunDescription::runId).toList(),
                spec(GOOD).runs().stream().map(RunDescription::runId).toList());
        RunDescription ia =
                s.runs().stream().filter(r -> r.rule().equals("ia")).findFirst().orElseThrow();
        assertEquals(0.004, ia.learningRule().alignment().coefficient(org.lrid.rule.Primitive.AMP));
        assertEquals(21, ia.checkpoints());
        assertNotEquals(s.runs().get(0).runId(), s.runs().get(1).runId());
    }

    @Test
    void shippedExamplesParse() {
        for (String name : List.of("smoke", "mini", "paper")) {
            SweepSpec s = SweepSpec.read(Path.of("examples", name + ".yaml"));
            assertTrue(s.runs().size() > 0, name);
        }
        assertEquals(48, SweepSpec.read(Path.of("examples", "mini.yaml")).runs().size());
        SweepSpec recurrent = SweepSpec.read(Path.of("examples", "recurrent.yaml"));
        assertEquals(5 * 3 * 12, recurrent.runs().size());
        assertEquals(
                java.util.Map.of("seq-fashion-mnist", 1000, "pattern", 500, "reach", 500),
                recurrent.runs().stream()
                        .collect(
                                java.util.stream.Collectors.toMap(
                                        RunDescription::task, RunDescription::steps, (a, b) -> a)));
    }

    private static final String RECURRENT =
            """
            steps: {pattern: 30, reach: 40}
            rules: [bptt, np]
            architectures: [rnn]
            tasks: [pattern, reach]
            batch_sizes: [16]
            seeds: [0]
            """;

    @Test
    void stepsPerTaskAndFamiliesAreCheckedWithTheSpec() throws IOException {
        SweepSpec s = spec(RECURRENT);
        assertEquals(4, s.runs().size());
        for (RunDescription r : s.runs()) {
            assertEquals(r.task().equals("pattern") ? 30 : 40, r.steps());
        }
        refused(RECURRENT.replace(", reach: 40", ""), "no steps for task 'reach'");
        refused(
                RECURRENT.replace("reach: 40", "reach: 40, cifar10: 3"),
                "key 'steps.cifar10': not a task");
        refused(
                RECURRENT.replace("reach: 40", "reach: 0"),
                "key 'steps.reach' must be a positive integer");
        refused(
                RECURRENT.replace("[bptt, np]", "[bptt, fa]"),
                "rule 'fa' is a feed-forward rule and cannot train rnn");
        refused(
                RECURRENT.replace("[rnn]", "[mlp]"),
                "rule 'bptt' is a recurrent rule and cannot train mlp");
        refused(
                RECURRENT
                        .replace("[pattern, reach]", "[pattern, gaussian-mixture]")
                        .replace("reach: 40", "gaussian-mixture: 40"),
                "rnn reads sequences");
        refused(GOOD.replace("[gaussian-mixture]", "[reach]"), "mlp cannot read sequences");
        refused(
                RECURRENT.replace("[bptt, np]", "[{name: np, set: {sigma: 0}}]"),
                "'sigma' must be a number in (0, 10]");
    }

    private void refused(String yaml, String expected) {
        LridException e = assertThrows(LridException.class, () -> spec(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void malformedSpecsAreRefusedNamingTheKey() {
        refused(GOOD.replace("rules: [sgdm,", "rules: [hebb,"), "unknown rule 'hebb'");
        refused(GOOD + "optimiser: adam\n", "unknown key 'optimiser'");
        refused(GOOD.replace("seeds: [0, 1, 2]", "seeds: []"), "key 'seeds' is empty");
        refused(GOOD.replace("steps: 50", "steps: -5"), "key 'steps' must be a positive integer");
        refused(GOOD.replace("{amp: 0.004}", "{gamma: 1}"), "has no hyperparameter 'gamma'");
        refused(GOOD.replace("width: 32", "widht: 32"), "unknown key 'architectures[].widht'");
        refused(GOOD.replace("fraction: 0.5", "fraction: 1.5"), "conditions[0]");
        refused(GOOD.replace("[gaussian-mixture]", "[imagenet]"), "unknown task 'imagenet'");
        refused("steps: [oops", "not valid YAML");
    }

    @Test
    void aSpecThatRepeatsARunIsRefusedNamingTheRepeatedEntry() {
        refused(
                GOOD.replace("rules: [sgdm,", "rules: [sgdm, sgdm,"),
                "key 'rules': entry 1 (\"sgdm\") repeats entry 0");
        refused(
                GOOD.replace("rules: [sgdm,", "rules: [sgdm, SGDM,"),
                "key 'rules': entry 1 (\"SGDM\") repeats entry 0");
        refused(GOOD.replace("rules: [sgdm,", "rules: [sgdm, {name: sgdm},"), "repeats entry 0");
        refused(
                GOOD.replace(
                        "{name: ia, set: {amp: 0.004}}",
                        "{name: ia, set: {amp: 0.004}}, {name: IA, set: {AMP: 4e-3}}"),
                "key 'rules': entry 2");
        refused(
                GOOD.replace("seeds: [0, 1, 2]", "seeds: [0, 1, 0]"),
                "key 'seeds': entry 2 (0) repeats entry 0");
        refused(
                GOOD.replace("batch_sizes: [32, 64]", "batch_sizes: [32, 64, 32]"),
                "key 'batch_sizes': entry 2");
        refused(
                GOOD.replace(
                        "tasks: [gaussian-mixture]", "tasks: [gaussian-mixture, gaussian-mixture]"),
                "key 'tasks': entry 1");
        refused(
                GOOD.replace("architectures: [mlp,", "architectures: [mlp, mlp,"),
                "key 'architectures': entry 1");
        // a mapping that spells out the family's defaults is the same architecture
        refused(
                GOOD.replace("architectures: [mlp,", "architectures: [mlp, {family: mlp},"),
                "key 'architectures': entry 1");
        refused(GOOD.replace("{amp: 0.004}", "{amp: 0.004, AMP: 0.005}"), "is given twice");
        // spelling out a default is the same network: the run id hashes the resolved
        // hyperparameters
        Object lr = org.lrid.rule.Rules.get("sgdm").hyperparameters().get("lr");
        refused(
                GOOD.replace("rules: [sgdm,", "rules: [sgdm, {name: sgdm, set: {lr: " + lr + "}},"),
                "key 'rules': entry 1");
    }

    @Test
    void neighboursOfARepeatAreKept() throws IOException {
        // same rule, different values; same fraction and sigma, different seeds: different runs,
        // different conditions
        SweepSpec s =
                spec(
                        GOOD.replace(
                                        "rules: [sgdm,",
                                        "rules: [sgdm, {name: sgdm, set: {lr: 0.02}},")
                                .replace(
                                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}, {fraction: 0.5, sigma: 0.1, seed: 5}]"));
        assertEquals(3 * 2 * 1 * 2 * 3, s.runs().size());
        assertEquals(2, s.runs().get(0).conditions().size());
    }

    @Test
    void theRunIdHashesTheCanonicalRuleAndValues() throws IOException {
        String base = GOOD.replace("rules: [sgdm, {name: ia, set: {amp: 0.004}}]", "rules: [%s]");
        List<String> ids = new java.util.ArrayList<>();
        for (String rule :
                List.of(
                        "{name: ia, set: {lr: 0.01}}",
                        "{name: IA, set: {LR: \"1e-2\"}}",
                        "{name: Ia, set: {lr: 0.010}}",
                        "{name: ia, set: {lr: .01}}")) {
            ids.add(spec(base.formatted(rule)).runs().get(0).runId());
        }
        assertEquals(1, new HashSet<>(ids).size(), ids.toString());
        assertEquals("ia", spec(base.formatted("IA")).runs().get(0).rule());
        assertEquals(
                spec(base.formatted("ia")).runs().get(0).runId(),
                spec(base.formatted("IA")).runs().get(0).runId());
        assertNotEquals(
                ids.get(0),
                spec(base.formatted("{name: ia, set: {lr: 0.02}}")).runs().get(0).runId());
    }

    @Test
    void conditionsAreTriplesAndTheFullRecordingIsNeverAskedFor() {
        refused(
                GOOD.replace(
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                        "conditions: [{fraction: 1, sigma: 0}]"),
                "key 'conditions[0]' {fraction: 1, sigma: 0} is the full recording");
        refused(
                GOOD.replace(
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                        "conditions: [{fraction: 1.0}]"),
                "is the full recording");
        refused(
                GOOD.replace(
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                        "conditions: [{fraction: 1, sigma: 0, seed: 9}]"),
                "is the full recording");
        refused(
                GOOD.replace(
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}, {fraction: 0.5, sigma: 0.1, seed: 4}]"),
                "key 'conditions[1]' repeats conditions[0]");
    }

    @Test
    void aSpecPathThatIsADirectoryIsCalledADirectory() {
        LridException e = assertThrows(LridException.class, () -> SweepSpec.read(dir));
        assertTrue(
                e.getMessage().contains("is a directory")
                        && !e.getMessage().contains("does not exist"),
                e.getMessage());
        e = assertThrows(LridException.class, () -> SweepSpec.read(dir.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aGridBuiltInCodeCannotHoldOneRunTwice() throws IOException {
        RunDescription r = spec(GOOD).runs().get(0);
        RunDescription sameNetwork =
                new RunDescription(
                        r.rule().toUpperCase(),
                        r.overrides(),
                        r.archFamily(),
                        r.width(),
                        r.depth(),
                        r.activation(),
                        r.initScale(),
                        r.task(),
                        r.trainLimit(),
                        r.testLimit(),
                        r.batchSize(),
                        r.steps(),
                        r.checkpoints(),
                        r.seed(),
                        r.conditions());
        assertEquals(r.runId(), sameNetwork.runId());
        LridException e =
                assertThrows(
                        LridException.class, () -> new SweepSpec("x", List.of(r, sameNetwork)));
        assertTrue(e.getMessage().contains("holds one run twice"), e.getMessage());
    }

    private static final String RANDOM =
            """
            steps: 50
            samples: 3
            rules:
              - {name: sgdm, set: {lr: {loguniform: [0.001, 0.01]}, momentum: {uniform: [0.8, 0.95]}}}
              - {name: ia, set: {amp: {choice: [0.002, 0.004]}, weight_decay: 0.0002}}
            architectures: [{family: mlp, width: 32, depth: 2, init_scale: {uniform: [0.4, 1.2]}}]
            tasks: [gaussian-mixture]
            batch_sizes: [{choice: [32, 64]}]
            seeds: [0, 1]
            """;

    private static List<String> ids(SweepSpec s) {
        return s.runs().stream().map(RunDescription::runId).toList();
    }

    @Test
    void aRandomisedSpecDrawsKSamplesPerCellAsPlainStoredValues() throws IOException {
        SweepSpec s = spec(RANDOM);
        SweepSpec once = spec(RANDOM.replace("samples: 3", "samples: 1"));
        assertEquals(2 * 2, once.runs().size());
        assertEquals(3 * once.runs().size(), s.runs().size());
        assertEquals(s.runs().size(), new HashSet<>(ids(s)).size(), "distinct ids");
        assertEquals(ids(s), ids(spec(RANDOM)), "same spec, same draws, same ids");
        // samples: 1 is sample 0 of samples: 3 (adding samples leaves the first draws as they were)
        assertTrue(ids(s).containsAll(ids(once)));
        java.util.Set<String> amps = new HashSet<>();
        java.util.Set<Integer> batches = new HashSet<>();
        java.util.Set<Long> sgdmSeeds = new HashSet<>();
        for (RunDescription r : s.runs()) {
            assertTrue(r.initScale() >= 0.4 && r.initScale() <= 1.2, "init_scale " + r.initScale());
            assertTrue(r.batchSize() == 32 || r.batchSize() == 64);
            batches.add(r.batchSize());
            if (r.rule().equals("sgdm")) {
                double lr = Double.parseDouble(r.overrides().get("lr"));
                double momentum = Double.parseDouble(r.overrides().get("momentum"));
                assertTrue(lr >= 0.001 && lr <= 0.01, "lr " + lr);
                assertTrue(momentum >= 0.8 && momentum <= 0.95, "momentum " + momentum);
                // the drawn values are what the run trains with and what its stored hyperparameters
                // say
                assertEquals(lr, r.learningRule().optimizer().learningRate(), 0);
                assertTrue(
                        r.runSpec().rule().hyperparametersJson().contains("\"lr\":" + lr),
                        r.overrides().toString());
                sgdmSeeds.add(r.seed());
            } else {
                amps.add(r.overrides().get("amp"));
                assertEquals("2.0E-4", r.overrides().get("weight_decay"));
            }
        }
        assertEquals(java.util.Set.of("0.002", "0.004"), amps);
        assertEquals(java.util.Set.of(32, 64), batches);
        assertEquals(
                6, sgdmSeeds.size(), "each sample of a seed trains from its own initialisation");
        assertTrue(sgdmSeeds.containsAll(List.of(0L, 1L)), "sample 0 keeps the grid seed");
        // without distributions, samples are seeds of their own: 2x the runs, all distinct
        SweepSpec twice = spec(GOOD + "samples: 2\n");
        assertEquals(2 * spec(GOOD).runs().size(), twice.runs().size());
        assertTrue(ids(twice).containsAll(ids(spec(GOOD))));
    }

    @Test
    void addingARuleLeavesTheOtherRulesDrawsAsTheyWere() throws IOException {
        SweepSpec s = spec(RANDOM);
        SweepSpec more =
                spec(
                        RANDOM.replace(
                                "rules:\n",
                                "rules:\n  - {name: adam, set: {lr: {loguniform: [0.0001,"
                                        + " 0.001]}}}\n"));
        assertEquals(s.runs().size() / 2 * 3, more.runs().size());
        assertTrue(ids(more).containsAll(ids(s)));
        SweepSpec moreSeeds = spec(RANDOM.replace("seeds: [0, 1]", "seeds: [0, 1, 7]"));
        assertTrue(ids(moreSeeds).containsAll(ids(s)));
    }

    @Test
    void theInitScaleIsHashedAndOneIsTheDefault() throws IOException {
        String fixed =
                GOOD.replace(
                        "{family: mlp, width: 32, depth: 3}",
                        "{family: mlp, width: 32, depth: 3," + " init_scale: 1}");
        assertEquals(ids(spec(GOOD)), ids(spec(fixed)));
        SweepSpec half = spec(fixed.replace("init_scale: 1}", "init_scale: 0.5}"));
        assertEquals(spec(GOOD).runs().size(), half.runs().size());
        assertEquals(
                spec(GOOD).runs().size() / 2,
                half.runs().stream().filter(r -> r.initScale() == 0.5).count());
        assertEquals(
                spec(GOOD).runs().size() / 2,
                ids(half).stream().filter(ids(spec(GOOD))::contains).count());
        assertEquals(
                0.5,
                half.runs().stream()
                        .filter(r -> r.initScale() == 0.5)
                        .findFirst()
                        .orElseThrow()
                        .runSpec()
                        .architecture()
                        .initScale());
        // a batch-size entry as a one-value choice is that batch size
        assertEquals(
                ids(spec(GOOD.replace("batch_sizes: [32, 64]", "batch_sizes: [32]"))),
                ids(spec(GOOD.replace("batch_sizes: [32, 64]", "batch_sizes: [{choice: [32]}]"))));
    }

    @Test
    void malformedDistributionsAreRefusedWholeNamingTheKey() {
        String lr = "{loguniform: [0.001, 0.01]}";
        refused(
                RANDOM.replace(lr, "{normal: [0.001, 0.01]}"),
                "key 'rules[].set.lr': unknown distribution 'normal'");
        refused(
                RANDOM.replace(lr, "{uniform: [0.01, 0.001]}"),
                "key 'rules[].set.lr': uniform range [0.01, 0.001] has" + " lo > hi");
        refused(
                RANDOM.replace(lr, "{loguniform: [0, 0.01]}"),
                "key 'rules[].set.lr': loguniform range");
        refused(
                RANDOM.replace(lr, "{uniform: [0, 0.01]}"),
                "key 'rules[].set.lr' of rule 'sgdm': {uniform: [0.0,"
                        + " 0.01]} reaches outside the valid values: hyperparameter 'lr' must be a number in (0");
        refused(
                RANDOM.replace("{uniform: [0.8, 0.95]}", "{uniform: [0.8, 1]}"),
                "key 'rules[].set.momentum' of rule" + " 'sgdm'");
        refused(
                RANDOM.replace("{choice: [0.002, 0.004]}", "{choice: []}"),
                "key 'rules[].set.amp': choice needs a" + " non-empty list");
        refused(
                RANDOM.replace("{choice: [0.002, 0.004]}", "{choice: [0.002, -1]}"),
                "key 'rules[].set.amp' of rule" + " 'ia'");
        refused(
                RANDOM.replace("momentum: {uniform", "nesterov: {uniform"),
                "key 'rules[].set.nesterov' of rule"
                        + " 'sgdm': uniform draws numbers but 'nesterov' is a boolean");
        refused(
                RANDOM.replace("momentum: {uniform", "beta1: {uniform"),
                "key 'rules[].set.beta1' of rule 'sgdm'");
        refused(
                RANDOM.replace("momentum: {uniform", "gamma: {uniform"),
                "has no hyperparameter 'gamma'");
        refused(
                RANDOM.replace(
                        "weight_decay: 0.0002",
                        "weight_decay: 0.0002, WEIGHT_DECAY: {uniform: [0, 0.001]}"),
                "key 'rules[].set.weight_decay' of rule 'ia' is given twice");
        refused(
                RANDOM.replace("samples: 3", "samples: 0"),
                "key 'samples' must be a positive integer");
        refused(
                RANDOM.replace("samples: 3", "samples: many"),
                "key 'samples' must be a positive integer");
        refused(
                RANDOM.replace("{uniform: [0.4, 1.2]}", "{uniform: [0, 1.2]}"),
                "key 'architectures[].init_scale':"
                        + " {uniform: [0.0, 1.2]} reaches outside the valid values: init_scale must be in (0, 10]");
        refused(
                RANDOM.replace("{uniform: [0.4, 1.2]}", "{loguniform: [1, 20]}"),
                "key 'architectures[].init_scale'");
        refused(
                RANDOM.replace("{uniform: [0.4, 1.2]}", "{choice: [0.5, big]}"),
                "key 'architectures[].init_scale'" + " must hold numbers");
        refused(
                RANDOM.replace("{uniform: [0.4, 1.2]}", "big"),
                "key 'architectures[].init_scale' must be a number");
        refused(
                RANDOM.replace("{choice: [32, 64]}", "{choice: [32, 0]}"),
                "key 'batch_sizes': choice values must be" + " positive integers");
        refused(RANDOM.replace("{choice: [32, 64]}", "{uniform: [0.2, 0.5]}"), "key 'batch_sizes'");
    }

    @Test
    void theRandomisedExampleIsAZooOfOneHundredTwentyEightOverADecadeOfLearningRates() {
        SweepSpec s = SweepSpec.read(Path.of("examples", "randomised.yaml"));
        assertEquals(128, s.runs().size());
        for (String rule : List.of("sgdm", "adam", "fa", "ia")) {
            double[] lrs =
                    s.runs().stream()
                            .filter(r -> r.rule().equals(rule))
                            .mapToDouble(r -> Double.parseDouble(r.overrides().get("lr")))
                            .sorted()
                            .toArray();
            assertEquals(32, lrs.length);
            assertTrue(lrs[31] / lrs[0] > 3, rule + " lr spread " + lrs[0] + " .. " + lrs[31]);
        }
        assertTrue(s.runs().stream().allMatch(r -> r.initScale() >= 0.4 && r.initScale() <= 1.2));
    }
}
