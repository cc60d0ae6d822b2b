package org.lrid.identify;

import java.util.Arrays;
import java.util.List;
import org.lrid.LridException;

/**
 * How each observable's trajectory is rewritten before classification, so that a simulator's units
 * matter less (science.md section 7, issue 10 item 4). Per example and per observable, over its
 * checkpoints x_0..x_{T-1}:
 *
 * <ul>
 *   <li>{@code raw}: unchanged (the paper's features, the default);
 *   <li>{@code first}: x_t - x_0, the change since the first checkpoint (removes the offset);
 *   <li>{@code logratio}: log((|x_t| + e) / (|x_0| + e)), e = 1e-8 (removes the scale);
 *   <li>{@code zscore}: (x_t - mean_t x) / (std_t x + e), over the example's own checkpoints
 *       (removes both).
 * </ul>
 *
 * The layer-position columns are never changed. A saved model records its transform and {@link
 * Predictor} applies the same one to outside trajectories.
 */
public enum Transform {
    RAW,
    FIRST,
    LOGRATIO,
    ZSCORE;

    public static final List<String> NAMES = Arrays.stream(values()).map(Transform::label).toList();
    private static final double EPS = 1e-8;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Transform parse(String name) {
        for (Transform t : values()) {
            if (t.label().equals(name)) {
                return t;
            }
        }
        throw new LridException(
                "--transform must be one of " + String.join(", ", NAMES) + ", got '" + name + "'");
    }

    /** A table with every row transformed (the same table for raw). */
    public FeatureTable apply(FeatureTable t) {
        if (this == RAW) {
            return t;
        }
        return new FeatureTable(
                apply(t.x(), t.layout()),
                t.y(),
                t.groups(),
                t.twins(),
                t.arch(),
                t.task(),
                t.classes(),
                t.observables(),
                t.checkpoints());
    }

    /** New rows, each transformed; the input is unchanged. */
    public double[][] apply(double[][] x, FeatureLayout layout) {
        layout.check(x);
        double[][] out = new double[x.length][];
        int cps = layout.checkpoints();
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i].clone();
            for (int o = 0; o < layout.observables().size(); o++) {
                int from = layout.column(o, 0);
                double x0 = row[from];
                double mean = 0;
                for (int c = 0; c < cps; c++) {
                    mean += row[from + c] / cps;
                }
                double var = 0;
                for (int c = 0; c < cps; c++) {
                    var += (row[from + c] - mean) * (row[from + c] - mean) / cps;
                }
                double sd = Math.sqrt(var);
                for (int c = 0; c < cps; c++) {
                    double v = row[from + c];
                    row[from + c] =
                            switch (this) {
                                case RAW -> v;
                                case FIRST -> v - x0;
                                case LOGRATIO ->
                                        Math.log((Math.abs(v) + EPS) / (Math.abs(x0) + EPS));
                                case ZSCORE -> (v - mean) / (sd + EPS);
                            };
                }
            }
            out[i] = row;
        }
        return out;
    }
}
