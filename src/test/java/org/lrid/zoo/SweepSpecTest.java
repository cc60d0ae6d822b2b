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
}
