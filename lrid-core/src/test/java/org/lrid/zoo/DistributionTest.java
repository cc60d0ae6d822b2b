package org.lrid.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

/**
 * Distributions of a randomised sweep: seeded, inside their ranges, of the right shape; malformed
 * ones refused.
 */
class DistributionTest {

    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    private static Distribution parse(String text) throws Exception {
        return Distribution.parse(yaml(text), "rules[].set.lr");
    }

    @Test
    void drawsAreDeterministicFromTheSeedAndStayInsideTheirRanges() throws Exception {
        Distribution uniform = parse("{uniform: [0.2, 0.7]}");
        Distribution log = parse("{loguniform: [0.0001, 0.01]}");
        Distribution choice = parse("{choice: [a, b, c]}");
        Distribution batch = parse("{uniform: [30.5, 36]}");
        Set<String> seen = new HashSet<>();
        Set<Integer> batches = new HashSet<>();
        Set<String> distinctUniform = new HashSet<>();
        double min = 1;
        double max = 0;
        for (int i = 0; i < 5000; i++) {
            long seed = Distribution.seed("seed=0;sample=" + i, "set.lr");
            assertEquals(seed, Distribution.seed("seed=0;sample=" + i, "set.lr"));
            double u = Double.parseDouble(uniform.draw(seed));
            assertEquals(uniform.draw(seed), uniform.draw(seed));
            assertTrue(u >= 0.2 && u <= 0.7, "uniform draw " + u);
            distinctUniform.add(uniform.draw(seed));
            min = Math.min(min, u);
            max = Math.max(max, u);
            double l = Double.parseDouble(log.draw(seed));
            assertTrue(l >= 1e-4 && l <= 1e-2, "loguniform draw " + l);
            assertEquals(log.draw(seed), log.draw(seed));
            seen.add(choice.draw(seed));
            int b = batch.drawInteger(seed, "batch_sizes");
            assertTrue(b >= 31 && b <= 36, "integer draw " + b);
            batches.add(b);
        }
        assertTrue(min < 0.21 && max > 0.69, "uniform covers its range: " + min + " .. " + max);
        assertTrue(
                distinctUniform.size() > 4000,
                "draws of different seeds differ: " + distinctUniform.size());
        assertEquals(Set.of("a", "b", "c"), seen);
        assertEquals(Set.of(31, 32, 33, 34, 35, 36), batches);
        // another key of the same cell draws independently of the first
        long a = Distribution.seed("seed=0;sample=0", "set.lr");
        long b = Distribution.seed("seed=0;sample=0", "set.momentum");
        assertTrue(a != b);
    }

    @Test
    void drawnNumbersAreShortPlainValues() throws Exception {
        Distribution log = parse("{loguniform: [0.001, 0.1]}");
        for (int i = 0; i < 200; i++) {
            String v = log.draw(Distribution.seed("c", "k" + i));
            double d = Double.parseDouble(v);
            assertEquals(
                    d,
                    new java.math.BigDecimal(d)
                            .round(new java.math.MathContext(Distribution.DIGITS))
                            .doubleValue(),
                    v);
        }
    }

    @Test
    void loguniformIsUniformInLogSpace() throws Exception {
        Distribution log = parse("{loguniform: [0.0001, 0.1]}");
        int n = 12000;
        int[] decades = new int[3];
        int[] sixths = new int[6];
        for (int i = 0; i < n; i++) {
            double v = Double.parseDouble(log.draw(Distribution.seed("hist", "k" + i)));
            double x = Math.log10(v) + 4; // in [0, 3]
            decades[Math.min(2, (int) x)]++;
            sixths[Math.min(5, (int) (x * 2))]++;
        }
        for (int d : decades) {
            assertEquals(1.0 / 3, d / (double) n, 0.02, "a decade's share");
        }
        for (int s : sixths) {
            assertEquals(1.0 / 6, s / (double) n, 0.02, "a half-decade's share");
        }
        // and uniform is not: 90% of uniform draws on [1e-4, 1e-1] fall in the top decade
        Distribution uniform = parse("{uniform: [0.0001, 0.1]}");
        int top = 0;
        for (int i = 0; i < n; i++) {
            top +=
                    Double.parseDouble(uniform.draw(Distribution.seed("hist", "k" + i))) >= 0.01
                            ? 1
                            : 0;
        }
        assertEquals(0.9, top / (double) n, 0.02);
    }

    @Test
    void malformedDistributionsAreRefusedNamingTheKey() {
        Map<String, String> cases = new HashMap<>();
        cases.put("{normal: [0, 1]}", "unknown distribution 'normal'");
        cases.put("{uniform: [0.1, 0.01]}", "has lo > hi");
        cases.put("{loguniform: [0, 0.1]}", "must be positive (lo > 0)");
        cases.put("{loguniform: [-1, 0.1]}", "must be positive (lo > 0)");
        cases.put("{choice: []}", "choice needs a non-empty list");
        cases.put("{choice: 3}", "choice needs a non-empty list");
        cases.put("{choice: [[1, 2]]}", "choice values must be");
        cases.put("{uniform: [0.1]}", "needs a range [lo, hi] of two numbers");
        cases.put("{uniform: [a, b]}", "needs a range [lo, hi] of two numbers");
        cases.put("{uniform: [0, 1], choice: [1]}", "must be a value or one distribution");
        cases.put("{uniform: [0, 1e999]}", "must be finite");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            LridException e =
                    assertThrows(LridException.class, () -> parse(c.getKey()), c.getKey());
            assertTrue(e.getMessage().startsWith("key 'rules[].set.lr'"), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void integerDistributionsHoldPositiveIntegersOnly() throws Exception {
        for (String bad :
                new String[] {
                    "{uniform: [0.2, 0.9]}",
                    "{choice: [64, 0]}",
                    "{choice: [64, big]}",
                    "{uniform: [0, 64]}",
                    "{loguniform: [1.2, 1.8]}"
                }) {
            Distribution d = Distribution.parse(yaml(bad), "batch_sizes");
            LridException e =
                    assertThrows(LridException.class, () -> d.checkIntegers("batch_sizes"), bad);
            assertTrue(e.getMessage().startsWith("key 'batch_sizes'"), e.getMessage());
        }
    }
}
