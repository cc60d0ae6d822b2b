package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.lrid.net.Simd;

/** Runs a test body with the vector loops on or off ({@link Simd}), restoring the setting after. */
final class VectorLoops {

    private VectorLoops() {}

    static <T> T with(boolean vector, Supplier<T> body) {
        assertTrue(Simd.present(), "the test JVM runs with --add-modules=jdk.incubator.vector");
        boolean before = Simd.setEnabled(vector);
        try {
            return body.get();
        } finally {
            Simd.setEnabled(before);
        }
    }

    static void with(boolean vector, Runnable body) {
        with(
                vector,
                () -> {
                    body.run();
                    return null;
                });
    }
}
