package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.lrid.AtomicFiles;
import org.lrid.LridException;
import org.lrid.store.DatasetSchema;
import org.lrid.zoo.SweepEngine;
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
            "Runs already in --out are skipped: after a kill, the same command finishes the sweep.",
            "Several processes may write one --out at once (two users, a retried job): each run is"
                    + " claimed by one of them and stored exactly once; a run claimed by a process"
                    + " that has gone silent for --lease-seconds is taken over."
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

    @Option(
            names = "--lease-seconds",
            defaultValue = "120",
            paramLabel = "S",
            description =
                    "A run claimed by a process silent for this long (no heartbeat: it was killed,"
                            + " or lost its machine) is taken over and trained again (default:"
                            + " ${DEFAULT-VALUE}). Longer than any pause of a live process.")
    double leaseSeconds;

    @Option(
            names = "--engine",
            defaultValue = "local",
            description =
                    "Where runs execute: local (this JVM) or spark (needs the lrid-spark module;"
                            + " see --master) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--master",
            description =
                    "Spark master for --engine spark: local[N], spark://HOST:PORT, yarn, k8s://..."
                            + " (default: local[--workers], or spark-submit's).")
    String master;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!(leaseSeconds > 0) || Double.isInfinite(leaseSeconds)) {
            throw new LridException(
                    "--lease-seconds must be a positive number of seconds, got " + leaseSeconds);
        }
        Threads.configure(1);
        SweepEngine sweepEngine = SweepEngine.named(engine);
        Duration lease = Duration.ofMillis(Math.max(1, Math.round(leaseSeconds * 1000)));
        sweepEngine.check(
                new SweepEngine.Settings(
                        workers != null ? workers : 1, master, org.lrid.Provenance.VERSION, lease));
        SweepSpec sweep = SweepSpec.read(spec);
        // before the first run trains: a file, or a place that cannot be written, is refused now
        AtomicFiles.checkOutputDirectory(out, "--out");
        AtomicFiles.checkOutputDirectory(DatasetSchema.runs(out), "--out");
        AtomicFiles.checkOutputDirectory(DatasetSchema.trajectories(out), "--out");
        AtomicFiles.checkOutputDirectory(DatasetSchema.claims(out), "--out");
        // chosen (and said on stderr) only once every input has been accepted
        int workers = this.workers != null ? this.workers : Threads.chooseWorkers(System.err);
        SweepEngine.Settings settings =
                new SweepEngine.Settings(workers, master, org.lrid.Provenance.VERSION, lease);
        SweepRunner.Summary s;
        try (ProgressBar bar =
                quiet
                        ? null
                        : Progress.bar("simulate " + sweep.name(), sweep.runs().size(), "runs")) {
            s =
                    sweepEngine.run(
                            sweep,
                            out,
                            settings,
                            new SweepEngine.Progress() {
                                @Override
                                public void stored(int stored, int total, int diverged) {
                                    waiting(stored, total, diverged, -1);
                                }

                                @Override
                                public synchronized void waiting(
                                        int stored, int total, int diverged, int elsewhere) {
                                    if (bar == null) {
                                        return;
                                    }
                                    bar.stepTo(Math.max(bar.getCurrent(), stored));
                                    if (elsewhere >= 0) {
                                        claimedElsewhere = elsewhere;
                                    }
                                    bar.setExtraMessage(
                                            " diverged "
                                                    + diverged
                                                    + (claimedElsewhere > 0
                                                            ? ", "
                                                                    + claimedElsewhere
                                                                    + " claimed elsewhere"
                                                            : ""));
                                }

                                private int claimedElsewhere;
                            });
        }
        System.out.printf(
                "%s: %d runs (%d already stored, %d trained, %d stored by another process, %d"
                        + " diverged) in %.1f s -> %s%n",
                sweep.name(),
                s.total(),
                s.skipped(),
                s.ran(),
                s.elsewhere(),
                s.diverged(),
                s.seconds(),
                out);
        if (s.duplicates() > 0) {
            System.out.printf(
                    "%d runs trained here were stored first by another process, which took over"
                            + " their claims after this process was silent for --lease-seconds;"
                            + " each is stored once%n",
                    s.duplicates());
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("sweep", sweep.name());
            o.put("runs", s.total());
            o.put("skipped", s.skipped());
            o.put("trained", s.ran());
            o.put("stored_elsewhere", s.elsewhere());
            o.put("trained_but_stored_elsewhere", s.duplicates());
            o.put("diverged", s.diverged());
            o.put("seconds", s.seconds());
            o.put("networks_per_minute", s.ran() > 0 ? 60 * s.ran() / s.seconds() : 0);
            o.put("out", out.toAbsolutePath().toString());
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }
}
