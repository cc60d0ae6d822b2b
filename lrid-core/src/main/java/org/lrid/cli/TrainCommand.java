package org.lrid.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.lrid.task.Task;
import org.lrid.train.LayerDiagnostics;
import org.lrid.train.RunSpec;
import org.lrid.train.TrainResult;
import org.lrid.train.Trainer;
import org.lrid.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train one network with one learning rule and report its loss and held-out accuracy.")
final class TrainCommand implements Callable<Integer> {

    @Mixin RunOptions run;

    private final TaskArgs taskArgs = new TaskArgs();

    @Option(
            names = "--eval-checkpoints",
            description = "Also measure held-out accuracy at every checkpoint.")
    boolean evaluateCheckpoints;

    @Option(
            names = "--threads",
            description =
                    "libtorch intra-op threads (default: 1, measured fastest per run on this 2-core machine).")
    Integer threads;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Threads.configure(threads != null ? threads : 1);
        RunSpec spec = run.runSpec(evaluateCheckpoints);
        Task task = taskArgs.task(run);
        // before the progress bar: an architecture that cannot read the task's inputs
        spec.architecture()
                .requireTime(task.inputShape().length == 2, "task '" + task.name() + "'");
        TrainResult result;
        try (NDManager manager = NDManager.newBaseManager();
                ProgressBar bar =
                        quiet
                                ? null
                                : Progress.bar(
                                        "train " + spec.rule().name(), spec.steps(), "steps")) {
            TrainingListener listener =
                    bar == null
                            ? TrainingListener.NONE
                            : new TrainingListener() {
                                @Override
                                public void onStep(int step, double loss) {
                                    bar.stepTo(step);
                                    if (step % 50 == 0) {
                                        bar.setExtraMessage(String.format(" loss %.4f", loss));
                                    }
                                }
                            };
            result = Trainer.train(spec, task, manager, listener);
        }
        System.out.printf(
                "%s %s on %s: %d steps in %.1f s (%.0f steps/s), final loss %.4f, %s %.4f%s%n",
                spec.rule().name(),
                spec.architecture().id(),
                task.name(),
                result.stepsDone(),
                result.trainSeconds(),
                result.stepsPerSecond(),
                result.finalLoss(),
                task.scoreName(),
                result.testAccuracy(),
                result.diverged() ? " (DIVERGED: " + result.divergence() + ")" : "");
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("rule", spec.rule().name());
            o.put("arch", spec.architecture().id());
            o.put("init_scale", spec.architecture().initScale());
            o.put("task", task.name());
            o.put("steps", result.stepsDone());
            o.put("batch_size", spec.batchSize());
            o.put("seed", run.seed);
            o.put("threads", Threads.current());
            o.put("train_seconds", result.trainSeconds());
            o.put("steps_per_second", result.stepsPerSecond());
            putNumber(o, "final_loss", result.finalLoss());
            putNumber(o, task.scoreName(), result.testAccuracy());
            o.put("diverged", result.diverged());
            var curve = o.putArray("curve");
            for (TrainResult.CurvePoint c : result.curve()) {
                ObjectNode point = curve.addObject();
                point.put("checkpoint", c.checkpoint());
                point.put("step", c.step());
                putNumber(point, "train_loss", c.trainLoss());
                putNumber(point, task.scoreName(), c.heldOutAccuracy());
                var cos = point.putArray("feedback_cosine");
                var angle = point.putArray("update_angle");
                for (LayerDiagnostics d : c.diagnostics()) {
                    addNumber(cos, d.feedbackCosine());
                    addNumber(angle, d.updateAngle());
                }
            }
            o.set("hyperparameters", mapper.readTree(spec.rule().hyperparametersJson()));
            var alignment = o.putArray("alignment");
            for (double c : result.finalFeedbackCosines()) {
                addNumber(alignment, c);
            }
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }

    static void addNumber(com.fasterxml.jackson.databind.node.ArrayNode a, double value) {
        if (Double.isFinite(value)) {
            a.add(value);
        } else {
            a.addNull();
        }
    }

    /** JSON has no NaN: a missing value is null. */
    static void putNumber(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }
}
