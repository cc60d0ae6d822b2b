package org.lrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lrid.LridException;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;
import org.lrid.rule.CreditAssignment;
import org.lrid.rule.Learner;
import org.lrid.rule.RecurrentLearner;
import org.lrid.task.Batch;
import org.lrid.task.LossAndGradient;
import org.lrid.task.SequenceSession;
import org.lrid.task.Task;
import org.lrid.task.TaskSession;

/**
 * The training loop. Every step's tensors live in a sub-manager closed at the end of the step, so a
 * run's native memory is its parameters, optimizer state and data, whatever its length.
 */
public final class Trainer {

    private Trainer() {}

    /**
     * Trains one network. Divergence (a non-finite loss, or non-finite weights at a checkpoint)
     * ends the run early with {@code diverged = true}; it is a result, not an exception.
     */
    public static TrainResult train(
            RunSpec spec, Task task, NDManager parent, TrainingListener listener) {
        try (NDManager run = parent.newSubManager();
                TaskSession session = task.open(run, spec.dataSeed());
                Network network =
                        spec.architecture()
                                .build(
                                        run,
                                        task.inputShape(),
                                        task.outputSize(),
                                        spec.initSeed(),
                                        spec.feedbackSeed())) {
            Stepper stepper;
            if (spec.rule().family() == CreditAssignment.Family.RECURRENT) {
                if (!(session instanceof SequenceSession sequences)) {
                    throw new LridException(
                            "rule '"
                                    + spec.rule().name()
                                    + "' needs a task with time ("
                                    + "seq-fashion-mnist, pattern, reach), got "
                                    + task.name());
                }
                RecurrentLearner learner =
                        new RecurrentLearner(spec.rule(), network, spec.feedbackSeed());
                stepper =
                        (step, diagnose, before) ->
                                RecurrentTraining.step(
                                        sequences,
                                        network,
                                        learner,
                                        run,
                                        spec.batchSize(),
                                        step,
                                        spec.steps(),
                                        diagnose,
                                        before);
            } else {
                Learner learner = new Learner(spec.rule(), network, spec.feedbackSeed());
                stepper =
                        (step, diagnose, before) ->
                                step(
                                        session,
                                        network,
                                        learner,
                                        run,
                                        spec.batchSize(),
                                        step,
                                        spec.steps(),
                                        diagnose,
                                        before);
            }
            return loop(spec, task, session, network, stepper, listener);
        }
    }

    /** One training step of the run's rule (feed-forward or recurrent). */
    @FunctionalInterface
    private interface Stepper {
        Outcome step(int stepIndex, boolean diagnose, BeforeUpdate beforeUpdate);
    }

    private static TrainResult loop(
            RunSpec spec,
            Task task,
            TaskSession session,
            Network network,
            Stepper stepper,
            TrainingListener listener) {
        Loop loop = new Loop(spec, session, network, listener);
        long start = System.nanoTime();
        String divergence = null;
        double lastLoss = Double.NaN;
        int stepsDone = 0;
        for (int step = 1; step <= spec.steps(); step++) {
            if (Thread.currentThread().isInterrupted()) {
                // a cancelled sweep: the caller discards this run, nothing of it is stored
                throw new java.util.concurrent.CancellationException(
                        "training interrupted at step " + step);
            }
            boolean atCheckpoint = loop.schedule.indicesAt(step).length > 0;
            Outcome o =
                    stepper.step(
                            step,
                            step == 1 || atCheckpoint,
                            step == 1
                                    ? (firstLoss, angles) ->
                                            loop.checkpoint(0, firstLoss, angles, false)
                                    : null);
            loop.excludedNanos += o.diagnosticNanos();
            double loss = o.loss();
            if (!Double.isFinite(loss)) {
                divergence = "loss became " + loss + " at step " + step;
                break;
            }
            stepsDone = step;
            lastLoss = loss;
            long t = System.nanoTime();
            listener.onStep(step, loss);
            loop.excludedNanos += System.nanoTime() - t;
            loop.windowLoss += loss;
            loop.windowSteps++;
            if (atCheckpoint) {
                if (!weightsFinite(network)) {
                    divergence = "weights became non-finite by step " + step;
                    break;
                }
                loop.checkpoint(
                        step, loop.windowLoss / loop.windowSteps, o.angles(), step == spec.steps());
                loop.windowLoss = 0;
                loop.windowSteps = 0;
            }
        }
        double seconds = (System.nanoTime() - start - loop.excludedNanos) / 1e9;
        List<TrainResult.CurvePoint> curve = List.copyOf(loop.curve);
        double finalAccuracy =
                divergence != null || curve.isEmpty()
                        ? Double.NaN
                        : curve.get(curve.size() - 1).heldOutAccuracy();
        return new TrainResult(
                spec,
                task.name(),
                stepsDone,
                divergence != null,
                divergence,
                lastLoss,
                finalAccuracy,
                seconds,
                curve);
    }

    /**
     * Sees the batch loss of the not-yet-updated network and the step's update angles (or null).
     */
    @FunctionalInterface
    public interface BeforeUpdate {
        void accept(double loss, double[] updateAngles);
    }

    /**
     * What one step gave.
     *
     * @param angles per weight layer, the angle between the rule's dL/dW and backprop's, or null
     *     when not diagnosed
     * @param diagnosticNanos time spent on the diagnostics alone
     */
    public record Outcome(double loss, double[] angles, long diagnosticNanos) {}

    /**
     * One training step without diagnostics; see {@link #step(TaskSession, Network, Learner,
     * NDManager, int, int, int, boolean, BeforeUpdate)}.
     */
    public static double step(
            TaskSession session,
            Network network,
            Learner learner,
            NDManager run,
            int batchSize,
            int stepIndex,
            int totalSteps) {
        return step(session, network, learner, run, batchSize, stepIndex, totalSteps, false, null)
                .loss();
    }

    /**
     * One training step: batch, forward, loss, credit assignment, update, all in a step manager.
     *
     * @param stepIndex 1-based index of this step and {@code totalSteps} the run's length (the
     *     schedule)
     * @param diagnose also take the exact backprop gradient of this batch and measure the rule's
     *     angle to it
     * @param beforeUpdate if not null, sees the batch loss of the not-yet-updated network
     *     (checkpoint 0 is taken there)
     * @return the batch loss before the update; the update is skipped when it is not finite
     */
    public static Outcome step(
            TaskSession session,
            Network network,
            Learner learner,
            NDManager run,
            int batchSize,
            int stepIndex,
            int totalSteps,
            boolean diagnose,
            BeforeUpdate beforeUpdate) {
        return step(
                session,
                network,
                new Credit() {
                    @Override
                    public Trial trial(NDArray output, Batch batch, boolean needGradient) {
                        LossAndGradient lg = session.loss(output, batch);
                        return new Trial(lg.loss(), lg.gradient(), output, null);
                    }

                    @Override
                    public void assign(Trial trial, Batch batch, NDManager step) {
                        learner.backward(trial.gradient(), step);
                    }

                    @Override
                    public void update(NDManager step, int index, int total) {
                        learner.update(step, index, total);
                    }
                },
                run,
                batchSize,
                stepIndex,
                totalSteps,
                diagnose,
                beforeUpdate);
    }

    /**
     * What differs between the training steps of the rule families ({@link Learner} for the
     * feed-forward rules, {@link org.lrid.rule.RecurrentLearner} for the recurrent ones): the loss
     * of the kept forward pass, the rule's credit assignment and its optimizer step. {@link
     * #step(TaskSession, Network, Credit, NDManager, int, int, int, boolean, BeforeUpdate)} is the
     * one step both run.
     */
    interface Credit {
        /**
         * The loss of the kept forward pass's output on the batch, with its gradient dL/dy when
         * {@code needGradient} (the diagnostics) or when the rule itself needs it.
         */
        Trial trial(NDArray output, Batch batch, boolean needGradient);

        /** Credit assignment: leaves the rule's dL/dW and dL/db on the network's layers. */
        void assign(Trial trial, Batch batch, NDManager step);

        /** The optimizer step from the gradients credit assignment left. */
        void update(NDManager step, int stepIndex, int totalSteps);
    }

    /**
     * The kept forward pass's loss: the batch mean, dL/dy (null when not taken), the output, and
     * the per-example losses (null when not taken).
     */
    record Trial(double loss, NDArray gradient, NDArray output, float[] exampleLosses) {}

    /**
     * One training step of any rule: batch, forward (kept), loss, the exact gradient when
     * diagnosed, credit assignment, the angle to it, the checkpoint-0 callback, update, all in a
     * step manager.
     *
     * @param stepIndex 1-based index of this step and {@code totalSteps} the run's length (the
     *     schedule)
     * @param diagnose also take the exact backprop (or BPTT) gradient of this batch, on the same
     *     kept forward pass and before the rule's own credit assignment, and measure the rule's
     *     angle to it
     * @param beforeUpdate if not null, sees the batch loss of the not-yet-updated network
     *     (checkpoint 0 is taken there)
     * @return the batch loss before the update; the update is skipped when it is not finite
     */
    static Outcome step(
            TaskSession session,
            Network network,
            Credit credit,
            NDManager run,
            int batchSize,
            int stepIndex,
            int totalSteps,
            boolean diagnose,
            BeforeUpdate beforeUpdate) {
        try (NDManager stepManager = run.newSubManager()) {
            Batch batch = session.trainBatch(stepManager, batchSize);
            NDArray output = network.forward(batch.inputs(), true);
            Trial trial = credit.trial(output, batch, diagnose);
            double loss = trial.loss();
            double[] angles = null;
            long diagnosticNanos = 0;
            if (Double.isFinite(loss)) {
                List<float[]> exact = null;
                if (diagnose) {
                    long t = System.nanoTime();
                    exact = Diagnostics.exactGradients(network, trial.gradient());
                    diagnosticNanos += System.nanoTime() - t;
                }
                credit.assign(trial, batch, stepManager);
                if (diagnose) {
                    long t = System.nanoTime();
                    angles = Diagnostics.updateAngles(network, exact);
                    diagnosticNanos += System.nanoTime() - t;
                }
            }
            if (beforeUpdate != null) {
                beforeUpdate.accept(loss, angles);
            }
            if (Double.isFinite(loss)) {
                credit.update(stepManager, stepIndex, totalSteps);
            }
            network.clearStep();
            return new Outcome(loss, angles, diagnosticNanos);
        }
    }

    /** Checkpoint bookkeeping of one run. */
    private static final class Loop {
        final RunSpec spec;
        final TaskSession session;
        final Network network;
        final TrainingListener listener;
        final CheckpointSchedule schedule;
        final List<TrainResult.CurvePoint> curve = new ArrayList<>();

        /** evaluation, observation (the listener) and diagnostics: not training */
        long excludedNanos;

        double windowLoss;
        int windowSteps;

        Loop(RunSpec spec, TaskSession session, Network network, TrainingListener listener) {
            this.spec = spec;
            this.session = session;
            this.network = network;
            this.listener = listener;
            this.schedule = new CheckpointSchedule(spec.steps(), spec.checkpoints());
        }

        void checkpoint(int step, double trainLoss, double[] angles, boolean last) {
            long t = System.nanoTime();
            double accuracy = Double.NaN;
            if (spec.evaluateCheckpoints() || last) {
                accuracy = session.heldOutAccuracy(network::predict);
            }
            double[] cosines = Diagnostics.feedbackCosines(network, spec.rule());
            List<LayerDiagnostics> diagnostics = new ArrayList<>();
            for (int i = 0; i < cosines.length; i++) {
                diagnostics.add(
                        new LayerDiagnostics(cosines[i], angles == null ? Double.NaN : angles[i]));
            }
            for (int k : schedule.indicesAt(step)) {
                curve.add(new TrainResult.CurvePoint(k, step, trainLoss, accuracy, diagnostics));
                listener.onCheckpoint(
                        new Checkpoint(
                                k, step, network, session, trainLoss, accuracy, diagnostics));
            }
            excludedNanos += System.nanoTime() - t;
        }
    }

    private static boolean weightsFinite(Network network) {
        for (WeightLayer layer : network.weightLayers()) {
            for (NDArray p : new NDArray[] {layer.weight(), layer.feedbackWeight()}) {
                try (NDArray bad = p.isNaN();
                        NDArray inf = p.isInfinite();
                        NDArray any = bad.logicalOr(inf);
                        NDArray flag = any.any()) {
                    if (flag.getBoolean()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
