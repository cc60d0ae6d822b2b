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
 * One run of a sweep as plain serialisable values, independent of any runner (a cluster runner ships
 * these as they are). {@link #runId} is a hash of every field, so the same run always has the same id.
 *
 * @param overrides rule hyperparameter overrides, as given in the spec
 * @param trainLimit, testLimit use only the first N examples of the task (null: all)
 * @param conditions (fraction, sigma, seed) triples beyond the full recording
 */
public record RunDescription(String rule, Map<String, String> overrides, String archFamily, int width, int depth,
        String activation, String task, Integer trainLimit, Integer testLimit, int batchSize, int steps,
        int checkpoints, long seed, List<double[]> conditions) implements Serializable {

    public RunDescription {
        overrides = Map.copyOf(new TreeMap<>(overrides));
        conditions = List.copyOf(conditions);
    }

    public LearningRule learningRule() {
        return Rules.get(rule).withOverrides(overrides);
    }

    public Architecture architecture() {
        return new Architecture(archFamily, width, depth, Activation.parse(activation));
    }

    public RunSpec runSpec() {
        return RunSpec.of(architecture(), learningRule(), batchSize, steps, checkpoints, seed, true);
    }

    /** The canonical text every field contributes to, in a fixed order. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        sb.append("rule=").append(rule).append(';').append("set=").append(new TreeMap<>(overrides)).append(';')
                .append("arch=").append(architecture().id()).append(';').append("task=").append(task).append(';')
                .append(trainLimit == null ? "" : "train_limit=" + trainLimit + ";")
                .append(testLimit == null ? "" : "test_limit=" + testLimit + ";")
                .append("batch=").append(batchSize).append(';').append("steps=").append(steps).append(';')
                .append("checkpoints=").append(checkpoints).append(';').append("seed=").append(seed).append(';')
                .append("conditions=");
        for (double[] c : conditions) {
            sb.append('(').append(c[0]).append(',').append(c[1]).append(',').append((long) c[2]).append(')');
        }
        return sb.toString();
    }

    public List<org.lrid.observe.RecordingCondition> recordingConditions() {
        return conditions.stream().map(c -> new org.lrid.observe.RecordingCondition(c[0], c[1], (long) c[2])).toList();
    }

    /** 16 hex digits of SHA-256 of {@link #canonical}. */
    public String runId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
