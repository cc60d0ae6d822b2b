package org.lrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lrid.net.Network;
import org.lrid.net.WeightLayer;
import org.lrid.rule.Learner;
import org.lrid.task.Batch;
import org.lrid.task.LossAndGradient;
import org.lrid.task.Task;
import org.lrid.task.TaskSession;

/**
 * The training loop. Every step's tensors live in a sub-manager closed at the end of the step, so a run's
 * native memory is its parameters, optimizer state and data, whatever its length.
 */
public final class Trainer {

    private Trainer() {}

    /**
     * Trains one network. Divergence (a non-finite loss, or non-finite weights at a checkpoint) ends the
     * run early with {@code diverged = true}; it is a result, not an exception.
     */
    public static TrainResult train(RunSpec spec, Task task, NDManager parent, TrainingListener listener) {
        try (NDManager run = parent.newSubManager();
                TaskSession session = task.open(run, spec.dataSeed());
                Network network = spec.architecture().build(run, task.inputShape(), task.outputSize(),
                        spec.initSeed(), spec.feedbackSeed())) {
            Learner learner = new Learner(spec.rule(), network, spec.feedbackSeed());
            return loop(spec, task, session, network, learner, run, listener);
        }
    }

    private static TrainResult loop(RunSpec spec, Task task, TaskSession session, Network network,
            Learner learner, NDManager run, TrainingListener listener) {
        Loop loop = new Loop(spec, session, network, listener);
        long start = System.nanoTime();
        String divergence = null;
        double lastLoss = Double.NaN;
        int stepsDone = 0;
        for (int step = 1; step <= spec.steps(); step++) {
            if (Thread.currentThread().isInterrupted()) {
                // a cancelled sweep: the caller discards this run, nothing of it is stored
                throw new java.util.concurrent.CancellationException("training interrupted at step " + step);
            }
            double loss = step(session, network, learner, run, spec.batchSize(),
                    step == 1 ? firstLoss -> loop.checkpoint(0, firstLoss, false) : null);
            if (!Double.isFinite(loss)) {
                divergence = "loss became " + loss + " at step " + step;
                break;
            }
            stepsDone = step;
            lastLoss = loss;
            listener.onStep(step, loss);
            loop.windowLoss += loss;
            loop.windowSteps++;
            if (loop.schedule.indicesAt(step).length > 0) {
                if (!weightsFinite(network)) {
                    divergence = "weights became non-finite by step " + step;
                    break;
                }
                loop.checkpoint(step, loop.windowLoss / loop.windowSteps, step == spec.steps());
                loop.windowLoss = 0;
                loop.windowSteps = 0;
            }
        }
        double seconds = (System.nanoTime() - start - loop.evalNanos) / 1e9;
        List<TrainResult.CurvePoint> curve = List.copyOf(loop.curve);
        double finalAccuracy = divergence != null || curve.isEmpty()
                ? Double.NaN : curve.get(curve.size() - 1).heldOutAccuracy();
        return new TrainResult(spec, task.name(), stepsDone, divergence != null, divergence, lastLoss,
                finalAccuracy, seconds, curve);
    }

    /**
     * One training step: batch, forward, loss, credit assignment, update, all in a step manager.
     *
     * @param beforeUpdate if not null, sees the batch loss of the not-yet-updated network (checkpoint 0
     *     is taken there)
     * @return the batch loss before the update; the update is skipped when it is not finite
     */
    public static double step(TaskSession session, Network network, Learner learner, NDManager run, int batchSize,
            java.util.function.DoubleConsumer beforeUpdate) {
        try (NDManager stepManager = run.newSubManager()) {
            Batch batch = session.trainBatch(stepManager, batchSize);
            NDArray output = network.forward(batch.inputs(), true);
            LossAndGradient lg = session.loss(output, batch);
            double loss = lg.loss();
            if (beforeUpdate != null) {
                beforeUpdate.accept(loss);
            }
            if (Double.isFinite(loss)) {
                learner.backward(lg.gradient(), stepManager);
                learner.update(stepManager);
            }
            network.clearStep();
            return loss;
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
        long evalNanos;
        double windowLoss;
        int windowSteps;

        Loop(RunSpec spec, TaskSession session, Network network, TrainingListener listener) {
            this.spec = spec;
            this.session = session;
            this.network = network;
            this.listener = listener;
            this.schedule = new CheckpointSchedule(spec.steps(), spec.checkpoints());
        }

        void checkpoint(int step, double trainLoss, boolean last) {
            double accuracy = Double.NaN;
            if (spec.evaluateCheckpoints() || last) {
                long t = System.nanoTime();
                accuracy = session.heldOutAccuracy(network::predict);
                evalNanos += System.nanoTime() - t;
            }
            for (int k : schedule.indicesAt(step)) {
                curve.add(new TrainResult.CurvePoint(k, step, trainLoss, accuracy));
                listener.onCheckpoint(new Checkpoint(k, step, network, session, trainLoss, accuracy,
                        java.util.Collections.nCopies(network.weightLayers().size(), LayerDiagnostics.NONE)));
            }
        }
    }

    private static boolean weightsFinite(Network network) {
        for (WeightLayer layer : network.weightLayers()) {
            for (NDArray p : new NDArray[] {layer.weight(), layer.feedbackWeight()}) {
                try (NDArray bad = p.isNaN(); NDArray inf = p.isInfinite();
                        NDArray any = bad.logicalOr(inf); NDArray flag = any.any()) {
                    if (flag.getBoolean()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
