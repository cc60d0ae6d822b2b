package org.lrid.task;

import ai.djl.ndarray.NDArray;

/**
 * One training batch: inputs (batch first) and integer class labels, or null labels when
 * unsupervised.
 */
public record Batch(NDArray inputs, NDArray labels) {}
