package org.lrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.rule.LearningRule;
import org.lrid.rule.RecurrentLearner;
import org.lrid.task.Batch;
import org.lrid.task.LossAndGradient;
import org.lrid.task.SequenceSession;
import org.lrid.task.SequenceTask;

/**
 * Training steps of recurrent rules on tasks with time: {@link #step} is the recurrent counterpart
 * of {@link Trainer#step} ({@link Trainer#train} calls it for every recurrent rule), and {@link
 * #train} a bare loop (no checkpoints) for tests and measurements.
 */
public final class RecurrentTraining {

    private RecurrentTraining() {}

    /**
     * Steps done, last batch loss, held-out score ({@link SequenceTask#scoreName()}), seconds of
     * training.
     */
    public record Result(int steps, double loss, double score, double seconds) {}

    /**
     * One step: batch, clean forward pass (kept), loss, credit assignment (the gradient, or one
     * perturbed trial against the clean one), optimizer step, all in a step manager.
     *
     * @param diagnose also take the exact BPTT gradient of this batch (before the rule's own credit
     *     assignment, on the same kept trial) and measure the rule's angle to it
     * @param beforeUpdate if not null, sees the clean batch loss of the not-yet-updated network
     * @return the clean batch loss; the update is skipped when it is not finite
     */
    public static Trainer.Outcome step(
            SequenceSession session,
            Network network,
            RecurrentLearner learner,
            NDManager run,
            int batchSize,
            int stepIndex,
            int totalSteps,
            boolean diagnose,
            Trainer.BeforeUpdate beforeUpdate) {
        try (NDManager stepManager = run.newSubManager()) {
            Batch batch = session.trainBatch(stepManager, batchSize);
            NDArray output = network.forward(batch.inputs(), true);
            boolean perturbative = learner.rule().credit().perturbative();
            double loss;
            float[] clean = null;
            LossAndGradient lg = null;
            if (perturbative && !diagnose) {
                clean = session.exampleLosses(output, batch);
                loss = mean(clean);
            } else {
                lg = session.loss(output, batch);
                loss = lg.loss();
            }
            double[] angles = null;
            long diagnosticNanos = 0;
            if (Double.isFinite(loss)) {
                List<float[]> exact = null;
                if (diagnose) {
                    long t = System.nanoTime();
                    exact = Diagnostics.exactGradients(network, lg.gradient());
                    diagnosticNanos += System.nanoTime() - t;
                }
                if (perturbative) {
                    if (clean == null) {
                        clean = session.exampleLosses(output, batch);
                    }
                    learner.perturb(
                            batch.inputs(),
                            clean,
                            y -> session.exampleLosses(y, batch),
                            stepManager);
                } else {
                    learner.backward(lg.gradient(), stepManager);
                }
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
                learner.update(stepManager, stepIndex, totalSteps);
            }
            network.clearStep();
            return new Trainer.Outcome(loss, angles, diagnosticNanos);
        }
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * Trains a fresh network for {@code steps} steps and scores it on the held-out set. Seeds: the
     * network from {@code seed}, B and the noise from {@code seed + 1}, the data from {@code seed +
     * 2}.
     */
    public static Result train(
            LearningRule rule,
            SequenceTask task,
            Architecture arch,
            int steps,
            int batchSize,
            long seed,
            NDManager parent) {
        LearningRule resolved = rule.forFamily(arch.family());
        try (NDManager run = parent.newSubManager();
                SequenceSession session = task.open(run, seed + 2);
                Network network =
                        arch.build(run, task.inputShape(), task.outputSize(), seed, seed + 1)) {
            RecurrentLearner learner = new RecurrentLearner(resolved, network, seed + 1);
            long start = System.nanoTime();
            double loss = Double.NaN;
            int done = 0;
            for (int s = 1; s <= steps; s++) {
                loss =
                        step(session, network, learner, run, batchSize, s, steps, false, null)
                                .loss();
                if (!Double.isFinite(loss)) {
                    break;
                }
                done = s;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double score =
                    Double.isFinite(loss) ? session.heldOutAccuracy(network::predict) : Double.NaN;
            return new Result(done, loss, score, seconds);
        }
    }
}
