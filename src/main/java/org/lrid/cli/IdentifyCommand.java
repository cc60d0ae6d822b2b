package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lrid.LridException;
import org.lrid.identify.Evaluation;
import org.lrid.identify.FeatureTable;
import org.lrid.identify.Grids;
import org.lrid.identify.Splits;
import org.lrid.observe.Observables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "identify", mixinStandardHelpOptions = true,
        description = {"Train classifiers that tell the learning rule from observable trajectories, on held-out networks.",
            "Experiments available now: separability (each classifier x each observable class)."})
final class IdentifyCommand implements Callable<Integer> {

    private static final List<String> EXPERIMENTS = List.of("separability");
    private static final List<String> PLANNED = List.of("generalize", "subsample", "noise", "importance", "all");

    @Parameters(paramLabel = "DIR", description = "Dataset directory written by 'lrid simulate'.")
    Path dir;

    @Option(names = "--experiment", defaultValue = "separability", description = "Experiment (default: ${DEFAULT-VALUE}).")
    String experiment;

    @Option(names = "--classifiers", split = ",", defaultValue = "rf,svm", description = "rf, svm (default: ${DEFAULT-VALUE}).")
    List<String> classifiers;

    @Option(names = "--observables", split = ",", defaultValue = "weight,act,gradavg,all",
            description = "Observable classes or explicit names, one cell each (default: ${DEFAULT-VALUE}); 'all' means the 24 admissible ones.")
    List<String> observableClasses;

    @Option(names = "--filter", paramLabel = "COLUMN=VALUE", description = "Keep runs whose COLUMN equals VALUE (repeatable), e.g. --filter task=fashion-mnist.")
    Map<String, String> filters = new LinkedHashMap<>();

    @Option(names = "--include-diverged", description = "Also use runs that diverged.")
    boolean includeDiverged;

    @Option(names = "--split", defaultValue = "groups", description = "groups (all layers of a network on one side; default) or rows (the paper's).")
    String split;

    @Option(names = "--splits", defaultValue = "10", description = "Train/test splits (default: ${DEFAULT-VALUE}).")
    int splits;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the splits and classifiers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Small grids for interactive use (forest: 100 trees, sqrt features; svm: C in {1, 50}) instead of the paper's.")
    boolean quick;

    @Option(names = "--out", required = true, description = "Results file (JSON).")
    Path out;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!EXPERIMENTS.contains(experiment)) {
            throw new LridException("experiment '" + experiment + "' is " + (PLANNED.contains(experiment)
                    ? "not built yet" : "unknown") + "; available: " + String.join(", ", EXPERIMENTS));
        }
        if (!split.equals("groups") && !split.equals("rows")) {
            throw new LridException("--split must be groups or rows, got '" + split + "'");
        }
        if (splits < 1) {
            throw new LridException("--splits must be at least 1, got " + splits);
        }
        for (String c : classifiers) {
            Grids.of(c.trim(), quick, seed);
        }
        List<Evaluation.Cell> cells = new ArrayList<>();
        for (String obsClass : observableClasses) {
            String spec = obsClass.equals("all") ? "admissible" : obsClass;
            List<String> names = Observables.select(spec);
            FeatureTable table = FeatureTable.load(dir, names, filters, includeDiverged, 1, 0);
            if (table.classes().size() < 2) {
                throw new LridException("the selection holds one rule (" + table.classes().get(0)
                        + "): nothing to tell apart");
            }
            List<Splits.Split> s = Splits.make(splits, 0.75, split.equals("groups") ? table.groups() : null, table.y(), seed);
            for (String c : classifiers) {
                Evaluation.Cell cell = Evaluation.run(table, c, obsClass, Grids.of(c.trim(), quick, seed), s, seed);
                cells.add(cell);
                System.out.printf("%-4s %-8s accuracy %.3f +- %.3f (chance %.3f), %d examples%n", c, obsClass,
                        cell.accuracyMean(), cell.accuracySem(), cell.chance(), cell.examples());
            }
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode results = mapper.createObjectNode();
        results.put("experiment", experiment);
        results.put("lrid_version", Main.VERSION);
        results.put("dataset", dir.toAbsolutePath().toString());
        ObjectNode f = results.putObject("filters");
        filters.forEach(f::put);
        results.put("include_diverged", includeDiverged);
        results.putObject("recording_condition").put("unit_fraction", 1).put("noise_sigma", 0);
        results.putObject("protocol").put("split", split).put("splits", splits).put("train_fraction", 0.75)
                .put("seed", seed).put("quick", quick).put("cv_folds", 5);
        ObjectNode grids = results.putObject("grids");
        for (String c : classifiers) {
            ArrayNode g = grids.putArray(c.trim());
            Grids.of(c.trim(), quick, seed).forEach(candidate -> g.add(candidate.label()));
        }
        ArrayNode cellNodes = results.putArray("cells");
        ArrayNode summary = mapper.createArrayNode();
        for (Evaluation.Cell c : cells) {
            ObjectNode n = cellNodes.addObject();
            n.put("classifier", c.classifier());
            n.put("observables", c.observables());
            n.put("description", c.description());
            n.put("examples", c.examples());
            n.put("features", c.features());
            n.put("accuracy_mean", c.accuracyMean());
            n.put("accuracy_sem", c.accuracySem());
            n.put("balanced_accuracy_mean", c.balancedAccuracyMean());
            n.put("chance", c.chance());
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
                ArrayNode r = m.addArray();
                for (double v : row) {
                    r.add(v);
                }
            }
            summary.addObject().put("classifier", c.classifier()).put("observables", c.observables())
                    .put("accuracy_mean", c.accuracyMean()).put("accuracy_sem", c.accuracySem())
                    .put("balanced_accuracy_mean", c.balancedAccuracyMean()).put("chance", c.chance());
        }
        results.set("summary", summary);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp");
        mapper.writeValue(tmp.toFile(), results);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("results: " + out);
        if (json) {
            ObjectNode line = new ObjectMapper().createObjectNode();
            line.put("experiment", experiment);
            line.put("results_file", out.toAbsolutePath().toString());
            line.set("summary", summary);
            System.out.println(new ObjectMapper().writeValueAsString(line));
        }
        return 0;
    }
}
