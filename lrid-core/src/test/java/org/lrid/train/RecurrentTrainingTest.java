package org.lrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.task.SequenceTask;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

class RecurrentTrainingTest {

    /** Held-out r2 of a tiny rnn after a small budget; predicting the target's mean scores 0. */
    private static double patternR2(LearningRule rule, long seed, int steps) {
        SequenceTask task =
                (SequenceTask) Tasks.create("pattern", TaskOptions.DEFAULTS.withLimits(null, 64));
        try (NDManager m = NDManager.newBaseManager()) {
            RecurrentTraining.Result r =
                    RecurrentTraining.train(
                            rule,
                            task,
                            new Architecture("rnn", 16, 1, Activation.TANH),
                            steps,
                            16,
                            seed,
                            m);
            assertEquals(steps, r.steps(), rule.name() + " diverged");
            return r.score();
        }
    }

    @Test
    void everyRuleLearnsThePatternWellAboveChance() {
        for (String name : new String[] {"bptt", "rflo", "eprop", "np"}) {
            double r2 = patternR2(Rules.get(name).forFamily("rnn"), 1, 120);
            assertTrue(r2 > 0.3, name + " reached r2 " + r2);
        }
        // weight perturbation's step scales with the number of weights: a 16-unit net takes a
        // larger one
        double wp =
                patternR2(
                        Rules.get("wp")
                                .forFamily("rnn")
                                .withOverrides(java.util.Map.of("lr", 1e-3)),
                        1,
                        120);
        assertTrue(wp > 0.2, "wp reached r2 " + wp);
    }

    @Test
    void trainingIsDeterministicGivenTheSeed() {
        LearningRule np = Rules.get("np").forFamily("rnn");
        assertEquals(patternR2(np, 3, 20), patternR2(np, 3, 20));
    }

    /**
     * Trainer.train on an rnn: checkpoint 0 before the first update, 45 observables per layer,
     * diagnostics.
     */
    @Test
    void trainerRunsRecurrentRulesWithCheckpointsObservablesAndDiagnostics() {
        SequenceTask task =
                (SequenceTask) Tasks.create("pattern", TaskOptions.DEFAULTS.withLimits(null, 64));
        Architecture arch = new Architecture("rnn", 16, 1, Activation.TANH);
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Map<String, TrainResult> results = new java.util.LinkedHashMap<>();
            for (String rule : new String[] {"bptt", "rflo", "np"}) {
                org.lrid.observe.Recorder recorder =
                        new org.lrid.observe.Recorder(java.util.List.of());
                RunSpec spec = RunSpec.of(arch, Rules.get(rule), 16, 20, 3, 1, true);
                TrainResult r = Trainer.train(spec, task, m, recorder);
                assertEquals(20, r.stepsDone(), rule);
                assertEquals(
                        java.util.List.of(0, 10, 20),
                        r.curve().stream().map(TrainResult.CurvePoint::step).toList());
                assertEquals(3 * 3, recorder.observations().size());
                for (org.lrid.observe.Observation o : recorder.observations()) {
                    assertEquals(org.lrid.observe.Observables.ALL.size(), o.values().length);
                    assertTrue(
                            Double.isFinite(o.values()[0]),
                            rule + " observable 0 of layer " + o.layer());
                }
                results.put(rule, r);
            }
            for (TrainResult.CurvePoint c : results.get("bptt").curve()) {
                for (LayerDiagnostics d : c.diagnostics()) {
                    assertTrue(
                            d.updateAngle() < 1, "bptt is the exact gradient: " + d.updateAngle());
                    assertTrue(Double.isNaN(d.feedbackCosine()));
                }
            }
            for (TrainResult.CurvePoint c : results.get("rflo").curve()) {
                java.util.List<LayerDiagnostics> d = c.diagnostics();
                // rflo reads B on W_out only; its W_out update is the exact one, W_in's and W_rec's
                // are not
                assertTrue(
                        Double.isNaN(d.get(0).feedbackCosine())
                                && Double.isNaN(d.get(1).feedbackCosine()));
                assertTrue(Double.isFinite(d.get(2).feedbackCosine()));
                assertTrue(d.get(2).updateAngle() < 1, "rflo W_out " + d.get(2).updateAngle());
                assertTrue(d.get(0).updateAngle() > 5, "rflo W_in " + d.get(0).updateAngle());
            }
            for (TrainResult.CurvePoint c : results.get("np").curve()) {
                java.util.List<LayerDiagnostics> d = c.diagnostics();
                // one noisy trial: an estimate of the gradient, not the gradient (W_out's few
                // weights see
                // strongly correlated h, so its estimate lies closer)
                for (int l = 0; l < 2; l++) {
                    assertTrue(
                            d.get(l).updateAngle() > 5 && d.get(l).updateAngle() < 180,
                            "np " + d.get(l).updateAngle());
                }
                assertTrue(d.get(2).updateAngle() > 0, "np W_out " + d.get(2).updateAngle());
            }
        }
    }

    /**
     * The bench's roofline counts what a bptt step runs: the recurrence forward, through time
     * backward.
     */
    @Test
    void aBpttStepRecordsItsMatrixProducts() {
        SequenceTask task =
                (SequenceTask) Tasks.create("pattern", TaskOptions.DEFAULTS.withLimits(null, 64));
        int n = 4;
        int h = 8;
        long t = task.inputShape()[0];
        long in = task.inputShape()[1];
        long out = task.outputSize();
        try (NDManager m = NDManager.newBaseManager();
                org.lrid.task.SequenceSession session = task.open(m, 1);
                org.lrid.net.Network net =
                        new Architecture("rnn", h, 1, Activation.TANH)
                                .build(m, task.inputShape(), task.outputSize(), 1, 2)) {
            org.lrid.rule.RecurrentLearner learner =
                    new org.lrid.rule.RecurrentLearner(Rules.get("bptt").forFamily("rnn"), net, 2);
            org.lrid.net.MatrixProducts.start();
            java.util.List<long[]> products;
            try {
                RecurrentTraining.step(session, net, learner, m, n, 1, 1, false, null);
            } finally {
                products = org.lrid.net.MatrixProducts.stop();
            }
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            for (long[] p : products) {
                counts.merge(p[0] + "x" + p[1] + "x" + p[2], 1, Integer::sum);
            }
            java.util.Map<String, Integer> expected = new java.util.TreeMap<>();
            expected.merge(n * t + "x" + in + "x" + h, 1, Integer::sum); // x W_in^T
            expected.merge(
                    n + "x" + h + "x" + h,
                    (int) (2 * t),
                    Integer::sum); // h W_rec^T forward, e W_rec back
            expected.merge(n * t + "x" + h + "x" + out, 1, Integer::sum); // h W_out^T
            expected.merge(n * t + "x" + out + "x" + h, 1, Integer::sum); // eps W_out
            expected.merge(h + "x" + n * t + "x" + in, 1, Integer::sum); // dW_in
            expected.merge(h + "x" + n * t + "x" + h, 1, Integer::sum); // dW_rec
            expected.merge(out + "x" + n * t + "x" + h, 1, Integer::sum); // dW_out
            assertEquals(expected, counts);
        }
    }
}
