package org.lrid.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.lrid.Provenance;
import org.lrid.net.Simd;
import picocli.CommandLine.Option;

/** Options every benchmark takes. */
final class BenchOptions {

    @Option(names = "--threads", description = "libtorch intra-op threads (default: 1).")
    Integer threads;

    @Option(names = "--data-dir", description = "Fashion-MNIST directory.")
    Path dataDir;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    /** Fixes the thread count before the engine loads. */
    void configureThreads() {
        Threads.configure(threads != null ? threads : 1);
    }

    /** The first line of a benchmark: the machine its figures are from. */
    static void printMachine() {
        System.out.println(
                "machine: " + Provenance.cpu() + ", " + cores() + " cores, " + Simd.describe());
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The machine's CPU model and cores in a benchmark's JSON line. */
    static ObjectNode describeMachine(ObjectNode o) {
        o.put("cpu", Provenance.cpu());
        o.put("cores", cores());
        o.put("vector_lanes", Simd.lanes());
        return o;
    }
}
