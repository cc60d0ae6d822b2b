package org.lrid.identify;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lrid.observe.Observables;

/** Fits a classifier on every selected example, hyperparameters by cross-validation, for later prediction. */
public final class ModelFitting {

    private ModelFitting() {}

    public static SavedModel fitAll(Path dir, String classifier, String observableClass, Map<String, String> filters,
            boolean includeDiverged, boolean quick, long seed, String version) {
        List<String> names = Observables.select(observableClass.equals("all") ? "admissible" : observableClass);
        FeatureTable t = FeatureTable.load(dir, names, filters, includeDiverged, org.lrid.store.Condition.FULL);
        int[] all = java.util.stream.IntStream.range(0, t.x().length).toArray();
        ModelSelection.Choice choice = ModelSelection.select(Grids.of(classifier, quick, seed, t.checkpoints()), t.x(), t.y(),
                t.twins(), t.classes().size(), 5, seed);
        Standardizer z = Standardizer.fit(t.x(), all);
        Classifier c = choice.best().make().get();
        c.fit(z.apply(t.x(), all), t.y(), t.classes().size());
        return new SavedModel(classifier, c.describe() + " (" + choice.best().label() + ")", c, z, t.classes(), names,
                t.checkpoints(), version);
    }
}
