package org.lrid.train;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.rule.RecurrentRule;
import org.lrid.rule.RecurrentRules;
import org.lrid.task.SequenceTask;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

/**
 * Not a unit test: a measurement run, skipped unless {@code -Dlrid.measure=rule:task:steps[:width:batch]}
 * (plus optional {@code -Dlrid.set=key=value,...}) is given. Prints the held-out score and steps/s.
 */
class RecurrentMeasurement {

    @Test
    void measure() {
        String spec = System.getProperty("lrid.measure");
        Assumptions.assumeTrue(spec != null && !spec.isBlank(), "no -Dlrid.measure");
        String[] p = spec.split(":");
        RecurrentRule rule = RecurrentRules.get(p[0]);
        String set = System.getProperty("lrid.set", "");
        for (String kv : set.split(",")) {
            if (!kv.isBlank()) {
                String[] e = kv.split("=");
                rule = rule.with(e[0], Double.parseDouble(e[1]));
            }
        }
        SequenceTask task = (SequenceTask) Tasks.create(p[1], TaskOptions.DEFAULTS);
        int steps = Integer.parseInt(p[2]);
        int width = p.length > 3 ? Integer.parseInt(p[3]) : 128;
        int batch = p.length > 4 ? Integer.parseInt(p[4]) : 128;
        Architecture arch = new Architecture("rnn", width, 1, Activation.TANH);
        try (NDManager m = NDManager.newBaseManager()) {
            RecurrentTraining.Result r = RecurrentTraining.train(rule, task, arch, steps, batch, 1, m);
            System.out.printf("MEASURE rule=%s %s task=%s steps=%d width=%d batch=%d loss=%.4f %s=%.4f"
                    + " seconds=%.1f steps/s=%.2f%n", rule.name(), rule.hyperparameters(), task.name(), r.steps(),
                    width, batch, r.loss(), task.scoreName(), r.score(), r.seconds(), r.steps() / r.seconds());
        }
    }
}
