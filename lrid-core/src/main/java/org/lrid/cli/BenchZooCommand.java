package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.lrid.zoo.SweepEngine;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Whole-pipeline throughput: a fixed 24-network grid into a temporary dataset, observation
 * included.
 */
@Command(
        name = "zoo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a fixed grid (sgdm, adam, fa, ia x seeds 0-2 x mlp 784-w-w-10, w in {128, 256};",
            "Fashion-MNIST, batch 128, 600 steps, 21 checkpoints, one condition: 24 networks) into a",
            "temporary dataset and report networks per minute."
        })
final class BenchZooCommand implements Callable<Integer> {

    static final String GRID =
            """
            name: bench-zoo
            steps: 600
            checkpoints: 21
            rules: [sgdm, adam, fa, ia]
            architectures: [{family: mlp, width: 128, depth: 2}, {family: mlp, width: 256, depth: 2}]
            tasks: [fashion-mnist]
            batch_sizes: [128]
            seeds: [0, 1, 2]
            """;

    @Mixin BenchOptions common;

    @Option(
            names = "--workers",
            description =
                    "Networks trained at once (default: one per core, as many as the memory holds).")
    Integer workers;

    @Option(
            names = "--engine",
            defaultValue = "local",
            description = "local or spark, as in 'simulate' (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--master",
            description = "Spark master for --engine spark (default: local[--workers]).")
    String master;

    @Override
    public Integer call() throws Exception {
        common.configureThreads();
        BenchOptions.printMachine();
        SweepEngine sweepEngine = SweepEngine.named(engine);
        int workers = this.workers != null ? this.workers : Threads.chooseWorkers(System.err);
        Path tmp = Files.createTempDirectory("lrid-bench-zoo");
        try {
            SweepSpec spec = SweepSpec.read(Files.writeString(tmp.resolve("grid.yaml"), GRID));
            SweepRunner.Summary s;
            try (var bar = Progress.bar("bench zoo", spec.runs().size(), "runs")) {
                s =
                        sweepEngine.run(
                                spec,
                                tmp.resolve("data"),
                                new SweepEngine.Settings(
                                        workers, master, org.lrid.Provenance.VERSION),
                                (stored, total, diverged) -> bar.stepTo(stored));
            }
            double perMinute = 60 * s.ran() / s.seconds();
            System.out.printf(
                    "%d networks in %.1f s: %.1f networks per minute (%s engine%s, %d workers x %d"
                            + " thread)%n",
                    s.ran(),
                    s.seconds(),
                    perMinute,
                    engine,
                    master == null ? "" : " " + master,
                    workers,
                    Threads.current());
            if (common.json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = BenchOptions.describeMachine(mapper.createObjectNode());
                o.put("networks", s.ran());
                o.put("seconds", s.seconds());
                o.put("networks_per_minute", perMinute);
                o.put("workers", workers);
                o.put("engine", engine);
                if (master != null) {
                    o.put("master", master);
                }
                o.put("threads", Threads.current());
                System.out.println(mapper.writeValueAsString(o));
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
