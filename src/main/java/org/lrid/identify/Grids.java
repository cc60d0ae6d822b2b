package org.lrid.identify;

import java.util.ArrayList;
import java.util.List;
import org.lrid.LridException;

/** The hyperparameter grids of science.md section 5, and smaller ones for interactive use. */
public final class Grids {

    public static final List<String> CLASSIFIERS = List.of("rf", "svm");

    private Grids() {}

    public static List<ModelSelection.Candidate> of(String classifier, boolean quick, long seed) {
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
            case "conv1d" -> throw new LridException("classifier 'conv1d' is not built yet; available: rf, svm");
            default -> throw new LridException("unknown classifier '" + classifier + "'; available: rf, svm");
        }
        return grid;
    }
}
