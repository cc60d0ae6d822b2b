package org.lrid.zoo;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.train.RunSpec;

/**
 * One run of a sweep as plain serialisable values, independent of any runner (a cluster runner
 * ships these as they are). {@link #runId} is a hash of every field, so the same run always has the
 * same id; the rule name and the overrides are canonical ({@link #canonicalRule}, {@link
 * #canonicalOverrides}), so that {@code IA} and {@code ia}, or {@code lr: 0.01} and {@code LR:
 * "1e-2"}, are one network and one id.
 *
 * @param rule the rule's registry name (canonical: lower case)
 * @param overrides rule hyperparameter overrides (canonical: lower-case keys, numbers as numbers);
 *     drawn values of a randomised sweep are stored here as plain values
 * @param initScale the architecture's initialisation scale ({@link Architecture#initScale}, 1:
 *     He/LeCun-uniform)
 * @param trainLimit, testLimit use only the first N examples of the task (null: all)
 * @param conditions (fraction, sigma, seed) triples beyond the full recording
 * @param leak the rnn's leak alpha ({@link Architecture#leak}; 0.2 for every family by default),
 *     hashed into the id through {@link Architecture#id} when not the default
 */
public record RunDescription(
        String rule,
        Map<String, String> overrides,
        String archFamily,
        int width,
        int depth,
        String activation,
        double initScale,
        String task,
        Integer trainLimit,
        Integer testLimit,
        int batchSize,
        int steps,
        int checkpoints,
        long seed,
        List<double[]> conditions,
        double leak)
        implements Serializable {

    /** A run at the default leak (every family but a leaky rnn). */
    public RunDescription(
            String rule,
            Map<String, String> overrides,
            String archFamily,
            int width,
            int depth,
            String activation,
            double initScale,
            String task,
            Integer trainLimit,
            Integer testLimit,
            int batchSize,
            int steps,
            int checkpoints,
            long seed,
            List<double[]> conditions) {
        this(
                rule,
                overrides,
                archFamily,
                width,
                depth,
                activation,
                initScale,
                task,
                trainLimit,
                testLimit,
                batchSize,
                steps,
                checkpoints,
                seed,
                conditions,
                org.lrid.net.Recurrent.DEFAULT_LEAK);
    }

    public RunDescription {
        rule = canonicalRule(rule);
        Rules.get(rule)
                .withOverrides(
                        overrides); // the table refuses unknown, repeated or out-of-range keys
        overrides = Map.copyOf(canonicalOverrides(overrides));
        conditions = List.copyOf(conditions);
        new Architecture(
                archFamily,
                width,
                depth,
                Activation.parse(activation),
                initScale,
                leak); // refuses a bad scale or leak
    }

    /** The registry's name of a rule, whatever its case ({@code IA} is {@code ia}). */
    public static String canonicalRule(String name) {
        return Rules.get(name).name();
    }

    /**
     * Overrides in one spelling per value: keys in lower case, sorted; a value that is a number
     * written as the shortest decimal that reads back as the same double ({@code 1e-2}, {@code
     * 0.010} and {@code .01} are {@code 0.01}); true/false in lower case; other text trimmed. (Keys
     * given twice are refused by the hyperparameter table before this is called.)
     */
    public static Map<String, String> canonicalOverrides(Map<String, String> overrides) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().trim().toLowerCase(java.util.Locale.ROOT);
            out.put(key, canonicalValue(e.getValue()));
        }
        return out;
    }

    private static String canonicalValue(String value) {
        String v = value.trim();
        if (v.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return Double.toString(Double.parseDouble(v));
        }
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("true") || lower.equals("false") ? lower : v;
    }

    public LearningRule learningRule() {
        return Rules.get(rule).withOverrides(overrides);
    }

    public Architecture architecture() {
        return new Architecture(
                archFamily, width, depth, Activation.parse(activation), initScale, leak);
    }

    public RunSpec runSpec() {
        return RunSpec.of(
                architecture(), learningRule(), batchSize, steps, checkpoints, seed, true);
    }

    /** The canonical text every field contributes to, in a fixed order. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        // the rule's resolved hyperparameters (table defaults, family weight decay, overrides),
        // canonical: a
        // changed default is a different network and gets a different id
        sb.append("rule=")
                .append(rule)
                .append(';')
                .append("hp=")
                .append(runSpec().rule().hyperparametersJson())
                .append(';')
                .append("arch=")
                .append(architecture().id())
                .append(';')
                // written only when not 1, so that runs from before init_scale existed keep their
                // ids
                .append(initScale == 1 ? "" : "init_scale=" + initScale + ";")
                .append("task=")
                .append(task)
                .append(';')
                .append(trainLimit == null ? "" : "train_limit=" + trainLimit + ";")
                .append(testLimit == null ? "" : "test_limit=" + testLimit + ";")
                .append("batch=")
                .append(batchSize)
                .append(';')
                .append("steps=")
                .append(steps)
                .append(';')
                .append("checkpoints=")
                .append(checkpoints)
                .append(';')
                .append("seed=")
                .append(seed)
                .append(';')
                .append("conditions=");
        for (double[] c : conditions) {
            sb.append('(')
                    .append(c[0])
                    .append(',')
                    .append(c[1])
                    .append(',')
                    .append((long) c[2])
                    .append(')');
        }
        return sb.toString();
    }

    public List<org.lrid.observe.RecordingCondition> recordingConditions() {
        return conditions.stream()
                .map(c -> new org.lrid.observe.RecordingCondition(c[0], c[1], (long) c[2]))
                .toList();
    }

    /** 16 hex digits of SHA-256 of {@link #canonical}. */
    public String runId() {
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
