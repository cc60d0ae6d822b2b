package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.lrid.AtomicFiles;
import org.lrid.store.DatasetSchema;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Run a sweep of networks and record their observables into a Parquet dataset.",
            "Runs already in --out are skipped: after a kill, the same command finishes the sweep."
        })
final class SimulateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC", description = "Sweep spec (YAML), e.g. examples/mini.yaml.")
    Path spec;

    @Option(
            names = "--out",
            required = true,
            description = "Dataset directory (created if missing).")
    Path out;

    @Option(
            names = "--workers",
            description =
                    "Networks trained at once, one libtorch thread each (default: one per core,"
                            + " as many as the memory holds).")
    Integer workers;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Threads.configure(1);
        SweepSpec sweep = SweepSpec.read(spec);
        // before the first run trains: a file, or a place that cannot be written, is refused now
        AtomicFiles.checkOutputDirectory(out, "--out");
        AtomicFiles.checkOutputDirectory(DatasetSchema.runs(out), "--out");
        AtomicFiles.checkOutputDirectory(DatasetSchema.trajectories(out), "--out");
        int workers = this.workers != null ? this.workers : Threads.chooseWorkers(System.err);
        SweepRunner runner = new SweepRunner(out, workers, org.lrid.Provenance.VERSION);
        SweepRunner.Summary s;
        try (ProgressBar bar =
                quiet
                        ? null
                        : Progress.bar("simulate " + sweep.name(), sweep.runs().size(), "runs")) {
            s =
                    runner.run(
                            sweep,
                            (run, result, stored, total, diverged) -> {
                                if (bar != null) {
                                    bar.stepTo(stored);
                                    bar.setExtraMessage(" diverged " + diverged);
                                }
                            });
        }
        System.out.printf(
                "%s: %d runs (%d already stored, %d trained, %d diverged) in %.1f s -> %s%n",
                sweep.name(), s.total(), s.skipped(), s.ran(), s.diverged(), s.seconds(), out);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("sweep", sweep.name());
            o.put("runs", s.total());
            o.put("skipped", s.skipped());
            o.put("trained", s.ran());
            o.put("diverged", s.diverged());
            o.put("seconds", s.seconds());
            o.put("networks_per_minute", s.ran() > 0 ? 60 * s.ran() / s.seconds() : 0);
            o.put("out", out.toAbsolutePath().toString());
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }
}
