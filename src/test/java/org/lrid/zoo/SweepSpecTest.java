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

    @TempDir
    Path dir;

    private SweepSpec spec(String yaml) throws IOException {
        return SweepSpec.read(Files.writeString(dir.resolve("s.yaml"), yaml));
    }

    private static final String GOOD = """
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
        assertEquals(s.runs().size(), new HashSet<>(s.runs().stream().map(RunDescription::runId).toList()).size());
        assertEquals(s.runs().stream().map(RunDescription::runId).toList(),
                spec(GOOD).runs().stream().map(RunDescription::runId).toList());
        RunDescription ia = s.runs().stream().filter(r -> r.rule().equals("ia")).findFirst().orElseThrow();
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
        assertEquals(5 * 3 * 4, recurrent.runs().size());
        assertEquals(java.util.Map.of("seq-fashion-mnist", 1000, "pattern", 500, "reach", 500),
                recurrent.runs().stream().collect(java.util.stream.Collectors.toMap(RunDescription::task,
                        RunDescription::steps, (a, b) -> a)));
    }

    private static final String RECURRENT = """
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
        refused(RECURRENT.replace("reach: 40", "reach: 40, cifar10: 3"), "key 'steps.cifar10': not a task");
        refused(RECURRENT.replace("reach: 40", "reach: 0"), "key 'steps.reach' must be a positive integer");
        refused(RECURRENT.replace("[bptt, np]", "[bptt, fa]"), "rule 'fa' is a feed-forward rule and cannot train rnn");
        refused(RECURRENT.replace("[rnn]", "[mlp]"), "rule 'bptt' is a recurrent rule and cannot train mlp");
        refused(RECURRENT.replace("[pattern, reach]", "[pattern, gaussian-mixture]").replace("reach: 40",
                "gaussian-mixture: 40"), "rnn reads sequences");
        refused(GOOD.replace("[gaussian-mixture]", "[reach]"), "mlp cannot read sequences");
        refused(RECURRENT.replace("[bptt, np]", "[{name: np, set: {sigma: 0}}]"), "'sigma' must be a number in (0, 10]");
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
        refused(GOOD.replace("rules: [sgdm,", "rules: [sgdm, sgdm,"), "key 'rules': entry 1 (\"sgdm\") repeats entry 0");
        refused(GOOD.replace("rules: [sgdm,", "rules: [sgdm, SGDM,"), "key 'rules': entry 1 (\"SGDM\") repeats entry 0");
        refused(GOOD.replace("rules: [sgdm,", "rules: [sgdm, {name: sgdm},"), "repeats entry 0");
        refused(GOOD.replace("{name: ia, set: {amp: 0.004}}", "{name: ia, set: {amp: 0.004}}, {name: IA, set: {AMP: 4e-3}}"),
                "key 'rules': entry 2");
        refused(GOOD.replace("seeds: [0, 1, 2]", "seeds: [0, 1, 0]"), "key 'seeds': entry 2 (0) repeats entry 0");
        refused(GOOD.replace("batch_sizes: [32, 64]", "batch_sizes: [32, 64, 32]"), "key 'batch_sizes': entry 2");
        refused(GOOD.replace("tasks: [gaussian-mixture]", "tasks: [gaussian-mixture, gaussian-mixture]"),
                "key 'tasks': entry 1");
        refused(GOOD.replace("architectures: [mlp,", "architectures: [mlp, mlp,"), "key 'architectures': entry 1");
        // a mapping that spells out the family's defaults is the same architecture
        refused(GOOD.replace("architectures: [mlp,", "architectures: [mlp, {family: mlp},"), "key 'architectures': entry 1");
        refused(GOOD.replace("{amp: 0.004}", "{amp: 0.004, AMP: 0.005}"), "is given twice");
        // spelling out a default is the same network: the run id hashes the resolved hyperparameters
        Object lr = org.lrid.rule.Rules.get("sgdm").hyperparameters().get("lr");
        refused(GOOD.replace("rules: [sgdm,", "rules: [sgdm, {name: sgdm, set: {lr: " + lr + "}},"),
                "key 'rules': entry 1");
    }

    @Test
    void neighboursOfARepeatAreKept() throws IOException {
        // same rule, different values; same fraction and sigma, different seeds: different runs, different conditions
        SweepSpec s = spec(GOOD.replace("rules: [sgdm,", "rules: [sgdm, {name: sgdm, set: {lr: 0.02}},")
                .replace("conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                        "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}, {fraction: 0.5, sigma: 0.1, seed: 5}]"));
        assertEquals(3 * 2 * 1 * 2 * 3, s.runs().size());
        assertEquals(2, s.runs().get(0).conditions().size());
    }

    @Test
    void theRunIdHashesTheCanonicalRuleAndValues() throws IOException {
        String base = GOOD.replace("rules: [sgdm, {name: ia, set: {amp: 0.004}}]", "rules: [%s]");
        List<String> ids = new java.util.ArrayList<>();
        for (String rule : List.of("{name: ia, set: {lr: 0.01}}", "{name: IA, set: {LR: \"1e-2\"}}",
                "{name: Ia, set: {lr: 0.010}}", "{name: ia, set: {lr: .01}}")) {
            ids.add(spec(base.formatted(rule)).runs().get(0).runId());
        }
        assertEquals(1, new HashSet<>(ids).size(), ids.toString());
        assertEquals("ia", spec(base.formatted("IA")).runs().get(0).rule());
        assertEquals(spec(base.formatted("ia")).runs().get(0).runId(), spec(base.formatted("IA")).runs().get(0).runId());
        assertNotEquals(ids.get(0), spec(base.formatted("{name: ia, set: {lr: 0.02}}")).runs().get(0).runId());
    }

    @Test
    void conditionsAreTriplesAndTheFullRecordingIsNeverAskedFor() {
        refused(GOOD.replace("conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]", "conditions: [{fraction: 1, sigma: 0}]"),
                "key 'conditions[0]' {fraction: 1, sigma: 0} is the full recording");
        refused(GOOD.replace("conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]", "conditions: [{fraction: 1.0}]"),
                "is the full recording");
        refused(GOOD.replace("conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                "conditions: [{fraction: 1, sigma: 0, seed: 9}]"), "is the full recording");
        refused(GOOD.replace("conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}]",
                "conditions: [{fraction: 0.5, sigma: 0.1, seed: 4}, {fraction: 0.5, sigma: 0.1, seed: 4}]"),
                "key 'conditions[1]' repeats conditions[0]");
    }

    @Test
    void aSpecPathThatIsADirectoryIsCalledADirectory() {
        LridException e = assertThrows(LridException.class, () -> SweepSpec.read(dir));
        assertTrue(e.getMessage().contains("is a directory") && !e.getMessage().contains("does not exist"),
                e.getMessage());
        e = assertThrows(LridException.class, () -> SweepSpec.read(dir.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aGridBuiltInCodeCannotHoldOneRunTwice() throws IOException {
        RunDescription r = spec(GOOD).runs().get(0);
        RunDescription sameNetwork = new RunDescription(r.rule().toUpperCase(), r.overrides(), r.archFamily(), r.width(),
                r.depth(), r.activation(), r.task(), r.trainLimit(), r.testLimit(), r.batchSize(), r.steps(),
                r.checkpoints(), r.seed(), r.conditions());
        assertEquals(r.runId(), sameNetwork.runId());
        LridException e = assertThrows(LridException.class, () -> new SweepSpec("x", List.of(r, sameNetwork)));
        assertTrue(e.getMessage().contains("holds one run twice"), e.getMessage());
    }
}
