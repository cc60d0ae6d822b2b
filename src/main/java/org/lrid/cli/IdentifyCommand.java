package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lrid.LridException;
import org.lrid.identify.Evaluation;
import org.lrid.identify.Experiments;
import org.lrid.identify.Grids;
import org.lrid.identify.ModelFitting;
import org.lrid.identify.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "identify", mixinStandardHelpOptions = true,
        description = {"Train classifiers that tell the learning rule from observable trajectories of held-out networks.",
            "Experiments: separability, generalize (held-out architecture, then task), subsample (k points x period),",
            "noise (a rule pair under every recording condition), importance (which statistics matter), all."})
final class IdentifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Dataset directory written by 'lrid simulate'.")
    Path dir;

    @Option(names = "--experiment", defaultValue = "separability", description = "Experiment (default: ${DEFAULT-VALUE}).")
    String experiment;

    @Option(names = "--classifiers", split = ",", defaultValue = "rf,svm", description = "rf, svm, conv1d (default: ${DEFAULT-VALUE}).")
    List<String> classifiers;

    @Option(names = "--observables", split = ",", defaultValue = "weight,act,gradavg,all",
            description = "Observable classes or explicit names, one cell each (default: ${DEFAULT-VALUE}); 'all' means the 24 admissible ones.")
    List<String> observableClasses;

    @Option(names = "--filter", paramLabel = "COLUMN=VALUES", description = "Keep runs whose COLUMN is one of the comma-separated VALUES (repeatable), e.g. --filter task=fashion-mnist.")
    Map<String, String> filters = new LinkedHashMap<>();

    @Option(names = "--include-diverged", description = "Also use runs that diverged.")
    boolean includeDiverged;

    @Option(names = "--split", defaultValue = "twins", description = {
            "twins (default): every network on one side together with its layers and with the networks of other rules",
            "  that share its initialisation (arch, task, batch size, seed), which are near copies early in training;",
            "groups: all layers of a network on one side, class-balanced; rows: the paper's row-level split."})
    String split;

    @Option(names = "--splits", defaultValue = "10", description = "Train/test splits (default: ${DEFAULT-VALUE}).")
    int splits;

    @Option(names = "--rules", defaultValue = "ia,fa", description = "The rule pair of the noise experiment (default: ${DEFAULT-VALUE}).")
    String rulePair;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the splits and classifiers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Small grids for interactive use (forest: 100 trees, sqrt features; svm: C in {1, 50}) instead of the paper's.")
    boolean quick;

    @Option(names = "--save-model", paramLabel = "DIR", description = {"Also fit each classifier on every selected example",
            "(observable class 'all' if listed, else the first) and save it as DIR/<classifier>.model for 'lrid predict'."})
    Path saveModel;

    @Option(names = "--out", required = true, description = "Results file (JSON).")
    Path out;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Experiments.NAMES.contains(experiment)) {
            throw new LridException("unknown experiment '" + experiment + "'; available: "
                    + String.join(", ", Experiments.NAMES));
        }
        if (!List.of("groups", "twins", "rows").contains(split)) {
            throw new LridException("--split must be groups, twins or rows, got '" + split + "'");
        }
        if (splits < 1) {
            throw new LridException("--splits must be at least 1, got " + splits);
        }
        List<String> names = classifiers.stream().map(String::trim).toList();
        for (String c : names) {
            Grids.of(c, quick, seed, 21);
        }
        if (rulePair.split(",").length != 2) {
            throw new LridException("--rules takes two rules separated by a comma, got '" + rulePair + "'");
        }
        Experiments.Settings settings = new Experiments.Settings(dir, names, observableClasses, filters, includeDiverged,
                split, splits, quick, seed, rulePair);
        List<Experiments.Result> results = new Experiments(settings, System.out::println).run(experiment);

        ArrayNode summary = writeResults(out, experiment, dir, filters, includeDiverged, split, splits, quick, seed,
                rulePair, names, results);
        System.out.println("results: " + out);
        if (saveModel != null) {
            String obsClass = observableClasses.contains("all") ? "all" : observableClasses.get(0);
            for (String c : names) {
                SavedModel model = ModelFitting.fitAll(dir, c, obsClass, filters, includeDiverged, quick, seed,
                        org.lrid.Provenance.VERSION);
                Path modelFile = saveModel.resolve(c + ".model");
                model.write(modelFile);
                System.out.println("model: " + modelFile + " (" + model.description() + ", observables " + obsClass + ")");
            }
        }
        if (json) {
            ObjectNode line = new ObjectMapper().createObjectNode();
            line.put("experiment", experiment);
            line.put("results_file", out.toAbsolutePath().toString());
            line.set("summary", summary);
            System.out.println(new ObjectMapper().writeValueAsString(line));
        }
        return 0;
    }

    /** Writes a results file (atomically) and returns its summary rows. */
    static ArrayNode writeResults(Path out, String experiment, Path dir, Map<String, String> filters,
            boolean includeDiverged, String split, int splits, boolean quick, long seed, String rulePair,
            List<String> names, List<Experiments.Result> results) throws java.io.IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode file = mapper.createObjectNode();
        file.put("experiment", experiment);
        file.put("lrid_version", org.lrid.Provenance.VERSION);
        file.put("dataset", dir.toAbsolutePath().toString());
        ObjectNode f = file.putObject("filters");
        filters.forEach(f::put);
        file.put("include_diverged", includeDiverged);
        file.putObject("protocol").put("split", split).put("splits", splits).put("train_fraction", 0.75)
                .put("seed", seed).put("quick", quick).put("cv_folds", 5).put("noise_rules", rulePair);
        ObjectNode grids = file.putObject("grids");
        for (String c : names) {
            ArrayNode g = grids.putArray(c);
            Grids.of(c, quick, seed, 21).forEach(candidate -> g.add(candidate.label()));
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
            n.put("accuracy_mean", c.accuracyMean());
            n.put("accuracy_sem", c.accuracySem());
            n.put("balanced_accuracy_mean", c.balancedAccuracyMean());
            n.put("chance", c.chance());
            ArrayNode classNames = n.putArray("classes");
            c.classes().forEach(classNames::add);
            ArrayNode chosen = n.putArray("chosen_hyperparameters");
            c.chosen().forEach(chosen::add);
            ArrayNode a = n.putArray("accuracy");
            for (double v : c.accuracies()) {
                a.add(v);
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
            if (!r.importances().isEmpty()) {
                ObjectNode imp = n.putObject("importances");
                r.importances().forEach((k, v) -> imp.putObject(k).put("impurity", v[0]).put("permutation", v[1]));
            }
            ObjectNode row = summary.addObject();
            row.put("experiment", r.experiment());
            row.put("classifier", c.classifier());
            row.put("observables", c.observables());
            r.labels().forEach((k, v) -> row.putPOJO(k, v));
            row.put("accuracy_mean", c.accuracyMean());
            row.put("accuracy_sem", c.accuracySem());
            row.put("balanced_accuracy_mean", c.balancedAccuracyMean());
            row.put("chance", c.chance());
        }
        file.set("summary", summary);
        org.lrid.AtomicFiles.write(out, "results file", tmp -> mapper.writeValue(tmp.toFile(), file));
        return summary;
    }
}
