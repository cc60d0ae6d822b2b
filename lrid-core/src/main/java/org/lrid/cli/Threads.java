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

    /** The intra-op thread count libtorch will use. */
    static int current() {
        String s = System.getProperty("ai.djl.pytorch.num_threads");
        return s != null ? Integer.parseInt(s) : Runtime.getRuntime().availableProcessors();
    }
}
