package org.lrid.task;

import ai.djl.ndarray.NDArray;

/** A batch loss and its gradient with respect to the network output. */
public record LossAndGradient(float loss, NDArray gradient) {}
