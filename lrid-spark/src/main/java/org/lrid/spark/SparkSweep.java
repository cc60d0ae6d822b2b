package org.lrid.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.lrid.observe.Observables;
import org.lrid.store.TrajectoryStore;
import org.lrid.zoo.RunDescription;
import org.lrid.zoo.SweepEngine;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/**
 * The driver of a sweep on Spark: the runs {@code out} does not hold yet, one partition (so one
 * task) each; the executors train and store them ({@link RunTask}); the driver reports progress as
 * tasks end. {@code out} is a path every executor sees as the driver does (a local directory for
 * {@code local[N]}, a shared mount such as NFS for a cluster).
 */
final class SparkSweep {

    private SparkSweep() {}

    static SweepRunner.Summary run(
            SweepSpec spec,
            Path out,
            SweepEngine.Settings settings,
            SweepEngine.Progress progress) {
        ExecutorJvm.configure();
        long start = System.nanoTime();
        int total = spec.runs().size();
        Set<String> done = new TrajectoryStore(out, Observables.ALL).finishedRunIds();
        List<RunDescription> todo =
                spec.runs().stream().filter(r -> !done.contains(r.runId())).toList();
        int skipped = total - todo.size();
        if (todo.isEmpty()) {
            return new SweepRunner.Summary(total, skipped, 0, 0, 0);
        }
        // every task's data before the first run, as the local engine does, so a missing file
        // stops nothing half-way (embedded, the executors then reuse what the driver loaded)
        todo.forEach(TaskCache::get);

        SparkConf conf = conf(spec, settings);
        List<RunTask.Outcome> outcomes;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            LongAccumulator diverged = sc.sc().longAccumulator("lrid diverged runs");
            if (progress != null) {
                Set<Integer> ended = ConcurrentHashMap.newKeySet();
                sc.sc()
                        .addSparkListener(
                                new SparkListener() {
                                    @Override
                                    public void onTaskEnd(SparkListenerTaskEnd end) {
                                        // a task's accumulator updates are merged before its end
                                        // is posted; a re-run partition counts once
                                        if (end.taskInfo().successful()
                                                && ended.add(end.taskInfo().index())) {
                                            progress.stored(
                                                    skipped + ended.size(),
                                                    total,
                                                    (int) diverged.sum());
                                        }
                                    }
                                });
            }
            sc.setJobDescription("lrid simulate " + spec.name() + ": " + todo.size() + " runs");
            outcomes =
                    sc.parallelize(todo, todo.size())
                            .map(new RunTask(out, settings.version(), settings.lease(), diverged))
                            .collect();
        }
        // every task has ended: what an attempt killed mid-write left of a stored run goes
        outcomes.forEach(o -> LeftoverFiles.remove(out, o.runId()));
        int ran = (int) outcomes.stream().filter(RunTask.Outcome::trained).count();
        int diverged = (int) outcomes.stream().filter(RunTask.Outcome::diverged).count();
        return new SweepRunner.Summary(
                total, skipped, ran, diverged, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Spark's configuration: spark-submit's (its {@code spark.*} system properties) or the defaults
     * below, and {@code --master}, or {@code local[--workers]} when nothing names one.
     */
    static SparkConf conf(SweepSpec spec, SweepEngine.Settings settings) {
        SparkConf conf = new SparkConf().setAppName("lrid simulate " + spec.name());
        if (settings.master() != null) {
            conf.setMaster(settings.master());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + settings.workers() + "]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
        } else if (!conf.contains("spark.jars")
                && !conf.contains("spark.executor.extraClassPath")) {
            // started by bin/lrid, not by spark-submit (which always sets spark.jars): the
            // executors run lrid from the paths the driver runs it from, a shared install
            conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false"); // lrid's own bar instead
        // one libtorch thread per task, no OpenMP spinning between kernels, as bin/lrid sets up
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf.setIfMissing("spark.executorEnv.TORCH_CPP_LOG_LEVEL", "ERROR");
        // glibc's allocator settings bin/lrid starts the driver with (large tensors kept in the
        // heap between steps): the executors train the same way
        System.getenv()
                .forEach(
                        (name, value) -> {
                            if (name.startsWith("MALLOC_")) {
                                conf.setIfMissing("spark.executorEnv." + name, value);
                            }
                        });
        conf.setIfMissing(
                "spark.executor.extraJavaOptions",
                "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
                        + " -Dai.djl.pytorch.num_interop_threads=1"
                        + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
                        + " -Dorg.slf4j.simpleLogger.log.ai.djl=error");
        return conf;
    }
}
