package org.lrid.task;

import org.lrid.LridException;

/** The tasks with time (see {@link SequenceTask}), built for {@link Tasks#create}. */
final class SequenceTasks {

    private SequenceTasks() {}

    static SequenceTask create(String name, TaskOptions o) {
        return switch (name) {
            case "seq-fashion-mnist" ->
                    new SequenceClassification(
                            name,
                            Datasets.fashionMnist(o.dataDir(), false).limit(o.trainLimit()),
                            Datasets.fashionMnist(o.dataDir(), true).limit(o.testLimit()),
                            10);
            case "pattern" ->
                    new SequenceRegression(
                            name,
                            new SequenceRegression.Pattern(o.seed()),
                            o.seed(),
                            testTrials(o));
            case "reach" ->
                    new SequenceRegression(
                            name, new SequenceRegression.Reach(), o.seed(), testTrials(o));
            default -> throw new LridException("unknown task with time '" + name + "'");
        };
    }

    /** Held-out trials of a generated task: --test-limit of them, 512 by default. */
    private static int testTrials(TaskOptions o) {
        if (o.testLimit() == null) {
            return SequenceRegression.DEFAULT_TEST_TRIALS;
        }
        if (o.testLimit() < 1) {
            throw new LridException("an example limit must be at least 1, got " + o.testLimit());
        }
        return o.testLimit();
    }
}
