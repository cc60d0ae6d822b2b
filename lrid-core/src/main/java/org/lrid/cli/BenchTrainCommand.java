package org.lrid.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
 * step's matrix products and convolutions take alone. mlp: 784-256-256-10, ReLU, batch 128,
 * Fashion-MNIST; convnet and resnet: the families' default sizes on Fashion-MNIST, batch 128; rnn:
 * 128 tanh units, batch 128, seq-fashion-mnist (28 steps of 28 pixels), every recurrent rule.
 *
 * <p>The machine may be shared, so steps and bare kernels are timed in alternating rounds and the
 * figures are the medians over the rounds: a ratio then compares two timings taken within a second
 * of each other.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Time training steps per rule of the reference mlp (784-256-256-10, batch 128, Fashion-MNIST),"
                        + " with --arch convnet or resnet of those families' defaults, or with --arch rnn of"
                        + " the reference rnn (128 units, batch 128, seq-fashion-mnist).")
final class BenchTrainCommand implements Callable<Integer> {

    @Option(
            names = "--arch",
            defaultValue = "mlp",
            description = "mlp, convnet, resnet or rnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(
            names = "--rules",
            split = ",",
            description = "Rules to time (default: every rule of the family).")
    List<String> rules;

    @Option(
            names = "--steps",
            description =
                    "Timed steps per rule (default: 1000 for mlp, 100 for convnet, resnet and rnn).")
    Integer steps;

    @Option(
            names = "--warmup",
            description = "Untimed steps first (default: 100 for mlp, 10 otherwise).")
    Integer warmup;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description =
                    "Alternating rounds of steps and bare kernels; figures are their medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @picocli.CommandLine.Mixin BenchOptions common;

    private static final int BATCH = 128;

    @Override
    public Integer call() throws Exception {
        common.configureThreads();
        BenchOptions.printMachine();
        String family = this.arch.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("mlp", "convnet", "resnet", "rnn").contains(family)) {
            throw new LridException(
                    "bench train times the reference mlp, convnet, resnet or rnn; use --arch mlp,"
                            + " convnet, resnet or rnn, got '"
                            + this.arch
                            + "'");
        }
        boolean rnn = family.equals("rnn");
        boolean mlp = family.equals("mlp");
        int steps = this.steps != null ? this.steps : mlp ? 1000 : 100;
        int warmup = this.warmup != null ? this.warmup : mlp ? 100 : 10;
        if (steps < 1 || warmup < 0 || rounds < 1 || rounds > steps) {
            throw new LridException(
                    "--steps must be at least 1, --warmup at least 0 and --rounds between 1 and"
                            + " --steps, got "
                            + steps
                            + ", "
                            + warmup
                            + " and "
                            + rounds);
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
                mlp
                        ? new Architecture("mlp", 256, 2, org.lrid.net.Activation.RELU)
                        : Architecture.of(family);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode out = BenchOptions.describeMachine(mapper.createObjectNode());
        ObjectNode perRule = out.putObject("rules");
        System.out.printf(
                "%-9s %12s %12s %12s %10s%n",
                "rule", "steps/s", "ms/step", "kernel ms", "roofline");
        int perRound = steps / rounds;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (LearningRule rule : selected) {
                double[] stepSeconds = new double[rounds];
                double[] kernelSeconds = new double[rounds];
                double[] ratios = new double[rounds];
                boolean divergedRun;
                try (NDManager run = manager.newSubManager();
                        TaskSession session = task.open(run, 1);
                        Network net = arch.build(run, task.inputShape(), task.outputSize(), 1, 2);
                        NDManager kernelManager = manager.newSubManager()) {
                    int total = warmup + steps + 1;
                    // a diverged network's steps are no measure of the rule's (non-finite values
                    // take other paths through the kernels): its row says so
                    boolean[] diverged = {false};
                    java.util.function.IntConsumer step;
                    if (rnn) {
                        RecurrentLearner learner = new RecurrentLearner(rule, net, 2);
                        SequenceSession sequences = (SequenceSession) session;
                        step =
                                i ->
                                        diverged[0] |=
                                                !Double.isFinite(
                                                        RecurrentTraining.step(
                                                                        sequences, net, learner,
                                                                        run, BATCH, i, total, false,
                                                                        null)
                                                                .loss());
                    } else {
                        Learner learner = new Learner(rule, net, 2);
                        step =
                                i ->
                                        diverged[0] |=
                                                !Double.isFinite(
                                                        Trainer.step(
                                                                session, net, learner, run, BATCH,
                                                                i, total));
                    }
                    int done = 0;
                    for (int i = 0; i < warmup; i++) {
                        step.accept(++done);
                    }
                    // the kernels of one step, as the code that runs them records them
                    List<long[]> kernels;
                    MatrixProducts.start();
                    try {
                        step.accept(++done);
                    } finally {
                        kernels = MatrixProducts.stop();
                    }
                    List<Runnable> bare = bareKernels(kernelManager, kernels);
                    runKernels(kernelManager, bare, Math.max(3, perRound / 10));
                    for (int r = 0; r < rounds; r++) {
                        long t = System.nanoTime();
                        for (int i = 0; i < perRound; i++) {
                            step.accept(++done);
                        }
                        stepSeconds[r] = (System.nanoTime() - t) / 1e9 / perRound;
                        kernelSeconds[r] = runKernels(kernelManager, bare, perRound);
                        ratios[r] = kernelSeconds[r] / stepSeconds[r];
                    }
                    divergedRun = diverged[0];
                }
                double perStep = median(stepSeconds);
                double kernelStep = median(kernelSeconds);
                double roofline = median(ratios);
                System.out.printf(
                        "%-9s %12.1f %12.3f %12.3f %10.2f%s%n",
                        rule.name(),
                        1 / perStep,
                        perStep * 1e3,
                        kernelStep * 1e3,
                        roofline,
                        divergedRun ? "  diverged (loss not finite): not a measure" : "");
                ObjectNode r = perRule.putObject(rule.name());
                r.put("diverged", divergedRun);
                r.put("steps_per_second", 1 / perStep);
                r.put("ms_per_step", perStep * 1e3);
                r.put("matmul_ms_per_step", kernelStep * 1e3);
                r.put("roofline_fraction", roofline);
            }
        }
        out.put("arch", arch.id());
        out.put("task", task.name());
        out.put("threads", Threads.current());
        out.put("batch_size", BATCH);
        out.put("timed_steps", perRound * rounds);
        out.put("rounds", rounds);
        System.out.println(
                "roofline = time of the step's matrix products and convolutions alone / time of the"
                        + " whole step (medians of "
                        + rounds
                        + " alternating rounds)");
        if (common.json) {
            System.out.println(mapper.writeValueAsString(out));
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The recorded kernels on random inputs of the same shapes: products as plain matMul, and
     * convolutions as libtorch's convolution with a zero bias (the step's own call).
     */
    private static List<Runnable> bareKernels(NDManager m, List<long[]> kernels) {
        List<Runnable> bare = new ArrayList<>();
        for (long[] s : kernels) {
            if (s.length == MatrixProducts.FILTER_GRADIENT_LENGTH) {
                bare.add(filterGradient(m, s));
            } else if (s.length == MatrixProducts.CONVOLUTION_LENGTH) {
                int groups = Math.toIntExact(s[9]);
                NDArray x = m.randomNormal(new Shape(s[0], s[1], s[2], s[3]));
                NDArray w = m.randomNormal(new Shape(s[4], s[1] / groups, s[5], s[6]));
                NDArray b = m.zeros(new Shape(s[4]));
                Shape stride = new Shape(s[7], s[7]);
                Shape pad = new Shape(s[8], s[8]);
                Shape dilation = new Shape(1, 1);
                bare.add(
                        () ->
                                x.getNDArrayInternal()
                                        .convolution(x, w, b, stride, pad, dilation, groups)
                                        .singletonOrThrow()
                                        .close());
            } else {
                NDArray a = m.randomNormal(new Shape(s[0], s[1]));
                NDArray b = m.randomNormal(new Shape(s[1], s[2]));
                bare.add(() -> a.matMul(b).close());
            }
        }
        return bare;
    }

    /**
     * libtorch's convolution backward for the filter and bias gradients alone: the backward of one
     * recorded convolution, replayed on its kept graph (the gradients add up in the leaves, a
     * filter-sized sum).
     */
    private static Runnable filterGradient(NDManager m, long[] s) {
        NDArray x = m.randomNormal(new Shape(s[0], s[1], s[2], s[3]));
        NDArray w = m.randomNormal(new Shape(s[4], s[1], s[5], s[6]));
        NDArray b = m.zeros(new Shape(s[4]));
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        NDArray out;
        JniUtils.setGradMode(true);
        try {
            out =
                    x.getNDArrayInternal()
                            .convolution(
                                    x,
                                    w,
                                    b,
                                    new Shape(s[7], s[7]),
                                    new Shape(s[8], s[8]),
                                    new Shape(1, 1),
                                    1)
                            .singletonOrThrow();
        } finally {
            JniUtils.setGradMode(false);
        }
        NDArray e = m.randomNormal(out.getShape());
        return () -> JniUtils.backward((PtNDArray) out, (PtNDArray) e, true, false);
    }

    /** Seconds per step of the bare kernels, each result freed as the step's manager would. */
    private static double runKernels(NDManager m, List<Runnable> bare, int reps) {
        long t = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            for (Runnable k : bare) {
                k.run();
            }
        }
        return (System.nanoTime() - t) / 1e9 / reps;
    }
}
