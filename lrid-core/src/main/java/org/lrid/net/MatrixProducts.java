package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the shape (m, k, n) of every dense matrix product a training step runs on this thread,
 * from the code that runs it, so that a benchmark can time the same products alone (its roofline)
 * without re-deriving which products a rule needs.
 */
public final class MatrixProducts {

    private static final ThreadLocal<List<long[]>> LOG = new ThreadLocal<>();

    private MatrixProducts() {}

    /** Starts recording on this thread. */
    public static void start() {
        LOG.set(new ArrayList<>());
    }

    /**
     * Stops recording and returns the (m, k, n) of every product since {@link #start}, in order.
     */
    public static List<long[]> stop() {
        List<long[]> log = LOG.get();
        LOG.remove();
        return log == null ? List.of() : log;
    }

    /**
     * Notes the product a (m x k) times b (k x n), given a's rows m, the shared k and b's columns
     * n.
     */
    public static void record(long m, long k, long n) {
        List<long[]> log = LOG.get();
        if (log != null) {
            log.add(new long[] {m, k, n});
        }
    }

    /** Notes a.matMul(b) for 2-D a and b. */
    public static void record(NDArray a, NDArray b) {
        if (LOG.get() != null) {
            record(a.getShape().get(0), a.getShape().get(1), b.getShape().get(1));
        }
    }
}
