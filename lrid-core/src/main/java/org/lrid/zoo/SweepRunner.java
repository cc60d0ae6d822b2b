package org.lrid.zoo;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.lrid.LridException;
import org.lrid.observe.Observables;
import org.lrid.store.Claims;
import org.lrid.store.TrajectoryStore;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;
import org.lrid.train.TrainResult;

/**
 * Runs a sweep on this machine: the runs not yet in the store, {@code workers} at a time, each
 * stored atomically as soon as it ends. Running it again after a kill finishes the sweep. Another
 * process may write the same output at the same time: a run it holds a live claim on ({@link
 * org.lrid.store.Claims}) is left to it and revisited after this process's own runs, until it is
 * stored or its claim goes stale (then it is taken over and trained here).
 */
public final class SweepRunner {

    /** Called on a worker thread after each stored run. */
    public interface Listener {
        /**
         * A run this process trained and stored.
         *
         * @param stored the sweep's runs stored so far, by any process
         */
        void runStored(RunDescription run, TrainResult result, int stored, int total, int diverged);

        /**
         * Progress without a run of this process: runs stored by another process, and the number of
         * runs another process holds a live claim on, which this one is waiting for.
         */
        default void progress(int stored, int total, int diverged, int claimedElsewhere) {}
    }

    /**
     * What a call did.
     *
     * @param skipped runs stored before the call started
     * @param ran runs trained and stored by this call
     * @param elsewhere runs stored by another process while this call ran
     * @param duplicates runs this call trained that another process stored first (zero unless a
     *     claim was taken over from a holder that was alive but silent for a whole lease)
     * @param diverged runs of {@code ran} that diverged
     */
    public record Summary(
            int total,
            int skipped,
            int ran,
            int elsewhere,
            int duplicates,
            int diverged,
            double seconds) {

        /** A summary of a sweep that shared its output with no other process. */
        public Summary(int total, int skipped, int ran, int diverged, double seconds) {
            this(total, skipped, ran, 0, 0, diverged, seconds);
        }
    }

    private final TrajectoryStore store;
    private final int workers;
    private final RunExecutor executor;

    public SweepRunner(Path out, int workers, String version) {
        this(out, workers, version, Claims.DEFAULT_LEASE);
    }

    /**
     * @param lease how long a process may stay silent before its claims are taken over
     */
    public SweepRunner(Path out, int workers, String version, Duration lease) {
        if (workers < 1) {
            throw new LridException("--workers must be at least 1, got " + workers);
        }
        this.store = new TrajectoryStore(out, Observables.ALL);
        this.workers = workers;
        this.executor = new RunExecutor(store, version, new Claims(out, lease));
    }

    public TrajectoryStore store() {
        return store;
    }

    /** Counters shared by the workers of one call. */
    private static final class Counts {
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger elsewhere = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger diverged = new AtomicInteger();

        /** Runs found claimed elsewhere and not stored yet. */
        final AtomicInteger waiting = new AtomicInteger();

        int stored(int skipped) {
            return skipped + ran.get() + elsewhere.get();
        }
    }

    public Summary run(SweepSpec spec, Listener listener) {
        Set<String> done = store.finishedRunIds();
        List<RunDescription> todo =
                spec.runs().stream().filter(r -> !done.contains(r.runId())).toList();
        // load every task's data before the first run, so a missing file stops nothing half-way
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            tasks.computeIfAbsent(
                    taskKey(r),
                    k ->
                            Tasks.create(
                                    r.task(),
                                    TaskOptions.DEFAULTS.withLimits(
                                            r.trainLimit(), r.testLimit())));
        }
        long start = System.nanoTime();
        int total = spec.runs().size();
        int skipped = total - todo.size();
        Counts counts = new Counts();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        workers,
                        r -> {
                            Thread t = new Thread(r, "lrid-worker");
                            t.setDaemon(true);
                            return t;
                        });
        NDManager manager = NDManager.newBaseManager();
        try {
            List<RunDescription> waiting =
                    round(pool, todo, false, tasks, manager, listener, counts, skipped, total);
            long poll = executor.claims().pollMillis();
            while (!waiting.isEmpty()) {
                try {
                    Thread.sleep(poll);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("sweep interrupted");
                }
                waiting =
                        round(
                                pool, waiting, true, tasks, manager, listener, counts, skipped,
                                total);
            }
        } finally {
            // the workers' tensors live under this manager: it may close only once no worker runs,
            // or an
            // interrupted sweep frees memory a worker is still reading (seen as a SIGSEGV in relu)
            pool.shutdownNow();
            boolean interrupted = false;
            boolean stopped = false;
            while (!stopped) {
                try {
                    stopped = pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
                    if (!stopped) {
                        throw new IllegalStateException(
                                "sweep workers did not stop within 10 minutes");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            manager.close();
            executor.claims().removeDirectoryIfEmpty();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return new Summary(
                total,
                skipped,
                counts.ran.get(),
                counts.elsewhere.get(),
                counts.duplicates.get(),
                counts.diverged.get(),
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Executes {@code runs} on the pool; returns those another process holds a live claim on.
     *
     * @param revisit whether {@code runs} were found claimed elsewhere before
     */
    private List<RunDescription> round(
            ExecutorService pool,
            List<RunDescription> runs,
            boolean revisit,
            Map<String, Task> tasks,
            NDManager manager,
            Listener listener,
            Counts counts,
            int skipped,
            int total) {
        List<Future<RunExecutor.Outcome>> futures = new ArrayList<>();
        for (RunDescription r : runs) {
            Task task = tasks.get(taskKey(r));
            futures.add(
                    pool.submit(
                            () -> {
                                RunExecutor.Outcome o = executor.execute(r, task, manager);
                                report(r, o, revisit, listener, counts, skipped, total);
                                return o;
                            }));
        }
        List<RunDescription> claimedElsewhere = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                if (futures.get(i).get().status() == RunExecutor.Status.CLAIMED_ELSEWHERE) {
                    claimedElsewhere.add(runs.get(i));
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LridException le) {
                    throw le;
                }
                throw new IllegalStateException("a run failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("sweep interrupted");
            }
        }
        return claimedElsewhere;
    }

    private static void report(
            RunDescription r,
            RunExecutor.Outcome o,
            boolean revisit,
            Listener listener,
            Counts counts,
            int skipped,
            int total) {
        if (revisit && o.status() != RunExecutor.Status.CLAIMED_ELSEWHERE) {
            counts.waiting.decrementAndGet();
        }
        switch (o.status()) {
            case STORED -> {
                if (o.result().diverged()) {
                    counts.diverged.incrementAndGet();
                }
                counts.ran.incrementAndGet();
                if (listener != null) {
                    listener.runStored(
                            r, o.result(), counts.stored(skipped), total, counts.diverged.get());
                }
            }
            case ALREADY_STORED -> {
                if (o.trained()) {
                    counts.duplicates.incrementAndGet();
                }
                counts.elsewhere.incrementAndGet();
            }
            case CLAIMED_ELSEWHERE -> {
                // revisited after this process's own runs
                if (!revisit) {
                    counts.waiting.incrementAndGet();
                }
            }
        }
        if (listener != null && o.status() != RunExecutor.Status.STORED) {
            listener.progress(
                    counts.stored(skipped), total, counts.diverged.get(), counts.waiting.get());
        }
    }

    private static String taskKey(RunDescription r) {
        return r.task() + "|" + r.trainLimit() + "|" + r.testLimit();
    }
}
