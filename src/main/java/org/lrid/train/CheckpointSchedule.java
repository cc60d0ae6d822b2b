package org.lrid.train;

import java.util.Arrays;

/** Checkpoint k of K at step round(k * steps / (K - 1)): evenly spaced from initialisation to the end. */
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

    /** The checkpoint index taken at {@code step}, or -1. When steps < count - 1 some steps repeat. */
    public int indexAt(int step) {
        int i = Arrays.binarySearch(steps, step);
        if (i < 0) {
            return -1;
        }
        while (i + 1 < steps.length && steps[i + 1] == step) {
            i++;
        }
        return i;
    }

    /** All checkpoint indices taken at {@code step} (several when the run is shorter than the schedule). */
    public int[] indicesAt(int step) {
        return Arrays.stream(range()).filter(k -> steps[k] == step).toArray();
    }

    private int[] range() {
        int[] r = new int[steps.length];
        Arrays.setAll(r, k -> k);
        return r;
    }

    public int[] steps() {
        return steps.clone();
    }
}
