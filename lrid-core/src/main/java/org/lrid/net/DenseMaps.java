package org.lrid.net;

import ai.djl.ndarray.NDArray;

/**
 * The four linear maps of a dense weight matrix M (out x in) on row-major batches, shared by {@link
 * Dense} and {@link RecurrentLayer}: every product is recorded for the rooflines.
 */
final class DenseMaps {

    private DenseMaps() {}

    /** x M^T: (N, in) to (N, out). */
    static NDArray project(NDArray x, NDArray m) {
        try (NDArray mt = m.transpose()) { // a view in m's manager: close it, or long-lived W leaks
            MatrixProducts.record(x, mt);
            return x.matMul(mt);
        }
    }

    /** e M: (N, out) to (N, in), the adjoint of {@link #project} in x. */
    static NDArray backProject(NDArray e, NDArray m) {
        MatrixProducts.record(e, m);
        return e.matMul(m);
    }

    /** e^T x: the adjoint of {@link #project} in M. */
    static NDArray weightGrad(NDArray x, NDArray e) {
        try (NDArray et = e.transpose()) {
            MatrixProducts.record(et, x);
            return et.matMul(x);
        }
    }

    /** The bias gradient: e summed over the batch. */
    static NDArray biasGrad(NDArray e) {
        return e.sum(new int[] {0});
    }
}
