package org.lrid.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrid.LridException;
import org.lrid.net.Architecture;
import org.lrid.net.MatrixProducts;
import org.lrid.net.Network;
import org.lrid.rule.Learner;
import org.lrid.rule.LearningRule;
import org.lrid.rule.RecurrentLearner;
import org.lrid.rule.Rules;
import org.lrid.task.SequenceSession;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.TaskSession;
import org.lrid.task.Tasks;
import org.lrid.train.RecurrentTraining;
import org.lrid.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training throughput of a reference configuration per rule, and its roofline: the time the same
 * step's matrix products take alone. mlp: 784-256-256-10, ReLU, batch 128, Fashion-MNIST; rnn: 128
 * tanh units, batch 128, seq-fashion-mnist (28 steps of 28 pixels), every recurrent rule.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Time training steps per rule of the reference mlp (784-256-256-10, batch 128, Fashion-MNIST)"
                        + " or, with --arch rnn, of the reference rnn (128 units, batch 128, seq-fashion-mnist).")
final class BenchTrainCommand implements Callable<Integer> {

    @Option(
            names = "--arch",
            defaultValue = "mlp",
            description = "mlp or rnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(
            names = "--rules",
            split = ",",
            description = "Rules to time (default: every rule of the family).")
    List<String> rules;

    @Option(
            names = "--steps",
            description = "Timed steps per rule (default: 1000 for mlp, 100 for rnn).")
    Integer steps;

    @Option(
            names = "--warmup",
            description = "Untimed steps first (default: 100 for mlp, 10 for rnn).")
    Integer warmup;

    @picocli.CommandLine.Mixin BenchOptions common;

    private static final int BATCH = 128;

    @Override
    public Integer call() throws Exception {
        common.configureThreads();
        boolean rnn = "rnn".equalsIgnoreCase(this.arch);
        if (!rnn && !"mlp".equalsIgnoreCase(this.arch)) {
            throw new LridException(
                    "bench train times the reference mlp or rnn; use --arch mlp or --arch rnn, got '"
                            + this.arch
                            + "'");
        }
        String family = rnn ? "rnn" : "mlp";
        int steps = this.steps != null ? this.steps : rnn ? 100 : 1000;
        int warmup = this.warmup != null ? this.warmup : rnn ? 10 : 100;
        if (steps < 1 || warmup < 0) {
            throw new LridException(
                    "--steps must be at least 1 and --warmup at least 0, got "
                            + steps
                            + " and "
                            + warmup);
        }
        List<LearningRule> selected = new ArrayList<>();
        for (String name : rules == null ? Rules.namesFor(family) : rules) {
            selected.add(Rules.get(name.trim()).forFamily(family));
        }
        Task task =
                Tasks.create(
                        rnn ? "seq-fashion-mnist" : "fashion-mnist",
                        TaskOptions.DEFAULTS.withDataDir(common.dataDir));
        Architecture arch =
                rnn
                        ? Architecture.of("rnn")
                        : new Architecture("mlp", 256, 2, org.lrid.net.Activation.RELU);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode out = mapper.createObjectNode();
        ObjectNode perRule = out.putObject("rules");
        System.out.printf("%-9s %12s %12s %10s%n", "rule", "steps/s", "ms/step", "roofline");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (LearningRule rule : selected) {
                double seconds;
                List<long[]> gemms;
                try (NDManager run = manager.newSubManager();
                        TaskSession session = task.open(run, 1);
                        Network net = arch.build(run, task.inputShape(), task.outputSize(), 1, 2)) {
                    int total = warmup + steps;
                    java.util.function.IntConsumer step;
                    if (rnn) {
                        RecurrentLearner learner = new RecurrentLearner(rule, net, 2);
                        SequenceSession sequences = (SequenceSession) session;
                        step =
                                i ->
                                        RecurrentTraining.step(
                                                sequences, net, learner, run, BATCH, i, total,
                                                false, null);
                    } else {
                        Learner learner = new Learner(rule, net, 2);
                        step = i -> Trainer.step(session, net, learner, run, BATCH, i, total);
                    }
                    for (int i = 0; i < warmup; i++) {
                        step.accept(i + 1);
                    }
                    long t = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        step.accept(warmup + i + 1);
                    }
                    seconds = (System.nanoTime() - t) / 1e9;
                    // the products of one more step, as the code that runs them records them
                    MatrixProducts.start();
                    try {
                        step.accept(total);
                    } finally {
                        gemms = MatrixProducts.stop();
                    }
                }
                double perStep = seconds / steps;
                double gemmSeconds = timeGemms(manager, gemms);
                double roofline = gemmSeconds / perStep;
                System.out.printf(
                        "%-9s %12.1f %12.3f %10.2f%n",
                        rule.name(), 1 / perStep, perStep * 1e3, roofline);
                ObjectNode r = perRule.putObject(rule.name());
                r.put("steps_per_second", 1 / perStep);
                r.put("ms_per_step", perStep * 1e3);
                r.put("matmul_ms_per_step", gemmSeconds * 1e3);
                r.put("roofline_fraction", roofline);
            }
        }
        out.put("arch", arch.id());
        out.put("task", task.name());
        out.put("threads", Threads.current());
        out.put("batch_size", BATCH);
        out.put("timed_steps", steps);
        System.out.println(
                "roofline = time of the step's matrix products alone / time of the whole step");
        if (common.json) {
            System.out.println(mapper.writeValueAsString(out));
        }
        return 0;
    }

    /** Seconds per step of the bare products, with the step's own per-step manager pattern. */
    private static double timeGemms(NDManager parent, List<long[]> shapes) {
        try (NDManager m = parent.newSubManager()) {
            List<NDArray[]> pairs = new ArrayList<>();
            for (long[] s : shapes) {
                pairs.add(
                        new NDArray[] {
                            m.randomNormal(new Shape(s[0], s[1])),
                            m.randomNormal(new Shape(s[1], s[2]))
                        });
            }
            int reps = 300;
            for (int warm = 0; warm < 30; warm++) {
                runGemms(m, pairs);
            }
            long t = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                runGemms(m, pairs);
            }
            return (System.nanoTime() - t) / 1e9 / reps;
        }
    }

    private static void runGemms(NDManager m, List<NDArray[]> pairs) {
        try (NDManager step = m.newSubManager()) {
            for (NDArray[] p : pairs) {
                NDArray c = p[0].matMul(p[1]);
                c.attach(step);
            }
        }
    }
}
