package org.lrid.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lrid.LridException;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.train.RunSpec;
import picocli.CommandLine.Option;

/** The options that describe one training run, shared by the commands that train. */
final class RunOptions {

    @Option(names = "--arch", defaultValue = "mlp", description = "Architecture family: mlp, convnet, resnet (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", description = "Hidden units (mlp) or first-stage channels (convnet, resnet); default 256 for mlp, 16 otherwise.")
    Integer width;

    @Option(names = "--depth", defaultValue = "2", description = "Hidden layers (mlp), conv stages (convnet) or residual blocks (resnet) (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--activation", defaultValue = "relu", description = "Hidden nonlinearity: relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--rule", defaultValue = "sgdm", description = "Learning rule (see 'lrid rules') (default: ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a rule hyperparameter, e.g. --set lr=0.02 --set amp=0.004 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--lr", description = "Learning rate (same as --set lr=...).")
    Double learningRate;

    @Option(names = "--task", defaultValue = "fashion-mnist", description = "Task: fashion-mnist, cifar10, gaussian-mixture, contrastive (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--data-dir", description = "Directory of the task's data files (default for fashion-mnist: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--train-limit", description = "Use only the first N training examples.")
    Integer trainLimit;

    @Option(names = "--test-limit", description = "Use only the first N held-out examples for accuracy.")
    Integer testLimit;

    @Option(names = "--steps", defaultValue = "2000", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"--batch-size", "--batch"}, defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed from which the init, data-order and feedback seeds derive (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoints", defaultValue = "21", description = "Checkpoints evenly spaced from step 0 to the end (default: ${DEFAULT-VALUE}).")
    int checkpoints;

    Architecture architecture() {
        int w = width != null ? width : Architecture.of(arch).width();
        return new Architecture(arch, w, depth, Activation.parse(activation));
    }

    LearningRule learningRule() {
        Map<String, Object> o = new LinkedHashMap<>(overrides);
        if (learningRate != null) {
            o.put("lr", learningRate);
        }
        return Rules.get(rule).withOverrides(o);
    }

    RunSpec runSpec(boolean evaluateCheckpoints) {
        if (steps < 1) {
            throw new LridException("--steps must be at least 1, got " + steps);
        }
        return RunSpec.of(architecture(), learningRule(), batchSize, steps, checkpoints, seed, evaluateCheckpoints);
    }
}
