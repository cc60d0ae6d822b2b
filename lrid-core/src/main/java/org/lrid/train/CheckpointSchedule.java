package org.lrid.train;

/**
 * Checkpoint k of K at step round(k * steps / (K - 1)): evenly spaced from initialisation to the
 * end.
 */
public final class CheckpointSchedule {

    private final int[] steps;

    public CheckpointSchedule(int totalSteps, int count) {
        steps = new int[count];
        for (int k = 0; k < count; k++) {
            steps[k] = (int) Math.round((double) k * totalSteps / (count - 1));
        }
    }

    public int count() {
        return steps.length;
    }

    public int step(int k) {
        return steps[k];
    }

    /**
     * All checkpoint indices taken at {@code step} (several when the run is shorter than the
     * schedule).
     */
    public int[] indicesAt(int step) {
        return java.util.stream.IntStream.range(0, steps.length)
                .filter(k -> steps[k] == step)
                .toArray();
    }
}
