package org.lrid.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

/** An architecture's init_scale multiplies the initial W and B; 1 is He/LeCun-uniform as before. */
class InitScaleTest {

    private static double std(NDArray a) {
        float[] v = a.toFloatArray();
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    @Test
    void initScaleMultipliesTheStandardDeviationOfWAndB() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String family : List.of("mlp", "convnet")) {
                Architecture one =
                        family.equals("mlp")
                                ? new Architecture("mlp", 64, 2, Activation.RELU)
                                : new Architecture("convnet", 8, 2, Activation.RELU);
                long[] input = family.equals("mlp") ? new long[] {100} : new long[] {1, 16, 16};
                try (Network a = one.build(m, input, 10, 3, 4);
                        Network b = one.withInitScale(0.41).build(m, input, 10, 3, 4);
                        Network c = one.withInitScale(1.2).build(m, input, 10, 3, 4)) {
                    for (int i = 0; i < a.weightLayers().size(); i++) {
                        WeightLayer la = a.weightLayers().get(i);
                        long fanIn = la.weight().size() / la.weight().getShape().get(0);
                        double gain = la.activation() == Activation.RELU ? 2 : 1;
                        // scale 1 is He (ReLU) / LeCun-uniform: std sqrt(gain / fanIn), measured
                        assertEquals(
                                Math.sqrt(gain / fanIn),
                                std(la.weight()),
                                0.06 * Math.sqrt(gain / fanIn),
                                family + " layer " + i);
                        for (Network scaled : List.of(b, c)) {
                            double s = scaled == b ? 0.41 : 1.2;
                            WeightLayer ls = scaled.weightLayers().get(i);
                            assertEquals(
                                    s,
                                    std(ls.weight()) / std(la.weight()),
                                    1e-4,
                                    family + " W layer " + i);
                            assertEquals(
                                    s,
                                    std(ls.feedbackWeight()) / std(la.feedbackWeight()),
                                    1e-4,
                                    family + " B layer " + i);
                            assertEquals(s * la.initLimit(), ls.initLimit(), 1e-6);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theDefaultScaleIsTodaysInitialisation() {
        try (NDManager m = NDManager.newBaseManager();
                Network a =
                        new Architecture("mlp", 16, 2, Activation.TANH)
                                .build(m, new long[] {9}, 3, 5, 6);
                Network b =
                        new Architecture("mlp", 16, 2, Activation.TANH, 1.0)
                                .build(m, new long[] {9}, 3, 5, 6)) {
            Dense d = new Dense(m, 9, 16, Activation.TANH, 5, 6);
            assertArrayEquals(
                    a.weightLayers().get(0).weight().toFloatArray(),
                    b.weightLayers().get(0).weight().toFloatArray());
            assertEquals(Init.limit(9, Activation.TANH), d.initLimit());
            assertEquals((float) Math.sqrt(3.0 / 9), d.initLimit(), 1e-7);
            assertEquals(
                    "mlp-w16-d2-tanh", new Architecture("mlp", 16, 2, Activation.TANH, 0.5).id());
        }
    }

    @Test
    void aScaleOutsideItsRangeIsRefused() {
        for (double bad : new double[] {0, -1, 10.5, Double.NaN}) {
            LridException e =
                    assertThrows(
                            LridException.class,
                            () -> new Architecture("mlp", 16, 2, Activation.RELU, bad));
            assertTrue(e.getMessage().contains("init_scale must be in (0, 10]"), e.getMessage());
        }
        assertThrows(LridException.class, () -> Architecture.of("rnn").withInitScale(0.5));
    }
}
