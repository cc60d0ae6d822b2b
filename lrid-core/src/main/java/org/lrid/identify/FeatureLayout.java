package org.lrid.identify;

import java.util.List;
import org.lrid.LridException;

/**
 * The one definition of an example's features (science.md section 5): the trajectories of the
 * chosen observables over the checkpoints, concatenated observable by observable (column {@code o *
 * checkpoints + c}), then the one-hot layer position (early, middle, deep). Every reader and writer
 * of a feature row goes through here: {@link FeatureTable} builds rows, {@link Predictor} builds
 * rows of outside trajectories the same way, {@link Conv1dClassifier} reads a row back as its
 * (channels x time) matrix, and {@link SavedModel} stores the layout and refuses a mismatch.
 */
public record FeatureLayout(List<String> observables, int checkpoints) {

    /** The layer positions, in the order of their one-hot columns. */
    public static final List<String> POSITIONS = List.of("early", "middle", "deep");

    public FeatureLayout {
        observables = List.copyOf(observables);
        if (observables.isEmpty() || checkpoints < 1) {
            throw new LridException(
                    "a feature layout needs at least one observable and one checkpoint");
        }
    }

    /** Columns holding trajectories (before the position columns). */
    public int trajectoryWidth() {
        return observables.size() * checkpoints;
    }

    /** Columns of a feature row. */
    public int width() {
        return trajectoryWidth() + POSITIONS.size();
    }

    /** The column of observable {@code o} at checkpoint {@code c}. */
    public int column(int o, int c) {
        return o * checkpoints + c;
    }

    /** The column of a layer position's one-hot indicator. */
    public int positionColumn(String position) {
        int p = POSITIONS.indexOf(position);
        if (p < 0) {
            throw new LridException(
                    "layer_position must be one of "
                            + String.join(", ", POSITIONS)
                            + ", got '"
                            + position
                            + "'");
        }
        return trajectoryWidth() + p;
    }

    /** Sets the one-hot position of a row (and clears the other position columns). */
    public void setPosition(double[] row, String position) {
        int col = positionColumn(position);
        java.util.Arrays.fill(row, trajectoryWidth(), width(), 0);
        row[col] = 1;
    }

    /** The same observables at {@code k} checkpoints. */
    public FeatureLayout withCheckpoints(int k) {
        return new FeatureLayout(observables, k);
    }

    /**
     * A row as the Conv1D sees it: channels x time, the position channels first (constant over
     * time, as the reference's extra input channels at every time step), then one channel per
     * observable.
     */
    public float[] asChannels(double[] row) {
        int channels = POSITIONS.size() + observables.size();
        float[] out = new float[channels * checkpoints];
        for (int p = 0; p < POSITIONS.size(); p++) {
            float v = (float) row[trajectoryWidth() + p];
            for (int c = 0; c < checkpoints; c++) {
                out[p * checkpoints + c] = v;
            }
        }
        for (int o = 0; o < observables.size(); o++) {
            for (int c = 0; c < checkpoints; c++) {
                out[(POSITIONS.size() + o) * checkpoints + c] = (float) row[column(o, c)];
            }
        }
        return out;
    }

    /** Input channels of the Conv1D: the positions and one per observable. */
    public int channels() {
        return POSITIONS.size() + observables.size();
    }

    /** Refuses rows of another width, with a message naming both layouts. */
    public void check(double[][] x) {
        if (x.length > 0 && x[0].length != width()) {
            throw new LridException(
                    "feature rows have "
                            + x[0].length
                            + " columns; the layout ("
                            + observables.size()
                            + " observables x "
                            + checkpoints
                            + " checkpoints + "
                            + POSITIONS.size()
                            + " positions) has "
                            + width());
        }
    }
}
