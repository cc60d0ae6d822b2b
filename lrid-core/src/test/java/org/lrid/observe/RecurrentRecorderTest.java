package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.net.Recurrent;

/**
 * The recorder on an rnn (science.md section 6), against a hand loop of the leaky RNN in Java: act
 * statistics over units at every (probe example, time step), and gradavg the one-step sensitivity
 * averaged over time.
 */
class RecurrentRecorderTest {

    @Test
    void actAndGradavgFollowTheTrajectoryComputedByHand() {
        int n = 3;
        int steps = 5;
        int in = 4;
        int hidden = 7;
        int out = 2;
        try (NDManager m = NDManager.newBaseManager();
                Network net =
                        new Architecture("rnn", hidden, 1, Activation.TANH)
                                .build(m, new long[] {steps, in}, out, 3, 4)) {
            Recurrent r = Recurrent.of(net);
            SplittableRandom random = new SplittableRandom(9);
            float[] x = new float[n * steps * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (2 * random.nextDouble() - 1);
            }
            float[] bias = new float[hidden];
            for (int i = 0; i < hidden; i++) {
                bias[i] = (float) (0.4 * random.nextDouble() - 0.2);
            }
            r.inputLayer().bias().set(bias);
            float[] win = r.inputLayer().weight().toFloatArray();
            float[] wrec = r.recurrentLayer().weight().toFloatArray();
            float[] wout = r.outputLayer().weight().toFloatArray();
            float[] bout = r.outputLayer().bias().toFloatArray();
            double a = r.leak();

            // the hand loop: h_t = (1 - a) h_{t-1} + a tanh(W_in x_t + b + W_rec h_{t-1}), y_t =
            // W_out h_t + b_out
            float[] h = new float[n * steps * hidden];
            float[] y = new float[n * steps * out];
            double[][] slope = new double[n * steps][hidden];
            for (int e = 0; e < n; e++) {
                double[] state = new double[hidden];
                for (int t = 0; t < steps; t++) {
                    int row = e * steps + t;
                    double[] next = new double[hidden];
                    for (int i = 0; i < hidden; i++) {
                        double u = bias[i];
                        for (int j = 0; j < in; j++) {
                            u += win[i * in + j] * x[row * in + j];
                        }
                        for (int j = 0; j < hidden; j++) {
                            u += wrec[i * hidden + j] * state[j];
                        }
                        double phi = Math.tanh(u);
                        slope[row][i] = 1 - phi * phi;
                        next[i] = (1 - a) * state[i] + a * phi;
                        h[row * hidden + i] = (float) next[i];
                    }
                    state = next;
                    for (int k = 0; k < out; k++) {
                        double v = bout[k];
                        for (int j = 0; j < hidden; j++) {
                            v += wout[k * hidden + j] * state[j];
                        }
                        y[row * out + k] = (float) v;
                    }
                }
            }

            RecordingCondition partial = new RecordingCondition(0.5, 0, 3);
            Recorder recorder = new Recorder(List.of(partial));
            List<Observation> obs =
                    recorder.measure(net, m.create(x, new Shape(n, steps, in)), 2, 10, 0.5, 0.7);
            assertEquals(3 * 2, obs.size());
            ConditionStatistics stats = new ConditionStatistics();
            float[][] weights = {win, wrec, wout};
            int[] inputs = {in, hidden, hidden};
            for (Observation o : obs) {
                int l = o.layer();
                RecordingCondition c = o.condition();
                float[] act = l == 2 ? y : h;
                int units = l == 2 ? out : hidden;
                double[] expectAct = stats.act(act, n * steps, units, c, UnitSubset.actKey(l), 2);
                for (int k = 0; k < expectAct.length; k++) {
                    assertTrue(
                            Double.isFinite(expectAct[k])
                                    || Double.isNaN(o.values()[Observables.PER_MEASURE + k]));
                    assertEquals(
                            expectAct[k],
                            o.values()[Observables.PER_MEASURE + k],
                            1e-4 * (1 + Math.abs(expectAct[k])),
                            "act " + k + " of layer " + l + " " + c);
                }
                // gradavg by hand: sum over kept outputs i and kept inputs j of d h_{i,t} / d
                // z_{j,t}, per example
                // averaged over t, divided by the kept outputs
                UnitSubset.GradavgUnits kept =
                        UnitSubset.gradavgUnits(c, UnitSubset.gradavgKey(l), inputs[l], units);
                float[] perExample = new float[n];
                for (int e = 0; e < n; e++) {
                    double acc = 0;
                    for (int t = 0; t < steps; t++) {
                        int row = e * steps + t;
                        for (int i : kept.outputs()) {
                            for (int j : kept.inputs()) {
                                double w = weights[l][i * inputs[l] + j];
                                acc +=
                                        switch (l) {
                                            case 0 -> a * slope[row][i] * w;
                                            case 1 -> (i == j ? 1 - a : 0) + a * slope[row][i] * w;
                                            default -> w;
                                        };
                            }
                        }
                    }
                    perExample[e] = (float) (acc / steps / kept.outputs().length);
                }
                double[] expectGrad =
                        ConditionStatistics.gradavg(
                                perExample,
                                c,
                                UnitSubset.gradavgKey(l),
                                2,
                                c.kept(inputs[l]),
                                c.kept(units));
                for (int k = 0; k < 3; k++) {
                    assertTrue(Double.isFinite(expectGrad[k]), "gradavg " + k);
                    assertEquals(
                            expectGrad[k],
                            o.values()[2 * Observables.PER_MEASURE + k],
                            1e-4 * (1 + Math.abs(expectGrad[k])),
                            "gradavg " + k + " of layer " + l + " " + c);
                }
            }
        }
    }
}
