package org.lrid.task;

import java.util.List;
import java.util.Locale;
import org.lrid.LridException;

/** The registry of named tasks. */
public final class Tasks {

    private static final List<String> NAMES =
            List.of(
                    "fashion-mnist",
                    "cifar10",
                    "gaussian-mixture",
                    "contrastive",
                    "seq-fashion-mnist",
                    "pattern",
                    "reach");

    private Tasks() {}

    public static List<String> names() {
        return NAMES;
    }

    /** True for the tasks with time (inputs (steps, features)), which only the rnn family reads. */
    public static boolean hasTime(String name) {
        return List.of("seq-fashion-mnist", "pattern", "reach")
                .contains(String.valueOf(name).toLowerCase(Locale.ROOT));
    }

    /**
     * Builds a task and loads its data (once per JVM per source), so that a missing or corrupt file
     * is reported here, before any run starts.
     *
     * @throws LridException for an unknown name or unusable data
     */
    public static Task create(String name, TaskOptions o) {
        String n = String.valueOf(name).toLowerCase(Locale.ROOT);
        return switch (n) {
            case "fashion-mnist" ->
                    new SupervisedTask(
                            n,
                            Datasets.fashionMnist(o.dataDir(), false).limit(o.trainLimit()),
                            Datasets.fashionMnist(o.dataDir(), true).limit(o.testLimit()),
                            10);
            case "cifar10" ->
                    new SupervisedTask(
                            n,
                            Datasets.cifar10(o.dataDir(), false).limit(o.trainLimit()),
                            Datasets.cifar10(o.dataDir(), true).limit(o.testLimit()),
                            10);
            case "gaussian-mixture" ->
                    new SupervisedTask(
                            n,
                            Datasets.gaussianMixture(o.seed(), false).limit(o.trainLimit()),
                            Datasets.gaussianMixture(o.seed(), true).limit(o.testLimit()),
                            10);
            case "contrastive" ->
                    new ContrastiveTask(
                            Datasets.fashionMnist(o.dataDir(), false).limit(o.trainLimit()),
                            Datasets.fashionMnist(o.dataDir(), true).limit(o.testLimit()),
                            checkedEmbedding(o.embedding()),
                            checkedTemperature(o.temperature()),
                            Datasets.FASHION_BLACK);
            case "seq-fashion-mnist", "pattern", "reach" -> SequenceTasks.create(n, o);
            default ->
                    throw new LridException(
                            "unknown task '"
                                    + name
                                    + "'; known tasks: "
                                    + String.join(", ", NAMES));
        };
    }

    /**
     * A classification task on in-memory examples under {@code name}: for timing a task whose data
     * is not on this machine with a stand-in of its shapes ({@code lrid estimate}).
     */
    public static Task supervised(String name, ExampleSet train, ExampleSet test, int classes) {
        return new SupervisedTask(name, train, test, classes);
    }

    private static int checkedEmbedding(int embedding) {
        if (embedding < 1) {
            throw new LridException(
                    "the contrastive embedding size must be at least 1, got " + embedding);
        }
        return embedding;
    }

    private static double checkedTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new LridException(
                    "the NT-Xent temperature must be a positive number, got " + temperature);
        }
        return temperature;
    }
}
