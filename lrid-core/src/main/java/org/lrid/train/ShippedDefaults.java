package org.lrid.train;

import java.util.Locale;
import java.util.Map;

/**
 * What {@code lrid train} runs when the command line leaves it out: the rule and task of an
 * architecture family, and the budget when {@code --steps} is not given: 2,000 steps for the
 * feed-forward rules (README, "Training accuracy"), and for an rnn the steps each rule needs on
 * each task with time to reach the targets of the README's "Recurrent circuits" table at batch 128
 * and its default hyperparameters (seq-fashion-mnist test_accuracy >= 0.80 for bptt, >= 0.65 for
 * rflo and eprop; pattern and reach test_r2 >= 0.7 for every rule). The perturbation rules get more
 * steps where their noisy estimate learns slower (np and wp on pattern: 1,000).
 */
public final class ShippedDefaults {

    /** Steps of the feed-forward families, and of any pair the table does not name. */
    public static final int FEED_FORWARD = 2000;

    /** Task -> rule -> steps, for the rnn family; "*" is the task's default. */
    private static final Map<String, Map<String, Integer>> RNN =
            Map.of(
                    "seq-fashion-mnist", Map.of("*", 1000, "bptt", 2000),
                    "pattern", Map.of("*", 500, "np", 1000, "wp", 1000),
                    "reach", Map.of("*", 500));

    private ShippedDefaults() {}

    /**
     * The default steps of {@code rule} training architecture family {@code arch} on {@code task}.
     */
    public static int steps(String arch, String rule, String task) {
        if (!"rnn".equalsIgnoreCase(arch)) {
            return FEED_FORWARD;
        }
        Map<String, Integer> perRule = RNN.get(String.valueOf(task).toLowerCase(Locale.ROOT));
        if (perRule == null) {
            return FEED_FORWARD;
        }
        Integer steps = perRule.get(String.valueOf(rule).toLowerCase(Locale.ROOT));
        return steps != null ? steps : perRule.get("*");
    }

    /** The rnn budgets for {@code lrid rules}, e.g. {@code pattern 500 (np 1000, wp 3000)}. */
    public static String describeRecurrent() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String task : new java.util.TreeSet<>(RNN.keySet())) {
            Map<String, Integer> perRule = RNN.get(task);
            java.util.List<String> special = new java.util.ArrayList<>();
            for (String rule : new java.util.TreeSet<>(perRule.keySet())) {
                if (!rule.equals("*")) {
                    special.add(rule + " " + perRule.get(rule));
                }
            }
            parts.add(
                    task
                            + " "
                            + perRule.get("*")
                            + (special.isEmpty() ? "" : " (" + String.join(", ", special) + ")"));
        }
        return String.join("; ", parts);
    }

    /**
     * The task {@code lrid train} uses without {@code --task}: Fashion-MNIST, as rows in time for
     * an rnn.
     */
    public static String task(String arch) {
        return "rnn".equalsIgnoreCase(arch) ? "seq-fashion-mnist" : "fashion-mnist";
    }

    /**
     * The rule {@code lrid train} uses without {@code --rule}: the exact gradient with momentum.
     */
    public static String rule(String arch) {
        return "rnn".equalsIgnoreCase(arch) ? "bptt" : "sgdm";
    }
}
