package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.lrid.AtomicFiles;
import org.lrid.identify.Experiments;
import org.lrid.identify.ModelFitting;
import org.lrid.identify.ResultsFile;
import org.lrid.identify.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "identify",
        mixinStandardHelpOptions = true,
        description = {
            "Train classifiers that tell the learning rule from observable trajectories of held-out networks.",
            "Experiments: separability, generalize (a --holdout selection, or each architecture, then each task),",
            "subsample (k points x period), noise (a rule pair under every recording condition), importance (which",
            "statistics matter), all. With --test-data OTHER: transfer (train on DIR, test on every network of OTHER)."
        })
final class IdentifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Dataset directory written by 'lrid simulate'.")
    Path dir;

    @Option(
            names = "--experiment",
            description = "Experiment (default: separability; with --test-data: transfer).")
    String experiment;

    @Option(
            names = "--test-data",
            paramLabel = "OTHER",
            description = {
                "Train on DIR, test on every network of OTHER: another dataset directory, or a long-format file",
                "(.csv or .parquet: network, layer, layer_position, checkpoint, observable, value, rule) of",
                "trajectories from elsewhere. Same classifiers, observables and transform; each of --splits",
                "repetitions trains on a class-balanced 75%% of DIR (hyperparameters by cross-validation);",
                "per-layer and per-network accuracy, confusion, Brier and reliability go to --out. Networks of",
                "rules DIR lacks are left out of the scores, with a note."
            })
    Path testData;

    @Option(
            names = "--classifiers",
            split = ",",
            defaultValue = "rf,svm",
            description = "rf, svm, conv1d (default: ${DEFAULT-VALUE}).")
    List<String> classifiers;

    @Option(
            names = "--observables",
            split = ",",
            defaultValue = "weight,act,gradavg,all",
            description =
                    "Observable classes or explicit names, one cell each (default: ${DEFAULT-VALUE}); 'all' means the 24 admissible ones.")
    List<String> observableClasses;

    @Option(
            names = "--filter",
            paramLabel = "COLUMN=VALUES",
            description =
                    "Keep runs whose COLUMN is one of the comma-separated VALUES (repeatable), e.g. --filter task=fashion-mnist.")
    Map<String, String> filters = new LinkedHashMap<>();

    @Option(names = "--include-diverged", description = "Also use runs that diverged.")
    boolean includeDiverged;

    @Option(
            names = "--split",
            defaultValue = "twins",
            description = {
                "twins (default): every network on one side together with its layers and with the networks of other rules",
                "  that share its initialisation (arch, task, batch size, seed), which are near copies early in training;",
                "groups: all layers of a network on one side; rows: the paper's row-level split, equal counts per class.",
                "Splits are class-balanced; the cross-validation folds inside each training part are grouped the same",
                "way."
            })
    String split;

    @Option(
            names = "--splits",
            defaultValue = "10",
            description = "Train/test splits (default: ${DEFAULT-VALUE}).")
    int splits;

    @Option(
            names = "--rules",
            defaultValue = "ia,fa",
            description = "The rule pair of the noise experiment (default: ${DEFAULT-VALUE}).")
    String rulePair;

    @Option(
            names = "--holdout",
            paramLabel = "SELECTION",
            description = {
                "generalize: test on the networks of SELECTION, train on the others, over --splits class-balanced",
                "repetitions (repeatable, one cell each; default: each architecture, then each task). SELECTION is",
                "NAME:upper-third (also lower-third, upper-half, lower-half: per rule, that share of its networks by NAME),",
                "NAME>V, NAME>=V, NAME<V, NAME<=V, or arch=A / task=T; NAME is learning_rate, init_scale, batch_size,",
                "width, depth or a key of the run's hyperparameters (momentum, beta1, ...)."
            })
    List<String> holdouts = new java.util.ArrayList<>();

    @Option(
            names = "--transform",
            defaultValue = "raw",
            description = {
                "Per example and observable, over checkpoints: raw (default, the paper's), first (x - x at the first",
                "checkpoint), logratio (log |x| / |x at the first checkpoint|), zscore (standardised over its own",
                "checkpoints). Saved models apply the same to outside trajectories."
            })
    String transform;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the splits and classifiers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--quick",
            description = {
                "Small grids for interactive use (forest: 100 trees, sqrt features; svm: C in",
                "{1, 50}, without PCA and with 20 components; conv1d: one shape) instead of the paper's."
            })
    boolean quick;

    @Option(
            names = "--save-model",
            paramLabel = "DIR",
            description = {
                "Also fit each classifier on every selected example",
                "(observable class 'all' if listed, else the first) and save it as DIR/<classifier>.model for 'lrid predict'."
            })
    Path saveModel;

    @Option(names = "--out", required = true, description = "Results file (JSON).")
    Path out;

    @Option(
            names = "--json",
            description = "End with one JSON line on stdout (and no progress bar).")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        // every name and every output path is checked before any work
        if (experiment == null) {
            experiment = testData == null ? "separability" : Experiments.TRANSFER;
        }
        List<String> names = classifiers.stream().map(String::trim).toList();
        List<String> observables = observableClasses.stream().map(String::trim).toList();
        Experiments.Settings settings =
                new Experiments.Settings(
                        dir,
                        names,
                        observables,
                        filters,
                        includeDiverged,
                        split,
                        splits,
                        quick,
                        seed,
                        rulePair,
                        holdouts,
                        transform,
                        testData);
        Experiments.check(settings, experiment);
        AtomicFiles.checkOutput(out, "--out");
        if (saveModel != null) {
            AtomicFiles.checkOutputDirectory(saveModel, "--save-model");
            for (String c : names) {
                AtomicFiles.checkOutput(saveModel.resolve(c + ".model"), "--save-model");
            }
        }
        Experiments experiments = new Experiments(settings, System.out::println);
        Experiments.Plan plan = experiments.plan(List.of(experiment));
        List<Experiments.Result> results;
        try (ProgressBar bar =
                quiet || json
                        ? null
                        : Progress.bar("identify " + experiment, plan.size(), "cells")) {
            results =
                    experiments.run(
                            plan,
                            (done, total, r) -> {
                                if (bar != null) {
                                    bar.stepTo(done);
                                }
                            });
        }
        ArrayNode summary = ResultsFile.write(out, experiment, settings, results);
        System.out.println("results: " + out);
        if (saveModel != null) {
            String obsClass = observables.contains("all") ? "all" : observables.get(0);
            for (String c : names) {
                SavedModel model = ModelFitting.fitAll(settings, c, obsClass);
                Path modelFile = saveModel.resolve(c + ".model");
                model.write(modelFile);
                System.out.println(
                        "model: "
                                + modelFile
                                + " ("
                                + model.description()
                                + ", observables "
                                + obsClass
                                + ")");
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
}
