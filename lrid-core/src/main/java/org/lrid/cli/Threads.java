package org.lrid.cli;

import org.lrid.LridException;

/** libtorch's intra-op thread count, which must be fixed before the engine first loads. */
final class Threads {

    private Threads() {}

    static void configure(Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1) {
            throw new LridException("--threads must be at least 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Native and heap memory one training run may hold at once (parameters, optimizer state, a
     * step's tensors, its share of the JVM heap and of the data's native copy), a generous bound so
     * that the chosen workers never swap.
     */
    static final long BYTES_PER_RUN = 1L << 30;

    /**
     * Networks to train at once when {@code --workers} is not given: one per core (each with one
     * libtorch thread, which is faster per core than two threads on one run), no more than the
     * available memory holds at {@link #BYTES_PER_RUN} each, and at least one. Says what it chose
     * on {@code err}, once.
     */
    static int chooseWorkers(java.io.PrintStream err) {
        int cores = Runtime.getRuntime().availableProcessors();
        long memory = availableMemory();
        long byMemory = Math.max(1, memory / BYTES_PER_RUN);
        int workers = (int) Math.max(1, Math.min(cores, byMemory));
        err.printf(
                java.util.Locale.ROOT,
                "lrid: %d workers x 1 libtorch thread (%d cores, %.1f GB memory available, about"
                        + " %.0f GB per run; --workers N overrides)%n",
                workers,
                cores,
                memory / 1e9,
                BYTES_PER_RUN / 1e9);
        return workers;
    }

    /** MemAvailable of /proc/meminfo on Linux, else the JVM's largest heap. */
    static long availableMemory() {
        try {
            for (String line :
                    java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or an unreadable /proc: fall back to the heap
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** The intra-op thread count libtorch will use. */
    static int current() {
        String s = System.getProperty("ai.djl.pytorch.num_threads");
        return s != null ? Integer.parseInt(s) : Runtime.getRuntime().availableProcessors();
    }
}
