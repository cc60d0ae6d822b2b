package org.lrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
     * One step of {@link Trainer#step(org.lrid.task.TaskSession, Network, Trainer.Credit,
     * NDManager, int, int, int, boolean, Trainer.BeforeUpdate)}'s template: batch, clean forward
     * pass (kept), loss, credit assignment (the gradient, or the perturbed trials against the clean
     * one), optimizer step, all in a step manager.
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
        boolean perturbative = learner.rule().credit().perturbative();
        return Trainer.step(
                session,
                network,
                new Trainer.Credit() {
                    @Override
                    public Trainer.Trial trial(NDArray output, Batch batch, boolean needGradient) {
                        if (perturbative && !needGradient) {
                            float[] clean = session.exampleLosses(output, batch);
                            return new Trainer.Trial(mean(clean), null, output, clean);
                        }
                        LossAndGradient lg = session.loss(output, batch);
                        return new Trainer.Trial(lg.loss(), lg.gradient(), output, null);
                    }

                    @Override
                    public void assign(Trainer.Trial trial, Batch batch, NDManager step) {
                        if (!perturbative) {
                            learner.backward(trial.gradient(), step);
                            return;
                        }
                        float[] clean =
                                trial.exampleLosses() != null
                                        ? trial.exampleLosses()
                                        : session.exampleLosses(trial.output(), batch);
                        learner.perturb(
                                batch.inputs(), clean, y -> session.exampleLosses(y, batch), step);
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
