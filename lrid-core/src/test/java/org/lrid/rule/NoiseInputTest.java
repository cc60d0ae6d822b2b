package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** wm's noise inputs: standard normal, and a function of the run's stream alone. */
class NoiseInputTest {

    private static float[] draw(long seed, int draws) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray like = m.zeros(new Shape(128, 784));
            SplittableRandom r = new SplittableRandom(seed);
            float[] last = null;
            for (int i = 0; i < draws; i++) {
                last = Alignment.noiseLike(like, r, m).toFloatArray();
            }
            return last;
        }
    }

    @Test
    void theInputsAreStandardNormal() {
        float[] v = draw(5, 1);
        double mean = 0;
        double square = 0;
        double tail = 0;
        for (float x : v) {
            mean += x;
            square += (double) x * x;
            tail += Math.abs(x) > 1.96 ? 1 : 0;
        }
        mean /= v.length;
        double variance = square / v.length - mean * mean;
        // 100k draws: standard errors 0.003 (mean), 0.0045 (variance), 0.0007 (tail fraction)
        assertEquals(0, mean, 0.015);
        assertEquals(1, variance, 0.025);
        assertEquals(0.05, tail / v.length, 0.004);
    }

    @Test
    void theSameStreamGivesTheSameInputsAndAnotherOtherInputs() {
        assertArrayEquals(draw(5, 3), draw(5, 3), 0f);
        assertFalse(Arrays.equals(draw(5, 3), draw(6, 3)));
        assertFalse(Arrays.equals(draw(5, 2), draw(5, 3)));
    }

    @Test
    void runsDrawingInParallelGetTheirOwnStreamsValues() throws Exception {
        float[] alone = draw(7, 20);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[]> a = pool.submit(() -> draw(7, 20));
            Future<float[]> b = pool.submit(() -> draw(8, 20));
            assertArrayEquals(alone, a.get(), 0f);
            assertFalse(Arrays.equals(alone, b.get()));
        } finally {
            pool.shutdownNow();
        }
    }
}
