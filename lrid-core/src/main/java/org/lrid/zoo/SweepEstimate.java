package org.lrid.zoo;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.lrid.LridException;
import org.lrid.net.Network;
import org.lrid.observe.Observables;
import org.lrid.rule.CreditAssignment;
import org.lrid.rule.Learner;
import org.lrid.rule.RecurrentLearner;
import org.lrid.store.TrajectoryStore;
import org.lrid.task.ExampleSet;
import org.lrid.task.SequenceSession;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.TaskSession;
import org.lrid.task.Tasks;
import org.lrid.train.RecurrentTraining;
import org.lrid.train.RunSpec;
import org.lrid.train.Trainer;

/**
 * The wall time of a sweep predicted before it starts, from rates measured on this machine.
 *
 * <p><b>The model.</b> A run of S steps and C checkpoints takes {@code F + S * ts + C * tc}: ts the
 * time of one training step of its configuration (rule, architecture, task, batch size), tc the
 * cost of one checkpoint (the diagnosed step's extra backward pass, held-out accuracy, the
 * observables under every recording condition, their rows), F the per-run fixed cost (network and
 * session, the run's Parquet files). ts is timed over a few steps of the configuration with the
 * code a run executes ({@link Trainer#step}); F and tc come from two miniature runs of each
 * (architecture, task) through {@link RunExecutor} into a temporary store, of 4 steps with 2 and
 * with 3 checkpoints: their difference is one checkpoint. Start-up (the engine, each task's data)
 * is paid once per process.
 *
 * <p><b>Which configurations are timed.</b> Each distinct (rule, architecture, task, batch size)
 * when there are at most {@value #DIRECT_LIMIT}; beyond that (the paper design has 144), each
 * (architecture, task, batch size) with the architecture's first rule, times each rule's factor on
 * that architecture measured at its first task and smallest batch: a rule changes the backward pass
 * and the update, whose share of a step depends on the architecture far more than on the task or
 * the batch. Seeds and drawn hyperparameters do not change a step's cost and are not timed.
 *
 * <p><b>CPU time.</b> Every probe is timed in CPU seconds of the process (libtorch's, DuckDB's and
 * the JVM's threads), which other processes on a shared machine do not inflate: the prediction is
 * for cores of this machine's kind with nothing else on them. The share of a core the measurement
 * got (CPU over wall seconds) is reported too, with the wall time at that load.
 *
 * <p><b>Workers.</b> Runs are assigned in spec order to the first free worker, as the local pool
 * and Spark's scheduler do. Parallel workers share memory bandwidth and caches: their speed is the
 * measured per-thread rate of k concurrent copies of the dominant configuration over one copy alone
 * (k = workers, at most the cores); workers beyond the cores time-share them.
 */
public final class SweepEstimate {

    /** Distinct configurations timed one by one; more are factorised. */
    public static final int DIRECT_LIMIT = 24;

    /**
     * Seconds all step probes time together, shared out (each 0.2 to 1.5 s, at least {@link
     * #MIN_STEPS} steps): few configurations are timed longer, so that load on the machine averages
     * out.
     */
    private static final double PROBE_BUDGET = 8;

    private double probeSeconds = 0.25;

    private static final int MIN_STEPS = 2;
    private static final int MAX_STEPS = 400;

    /** Steps of the miniature runs that price a checkpoint and a run's fixed cost. */
    private static final int MINI_STEPS = 8;

    /**
     * Seconds the miniature runs of all (architecture, task) groups take together, shared out (0.5
     * to 4 s per group, 1 to 9 pairs).
     */
    private static final double MINI_BUDGET = 8;

    private double miniSeconds = 1;

    /** Seconds of a 2-step miniature run beyond which a group's fixed cost is not separated. */
    private static final double EXPENSIVE = 1;

    private int expensive;

    /** Seconds each thread of the parallel-efficiency probe runs. */
    private static final double PARALLEL_SECONDS = 0.6;

    /** A line of the table: the runs of one architecture on one task. */
    public record Group(
            String arch,
            String task,
            int runs,
            long steps,
            double stepsPerSecond,
            double fixedSeconds,
            double checkpointSeconds,
            double seconds) {}

    /** A cluster: {@code executors} x {@code cores} task slots. */
    public record Cluster(int executors, int cores, double efficiency, double seconds) {}

    /**
     * The estimate.
     *
     * @param runSeconds seconds of each run to train, in spec order, on one worker alone
     * @param startupSeconds once per process: the JVM (as given), the engine, each task's data
     * @param localRunsSeconds the runs on {@code workers} local workers, start-up excluded
     * @param localSeconds {@code startupSeconds + localRunsSeconds}
     * @param availability the share of a core the measurement got (its CPU seconds over its wall
     *     seconds): 1 on an idle machine, less when other processes compete
     * @param localRunsSecondsNow {@code localRunsSeconds / availability}: at the load seen while
     *     measuring
     */
    public record Result(
            String sweep,
            int runs,
            int stored,
            boolean factorised,
            int configurations,
            int probes,
            double measureSeconds,
            List<Group> groups,
            double[] runSeconds,
            double jvmSeconds,
            double engineSeconds,
            double dataSeconds,
            double startupSeconds,
            int workers,
            int cores,
            double localEfficiency,
            double localRunsSeconds,
            double localSeconds,
            double availability,
            double localRunsSecondsNow,
            List<Cluster> clusters,
            List<String> notes) {}

    private record StepKey(String rule, String arch, String task, int batch) {}

    private record GroupKey(String arch, String task) {}

    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<StepKey, Double> stepSeconds = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final NDManager manager;
    private final String version;
    private int probes;

    private SweepEstimate(NDManager manager, String version) {
        this.manager = manager;
        this.version = version;
    }

    /**
     * Measures and predicts.
     *
     * @param done run ids already stored (excluded)
     * @param workers local workers; {@code cores} this machine's
     * @param executors executor counts to predict for (empty: none)
     * @param coresPerExecutor task slots per executor
     * @param jvmSeconds the process's own start-up so far (0 when it does not count)
     */
    public static Result estimate(
            SweepSpec spec,
            Set<String> done,
            int workers,
            int cores,
            List<Integer> executors,
            int coresPerExecutor,
            double jvmSeconds,
            String version) {
        if (workers < 1) {
            throw new LridException("--workers must be at least 1, got " + workers);
        }
        if (coresPerExecutor < 1) {
            throw new LridException(
                    "--cores-per-executor must be at least 1, got " + coresPerExecutor);
        }
        for (int n : executors) {
            if (n < 1) {
                throw new LridException("--executors must be at least 1, got " + n);
            }
        }
        List<RunDescription> todo =
                spec.runs().stream().filter(r -> !done.contains(r.runId())).toList();
        long start = System.nanoTime();
        long t = System.nanoTime();
        NDManager manager = NDManager.newBaseManager();
        double engineSeconds = (System.nanoTime() - t) / 1e9;
        // measured on a thread of its own, as a sweep's runs train on its workers' threads (the
        // engine's per-thread settings, such as OpenMP's, are those of a worker, not of main)
        java.util.concurrent.ExecutorService thread =
                java.util.concurrent.Executors.newSingleThreadExecutor(
                        r -> {
                            Thread th = new Thread(r, "lrid-estimate");
                            th.setDaemon(true);
                            return th;
                        });
        try {
            SweepEstimate e = new SweepEstimate(manager, version);
            return thread.submit(
                            () ->
                                    e.run(
                                            spec,
                                            todo,
                                            workers,
                                            cores,
                                            executors,
                                            coresPerExecutor,
                                            jvmSeconds,
                                            engineSeconds,
                                            start))
                    .get();
        } catch (java.util.concurrent.ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("estimate interrupted");
        } finally {
            thread.shutdownNow();
            manager.close();
        }
    }

    private Result run(
            SweepSpec spec,
            List<RunDescription> todo,
            int workers,
            int cores,
            List<Integer> executors,
            int coresPerExecutor,
            double jvmSeconds,
            double engineSeconds,
            long start) {
        int stored = spec.runs().size() - todo.size();
        // every task's data first, as the sweep loads it; its time is start-up
        long t = System.nanoTime();
        for (RunDescription r : todo) {
            tasks.computeIfAbsent(taskKey(r), k -> loadTask(r));
        }
        double dataSeconds = (System.nanoTime() - t) / 1e9;
        double startup = jvmSeconds + engineSeconds + dataSeconds;
        if (todo.isEmpty()) {
            List<Cluster> none = new ArrayList<>();
            for (int n : executors) {
                none.add(new Cluster(n, coresPerExecutor, 1, 0));
            }
            return new Result(
                    spec.name(),
                    0,
                    stored,
                    false,
                    0,
                    0,
                    (System.nanoTime() - start) / 1e9,
                    List.of(),
                    new double[0],
                    jvmSeconds,
                    engineSeconds,
                    dataSeconds,
                    startup,
                    workers,
                    cores,
                    1,
                    0,
                    0,
                    1,
                    0,
                    none,
                    List.copyOf(notes));
        }
        // the configurations, and which ones are timed
        Map<StepKey, RunDescription> configs = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            configs.putIfAbsent(stepKey(r), r);
        }
        boolean factorised = configs.size() > DIRECT_LIMIT;
        // the first run of each architecture gives its reference rule, first task, smallest batch
        Map<String, RunDescription> archRef = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            archRef.putIfAbsent(archKey(r), r);
        }
        Map<String, Integer> archRefBatch = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            RunDescription ref = archRef.get(archKey(r));
            if (taskKey(r).equals(taskKey(ref))) {
                archRefBatch.merge(archKey(r), r.batchSize(), Math::min);
            }
        }
        int expected = configs.size();
        if (factorised) {
            Set<String> cells = new java.util.HashSet<>();
            for (RunDescription r : todo) {
                cells.add(archKey(r) + "|" + taskKey(r) + "|" + r.batchSize());
                cells.add(archKey(r) + "|" + r.rule());
            }
            expected = cells.size();
        }
        probeSeconds = Math.max(0.2, Math.min(1.5, PROBE_BUDGET / expected));
        // warm up the JIT and the engine's kernels on the first configuration: not timed
        // (a second of steps and two miniature runs: the JIT's compiler threads, whose CPU the
        // probes would otherwise count, settle first)
        RunDescription first = todo.get(0);
        warmUp(first);
        probeWallNanos = 0;
        probeCpuSeconds = 0;
        stepSeconds.clear();
        probes = 0;
        double[] runSeconds = new double[todo.size()];
        double[] stepPart = new double[todo.size()];
        for (int i = 0; i < todo.size(); i++) {
            stepPart[i] = predictedStepSeconds(todo.get(i), factorised, archRef, archRefBatch);
        }
        // fixed and per-checkpoint cost per (architecture, task), at the smallest batch
        Map<GroupKey, RunDescription> groupRef = new LinkedHashMap<>();
        for (RunDescription r : todo) {
            GroupKey g = new GroupKey(archKey(r), taskKey(r));
            RunDescription old = groupRef.get(g);
            if (old == null || r.batchSize() < old.batchSize()) {
                groupRef.put(g, old == null ? r : withRule(r, old));
            }
        }
        miniSeconds = Math.max(0.5, Math.min(4, MINI_BUDGET / groupRef.size()));
        Map<GroupKey, double[]> overhead = new LinkedHashMap<>();
        for (Map.Entry<GroupKey, RunDescription> e : groupRef.entrySet()) {
            overhead.put(e.getKey(), fixedAndCheckpoint(e.getValue()));
        }
        Map<GroupKey, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < todo.size(); i++) {
            RunDescription r = todo.get(i);
            GroupKey g = new GroupKey(archKey(r), taskKey(r));
            double[] fc = overhead.get(g);
            double steps = stepPart[i] * r.steps();
            runSeconds[i] = fc[0] + steps + r.checkpoints() * fc[1];
            double[] s = sums.computeIfAbsent(g, k -> new double[6]);
            s[0]++;
            s[1] += r.steps();
            s[2] += steps;
            s[3] = fc[0];
            s[4] = fc[1];
            s[5] += runSeconds[i];
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<GroupKey, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            groups.add(
                    new Group(
                            e.getKey().arch(),
                            displayTask(e.getKey().task()),
                            (int) s[0],
                            (long) s[1],
                            s[1] / s[2],
                            s[3],
                            s[4],
                            s[5]));
        }
        // parallel speed: the configuration with most step time, k copies at once
        int dominant = 0;
        Map<StepKey, Double> byConfig = new LinkedHashMap<>();
        for (int i = 0; i < todo.size(); i++) {
            byConfig.merge(stepKey(todo.get(i)), runSeconds[i], Double::sum);
        }
        StepKey heaviest =
                byConfig.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
        for (int i = 0; i < todo.size(); i++) {
            if (stepKey(todo.get(i)).equals(heaviest)) {
                dominant = i;
                break;
            }
        }
        // at the smallest batch of its (architecture, task): the probe stays short
        RunDescription heavy = todo.get(dominant);
        RunDescription dom =
                withRule(groupRef.get(new GroupKey(archKey(heavy), taskKey(heavy))), heavy);
        Map<Integer, Double> efficiency = new LinkedHashMap<>();
        int localK = Math.min(workers, cores);
        double localE = efficiency.computeIfAbsent(localK, k -> parallelEfficiency(dom, k));
        double localSpeed = localE * (workers > cores ? (double) cores / workers : 1);
        double localRuns = makespan(runSeconds, workers, localSpeed);
        double availability =
                probeWallNanos > 0
                        ? Math.max(0.01, Math.min(1, probeCpuSeconds / (probeWallNanos / 1e9)))
                        : 1;
        if (expensive > 0) {
            notes.add(
                    expensive
                            + " (architecture, task) groups with a slow miniature run: their fixed"
                            + " cost per run is counted in the checkpoints' cost");
        }
        List<Cluster> clusters = new ArrayList<>();
        if (!executors.isEmpty()) {
            int k = Math.min(coresPerExecutor, cores);
            double e = efficiency.computeIfAbsent(k, x -> parallelEfficiency(dom, x));
            for (int n : executors) {
                clusters.add(
                        new Cluster(
                                n,
                                coresPerExecutor,
                                e,
                                startup + makespan(runSeconds, n * coresPerExecutor, e)));
            }
        }
        return new Result(
                spec.name(),
                todo.size(),
                stored,
                factorised,
                configs.size(),
                probes,
                (System.nanoTime() - start) / 1e9,
                List.copyOf(groups),
                runSeconds,
                jvmSeconds,
                engineSeconds,
                dataSeconds,
                startup,
                workers,
                cores,
                localE,
                localRuns,
                startup + localRuns,
                availability,
                localRuns / availability,
                List.copyOf(clusters),
                List.copyOf(notes));
    }

    /** Seconds per step of a run's configuration, timed or factorised. */
    private double predictedStepSeconds(
            RunDescription r,
            boolean factorised,
            Map<String, RunDescription> archRef,
            Map<String, Integer> archRefBatch) {
        if (!factorised) {
            return step(r);
        }
        RunDescription ref = archRef.get(archKey(r));
        double base = step(withRule(r, ref));
        if (r.rule().equals(ref.rule())) {
            return base;
        }
        // the rule's factor on this architecture, at its first task and smallest batch
        RunDescription at = withBatch(withTask(r, ref), archRefBatch.get(archKey(r)));
        return base * step(at) / step(withRule(at, ref));
    }

    private double step(RunDescription r) {
        StepKey k = stepKey(r);
        Double s = stepSeconds.get(k);
        if (s == null) {
            s = timeSteps(r);
            stepSeconds.put(k, s);
            probes++;
        }
        return s;
    }

    /**
     * Steps and miniature runs of {@code r}, untimed, until the JIT compiles little more: rounds of
     * a second of steps and two miniature runs, repeated (at most {@value #WARM_UP_ROUNDS} times)
     * while the JIT's compiler threads spent more than 5% of the round's wall time compiling. Their
     * CPU seconds are the process's, which the probes count; a fresh JVM's first probes would
     * otherwise read 20-40% slow, as the first of two estimates in one JVM did.
     */
    private void warmUp(RunDescription r) {
        java.lang.management.CompilationMXBean jit =
                java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long compiled = measurable ? jit.getTotalCompilationTime() : 0;
            long t = System.nanoTime();
            new StepLoop(r, manager).secondsPerStep(1);
            miniRun(r, 2, 2);
            miniRun(r, MINI_STEPS, 5);
            double wallMillis = (System.nanoTime() - t) / 1e6;
            if (!measurable || jit.getTotalCompilationTime() - compiled < 0.05 * wallMillis) {
                break;
            }
        }
    }

    private static final int WARM_UP_ROUNDS = 4;

    /** Seconds per training step of {@code r}'s configuration, over a few timed steps. */
    private double timeSteps(RunDescription r) {
        return new StepLoop(r, manager).secondsPerStep(probeSeconds);
    }

    /** One run's network, session and learner, stepping as {@link Trainer} does. */
    private final class StepLoop implements AutoCloseable {
        private final NDManager run;
        private final TaskSession session;
        private final Network network;
        private final IntConsumer step;
        private final int total;
        private int index;

        StepLoop(RunDescription r, NDManager parent) {
            RunSpec spec = r.runSpec();
            Task task = tasks.get(taskKey(r));
            run = parent.newSubManager();
            session = task.open(run, spec.dataSeed());
            network =
                    spec.architecture()
                            .build(
                                    run,
                                    task.inputShape(),
                                    task.outputSize(),
                                    spec.initSeed(),
                                    spec.feedbackSeed());
            total = r.steps();
            int batch = r.batchSize();
            if (spec.rule().family() == CreditAssignment.Family.RECURRENT) {
                RecurrentLearner learner =
                        new RecurrentLearner(spec.rule(), network, spec.feedbackSeed());
                SequenceSession sequences = (SequenceSession) session;
                step =
                        i ->
                                RecurrentTraining.step(
                                        sequences, network, learner, run, batch, i, total, false,
                                        null);
            } else {
                Learner learner = new Learner(spec.rule(), network, spec.feedbackSeed());
                step = i -> Trainer.step(session, network, learner, run, batch, i, total);
            }
        }

        /**
         * One untimed step, then steps until {@code seconds} of wall time have passed (2 to 400
         * steps): the process's CPU seconds per step.
         */
        double secondsPerStep(double seconds) {
            try {
                next();
                long t = System.nanoTime();
                long cpu = cpuNanos();
                int n = 0;
                long limit = (long) (seconds * 1e9);
                while (n < MIN_STEPS || (System.nanoTime() - t < limit && n < MAX_STEPS)) {
                    next();
                    n++;
                }
                double cpuSeconds = (cpuNanos() - cpu) / 1e9;
                account(System.nanoTime() - t, cpuSeconds);
                return cpuSeconds / n;
            } finally {
                close();
            }
        }

        /** Steps (one untimed first) for {@code seconds} of wall time; the number of steps. */
        int stepFor(double seconds) {
            try {
                long t = System.nanoTime();
                int n = 0;
                while (n < MIN_STEPS + 1 || System.nanoTime() - t < seconds * 1e9) {
                    next();
                    n++;
                }
                return n;
            } finally {
                close();
            }
        }

        private void next() {
            // the schedule's step index stays inside the run, as in training
            index = index % total + 1;
            step.accept(index);
        }

        @Override
        public void close() {
            network.close();
            session.close();
            run.close();
        }
    }

    /**
     * {fixed seconds per run, seconds per checkpoint} of {@code r}'s (architecture, task).
     *
     * <p>First one miniature run of 2 steps with 2 checkpoints (0 and 2, each with its diagnosed
     * step): {@code F + 2 ts + 2 tc}. When that takes more than {@value #EXPENSIVE} s (the conv
     * architectures: held-out accuracy over the whole test set at every checkpoint), F is left in
     * the checkpoint's cost, which overprices a run of C checkpoints by (C/2 - 1) F, well under 1%
     * of a conv run. Otherwise pairs of miniature runs of {@value #MINI_STEPS} steps with 2 and
     * with 5 checkpoints, repeated for the group's share of {@value #MINI_BUDGET} s (1 to 9 pairs),
     * their medians taken: checkpoints fall on every second step, so each after the first has its
     * own diagnosed step, as in a real run, and the difference is 3 checkpoints.
     */
    private double[] fixedAndCheckpoint(RunDescription r) {
        double ts = step(r);
        double first = miniRun(r, 2, 2);
        if (first > EXPENSIVE) {
            expensive++;
            return new double[] {0, Math.max(0, (first - 2 * ts) / 2)};
        }
        List<Double> two = new ArrayList<>();
        List<Double> five = new ArrayList<>();
        long t = System.nanoTime();
        do {
            two.add(miniRun(r, MINI_STEPS, 2));
            five.add(miniRun(r, MINI_STEPS, 5));
        } while (two.size() < 9 && System.nanoTime() - t < miniSeconds * 1e9);
        double m2 = median(two);
        double m5 = median(five);
        double checkpoint = Math.max(0, (m5 - m2) / 3);
        double fixed = Math.max(0, m2 - MINI_STEPS * ts - 2 * checkpoint);
        return new double[] {fixed, checkpoint};
    }

    /** Wall seconds of a miniature of {@code r} trained, recorded and stored to a scratch store. */
    private double miniRun(RunDescription r, int steps, int checkpoints) {
        RunDescription mini =
                new RunDescription(
                        r.rule(),
                        r.overrides(),
                        r.archFamily(),
                        r.width(),
                        r.depth(),
                        r.activation(),
                        r.initScale(),
                        r.task(),
                        r.trainLimit(),
                        r.testLimit(),
                        r.batchSize(),
                        steps,
                        checkpoints,
                        r.seed(),
                        r.conditions());
        Path dir;
        try {
            dir = Files.createTempDirectory("lrid-estimate");
        } catch (IOException e) {
            throw new LridException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            RunExecutor executor =
                    new RunExecutor(new TrajectoryStore(dir, Observables.ALL), version);
            long t = System.nanoTime();
            long cpu = cpuNanos();
            executor.execute(mini, tasks.get(taskKey(r)), manager);
            double cpuSeconds = (cpuNanos() - cpu) / 1e9;
            account(System.nanoTime() - t, cpuSeconds);
            return cpuSeconds;
        } finally {
            delete(dir);
        }
    }

    /**
     * Per-thread speed of {@code k} copies of {@code r}'s configuration stepping at once, over one
     * copy alone (1 for k = 1).
     */
    private double parallelEfficiency(RunDescription r, int k) {
        if (k <= 1) {
            return 1;
        }
        long cpu = cpuNanos();
        int steps = new StepLoop(r, manager).stepFor(PARALLEL_SECONDS);
        double alone = (cpuNanos() - cpu) / 1e9 / steps;
        int[] each = new int[k];
        CountDownLatch ready = new CountDownLatch(k + 1);
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int j = i;
            Thread th =
                    new Thread(
                            () -> {
                                try {
                                    StepLoop loop = new StepLoop(r, manager);
                                    ready.countDown();
                                    ready.await();
                                    each[j] = loop.stepFor(PARALLEL_SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (RuntimeException e) {
                                    synchronized (failures) {
                                        failures.add(e);
                                    }
                                }
                            },
                            "lrid-estimate");
            threads.add(th);
            th.start();
        }
        long before = 0;
        try {
            while (ready.getCount() > 1 && failures.isEmpty()) {
                Thread.sleep(1);
            }
            before = cpuNanos();
            ready.countDown();
            for (Thread th : threads) {
                th.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("estimate interrupted");
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        double together = (cpuNanos() - before) / 1e9 / Arrays.stream(each).sum();
        return Math.max(0.3, Math.min(1, alone / together));
    }

    /** CPU nanoseconds of this process so far (every thread: libtorch's, DuckDB's, the JVM's). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private long probeWallNanos;
    private double probeCpuSeconds;

    private void account(long wallNanos, double cpuSeconds) {
        probeWallNanos += wallNanos;
        probeCpuSeconds += cpuSeconds;
    }

    /**
     * Wall seconds of {@code runs} (in order) on {@code slots} workers of relative speed {@code
     * speed}, each run to the first free worker.
     */
    static double makespan(double[] runs, int slots, double speed) {
        PriorityQueue<Double> free = new PriorityQueue<>();
        for (int i = 0; i < Math.min(slots, Math.max(1, runs.length)); i++) {
            free.add(0.0);
        }
        double end = 0;
        for (double s : runs) {
            double at = free.poll() + s / speed;
            end = Math.max(end, at);
            free.add(at);
        }
        return end;
    }

    private Task loadTask(RunDescription r) {
        TaskOptions options = TaskOptions.DEFAULTS.withLimits(r.trainLimit(), r.testLimit());
        try {
            return Tasks.create(r.task(), options);
        } catch (LridException e) {
            if (!"cifar10".equals(r.task())) {
                throw e;
            }
            notes.add(
                    "cifar10's data is not on this machine ("
                            + e.getMessage()
                            + "): timed on random examples of its shape (3x32x32, 10 classes,"
                            + " 10,000 held-out)");
            return cifarStandIn(r.testLimit());
        }
    }

    /** Random examples of CIFAR-10's shape: timing does not depend on pixel values. */
    private static Task cifarStandIn(Integer testLimit) {
        int size = 3 * 32 * 32;
        int test = testLimit == null ? 10_000 : Math.min(10_000, testLimit);
        return Tasks.supervised("cifar10", randomSet(4_096, size, 1), randomSet(test, size, 2), 10);
    }

    private static ExampleSet randomSet(int n, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(10);
        }
        return new ExampleSet(x, y, new long[] {3, 32, 32});
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch directory left in the temp dir is harmless
        }
    }

    private static StepKey stepKey(RunDescription r) {
        return new StepKey(r.rule(), archKey(r), taskKey(r), r.batchSize());
    }

    private static String archKey(RunDescription r) {
        return r.architecture().id();
    }

    private static String taskKey(RunDescription r) {
        return r.task() + "|" + r.trainLimit() + "|" + r.testLimit();
    }

    private static String displayTask(String key) {
        String[] p = key.split("\\|");
        return p[0]
                + ("null".equals(p[1]) ? "" : " train " + p[1])
                + ("null".equals(p[2]) ? "" : " test " + p[2]);
    }

    /** {@code r} with the rule (and its overrides) of {@code from}. */
    private static RunDescription withRule(RunDescription r, RunDescription from) {
        return copy(r, from.rule(), from.overrides(), r.task(), r.batchSize());
    }

    private static RunDescription withTask(RunDescription r, RunDescription from) {
        return new RunDescription(
                r.rule(),
                r.overrides(),
                r.archFamily(),
                r.width(),
                r.depth(),
                r.activation(),
                r.initScale(),
                from.task(),
                from.trainLimit(),
                from.testLimit(),
                r.batchSize(),
                from.steps(),
                from.checkpoints(),
                r.seed(),
                r.conditions());
    }

    private static RunDescription withBatch(RunDescription r, int batch) {
        return copy(r, r.rule(), r.overrides(), r.task(), batch);
    }

    private static RunDescription copy(
            RunDescription r, String rule, Map<String, String> overrides, String task, int batch) {
        return new RunDescription(
                rule,
                overrides,
                r.archFamily(),
                r.width(),
                r.depth(),
                r.activation(),
                r.initScale(),
                task,
                r.trainLimit(),
                r.testLimit(),
                batch,
                r.steps(),
                r.checkpoints(),
                r.seed(),
                r.conditions());
    }
}
