package org.lrid.zoo;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
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
import org.lrid.store.TrajectoryStore;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;
import org.lrid.train.TrainResult;

/**
 * Runs a sweep on this machine: the runs not yet in the store, {@code workers} at a time, each
 * stored atomically as soon as it ends. Running it again after a kill finishes the sweep.
 */
public final class SweepRunner {

    /** Called on a worker thread after each stored run. */
    public interface Listener {
        void runStored(RunDescription run, TrainResult result, int stored, int total, int diverged);
    }

    /** What a call did. */
    public record Summary(int total, int skipped, int ran, int diverged, double seconds) {}

    private final TrajectoryStore store;
    private final int workers;
    private final RunExecutor executor;

    public SweepRunner(Path out, int workers, String version) {
        if (workers < 1) {
            throw new LridException("--workers must be at least 1, got " + workers);
        }
        this.store = new TrajectoryStore(out, Observables.ALL);
        this.workers = workers;
        this.executor = new RunExecutor(store, version);
    }

    public TrajectoryStore store() {
        return store;
    }

    public Summary run(SweepSpec spec, Listener listener) {
        Set<String> done = store.finishedRunIds();
        List<RunDescription> todo =
                spec.runs().stream().filter(r -> !done.contains(r.runId())).toList();
        // load every task's data before the first run, so a missing file stops nothing half-way
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            String key = r.task() + "|" + r.trainLimit() + "|" + r.testLimit();
            tasks.computeIfAbsent(
                    key,
                    k ->
                            Tasks.create(
                                    r.task(),
                                    TaskOptions.DEFAULTS.withLimits(
                                            r.trainLimit(), r.testLimit())));
        }
        long start = System.nanoTime();
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger diverged = new AtomicInteger();
        int skipped = spec.runs().size() - todo.size();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        workers,
                        r -> {
                            Thread t = new Thread(r, "lrid-worker");
                            t.setDaemon(true);
                            return t;
                        });
        List<Future<?>> futures = new ArrayList<>();
        NDManager manager = NDManager.newBaseManager();
        try {
            for (RunDescription r : todo) {
                Task task = tasks.get(r.task() + "|" + r.trainLimit() + "|" + r.testLimit());
                futures.add(
                        pool.submit(
                                () -> {
                                    TrainResult result = executor.execute(r, task, manager);
                                    if (result.diverged()) {
                                        diverged.incrementAndGet();
                                    }
                                    int n = stored.incrementAndGet();
                                    if (listener != null) {
                                        listener.runStored(
                                                r,
                                                result,
                                                skipped + n,
                                                spec.runs().size(),
                                                diverged.get());
                                    }
                                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
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
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return new Summary(
                spec.runs().size(),
                skipped,
                stored.get(),
                diverged.get(),
                (System.nanoTime() - start) / 1e9);
    }
}
