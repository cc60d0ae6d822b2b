package org.lrid.train;

/** Callbacks from a training run. Both run on the training thread. */
public interface TrainingListener {

    default void onCheckpoint(Checkpoint checkpoint) {}

    default void onStep(int step, double loss) {}

    TrainingListener NONE = new TrainingListener() {};
}
