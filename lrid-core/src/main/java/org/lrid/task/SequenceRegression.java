package org.lrid.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Regression on generated trials ({@code pattern}, {@code reach}): each trial is an input sequence,
 * a target output sequence and the steps on which the output is scored. Training trials are drawn
 * fresh from the run's data seed (an endless stream: there is no epoch and no train limit); the
 * held-out trials and the probe set (their first {@link SupervisedTask#PROBE_SIZE}) come from the
 * task's own seed, the same for every run.
 *
 * <p>Loss of one trial: the mean over its scored steps and output channels of {@code (y - y*)^2};
 * the batch loss is the mean over trials. Held-out score: {@code test_r2 = 1 - SSE / SST} over the
 * scored steps of the held-out trials, SST taken about each output channel's mean (1 - MSE /
 * variance of the target).
 */
final class SequenceRegression implements SequenceTask {

    static final int DEFAULT_TEST_TRIALS = 512;
    private static final int EVAL_CHUNK = 256;

    /** A seed for stream {@code k} of something seeded with {@code seed}. */
    static long mix(long seed, long k) {
        return new SplittableRandom(seed ^ (k * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** A family of trials. {@link #fill} writes one trial; the arrays are zero on entry. */
    interface Trials {
        int steps();

        int inputs();

        int outputs();

        /**
         * @param input steps x inputs, row-major
         * @param target steps x outputs
         * @param scored steps: 1 where the output is scored
         */
        void fill(SplittableRandom random, float[] input, float[] target, float[] scored);
    }

    private final String name;
    private final Trials trials;
    private final long seed;
    private final int testCount;
    private final int steps;
    private final int in;
    private final int out;
    private final float[] testInputs;
    private final float[] testLabels;

    /**
     * @param seed the task's own seed (its target signal or targets, and its held-out trials)
     * @param testCount number of held-out trials
     */
    SequenceRegression(String name, Trials trials, long seed, int testCount) {
        this.name = name;
        this.trials = trials;
        this.seed = seed;
        this.testCount = testCount;
        this.steps = trials.steps();
        this.in = trials.inputs();
        this.out = trials.outputs();
        this.testInputs = new float[testCount * steps * in];
        this.testLabels = new float[testCount * steps * (out + 1)];
        generate(new SplittableRandom(mix(seed, 0x7E57)), testCount, testInputs, testLabels);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] inputShape() {
        return new long[] {steps, in};
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public String scoreName() {
        return "test_r2";
    }

    @Override
    public SequenceSession open(NDManager manager, long dataSeed) {
        return new Session(manager.newSubManager(), dataSeed);
    }

    /**
     * n trials into inputs (n, steps, in) and labels (n, steps, out + 1: target channels, then the
     * mask).
     */
    private void generate(SplittableRandom random, int n, float[] inputs, float[] labels) {
        float[] x = new float[steps * in];
        float[] y = new float[steps * out];
        float[] scored = new float[steps];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(x, 0);
            java.util.Arrays.fill(y, 0);
            java.util.Arrays.fill(scored, 0);
            trials.fill(random, x, y, scored);
            System.arraycopy(x, 0, inputs, i * steps * in, steps * in);
            for (int t = 0; t < steps; t++) {
                int base = (i * steps + t) * (out + 1);
                System.arraycopy(y, t * out, labels, base, out);
                labels[base + out] = scored[t];
            }
        }
    }

    /**
     * Squared errors of each trial and its number of scored entries; the gradient of the mean loss
     * if asked.
     */
    private float[] trialLosses(float[] y, float[] labels, int n, float[] gradient) {
        float[] losses = new float[n];
        for (int i = 0; i < n; i++) {
            int scoredSteps = 0;
            for (int t = 0; t < steps; t++) {
                if (labels[(i * steps + t) * (out + 1) + out] != 0) {
                    scoredSteps++;
                }
            }
            if (scoredSteps == 0) {
                continue;
            }
            double norm = 1.0 / ((double) scoredSteps * out);
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                int lb = (i * steps + t) * (out + 1);
                if (labels[lb + out] == 0) {
                    continue;
                }
                for (int k = 0; k < out; k++) {
                    int yi = (i * steps + t) * out + k;
                    double d = y[yi] - labels[lb + k];
                    sum += d * d;
                    if (gradient != null) {
                        gradient[yi] = (float) (2 * d * norm / n);
                    }
                }
            }
            losses[i] = (float) (sum * norm);
        }
        return losses;
    }

    private final class Session implements SequenceSession {
        private final NDManager manager;
        private final SplittableRandom random;
        private final NDArray probe;

        Session(NDManager manager, long dataSeed) {
            this.manager = manager;
            this.random = new SplittableRandom(mix(dataSeed, seed));
            int n = Math.min(SupervisedTask.PROBE_SIZE, testCount);
            this.probe =
                    manager.create(
                            java.util.Arrays.copyOf(testInputs, n * steps * in),
                            new Shape(n, steps, in));
        }

        @Override
        public Batch trainBatch(NDManager step, int batchSize) {
            if (batchSize < 1) {
                throw new org.lrid.LridException("batch size must be at least 1, got " + batchSize);
            }
            float[] x = new float[batchSize * steps * in];
            float[] labels = new float[batchSize * steps * (out + 1)];
            generate(random, batchSize, x, labels);
            return new Batch(
                    step.create(x, new Shape(batchSize, steps, in)),
                    step.create(labels, new Shape(batchSize, steps, out + 1)));
        }

        private float[] outputs(NDArray output, Batch batch) {
            Shape s = output.getShape();
            long n = batch.labels().getShape().get(0);
            if (s.dimension() != 3 || s.get(0) != n || s.get(1) != steps || s.get(2) != out) {
                throw new IllegalArgumentException(
                        name
                                + " expects outputs ("
                                + n
                                + ", "
                                + steps
                                + ", "
                                + out
                                + "), got "
                                + s);
            }
            return output.toFloatArray();
        }

        @Override
        public LossAndGradient loss(NDArray output, Batch batch) {
            float[] y = outputs(output, batch);
            int n = Math.toIntExact(output.getShape().get(0));
            float[] g = new float[y.length];
            float[] losses = trialLosses(y, batch.labels().toFloatArray(), n, g);
            double mean = 0;
            for (float l : losses) {
                mean += l;
            }
            return new LossAndGradient(
                    (float) (mean / n), output.getManager().create(g, output.getShape()));
        }

        @Override
        public float[] exampleLosses(NDArray output, Batch batch) {
            float[] y = outputs(output, batch);
            return trialLosses(
                    y,
                    batch.labels().toFloatArray(),
                    Math.toIntExact(output.getShape().get(0)),
                    null);
        }

        @Override
        public NDArray probeInputs() {
            return probe;
        }

        /** test_r2 over the held-out trials. */
        @Override
        public double heldOutAccuracy(Function<NDArray, NDArray> forward) {
            float[] y = new float[testCount * steps * out];
            for (int from = 0; from < testCount; from += EVAL_CHUNK) {
                int n = Math.min(EVAL_CHUNK, testCount - from);
                try (NDManager m = manager.newSubManager()) {
                    NDArray x =
                            m.create(
                                    java.util.Arrays.copyOfRange(
                                            testInputs, from * steps * in, (from + n) * steps * in),
                                    new Shape(n, steps, in));
                    float[] chunk = forward.apply(x).toFloatArray();
                    System.arraycopy(chunk, 0, y, from * steps * out, chunk.length);
                }
            }
            return r2(y, testLabels, testCount);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** 1 - SSE / SST over the scored entries, SST about each channel's mean. */
    double r2(float[] y, float[] labels, int n) {
        double[] mean = new double[out];
        long count = 0;
        for (int i = 0; i < n * steps; i++) {
            if (labels[i * (out + 1) + out] != 0) {
                count++;
                for (int k = 0; k < out; k++) {
                    mean[k] += labels[i * (out + 1) + k];
                }
            }
        }
        for (int k = 0; k < out; k++) {
            mean[k] /= Math.max(1, count);
        }
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < n * steps; i++) {
            if (labels[i * (out + 1) + out] == 0) {
                continue;
            }
            for (int k = 0; k < out; k++) {
                double target = labels[i * (out + 1) + k];
                double d = y[i * out + k] - target;
                sse += d * d;
                sst += (target - mean[k]) * (target - mean[k]);
            }
        }
        return 1 - sse / sst;
    }

    /**
     * {@code pattern}: produce a fixed target signal, a sum of three sinusoids of 1, 2 and 3 cycles
     * per trial with amplitudes and phases drawn from the task seed, from a tonic input of 1 with
     * Gaussian noise of std 0.1 on every step (Murray 2019's pattern-generation family). Every step
     * is scored.
     */
    static final class Pattern implements Trials {
        static final int STEPS = 60;
        static final float INPUT_NOISE = 0.1f;
        private final float[] target = new float[STEPS];

        Pattern(long seed) {
            SplittableRandom r = new SplittableRandom(mix(seed, 0xA77E));
            double[] amp = new double[3];
            double[] phase = new double[3];
            for (int k = 0; k < 3; k++) {
                amp[k] = 0.5 + 0.5 * r.nextDouble();
                phase[k] = 2 * Math.PI * r.nextDouble();
            }
            for (int t = 0; t < STEPS; t++) {
                double v = 0;
                for (int k = 0; k < 3; k++) {
                    v += amp[k] * Math.sin(2 * Math.PI * (k + 1) * t / STEPS + phase[k]);
                }
                target[t] = (float) (v / 2);
            }
        }

        float[] target() {
            return target.clone();
        }

        @Override
        public int steps() {
            return STEPS;
        }

        @Override
        public int inputs() {
            return 1;
        }

        @Override
        public int outputs() {
            return 1;
        }

        @Override
        public void fill(SplittableRandom random, float[] input, float[] y, float[] scored) {
            for (int t = 0; t < STEPS; t++) {
                input[t] = 1f + INPUT_NOISE * (float) org.lrid.Gaussian.next(random);
                y[t] = target[t];
                scored[t] = 1;
            }
        }
    }

    /**
     * {@code reach}: delayed reaching (Portes et al. 2022's family). Inputs (cue x, cue y, go): the
     * target, a point on the unit circle at a random angle, is shown on the cue channels for {@link
     * #CUE} steps; a delay of {@link #MIN_DELAY} to {@link #MAX_DELAY} steps (uniform) follows with
     * no input; the go channel is 1 for {@link #GO} steps; from the go cue the 2-D output must
     * follow a smooth (raised cosine) path from the origin to the target in {@link #MOVE} steps and
     * hold it to the end. The steps from the go cue on are scored. Targets and delays are drawn per
     * trial from the trial stream.
     */
    static final class Reach implements Trials {
        static final int CUE = 5;
        static final int MIN_DELAY = 5;
        static final int MAX_DELAY = 15;
        static final int GO = 2;
        static final int MOVE = 10;
        static final int STEPS = CUE + MAX_DELAY + MOVE + 10;

        @Override
        public int steps() {
            return STEPS;
        }

        @Override
        public int inputs() {
            return 3;
        }

        @Override
        public int outputs() {
            return 2;
        }

        @Override
        public void fill(SplittableRandom random, float[] input, float[] y, float[] scored) {
            double angle = 2 * Math.PI * random.nextDouble();
            float cx = (float) Math.cos(angle);
            float cy = (float) Math.sin(angle);
            int go = CUE + MIN_DELAY + random.nextInt(MAX_DELAY - MIN_DELAY + 1);
            for (int t = 0; t < CUE; t++) {
                input[t * 3] = cx;
                input[t * 3 + 1] = cy;
            }
            for (int t = go; t < go + GO; t++) {
                input[t * 3 + 2] = 1;
            }
            for (int t = go; t < STEPS; t++) {
                double s = Math.min(t - go, MOVE) / (double) MOVE;
                double progress = 0.5 * (1 - Math.cos(Math.PI * s));
                y[t * 2] = (float) (cx * progress);
                y[t * 2 + 1] = (float) (cy * progress);
                scored[t] = 1;
            }
        }
    }
}
