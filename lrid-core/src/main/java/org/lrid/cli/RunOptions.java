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
import org.lrid.train.ShippedDefaults;
import picocli.CommandLine.Option;

/** The options that describe one training run, shared by the commands that train. */
final class RunOptions {

    @Option(
            names = "--arch",
            defaultValue = "mlp",
            description =
                    "Architecture family: mlp, convnet, resnet, rnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(
            names = "--width",
            description =
                    "Hidden units (mlp, rnn) or first-stage channels (convnet, resnet); default 256 for mlp, 128 for rnn, 16 otherwise.")
    Integer width;

    @Option(
            names = "--depth",
            description =
                    "Hidden layers (mlp), conv stages (convnet) or residual blocks (resnet); default 2 (1 for rnn, its one recurrent layer).")
    Integer depth;

    @Option(
            names = "--activation",
            description = "Hidden nonlinearity: relu or tanh; default relu (tanh for rnn).")
    String activation;

    @Option(
            names = "--init-scale",
            defaultValue = "1",
            description =
                    "Multiplies the init limit of W and B (1: He/LeCun-uniform; about 0.41: PyTorch's default for ReLU layers) (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(
            names = "--alpha",
            description =
                    "rnn only: the leak alpha = dt/tau of the rate units, in (0, 1] (1: no leak); default 0.2.")
    Double alpha;

    @Option(
            names = "--rule",
            description = "Learning rule (see 'lrid rules'); default sgdm (bptt for rnn).")
    String rule;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override a rule hyperparameter, e.g. --set lr=0.02 --set amp=0.004 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--lr", description = "Learning rate (same as --set lr=...).")
    Double learningRate;

    @Option(
            names = "--task",
            description =
                    "Task: fashion-mnist, cifar10, gaussian-mixture, contrastive; with time (rnn): seq-fashion-mnist, pattern, reach; default fashion-mnist (seq-fashion-mnist for rnn).")
    String task;

    @Option(
            names = "--data-dir",
            description =
                    "Directory of the task's data files (default for fashion-mnist: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--train-limit", description = "Use only the first N training examples.")
    Integer trainLimit;

    @Option(
            names = "--test-limit",
            description = "Use only the first N held-out examples for accuracy.")
    Integer testLimit;

    @Option(
            names = "--steps",
            description =
                    "Training steps; default 2000, per rule and task for rnn (see 'lrid rules').")
    Integer steps;

    @Option(
            names = {"--batch-size", "--batch"},
            defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description =
                    "Seed from which the init, data-order and feedback seeds derive (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--checkpoints",
            defaultValue = "21",
            description =
                    "Checkpoints evenly spaced from step 0 to the end (default: ${DEFAULT-VALUE}).")
    int checkpoints;

    /** The architecture: every size the command line leaves out is the family's default. */
    Architecture architecture() {
        Architecture base = Architecture.of(arch);
        return new Architecture(
                arch,
                width != null ? width : base.width(),
                depth != null ? depth : base.depth(),
                activation != null ? Activation.parse(activation) : base.activation(),
                initScale,
                alpha != null ? alpha : base.leak());
    }

    /** The task's name: --task, or the architecture family's default. */
    String taskName() {
        return task != null ? task : ShippedDefaults.task(arch);
    }

    /** The rule's name: --rule, or the exact-gradient rule of the architecture's family. */
    String ruleName() {
        return rule != null ? rule : ShippedDefaults.rule(arch);
    }

    LearningRule learningRule() {
        Map<String, Object> o = new LinkedHashMap<>(overrides);
        if (learningRate != null) {
            o.put("lr", learningRate);
        }
        return Rules.get(ruleName()).withOverrides(o);
    }

    /** --steps, or the default of the rule on the task ({@link ShippedDefaults}). */
    int steps() {
        return steps != null ? steps : ShippedDefaults.steps(arch, ruleName(), taskName());
    }

    RunSpec runSpec(boolean evaluateCheckpoints) {
        int n = steps();
        if (n < 1) {
            throw new LridException("--steps must be at least 1, got " + n);
        }
        return RunSpec.of(
                architecture(),
                learningRule(),
                batchSize,
                n,
                checkpoints,
                seed,
                evaluateCheckpoints);
    }
}
