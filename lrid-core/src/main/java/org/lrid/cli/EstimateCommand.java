package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.lrid.LridException;
import org.lrid.observe.Observables;
import org.lrid.store.TrajectoryStore;
import org.lrid.zoo.SweepEstimate;
import org.lrid.zoo.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "estimate",
        mixinStandardHelpOptions = true,
        description = {
            "Predict a sweep's wall time before it starts, from step rates, checkpoint and per-run"
                    + " costs measured on this machine (a few timed steps per configuration, two"
                    + " miniature runs per architecture and task), for local workers and for a"
                    + " Spark cluster.",
            "Runs already stored in --out are left out."
        })
final class EstimateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC", description = "Sweep spec (YAML), e.g. examples/paper.yaml.")
    Path spec;

    @Option(
            names = "--out",
            description = "Dataset directory of the sweep: its stored runs are not counted.")
    Path out;

    @Option(
            names = "--workers",
            defaultValue = "2",
            description = "Local workers, as for simulate (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--engine",
            defaultValue = "local",
            description = "local, or spark to also predict a cluster (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--executors",
            split = ",",
            description =
                    "Spark executors (with --engine spark); several, comma-separated, are predicted"
                            + " from one measurement, e.g. 8,32.")
    List<Integer> executors;

    @Option(
            names = "--cores-per-executor",
            description =
                    "Task slots (cores) per executor (default: this machine's cores); executors are"
                            + " assumed as fast per core as this machine.")
    Integer coresPerExecutor;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        double jvmSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        Threads.configure(1);
        boolean spark = "spark".equals(engine);
        if (!spark && !"local".equals(engine)) {
            throw new LridException("--engine must be local or spark, got '" + engine + "'");
        }
        if (!spark && (executors != null || coresPerExecutor != null)) {
            throw new LridException(
                    "--executors and --cores-per-executor describe a Spark cluster; add --engine"
                            + " spark");
        }
        if (spark && executors == null) {
            throw new LridException(
                    "--engine spark needs --executors N (or several: --executors 8,32)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int perExecutor = coresPerExecutor != null ? coresPerExecutor : cores;
        SweepSpec sweep = SweepSpec.read(spec);
        Set<String> done = Set.of();
        if (out != null) {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new LridException(
                        "--out " + out + " is a file; give the sweep's dataset directory");
            }
            done = new TrajectoryStore(out, Observables.ALL).finishedRunIds();
        }
        SweepEstimate.Result r =
                SweepEstimate.estimate(
                        sweep,
                        done,
                        workers,
                        cores,
                        spark ? executors : List.of(),
                        perExecutor,
                        jvmSeconds,
                        org.lrid.Provenance.VERSION);
        print(r);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(toJson(r)));
        }
        return 0;
    }

    private static void print(SweepEstimate.Result r) {
        System.out.printf(
                "estimate %s: %d runs to train (%d already stored), measured in %.1f s on this"
                        + " machine (%d cores, one libtorch thread per worker)%n",
                r.sweep(), r.runs(), r.stored(), r.measureSeconds(), r.cores());
        if (r.runs() == 0) {
            System.out.println("nothing to train: every run of the sweep is stored");
            return;
        }
        System.out.println(
                r.factorised()
                        ? String.format(
                                "step rates: %d configurations > %d, so each (architecture, task,"
                                        + " batch) with the architecture's first rule, times each"
                                        + " rule's factor per architecture (%d probes)",
                                r.configurations(), SweepEstimate.DIRECT_LIMIT, r.probes())
                        : String.format(
                                "step rates: each of the %d (rule, architecture, task, batch)"
                                        + " configurations timed",
                                r.configurations()));
        for (String note : r.notes()) {
            System.out.println("note: " + note);
        }
        System.out.printf(
                "%-16s %-28s %6s %10s %9s %9s %8s %9s%n",
                "arch", "task", "runs", "steps", "steps/s", "run s", "ckpt ms", "hours(1)");
        long steps = 0;
        double seconds = 0;
        for (SweepEstimate.Group g : r.groups()) {
            System.out.printf(
                    "%-16s %-28s %6d %10d %9.1f %9.2f %8.1f %9.2f%n",
                    g.arch(),
                    g.task(),
                    g.runs(),
                    g.steps(),
                    g.stepsPerSecond(),
                    g.fixedSeconds(),
                    g.checkpointSeconds() * 1e3,
                    g.seconds() / 3600);
            steps += g.steps();
            seconds += g.seconds();
        }
        System.out.printf(
                "%-16s %-28s %6d %10d %9s %9s %8s %9.2f%n",
                "total", "", r.runs(), steps, "", "", "", seconds / 3600);
        System.out.println(
                "steps/s, run s (fixed cost per run: network, session, storage), ckpt ms (per"
                        + " checkpoint: diagnosed step, held-out score, observables, rows) in CPU"
                        + " time of an idle core; hours(1): one worker alone");
        System.out.printf(
                "start-up once per process: JVM %.1f s + libtorch %.1f s + task data %.1f s%n",
                r.jvmSeconds(), r.engineSeconds(), r.dataSeconds());
        System.out.printf(
                "local, --workers %d on %d cores (per-worker speed %.2f of one alone): %s on idle"
                        + " cores; %s at the load seen while measuring (%.0f%% of a core)%n",
                r.workers(),
                r.cores(),
                r.localEfficiency(),
                duration(r.localSeconds()),
                duration(r.startupSeconds() + r.localRunsSecondsNow()),
                100 * r.availability());
        for (SweepEstimate.Cluster c : r.clusters()) {
            System.out.printf(
                    "spark, %d executors x %d cores (%d task slots; per-slot speed %.2f, as %d"
                            + " tasks at once on this machine; executors assumed as fast per core as"
                            + " this machine, start-up as here): %s%n",
                    c.executors(),
                    c.cores(),
                    c.executors() * c.cores(),
                    c.efficiency(),
                    Math.min(c.cores(), r.cores()),
                    duration(c.seconds()));
        }
    }

    private static String duration(double s) {
        if (s < 120) {
            return String.format("%.1f s", s);
        }
        if (s < 7200) {
            return String.format("%.1f min", s / 60);
        }
        return String.format("%.1f h", s / 3600);
    }

    private static ObjectNode toJson(SweepEstimate.Result r) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("sweep", r.sweep());
        o.put("runs", r.runs());
        o.put("stored", r.stored());
        o.put("factorised", r.factorised());
        o.put("configurations", r.configurations());
        o.put("probes", r.probes());
        o.put("measure_seconds", r.measureSeconds());
        ArrayNode groups = o.putArray("groups");
        for (SweepEstimate.Group g : r.groups()) {
            ObjectNode n = groups.addObject();
            n.put("arch", g.arch());
            n.put("task", g.task());
            n.put("runs", g.runs());
            n.put("steps", g.steps());
            n.put("steps_per_second", g.stepsPerSecond());
            n.put("fixed_seconds_per_run", g.fixedSeconds());
            n.put("seconds_per_checkpoint", g.checkpointSeconds());
            n.put("hours_one_worker", g.seconds() / 3600);
        }
        o.put("startup_seconds", r.startupSeconds());
        o.put("workers", r.workers());
        o.put("cores", r.cores());
        o.put("local_efficiency", r.localEfficiency());
        o.put("local_hours", r.localSeconds() / 3600);
        o.put("availability", r.availability());
        o.put(
                "local_hours_at_measured_load",
                (r.startupSeconds() + r.localRunsSecondsNow()) / 3600);
        ArrayNode spark = o.putArray("spark");
        for (SweepEstimate.Cluster c : r.clusters()) {
            ObjectNode n = spark.addObject();
            n.put("executors", c.executors());
            n.put("cores_per_executor", c.cores());
            n.put("efficiency", c.efficiency());
            n.put("hours", c.seconds() / 3600);
        }
        ArrayNode notes = o.putArray("notes");
        r.notes().forEach(notes::add);
        return o;
    }
}
