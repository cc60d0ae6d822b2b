package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Chooses the matrix through which a layer's error is sent to the layer below: W for backprop, B
 * for feedback alignment and its relatives, a sign-symmetric copy of W... (the credit-assignment
 * half of a learning rule). The returned array is only read; if it is created it must belong to
 * {@code step}.
 */
@FunctionalInterface
public interface Feedback {
    NDArray matrix(WeightLayer layer, NDManager step);
}
