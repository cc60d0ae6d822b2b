package org.lrid.identify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.lrid.AtomicFiles;
import org.lrid.Provenance;

/**
 * The results file of 'lrid identify' (and of the demo), the one place its schema is written: the
 * protocol and grids, then one entry per cell with its scores ({@code accuracy_mean}, {@code
 * balanced_accuracy_mean} in the reference's definition, {@code mean_recall}, d', the mean
 * confusion matrix), and a summary.
 */
public final class ResultsFile {

    private ResultsFile() {}

    /** Writes the results file atomically and returns its summary rows. */
    public static ArrayNode write(
            Path out, String experiment, Experiments.Settings s, List<Experiments.Result> results) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode file = mapper.createObjectNode();
        file.put("experiment", experiment);
        file.put("lrid_version", Provenance.VERSION);
        ObjectNode versions = file.putObject("versions");
        Provenance.versions().forEach(versions::put);
        file.put("dataset", s.dir().toAbsolutePath().toString());
        if (s.testData() != null) {
            file.put("test_data", s.testData().toAbsolutePath().toString());
        }
        ObjectNode f = file.putObject("filters");
        s.filters().forEach(f::put);
        file.put("include_diverged", s.includeDiverged());
        file.putObject("protocol")
                .put("split", s.split())
                .put("splits", s.splits())
                .put("train_fraction", Experiments.TRAIN_FRACTION)
                .put("seed", s.seed())
                .put("quick", s.quick())
                .put("cv_folds", Grids.CV_FOLDS)
                .put("cv_grouping", s.split())
                .put("noise_rules", s.rulePair())
                .put(
                        "balanced_accuracy",
                        "per-class mean of (sensitivity + specificity) / 2 (chance 0.5)")
                .put("mean_recall", "per-class mean of the recall (chance 1 / classes)")
                .put(
                        "brier",
                        "mean over test rows of sum over classes of (p - [true])^2; calibrated: after a"
                                + " temperature fitted on held-out folds of the training part")
                .put("transform", s.transform());
        if (!s.holdouts().isEmpty()) {
            ArrayNode h = ((ObjectNode) file.get("protocol")).putArray("holdouts");
            s.holdouts().forEach(h::add);
        }
        ObjectNode grids = file.putObject("grids");
        for (Experiments.Result r : results) {
            String key = r.cell().classifier();
            if (!grids.has(key)) {
                ArrayNode g = grids.putArray(key);
                r.cell().grid().forEach(g::add);
            }
        }
        ArrayNode cells = file.putArray("cells");
        ArrayNode summary = mapper.createArrayNode();
        for (Experiments.Result r : results) {
            Evaluation.Cell c = r.cell();
            ObjectNode n = cells.addObject();
            n.put("experiment", r.experiment());
            n.put("classifier", c.classifier());
            n.put("observables", c.observables());
            r.labels().forEach((k, v) -> n.putPOJO(k, v));
            n.put("description", c.description());
            n.put("examples", c.examples());
            n.put("features", c.features());
            scores(n, c);
            ArrayNode classNames = n.putArray("classes");
            c.classes().forEach(classNames::add);
            ArrayNode chosen = n.putArray("chosen_hyperparameters");
            c.chosen().forEach(chosen::add);
            ArrayNode a = n.putArray("accuracy");
            for (double v : c.accuracies()) {
                a.add(v);
            }
            ArrayNode na = n.putArray("network_accuracy");
            for (double v : c.networkAccuracies()) {
                na.add(v);
            }
            ArrayNode d = n.putArray("d_prime");
            for (double v : c.dPrime()) {
                d.add(v);
            }
            ArrayNode m = n.putArray("confusion_mean");
            for (double[] row : c.meanConfusion()) {
                ArrayNode rowNode = m.addArray();
                for (double v : row) {
                    rowNode.add(v);
                }
            }
            n.put("temperature_mean", c.temperatureMean());
            n.set("reliability", curve(mapper, c.reliability()));
            n.set("reliability_calibrated", curve(mapper, c.reliabilityCalibrated()));
            if (!r.importances().isEmpty()) {
                ObjectNode imp = n.putObject("importances");
                r.importances()
                        .forEach(
                                (k, v) ->
                                        imp.putObject(k)
                                                .put("impurity", v[0])
                                                .put("permutation", v[1]));
            }
            ObjectNode row = summary.addObject();
            row.put("experiment", r.experiment());
            row.put("classifier", c.classifier());
            row.put("observables", c.observables());
            r.labels().forEach((k, v) -> row.putPOJO(k, v));
            scores(row, c);
        }
        file.set("summary", summary);
        AtomicFiles.write(out, "results file", tmp -> mapper.writeValue(tmp.toFile(), file));
        return summary;
    }

    /**
     * A reliability curve: per bin of top probability, its mean confidence, accuracy and row count.
     */
    private static ArrayNode curve(ObjectMapper mapper, double[][] bins) {
        ArrayNode a = mapper.createArrayNode();
        for (int b = 0; b < bins.length; b++) {
            ObjectNode bin = a.addObject();
            bin.put("from", (double) b / bins.length).put("to", (double) (b + 1) / bins.length);
            if (bins[b][2] > 0) {
                bin.put("confidence", bins[b][0]).put("accuracy", bins[b][1]);
            } else {
                bin.putNull("confidence").putNull("accuracy");
            }
            bin.put("rows", (int) bins[b][2]);
        }
        return a;
    }

    private static void scores(ObjectNode n, Evaluation.Cell c) {
        n.put("accuracy_mean", c.accuracyMean());
        n.put("accuracy_sem", c.accuracySem());
        n.put("balanced_accuracy_mean", c.balancedAccuracyMean());
        n.put("mean_recall", c.meanRecallMean());
        n.put("chance", c.chance());
        n.put("brier_mean", c.brierMean());
        n.put("brier_calibrated_mean", c.brierCalibratedMean());
        n.put("network_accuracy_mean", c.networkAccuracyMean());
        n.put("network_accuracy_sem", c.networkAccuracySem());
    }
}
