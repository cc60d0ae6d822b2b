package org.lrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.WeightLayer;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.task.Datasets;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

/** Whole training runs: every rule learns, and B moves the way each rule says it should. */
class RuleTrainingTest {

    private static final Architecture SMALL_MLP = new Architecture("mlp", 64, 2, Activation.RELU);

    static List<String> rules() {
        return Rules.names();
    }

    private static Task fashionSubset() {
        Assumptions.assumeTrue(Files.isRegularFile(Datasets.FASHION_MNIST_DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        return Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withLimits(6000, 1000));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void everyRuleTrainsAnMlpWellAboveChance(String name) {
        RunSpec spec = RunSpec.of(SMALL_MLP, Rules.get(name), 64, 400, 7).withCheckpoints(3, false);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainResult r = Trainer.train(spec, fashionSubset(), m, TrainingListener.NONE);
            assertFalse(r.diverged(), name + " diverged: " + r.divergence());
            // chance is 0.1 on ten balanced classes
            assertTrue(r.testAccuracy() > 0.6, name + " reached only " + r.testAccuracy());
        }
    }

    @Test
    void sameSpecGivesTheSameTrajectory() {
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(3000, 500));
        RunSpec spec = RunSpec.of(SMALL_MLP, Rules.get("ia"), 32, 60, 3).withCheckpoints(4, true);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainResult a = Trainer.train(spec, task, m, TrainingListener.NONE);
            TrainResult b = Trainer.train(spec, task, m, TrainingListener.NONE);
            assertEquals(a.curve(), b.curve());
        }
    }

    @Test
    void kolenPollackDrivesFeedbackToForwardWeights() {
        // a larger decay than the default 1e-3 makes W - B shrink within a test's budget of steps
        LearningRule kp = Rules.get("kp").withOverrides(Map.of("decay", 0.05, "forward_decay", 0.05, "lr", 0.02));
        Task task = Tasks.create("gaussian-mixture", TaskOptions.DEFAULTS.withLimits(4000, 500));
        RunSpec spec = RunSpec.of(SMALL_MLP, kp, 32, 800, 1).withCheckpoints(2, false);
        List<Double> ratios = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Trainer.train(spec, task, m, new TrainingListener() {
                @Override
                public void onCheckpoint(Checkpoint c) {
                    if (c.index() == 1) {
                        for (WeightLayer l : c.network().weightLayers()) {
                            try (NDArray d = l.weight().sub(l.feedbackWeight())) {
                                ratios.add((double) norm(d) / norm(l.weight()));
                            }
                        }
                    }
                }
            });
        }
        assertEquals(3, ratios.size());
        for (double r : ratios) {
            assertTrue(r < 0.1, "||W - B|| / ||W|| = " + ratios);
        }
    }

    @Test
    void alignmentRulesRaiseCosineOfWAndBAndFeedbackAlignmentDoesNot() {
        Task task = fashionSubset();
        Map<String, double[]> cosines = new java.util.LinkedHashMap<>();
        for (String name : List.of("fa", "wm", "ia", "sa")) {
            // the defaults' time constant for B (lr * 2 * 1e-3 / (1 - momentum) = 1e-4 per step) is longer
            // than a test run: scale every alignment coefficient by 20, keeping the rule's proportions
            LearningRule rule = Rules.get(name);
            Map<String, Object> scaled = new java.util.HashMap<>();
            rule.alignment().coefficients().forEach((p, c) -> scaled.put(p.label(), 20 * c));
            if (!rule.alignment().isEmpty()) {
                scaled.put("noise_input", "true");
            }
            cosines.put(name, cosineStartEnd(task, rule.withOverrides(scaled)));
        }
        double[] fa = cosines.get("fa");
        cosines.forEach((k, v) -> System.out.printf("cos(W, B) %s: %.3f -> %.3f%n", k, v[0], v[1]));
        for (String name : List.of("wm", "ia", "sa")) {
            double[] c = cosines.get(name);
            assertTrue(c[1] > c[0] + 0.05, name + " cos(W, B) went from " + c[0] + " to " + c[1]);
            assertTrue(c[1] > fa[1] + 0.05, name + " ends at " + c[1] + ", fa at " + fa[1]);
        }
        assertTrue(fa[1] < 0.2, "fa's fixed B became aligned: " + fa[1]);
    }

    /** Mean over hidden layers of cos(W, B) at the first and last checkpoint. */
    private static double[] cosineStartEnd(Task task, LearningRule rule) {
        RunSpec spec = RunSpec.of(SMALL_MLP, rule, 64, 600, 11).withCheckpoints(2, false);
        double[] out = new double[2];
        try (NDManager m = NDManager.newBaseManager()) {
            Trainer.train(spec, task, m, new TrainingListener() {
                @Override
                public void onCheckpoint(Checkpoint c) {
                    double sum = 0;
                    List<WeightLayer> layers = c.network().weightLayers();
                    for (WeightLayer l : layers.subList(1, layers.size())) {
                        try (NDArray wb = l.weight().mul(l.feedbackWeight())) {
                            sum += wb.sum().getFloat() / (norm(l.weight()) * norm(l.feedbackWeight()));
                        }
                    }
                    out[c.index()] = sum / (layers.size() - 1);
                }
            });
        }
        return out;
    }

    private static float norm(NDArray a) {
        try (NDArray sq = a.square(); NDArray s = sq.sum()) {
            return (float) Math.sqrt(s.getFloat());
        }
    }
}
