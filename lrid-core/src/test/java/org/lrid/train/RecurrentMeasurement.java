package org.lrid.train;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.task.SequenceTask;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

/**
 * Not a unit test: a measurement run, skipped unless {@code
 * -Dlrid.measure=rule:task:steps[:width:batch]} (plus optional {@code -Dlrid.set=key=value,...}) is
 * given. Prints the held-out score and steps/s.
 */
class RecurrentMeasurement {

    @Test
    void measure() {
        String spec = System.getProperty("lrid.measure");
        Assumptions.assumeTrue(spec != null && !spec.isBlank(), "no -Dlrid.measure");
        String[] p = spec.split(":");
        LearningRule rule = Rules.get(p[0]).forFamily("rnn");
        String set = System.getProperty("lrid.set", "");
        for (String kv : set.split(",")) {
            if (!kv.isBlank()) {
                String[] e = kv.split("=");
                rule = rule.withOverrides(java.util.Map.of(e[0], e[1]));
            }
        }
        SequenceTask task = (SequenceTask) Tasks.create(p[1], TaskOptions.DEFAULTS);
        int steps = Integer.parseInt(p[2]);
        int width = p.length > 3 ? Integer.parseInt(p[3]) : 128;
        int batch = p.length > 4 ? Integer.parseInt(p[4]) : 128;
        Architecture arch = new Architecture("rnn", width, 1, Activation.TANH);
        try (NDManager m = NDManager.newBaseManager()) {
            RecurrentTraining.Result r =
                    RecurrentTraining.train(rule, task, arch, steps, batch, 1, m);
            System.out.printf(
                    "MEASURE rule=%s %s task=%s steps=%d width=%d batch=%d loss=%.4f %s=%.4f"
                            + " seconds=%.1f steps/s=%.2f%n",
                    rule.name(),
                    rule.hyperparameters(),
                    task.name(),
                    r.steps(),
                    width,
                    batch,
                    r.loss(),
                    task.scoreName(),
                    r.score(),
                    r.seconds(),
                    r.steps() / r.seconds());
        }
    }

    /**
     * The bare-matmul roofline of one bptt step at 128 units, batch 128, 28 steps of 28 inputs, 10
     * outputs: the forward products (x W_in^T once, h W_rec^T per step, h W_out^T once) and the
     * backward ones (e W_rec per step, and the three weight gradients once), with nothing else.
     * Skipped unless -Dlrid.roofline.
     */
    @Test
    void roofline() {
        Assumptions.assumeTrue(System.getProperty("lrid.roofline") != null, "no -Dlrid.roofline");
        int n = 128;
        int t = 28;
        int in = 28;
        int hid = 128;
        int out = 10;
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray x =
                    m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(n * t, in));
            ai.djl.ndarray.NDArray win =
                    m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(in, hid));
            ai.djl.ndarray.NDArray wrec =
                    m.randomUniform(-0.1f, 0.1f, new ai.djl.ndarray.types.Shape(hid, hid));
            ai.djl.ndarray.NDArray wout =
                    m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(hid, out));
            int reps = 300;
            long start = 0;
            for (int r = -50; r < reps; r++) {
                if (r == 0) {
                    start = System.nanoTime();
                }
                try (NDManager s = m.newSubManager()) {
                    ai.djl.ndarray.NDArray xs = x.duplicate();
                    xs.attach(s);
                    ai.djl.ndarray.NDArray drive = xs.matMul(win);
                    ai.djl.ndarray.NDArray h = s.zeros(new ai.djl.ndarray.types.Shape(n, hid));
                    for (int k = 0; k < t; k++) {
                        h = h.matMul(wrec);
                    }
                    ai.djl.ndarray.NDArray hs = drive.duplicate();
                    ai.djl.ndarray.NDArray y = hs.matMul(wout);
                    ai.djl.ndarray.NDArray e = h;
                    for (int k = 0; k < t; k++) {
                        e = e.matMul(wrec);
                    }
                    hs.transpose().matMul(xs);
                    hs.transpose().matMul(hs);
                    y.transpose().matMul(hs);
                }
            }
            double ms = (System.nanoTime() - start) / 1e6 / reps;
            System.out.printf(
                    "MEASURE roofline bare matmuls of one bptt step: %.2f ms (%.1f steps/s)%n",
                    ms, 1000 / ms);
        }
    }
}
