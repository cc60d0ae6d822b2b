package org.lrid.net;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the shape of every dense matrix product and every convolution a training step runs on
 * this thread, from the code that runs it, so that a benchmark can time the same kernels alone (its
 * roofline) without re-deriving which kernels a rule needs.
 *
 * <p>An entry of length 3 is a product (m, k, n); an entry of length {@link #CONVOLUTION_LENGTH} is
 * a convolution (batch, in channels, height, width, out channels, kernel height, kernel width,
 * stride, padding, groups); one of {@link #FILTER_GRADIENT_LENGTH}, a convolution's filter and bias
 * gradients.
 */
public final class MatrixProducts {

    /** Length of a convolution's entry. */
    public static final int CONVOLUTION_LENGTH = 10;

    private static final ThreadLocal<List<long[]>> LOG = new ThreadLocal<>();

    private MatrixProducts() {}

    /** Starts recording on this thread. */
    public static void start() {
        LOG.set(new ArrayList<>());
    }

    /**
     * Stops recording and returns every kernel since {@link #start}, in order (see the class
     * comment for the entries).
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

    /**
     * Length of a filter gradient's entry: a convolution's entry and a 1, for libtorch's
     * convolution backward (filter and bias gradients) of that convolution.
     */
    public static final int FILTER_GRADIENT_LENGTH = CONVOLUTION_LENGTH + 1;

    /** Notes the filter and bias gradients of the convolution of x with filters w. */
    public static void recordFilterGradient(NDArray x, NDArray w, int stride, int padding) {
        List<long[]> log = LOG.get();
        if (log != null) {
            long[] entry =
                    java.util.Arrays.copyOf(
                            convolution(x, w, stride, padding, 1), FILTER_GRADIENT_LENGTH);
            entry[CONVOLUTION_LENGTH] = 1;
            log.add(entry);
        }
    }

    /** Notes a convolution of x (N, C, H, W) with filters w (O, C, kh, kw). */
    public static void recordConvolution(NDArray x, NDArray w, int stride, int padding) {
        recordConvolution(x, w, stride, padding, 1);
    }

    /** Notes a grouped convolution of x (N, C, H, W) with filters w (O, C / groups, kh, kw). */
    public static void recordConvolution(
            NDArray x, NDArray w, int stride, int padding, int groups) {
        List<long[]> log = LOG.get();
        if (log != null) {
            log.add(convolution(x, w, stride, padding, groups));
        }
    }

    private static long[] convolution(NDArray x, NDArray w, int stride, int padding, int groups) {
        long[] xs = x.getShape().getShape();
        long[] ws = w.getShape().getShape();
        return new long[] {
            xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride, padding, groups
        };
    }
}
