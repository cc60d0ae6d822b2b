package org.lrid.identify;

import java.util.ArrayList;
import java.util.List;
import org.lrid.LridException;

/**
 * The hyperparameter grids of science.md section 5, as the reference's cls_cv_params.py
 * (neuroailab/lr-identify), and smaller ones ({@code quick}) for interactive use. Labels are the
 * hyperparameters, for results files.
 */
public final class Grids {

    public static final List<String> CLASSIFIERS = List.of("rf", "svm", "conv1d");

    /** The SVM's C values. */
    public static final List<Double> SVM_C = List.of(1.0, 5e1, 5e2, 5e3, 5e4, 5e5, 5e6);

    /**
     * PCA components of the SVM pipeline (the reference's list), capped by the training size and
     * features.
     */
    public static final List<Integer> PCA_COMPONENTS =
            List.of(10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 600);

    /** Adam epochs of the Conv1D (the reference's max_epochs). */
    public static final int CONV1D_EPOCHS = 400;

    /** Cross-validation folds inside each training part. */
    public static final int CV_FOLDS = 5;

    private Grids() {}

    /** Refuses an unknown classifier name before any work. */
    public static void check(String classifier) {
        if (!CLASSIFIERS.contains(classifier)) {
            throw new LridException(
                    "unknown classifier '"
                            + classifier
                            + "'; available: "
                            + String.join(", ", CLASSIFIERS));
        }
    }

    /**
     * @param layout the feature layout (the Conv1D's kernels are fractions of its checkpoints; the
     *     PCA reduces its trajectory columns)
     * @param trainingRows rows the grid is selected on: PCA components above what a
     *     cross-validation fold's training part (or the feature count) allows are left out
     */
    public static List<ModelSelection.Candidate> of(
            String classifier, boolean quick, long seed, FeatureLayout layout, int trainingRows) {
        check(classifier);
        List<ModelSelection.Candidate> grid = new ArrayList<>();
        switch (classifier) {
            case "rf" -> {
                List<RandomForest.MaxFeatures> features =
                        quick
                                ? List.of(RandomForest.MaxFeatures.SQRT)
                                : List.of(
                                        RandomForest.MaxFeatures.SQRT,
                                        RandomForest.MaxFeatures.LOG2,
                                        RandomForest.MaxFeatures.ALL);
                List<Integer> trees = quick ? List.of(100) : List.of(20, 50, 100, 500, 1000);
                for (RandomForest.MaxFeatures f : features) {
                    for (int t : trees) {
                        grid.add(
                                new ModelSelection.Candidate(
                                        "max_features=" + f.name().toLowerCase() + ",trees=" + t,
                                        () -> new RandomForest(t, f, seed)));
                    }
                }
            }
            case "svm" -> {
                PcaSvm.Cache cache = new PcaSvm.Cache();
                List<Double> cs = quick ? List.of(1.0, 50.0) : SVM_C;
                int foldRows = trainingRows - (trainingRows + CV_FOLDS - 1) / CV_FOLDS;
                int cap = Math.min(layout.trajectoryWidth(), Math.max(1, foldRows));
                List<Integer> components = new ArrayList<>();
                components.add(0);
                for (int k : quick ? List.of(20) : PCA_COMPONENTS) {
                    if (k <= cap) {
                        components.add(k);
                    }
                }
                for (int k : components) {
                    for (double c : cs) {
                        grid.add(
                                new ModelSelection.Candidate(
                                        (k == 0 ? "pca=none" : "pca=" + k) + ",C=" + c,
                                        () -> new PcaSvm(layout, k, c, seed, cache)));
                    }
                }
            }
            default -> {
                List<Integer> kernels = Conv1dClassifier.kernels(layout.checkpoints());
                if (quick) {
                    kernels = List.of(kernels.get(kernels.size() / 2));
                }
                List<Integer> strides = quick ? List.of(1) : List.of(1, 2, 4);
                List<Integer> filters = quick ? List.of(20) : List.of(20, 40);
                List<Conv1dClassifier.Pooling> poolings =
                        quick
                                ? List.of(Conv1dClassifier.Pooling.NONE)
                                : List.of(Conv1dClassifier.Pooling.values());
                List<Integer> batches = quick ? List.of(512) : List.of(512, 1024);
                List<Double> rates = quick ? List.of(1e-3) : List.of(1e-3, 1e-4);
                List<Double> decays = quick ? List.of(1e-4) : List.of(1e-4, 0.0);
                int epochs = CONV1D_EPOCHS;
                for (int k : kernels) {
                    for (int st : strides) {
                        for (int f : filters) {
                            for (Conv1dClassifier.Pooling pool : poolings) {
                                for (int b : batches) {
                                    for (double lr : rates) {
                                        for (double wd : decays) {
                                            Conv1dClassifier.Shape1d h =
                                                    new Conv1dClassifier.Shape1d(
                                                            k, st, f, pool, b, lr, wd, epochs);
                                            grid.add(
                                                    new ModelSelection.Candidate(
                                                            "kernel="
                                                                    + k
                                                                    + ",stride="
                                                                    + st
                                                                    + ",filters="
                                                                    + f
                                                                    + ",pooling="
                                                                    + pool.name().toLowerCase()
                                                                    + ",batch="
                                                                    + b
                                                                    + ",lr="
                                                                    + lr
                                                                    + ",weight_decay="
                                                                    + wd,
                                                            () ->
                                                                    new Conv1dClassifier(
                                                                            layout, h, seed)));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return grid;
    }
}
