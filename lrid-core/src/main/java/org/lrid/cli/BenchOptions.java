package org.lrid.cli;

import java.nio.file.Path;
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
}
