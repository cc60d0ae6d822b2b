package org.lrid.rule;

import java.util.Arrays;

/**
 * The learning rate of step s of T (s = 1..T) as a multiple of the rule's lr: a linear warm-up over
 * the first round(warmup * T) steps (s / W), then constant, step (times {@code drop} after each
 * fraction in {@code dropAt} of the run) or cosine (0.5 (1 + cos(pi (s - 1 - W) / (T - W))), from 1
 * toward 0).
 */
public record LearningRateSchedule(String kind, double warmup, double drop, double[] dropAt) {

    public boolean isConstant() {
        return kind.equals("constant") && warmup == 0;
    }

    /** The factor of step {@code step} (1-based) of a run of {@code totalSteps}. */
    public double factor(int step, int totalSteps) {
        long warm = Math.round(warmup * totalSteps);
        if (step <= warm) {
            return (double) step / warm;
        }
        return switch (kind) {
            case "step" -> {
                double f = 1;
                for (double d : dropAt) {
                    if (step > d * totalSteps) {
                        f *= drop;
                    }
                }
                yield f;
            }
            case "cosine" ->
                    0.5
                            * (1
                                    + Math.cos(
                                            Math.PI
                                                    * (step - 1 - warm)
                                                    / (double) (totalSteps - warm)));
            default -> 1;
        };
    }

    public String describe() {
        String s = kind;
        if (kind.equals("step")) {
            s += " x" + drop + " at " + Arrays.toString(dropAt);
        }
        return warmup > 0 ? s + ", warm-up " + warmup : s;
    }
}
