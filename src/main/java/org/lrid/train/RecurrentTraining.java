package org.lrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.rule.RecurrentLearner;
import org.lrid.rule.RecurrentRule;
import org.lrid.task.Batch;
import org.lrid.task.LossAndGradient;
import org.lrid.task.SequenceSession;
import org.lrid.task.SequenceTask;

/**
 * Training steps of recurrent rules on tasks with time, until the registry and {@link Trainer} take them:
 * {@link #step} is the recurrent counterpart of {@link Trainer#step}, and {@link #train} a bare loop (no
 * checkpoints) for tests and measurements.
 */
public final class RecurrentTraining {

    private RecurrentTraining() {}

    /** Steps done, last batch loss, held-out score ({@link SequenceTask#scoreName()}), seconds of training. */
    public record Result(int steps, double loss, double score, double seconds) {}

    /**
     * One step: batch, clean forward pass (kept), loss, credit assignment (the gradient, or one perturbed
     * trial against the clean one), optimizer step, all in a step manager.
     *
     * @return the clean batch loss; the update is skipped when it is not finite
     */
    public static double step(SequenceSession session, Network network, RecurrentLearner learner, NDManager run,
            int batchSize) {
        try (NDManager stepManager = run.newSubManager()) {
            Batch batch = session.trainBatch(stepManager, batchSize);
            NDArray output = network.forward(batch.inputs(), true);
            double loss;
            if (learner.rule().credit().perturbative()) {
                float[] clean = session.exampleLosses(output, batch);
                double sum = 0;
                for (float l : clean) {
                    sum += l;
                }
                loss = sum / clean.length;
                if (Double.isFinite(loss)) {
                    learner.perturb(batch.inputs(), clean, y -> session.exampleLosses(y, batch), stepManager);
                }
            } else {
                LossAndGradient lg = session.loss(output, batch);
                loss = lg.loss();
                if (Double.isFinite(loss)) {
                    learner.backward(lg.gradient(), stepManager);
                }
            }
            if (Double.isFinite(loss)) {
                learner.update(stepManager);
            }
            network.clearStep();
            return loss;
        }
    }

    /**
     * Trains a fresh network for {@code steps} steps and scores it on the held-out set. Seeds: the network
     * from {@code seed}, B and the noise from {@code seed + 1}, the data from {@code seed + 2}.
     */
    public static Result train(RecurrentRule rule, SequenceTask task, Architecture arch, int steps, int batchSize,
            long seed, NDManager parent) {
        try (NDManager run = parent.newSubManager();
                SequenceSession session = task.open(run, seed + 2);
                Network network = arch.build(run, task.inputShape(), task.outputSize(), seed, seed + 1)) {
            RecurrentLearner learner = new RecurrentLearner(rule, network, seed + 1);
            long start = System.nanoTime();
            double loss = Double.NaN;
            int done = 0;
            for (int s = 1; s <= steps; s++) {
                loss = step(session, network, learner, run, batchSize);
                if (!Double.isFinite(loss)) {
                    break;
                }
                done = s;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double score = Double.isFinite(loss) ? session.heldOutAccuracy(network::predict) : Double.NaN;
            return new Result(done, loss, score, seconds);
        }
    }
}
