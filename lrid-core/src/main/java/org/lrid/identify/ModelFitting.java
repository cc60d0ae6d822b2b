package org.lrid.identify;

import java.util.List;
import org.lrid.observe.Observables;

/**
 * Fits a classifier on every selected example, hyperparameters by cross-validation, for later
 * prediction.
 */
public final class ModelFitting {

    private ModelFitting() {}

    /**
     * The model carries its transform and a {@link Calibration} (temperature and novelty test)
     * fitted on held-out folds of the same examples. Cross-validation folds keep clusters whole as
     * the settings' split does (twin sets by default).
     *
     * @param observableClass the observables of the model ("all" = admissible)
     */
    public static SavedModel fitAll(
            Experiments.Settings s, String classifier, String observableClass) {
        List<String> names =
                Observables.select(observableClass.equals("all") ? "admissible" : observableClass);
        Transform transform = Transform.parse(s.transform());
        FeatureTable t =
                transform.apply(
                        FeatureTable.load(
                                s.dir(),
                                names,
                                s.filters(),
                                s.includeDiverged(),
                                org.lrid.store.Condition.FULL));
        int[] all = java.util.stream.IntStream.range(0, t.x().length).toArray();
        String[] clusters = Experiments.clusters(s.split(), t);
        ModelSelection.Choice choice =
                ModelSelection.select(
                        Grids.of(classifier, s.quick(), s.seed(), t.layout(), all.length),
                        t.x(),
                        t.y(),
                        clusters,
                        t.classes().size(),
                        Grids.CV_FOLDS,
                        s.seed());
        Standardizer z = Standardizer.fit(t.x(), all);
        Classifier c = choice.best().make().get();
        double[][] xz = z.apply(t.x(), all);
        c.fit(xz, t.y(), t.classes().size());
        Calibration calibration =
                Calibration.fit(
                        choice.best().make(),
                        xz,
                        t.y(),
                        clusters,
                        t.classes().size(),
                        Grids.CV_FOLDS,
                        s.seed(),
                        true);
        return new SavedModel(
                classifier,
                c.describe() + " (" + choice.best().label() + ")",
                c,
                z,
                t.classes(),
                t.layout(),
                SavedModel.origin(
                        t,
                        s.dir(),
                        s.filters(),
                        s.includeDiverged(),
                        s.split(),
                        s.seed(),
                        s.quick(),
                        choice.best().label()),
                transform,
                calibration);
    }
}
