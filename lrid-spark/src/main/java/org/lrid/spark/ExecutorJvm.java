package org.lrid.spark;

/**
 * What every JVM that trains needs before libtorch first loads, set here because an executor JVM is
 * started by Spark, not by bin/lrid: one intra-op thread per run (Spark runs one task per core), no
 * download at run time. A value given on the JVM's command line is kept.
 */
final class ExecutorJvm {

    private ExecutorJvm() {}

    static void configure() {
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.offline", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
