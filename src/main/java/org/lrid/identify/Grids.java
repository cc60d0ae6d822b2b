package org.lrid.identify;

import java.util.ArrayList;
import java.util.List;
import org.lrid.LridException;

/** The hyperparameter grids of science.md section 5, and smaller ones for interactive use. */
public final class Grids {

    public static final List<String> CLASSIFIERS = List.of("rf", "svm", "conv1d");
    /** Full-batch Adam epochs of the Conv1D classifier. */
    public static final int CONV1D_EPOCHS = 200;

    private Grids() {}

    /** @param checkpoints trajectory length, which the Conv1D kernel widths are fractions of */
    public static List<ModelSelection.Candidate> of(String classifier, boolean quick, long seed, int checkpoints) {
        List<ModelSelection.Candidate> grid = new ArrayList<>();
        switch (classifier) {
            case "rf" -> {
                List<RandomForest.MaxFeatures> features = quick ? List.of(RandomForest.MaxFeatures.SQRT)
                        : List.of(RandomForest.MaxFeatures.SQRT, RandomForest.MaxFeatures.LOG2, RandomForest.MaxFeatures.ALL);
                List<Integer> trees = quick ? List.of(100) : List.of(20, 50, 100, 500, 1000);
                for (RandomForest.MaxFeatures f : features) {
                    for (int t : trees) {
                        grid.add(new ModelSelection.Candidate("max_features=" + f.name().toLowerCase() + ",trees=" + t,
                                () -> new RandomForest(t, f, seed)));
                    }
                }
            }
            case "svm" -> {
                List<Double> cs = quick ? List.of(1.0, 50.0) : List.of(1.0, 5e1, 5e2, 5e3, 5e4, 5e5, 5e6);
                for (double c : cs) {
                    grid.add(new ModelSelection.Candidate("C=" + c, () -> new LinearSvm(c, seed)));
                }
            }
            case "conv1d" -> {
                List<Double> kernels = quick ? List.of(0.25) : List.of(0.1, 0.25, 0.5);
                List<Integer> strides = quick ? List.of(1) : List.of(1, 2, 4);
                List<Integer> filters = quick ? List.of(20) : List.of(20, 40);
                List<Conv1dClassifier.Pooling> poolings = quick ? List.of(Conv1dClassifier.Pooling.NONE)
                        : List.of(Conv1dClassifier.Pooling.values());
                List<Double> rates = quick ? List.of(1e-3) : List.of(1e-3, 1e-4);
                for (double k : kernels) {
                    for (int st : strides) {
                        for (int f : filters) {
                            for (Conv1dClassifier.Pooling pool : poolings) {
                                for (double lr : rates) {
                                    grid.add(new ModelSelection.Candidate("kernel=" + k + ",stride=" + st + ",filters=" + f
                                            + ",pooling=" + pool.name().toLowerCase() + ",lr=" + lr,
                                            () -> new Conv1dClassifier(checkpoints, k, st, f, pool, lr, CONV1D_EPOCHS, seed)));
                                }
                            }
                        }
                    }
                }
            }
            default -> throw new LridException("unknown classifier '" + classifier + "'; available: rf, svm, conv1d");
        }
        return grid;
    }
}
