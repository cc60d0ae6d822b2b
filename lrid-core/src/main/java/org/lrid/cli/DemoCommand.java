package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrid.AtomicFiles;
import org.lrid.identify.Experiments;
import org.lrid.identify.ModelFitting;
import org.lrid.identify.ResultsFile;
import org.lrid.identify.SavedModel;
import org.lrid.report.HtmlReport;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The embedded default job: a small virtual experiment from sweep to report. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a complete small virtual experiment, from sweep to HTML report and a saved model (under 10 minutes).",
            "A randomised 48-network sweep (sgdm, adam, fa, ia, wm, sa, each network with its own learning rate,",
            "momentum, weight decay and initial scale; two mlps; Fashion-MNIST and contrastive; two seeds; recording",
            "conditions), identification with quick grids, the report, and a random forest on all admissible",
            "observables saved for 'lrid predict'. Running it again reuses the finished sweep."
        })
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--out",
            defaultValue = "lrid-demo",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--workers",
            defaultValue = "2",
            description = "Networks trained at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Threads.configure(1);
        long start = System.nanoTime();
        AtomicFiles.checkOutputDirectory(out, "--out");
        Path modelFile = out.resolve("model").resolve("rf.model");
        AtomicFiles.checkOutputDirectory(modelFile.getParent(), "--out");
        AtomicFiles.checkOutput(modelFile, "--out");
        Path spec = out.resolve("demo.yaml");
        byte[] yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.yaml")) {
            yaml = in.readAllBytes();
        }
        AtomicFiles.write(spec, "demo spec", tmp -> Files.write(tmp, yaml));
        SweepSpec sweep = SweepSpec.read(spec);
        Path data = out.resolve("dataset");
        System.out.println("1/3 sweep: " + sweep.runs().size() + " networks -> " + data);
        SweepRunner.Summary s;
        try (var bar = Progress.bar("demo sweep", sweep.runs().size(), "runs")) {
            s =
                    new SweepRunner(data, workers, org.lrid.Provenance.VERSION)
                            .run(
                                    sweep,
                                    (run, result, stored, total, diverged) -> {
                                        bar.stepTo(stored);
                                        bar.setExtraMessage(" diverged " + diverged);
                                    });
        }
        System.out.printf(
                "    %d networks (%d reused, %d diverged) in %.0f s%n",
                s.total(), s.skipped(), s.diverged(), s.seconds());
        Experiments.Settings settings = Experiments.demo(data);
        System.out.println(
                "2/3 identification (random forest and linear SVM, quick grids, "
                        + settings.splits()
                        + " twin-grouped splits)");
        Experiments experiments = new Experiments(settings, line -> {});
        Experiments.Plan plan = experiments.plan(Experiments.DEMO_EXPERIMENTS);
        List<Experiments.Result> results;
        try (var bar = Progress.bar("demo identify", plan.size(), "cells")) {
            results = experiments.run(plan, (done, total, r) -> bar.stepTo(done));
        }
        Path resultsFile = out.resolve("results.json");
        ResultsFile.write(resultsFile, "all", settings, results);
        System.out.println("3/3 report and saved model");
        Path report = out.resolve("report.html");
        int charts = HtmlReport.write(resultsFile, report, "lrid demo --out " + out);
        SavedModel model = ModelFitting.fitAll(settings, "rf", "all");
        model.write(modelFile);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println();
        System.out.printf("%-8s %-8s %s%n", "class", "rf", "svm");
        for (String cls : List.of("weight", "act", "gradavg", "all")) {
            StringBuilder row = new StringBuilder(String.format("%-8s", cls));
            for (String clf : List.of("rf", "svm")) {
                results.stream()
                        .filter(
                                r ->
                                        r.experiment().equals("separability")
                                                && r.cell().classifier().equals(clf)
                                                && r.cell().observables().equals(cls))
                        .findFirst()
                        .map(Experiments.Result::cell)
                        .ifPresent(
                                c ->
                                        row.append(
                                                String.format(
                                                        " %.3f+-%.3f",
                                                        c.accuracyMean(), c.accuracySem())));
            }
            System.out.println(row);
        }
        int rules = model.classes().size();
        System.out.printf(
                "(held-out accuracy telling %d rules apart; chance %.3f)%n", rules, 1.0 / rules);
        System.out.printf("report: %s (%d charts)%n", report.toAbsolutePath(), charts);
        System.out.printf(
                "model:  %s (random forest, all admissible observables, calibrated, with a novelty"
                        + " test)%n",
                modelFile);
        System.out.println("apply it to trajectories from elsewhere (long format: network, layer,");
        System.out.println("layer_position, checkpoint, observable, value, optionally rule):");
        System.out.printf("  bin/lrid predict --model %s --trajectories FILE.csv%n", modelFile);
        System.out.println("for example to this dataset's own trajectories, exported:");
        System.out.printf(
                "  bin/lrid export %s --format long --out demo-long.csv%n"
                        + "  bin/lrid predict --model %s --trajectories demo-long.csv%n",
                data, modelFile);
        System.out.printf("%.0f s in all%n", seconds);
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("report", report.toAbsolutePath().toString());
            o.put("results_file", resultsFile.toAbsolutePath().toString());
            o.put("dataset", data.toAbsolutePath().toString());
            o.put("model", modelFile.toAbsolutePath().toString());
            o.put("networks", s.total());
            o.put("seconds", seconds);
            System.out.println(new ObjectMapper().writeValueAsString(o));
        }
        return 0;
    }
}
