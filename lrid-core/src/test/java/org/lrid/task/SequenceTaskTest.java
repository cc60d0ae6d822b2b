package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

class SequenceTaskTest {

    private static SequenceTask task(String name, TaskOptions o) {
        return (SequenceTask) Tasks.create(name, o);
    }

    @Test
    void seqFashionMnistIsTheImageRowByRow() {
        SequenceTask seq = task("seq-fashion-mnist", TaskOptions.DEFAULTS.withLimits(1000, 300));
        Task flat = Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withLimits(1000, 300));
        assertArrayEquals(new long[] {28, 28}, seq.inputShape());
        assertEquals(28, seq.steps());
        assertEquals("test_accuracy", seq.scoreName());
        try (NDManager m = NDManager.newBaseManager();
                TaskSession a = seq.open(m, 4);
                TaskSession b = flat.open(m, 4);
                NDManager step = m.newSubManager()) {
            Batch x = a.trainBatch(step, 8);
            Batch y = b.trainBatch(step, 8);
            assertEquals(new Shape(8, 28, 28), x.inputs().getShape());
            assertArrayEquals(y.inputs().toFloatArray(), x.inputs().toFloatArray());
            assertArrayEquals(y.labels().toIntArray(), x.labels().toIntArray());
            assertEquals(new Shape(256, 28, 28), a.probeInputs().getShape());
            assertArrayEquals(b.probeInputs().toFloatArray(), a.probeInputs().toFloatArray());
        }
    }

    @Test
    void seqFashionMnistScoresTheLastStepOnly() {
        SequenceTask seq = task("seq-fashion-mnist", TaskOptions.DEFAULTS.withLimits(1000, 300));
        try (NDManager m = NDManager.newBaseManager();
                SequenceSession s = seq.open(m, 1);
                NDManager step = m.newSubManager()) {
            Batch batch = s.trainBatch(step, 4);
            SplittableRandom r = new SplittableRandom(2);
            float[] out = new float[4 * 28 * 10];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (r.nextDouble() * 4 - 2);
            }
            NDArray y = step.create(out, new Shape(4, 28, 10));
            LossAndGradient lg = s.loss(y, batch);
            float[] g = lg.gradient().toFloatArray();
            float[] losses = s.exampleLosses(y, batch);
            assertEquals(lg.loss(), (losses[0] + losses[1] + losses[2] + losses[3]) / 4, 1e-5);
            for (int i = 0; i < out.length; i += 7) {
                float[] p = out.clone();
                float[] q = out.clone();
                p[i] += 1e-2f;
                q[i] -= 1e-2f;
                double fd =
                        (s.loss(step.create(p, y.getShape()), batch).loss()
                                        - s.loss(step.create(q, y.getShape()), batch).loss())
                                / 2e-2;
                assertEquals(fd, g[i], 1e-3, "element " + i);
                if ((i / 10) % 28 != 27) {
                    assertEquals(0f, g[i], "unscored step " + i);
                }
            }
            // a constant prediction of class 0 scores the share of class 0 among the held-out
            // examples
            int[] labels = Datasets.fashionMnist(null, true).labels();
            long zeros = Arrays.stream(labels, 0, 300).filter(l -> l == 0).count();
            double acc =
                    s.heldOutAccuracy(
                            x -> {
                                float[] v =
                                        new float[Math.toIntExact(x.getShape().get(0)) * 28 * 10];
                                for (int i = 0; i < v.length; i += 10) {
                                    v[i] = 1;
                                }
                                return x.getManager()
                                        .create(v, new Shape(x.getShape().get(0), 28, 10));
                            });
            assertEquals(zeros / 300.0, acc, 1e-12);
        }
    }

    @Test
    void patternIsAFixedSeededSignal() {
        SequenceTask p = task("pattern", TaskOptions.DEFAULTS);
        assertEquals("test_r2", p.scoreName());
        assertArrayEquals(new long[] {60, 1}, p.inputShape());
        float[] target = new SequenceRegression.Pattern(0).target();
        assertFalse(Arrays.equals(target, new SequenceRegression.Pattern(1).target()));
        try (NDManager m = NDManager.newBaseManager();
                SequenceSession s = p.open(m, 3);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, 5);
            assertEquals(new Shape(5, 60, 2), b.labels().getShape());
            float[] labels = b.labels().toFloatArray();
            for (int i = 0; i < 5; i++) {
                for (int t = 0; t < 60; t++) {
                    assertEquals(target[t], labels[(i * 60 + t) * 2], 0f);
                    assertEquals(1f, labels[(i * 60 + t) * 2 + 1], 0f);
                }
            }
            // the exact target scores 1, the target's mean 0
            assertEquals(1.0, s.heldOutAccuracy(x -> constantOutput(x, target)), 1e-9);
            double mean = 0;
            for (float v : target) {
                mean += v / 60;
            }
            float[] flat = new float[60];
            Arrays.fill(flat, (float) mean);
            assertEquals(0.0, s.heldOutAccuracy(x -> constantOutput(x, flat)), 1e-5);
        }
    }

    private static NDArray constantOutput(NDArray x, float[] perStep) {
        int n = Math.toIntExact(x.getShape().get(0));
        float[] v = new float[n * perStep.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(perStep, 0, v, i * perStep.length, perStep.length);
        }
        return x.getManager().create(v, new Shape(n, perStep.length, 1));
    }

    @Test
    void batchesFollowTheDataSeedAndHeldOutTrialsTheTaskSeed() {
        SequenceTask reach = task("reach", TaskOptions.DEFAULTS);
        float[] a1 = first(reach, 1, false);
        assertArrayEquals(a1, first(reach, 1, false));
        assertFalse(Arrays.equals(a1, first(reach, 2, false)));
        assertArrayEquals(first(reach, 1, true), first(reach, 2, true));
        assertFalse(
                Arrays.equals(
                        first(reach, 1, true),
                        first(task("reach", TaskOptions.DEFAULTS.withSeed(5)), 1, true)));
    }

    private static float[] first(SequenceTask t, long seed, boolean probe) {
        try (NDManager m = NDManager.newBaseManager();
                SequenceSession s = t.open(m, seed);
                NDManager step = m.newSubManager()) {
            return probe
                    ? s.probeInputs().toFloatArray()
                    : s.trainBatch(step, 4).inputs().toFloatArray();
        }
    }

    @Test
    void reachTrialsCueDelayGoAndReachTheTarget() {
        SequenceTask reach = task("reach", TaskOptions.DEFAULTS);
        int steps = reach.steps();
        try (NDManager m = NDManager.newBaseManager();
                SequenceSession s = reach.open(m, 7);
                NDManager step = m.newSubManager()) {
            Batch b = s.trainBatch(step, 50);
            float[] x = b.inputs().toFloatArray();
            float[] l = b.labels().toFloatArray();
            java.util.Set<Integer> goSteps = new java.util.HashSet<>();
            for (int i = 0; i < 50; i++) {
                int go = -1;
                for (int t = 0; t < steps; t++) {
                    if (x[(i * steps + t) * 3 + 2] == 1 && go < 0) {
                        go = t;
                    }
                }
                goSteps.add(go);
                assertTrue(go >= 10 && go <= 20, "go at " + go);
                float cx = x[i * steps * 3];
                float cy = x[i * steps * 3 + 1];
                assertEquals(1.0, Math.hypot(cx, cy), 1e-5);
                for (int t = 0; t < steps; t++) {
                    int base = (i * steps + t) * 3;
                    assertEquals(t >= go ? 1f : 0f, l[base + 2], "mask at " + t);
                }
                int end = (i * steps + steps - 1) * 3;
                assertEquals(cx, l[end], 1e-5);
                assertEquals(cy, l[end + 1], 1e-5);
            }
            assertTrue(goSteps.size() > 5, "delays vary");
            // regression gradient against central differences
            SplittableRandom r = new SplittableRandom(9);
            float[] out = new float[50 * steps * 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) r.nextDouble();
            }
            NDArray y = step.create(out, new Shape(50, steps, 2));
            LossAndGradient lg = s.loss(y, b);
            float[] g = lg.gradient().toFloatArray();
            float[] losses = s.exampleLosses(y, b);
            double mean = 0;
            for (float v : losses) {
                mean += v / 50;
            }
            assertEquals(mean, lg.loss(), 1e-5);
            for (int i = 0; i < out.length; i += 37) {
                float[] p = out.clone();
                float[] q = out.clone();
                p[i] += 1e-2f;
                q[i] -= 1e-2f;
                double fd =
                        (s.loss(step.create(p, y.getShape()), b).loss()
                                        - s.loss(step.create(q, y.getShape()), b).loss())
                                / 2e-2;
                assertEquals(fd, g[i], 2e-5, "element " + i);
            }
        }
    }

    @Test
    void badSettingsAreOneLineErrors() {
        LridException e =
                assertThrows(
                        LridException.class,
                        () -> Tasks.create("pattern", TaskOptions.DEFAULTS.withLimits(null, 0)));
        assertTrue(e.getMessage().contains("at least 1"));
        try (NDManager m = NDManager.newBaseManager();
                SequenceSession s = task("reach", TaskOptions.DEFAULTS).open(m, 1);
                NDManager step = m.newSubManager()) {
            assertThrows(LridException.class, () -> s.trainBatch(step, 0));
            Batch b = s.trainBatch(step, 2);
            assertThrows(
                    IllegalArgumentException.class, () -> s.loss(step.zeros(new Shape(2, 2)), b));
        }
        assertTrue(
                Tasks.names()
                        .containsAll(java.util.List.of("seq-fashion-mnist", "pattern", "reach")));
    }
}
