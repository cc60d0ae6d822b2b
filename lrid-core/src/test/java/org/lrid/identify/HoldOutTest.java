package org.lrid.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

/**
 * Held-out selections of generalize: which networks they hold out, and splits that never train on
 * them.
 */
class HoldOutTest {

    @TempDir Path dir;

    static final List<String> RULES = List.of("adam", "fa", "ia", "sgdm");

    /**
     * A run table of 4 rules x 12 runs, each rule's learning rates log-uniform over its own decade.
     */
    Map<String, String> runTable(Map<String, Double> lr) throws Exception {
        Files.createDirectories(dir.resolve("runs"));
        Map<String, String> rules = new LinkedHashMap<>();
        Random r = new Random(3);
        StringBuilder values = new StringBuilder();
        for (int k = 0; k < RULES.size(); k++) {
            for (int i = 0; i < 12; i++) {
                String id = RULES.get(k) + i;
                double v = Math.pow(10, -4 + k * 0.5 + r.nextDouble());
                rules.put(id, RULES.get(k));
                lr.put(id, v);
                values.append(values.length() == 0 ? "" : ", ")
                        .append("('")
                        .append(id)
                        .append("', '")
                        .append(RULES.get(k))
                        .append("', ")
                        .append(v)
                        .append(", '{\"momentum\": ")
                        .append(i / 12.0)
                        .append("}', 'mlp")
                        .append(i % 2)
                        .append("')");
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute(
                    "COPY (SELECT * FROM (VALUES "
                            + values
                            + ") v(run_id, rule, learning_rate, hyperparameters, arch))"
                            + " TO '"
                            + dir.resolve("runs/r.parquet")
                            + "' (FORMAT parquet)");
        }
        return rules;
    }

    @Test
    void theUpperThirdIsTakenPerRule() throws Exception {
        Map<String, Double> lr = new HashMap<>();
        Map<String, String> rules = runTable(lr);
        Set<String> held = HoldOut.parse("learning_rate:upper-third").heldOutRuns(dir, rules);
        for (String rule : RULES) {
            List<String> in = held.stream().filter(id -> rules.get(id).equals(rule)).toList();
            assertEquals(4, in.size(), rule);
            double lowestHeld = in.stream().mapToDouble(lr::get).min().orElseThrow();
            rules.keySet().stream()
                    .filter(id -> rules.get(id).equals(rule) && !held.contains(id))
                    .forEach(id -> assertTrue(lr.get(id) < lowestHeld, id));
        }
        // an absolute range is the same for every rule: the low rules lose nothing
        Set<String> above = HoldOut.parse("learning_rate>0.001").heldOutRuns(dir, rules);
        rules.keySet().forEach(id -> assertEquals(lr.get(id) > 0.001, above.contains(id), id));
        // a key of the hyperparameters JSON, and a text column
        assertEquals(4 * 6, HoldOut.parse("momentum:lower-half").heldOutRuns(dir, rules).size());
        assertEquals(4 * 6, HoldOut.parse("arch=mlp1").heldOutRuns(dir, rules).size());
    }

    @Test
    void malformedSelectionsAreRefusedWithTheSyntax() {
        for (String bad :
                List.of("learning_rate:top", "learning_rate>fast", "width=3", "learning_rate")) {
            assertTrue(
                    assertThrows(LridException.class, () -> HoldOut.parse(bad))
                            .getMessage()
                            .startsWith("--holdout '" + bad + "'"),
                    bad);
        }
    }

    @Test
    void heldOutSplitsNeverTrainOnAHeldOutNetworkAndBalanceClasses() {
        Random r = new Random(5);
        int nets = 60;
        int[] y = new int[nets * 3];
        String[] groups = new String[nets * 3];
        boolean[] held = new boolean[nets * 3];
        for (int n = 0; n < nets; n++) {
            boolean h = r.nextDouble() < 0.35;
            int label = r.nextInt(4);
            for (int l = 0; l < 3; l++) {
                y[n * 3 + l] = label;
                groups[n * 3 + l] = "net" + n;
                held[n * 3 + l] = h;
            }
        }
        List<Splits.Split> splits = Splits.heldOut(10, 0.75, y, groups, held, 1);
        assertEquals(10, splits.size());
        boolean differ = false;
        for (Splits.Split s : splits) {
            for (int i : s.train()) {
                assertFalse(held[i], "a held-out network trained");
            }
            for (int i : s.test()) {
                assertTrue(held[i]);
            }
            IdentifyCoreTest.assertWholeClusters(s.train(), s.test(), groups);
            for (int[] side : new int[][] {s.train(), s.test()}) {
                int[] count = new int[4];
                for (int i : side) {
                    count[y[i]]++;
                }
                for (int c = 1; c < 4; c++) {
                    assertEquals(count[0], count[c], "unbalanced side");
                }
            }
            differ |= !java.util.Arrays.equals(s.train(), splits.get(0).train());
        }
        assertTrue(differ, "the repetitions are all the same");
    }
}
