package org.lrid.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.lrid.LridException;

/**
 * Leases on the runs of a dataset, so that processes sharing one output directory (two users, a
 * retried job, a Spark task retried after an executor loss) never train a run another one is
 * training.
 *
 * <p>A claim is the file {@code DIR/claims/<run_id>.claim}, created with {@code CREATE_NEW} (atomic
 * on local and NFS file systems: of two creators exactly one succeeds), holding its owner (host,
 * process id, a random token), its start time and its lease. While it is held, a daemon heartbeat
 * refreshes its modification time every quarter lease. A claim is <i>stale</i> when its
 * modification time is older than the lease by this machine's clock, or when this process has
 * watched it for a whole lease (by its own monotonic clock) without a heartbeat, which holds
 * whatever the clocks of the two machines say, or at once when its holder is a process of this
 * machine that has ended (same kernel boot and process namespace, process id not alive), so a sweep
 * resumed where it was killed waits for no lease. A JVM that stops normally (Ctrl-C, SIGTERM)
 * releases its claims on its way out.
 *
 * <p>A stale claim is taken over without a race: under the run's takeover lock (a second file
 * created with {@code CREATE_NEW}, held for milliseconds) it is checked to be the very claim judged
 * stale (same holder token, same modification time) and deleted; then {@code CREATE_NEW} decides
 * who claims the run. (Renaming the stale file aside, the simpler scheme, can remove the fresh
 * claim of a faster taker when a third process judged the old one stale too.) A claim is released
 * (deleted, after checking that it is still this holder's) when its run is stored and on every
 * failure path.
 *
 * <p>Claims make double work rare; they are not what keeps a run from being stored twice: that is
 * {@link TrajectoryStore#write}'s no-replace commit of the run row, which holds even when a claim
 * was taken over from a holder that was alive but silent for a whole lease (a long pause, a skewed
 * clock).
 */
public final class Claims {

    /** The lease when none is given: a holder silent for this long has its claims taken over. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(120);

    private static final String SUFFIX = ".claim";

    /** See {@link #processNamespace()}. */
    static final String PROCESS_NAMESPACE = processNamespace();

    /**
     * One heartbeat thread for every claim this JVM holds (no thread per run, no leak), and the
     * claims held, which a JVM stopping normally (end of main, Ctrl-C, SIGTERM) releases on its way
     * out.
     */
    private static final class Heartbeat {
        static final ScheduledExecutorService EXECUTOR =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "lrid-claim-heartbeat");
                            t.setDaemon(true);
                            return t;
                        });
        static final java.util.Set<Claim> HELD = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> List.copyOf(HELD).forEach(Claim::close),
                                    "lrid-claim-release"));
        }
    }

    /** What {@link #inFlight} reports of one claim. */
    public record Info(
            String runId, String owner, Instant started, double ageSeconds, boolean stale) {}

    private final Path dir;
    private final Duration lease;
    private final String owner;

    /** The modification time each contended claim had when this process first saw it, and when. */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(FileTime modified, long sinceNanos) {}

    /**
     * @param dataset the dataset directory; claims live in {@link DatasetSchema#claims}
     * @param lease how long a holder may stay silent before its claims are taken over
     */
    public Claims(Path dataset, Duration lease) {
        if (lease.isNegative() || lease.isZero()) {
            throw new LridException("the claim lease must be positive, got " + lease);
        }
        this.dir = DatasetSchema.claims(dataset);
        this.lease = lease;
        this.owner = hostName() + " pid " + ProcessHandle.current().pid();
    }

    public Duration lease() {
        return lease;
    }

    /**
     * How often a process waiting for a run claimed elsewhere looks again: often enough for a
     * progress bar, seldom enough to cost nothing (an existence check and a stat per run).
     */
    public long pollMillis() {
        return Math.max(50, Math.min(2000, lease.toMillis() / 8));
    }

    /** The directory of the claim files. */
    public Path dir() {
        return dir;
    }

    /** A claim this process holds; {@link #close} releases it. */
    public final class Claim implements AutoCloseable {
        private final String runId;
        private final Path file;
        private final String token;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean lost;
        private final ScheduledFuture<?> beat;

        private Claim(String runId, Path file, String token) {
            this.runId = runId;
            this.file = file;
            this.token = token;
            long period = Math.max(1, lease.toMillis() / 4);
            this.beat =
                    Heartbeat.EXECUTOR.scheduleAtFixedRate(
                            this::refresh, period, period, TimeUnit.MILLISECONDS);
            Heartbeat.HELD.add(this);
        }

        public String runId() {
            return runId;
        }

        /** The claim file. */
        public Path file() {
            return file;
        }

        /**
         * True once the heartbeat found the claim gone or someone else's: it went stale (this
         * process was silent for a lease) and was taken over.
         */
        public boolean lost() {
            return lost;
        }

        private void refresh() {
            try {
                if (released.get() || lost) {
                    return;
                }
                if (!token.equals(tokenOf(file))) {
                    lost = true;
                    beat.cancel(false);
                    return;
                }
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            } catch (Throwable t) { // a failed beat must not end the periodic task
                // the next beat tries again; a claim that stays silent is taken over, which the
                // run row's exactly-once commit makes harmless
            }
        }

        /** Deletes the claim if it is still this holder's; idempotent, never throws. */
        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            beat.cancel(false);
            Heartbeat.HELD.remove(this);
            try {
                if (token.equals(tokenOf(file))) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException | RuntimeException ignored) {
                // a claim left behind goes stale after one lease and is taken over
            }
        }
    }

    /**
     * Claims {@code runId} for this process: creates its claim, or takes over a stale one.
     *
     * @return the claim, or empty when another holder's live claim exists
     */
    public Optional<Claim> tryClaim(String runId) {
        Path file = dir.resolve(runId + SUFFIX);
        String token = UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 4; attempt++) {
            if (create(file, token)) {
                seen.remove(runId);
                return Optional.of(new Claim(runId, file, token));
            }
            FileTime modified;
            Properties holder;
            try {
                modified = Files.getLastModifiedTime(file);
                holder = read(file);
            } catch (NoSuchFileException e) {
                continue; // released since: try again
            } catch (IOException e) {
                throw new LridException("cannot read claim " + file + ": " + e.getMessage(), e);
            }
            if (!isStale(runId, modified) && !holderIsDead(holder)) {
                return Optional.empty();
            }
            if (!takeOver(runId, file, holder.getProperty("token"), modified, token)) {
                return Optional.empty(); // another process is taking it over
            }
            // the stale claim is gone: the next CREATE_NEW decides who claims the run
        }
        return Optional.empty();
    }

    /**
     * Claims whose files exist now, the longest silent first: runs being trained, or abandoned by a
     * process that stopped ({@link Info#stale}: silent for longer than its holder's lease).
     */
    public List<Info> inFlight() {
        List<Info> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX) || name.startsWith(".")) {
                    continue;
                }
                try {
                    Properties p = read(f);
                    long age = System.currentTimeMillis() - Files.getLastModifiedTime(f).toMillis();
                    String started = p.getProperty("started");
                    out.add(
                            new Info(
                                    name.substring(0, name.length() - SUFFIX.length()),
                                    p.getProperty("owner", "?"),
                                    started == null ? null : Instant.parse(started),
                                    age / 1e3,
                                    age > holderLeaseMillis(p)));
                } catch (IOException | RuntimeException e) {
                    // released while listed
                }
            }
        } catch (IOException e) {
            throw new LridException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> Double.compare(b.ageSeconds(), a.ageSeconds()));
        return out;
    }

    /** The lease the claim's holder runs with (its heartbeat's pace), else this one. */
    private long holderLeaseMillis(Properties p) {
        try {
            return Math.round(Double.parseDouble(p.getProperty("lease_seconds")) * 1000);
        } catch (RuntimeException e) {
            return lease.toMillis();
        }
    }

    /**
     * Removes the claims directory if no claim is in it (at the end of a sweep): a process creating
     * a claim at that instant recreates it.
     */
    public void removeDirectoryIfEmpty() {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // claims of another process, or hidden leftovers of a kill: kept
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * Whether the claim's holder is a process of this machine's kernel and process namespace that
     * has ended (killed, crashed, stopped with Ctrl-C): its claim is stale at once, so that a sweep
     * resumed on the machine where it was killed waits for no lease. A reused process id reads as
     * alive: the lease decides then.
     */
    private static boolean holderIsDead(Properties holder) {
        String ns = holder.getProperty("process_namespace");
        String pid = holder.getProperty("pid");
        if (ns == null || pid == null || !ns.equals(PROCESS_NAMESPACE)) {
            return false;
        }
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * This kernel's boot id and this process's pid namespace (Linux), where process ids mean the
     * same; null elsewhere.
     */
    private static String processNamespace() {
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return boot.isEmpty() ? null : boot + " " + ns;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean isStale(String runId, FileTime modified) {
        if (System.currentTimeMillis() - modified.toMillis() > lease.toMillis()) {
            return true;
        }
        long now = System.nanoTime();
        Seen s =
                seen.compute(
                        runId,
                        (k, old) ->
                                old != null && old.modified().equals(modified)
                                        ? old
                                        : new Seen(modified, now));
        return now - s.sinceNanos() > lease.toNanos();
    }

    /**
     * Removes the stale claim of {@code runId}, judged stale with holder {@code judgedHolder} and
     * modification time {@code judged}, if it is still that very claim. Only the creator of the
     * run's takeover lock ({@code <run_id>.takeover}, created with {@code CREATE_NEW}) does so, so
     * that of many processes judging one claim stale at once, one removes it, and none removes the
     * fresh claim that replaced it: a claim cannot change under the lock except by its stale holder
     * waking up at that very instant and releasing it.
     *
     * @return true if the claim is gone (removed here, or released by its holder); false if another
     *     process holds the takeover lock or the claim is no longer the stale one
     */
    private boolean takeOver(
            String runId, Path file, String judgedHolder, FileTime judged, String token) {
        Path lock = dir.resolve(runId + ".takeover");
        if (!create(lock, token)) {
            clearStaleLock(lock);
            return false;
        }
        try {
            try {
                if (!Files.getLastModifiedTime(file).equals(judged)
                        || !java.util.Objects.equals(tokenOf(file), judgedHolder)) {
                    return false; // refreshed, or taken over and claimed anew since judged
                }
                Files.delete(file);
            } catch (NoSuchFileException e) {
                // released by its holder since
            }
            seen.remove(runId);
            return true;
        } catch (IOException e) {
            throw new LridException(
                    "cannot take over stale claim " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(lock);
            } catch (IOException ignored) {
                // it goes stale and is cleared by the next taker
            }
        }
    }

    /**
     * A takeover lock is held for a few milliseconds; one older than the lease belongs to a process
     * killed in the middle of a takeover.
     */
    private void clearStaleLock(Path lock) {
        try {
            if (System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis()
                    > lease.toMillis()) {
                Files.deleteIfExists(lock);
            }
        } catch (IOException e) {
            // gone already
        }
    }

    private boolean create(Path file, String token) {
        Properties p = new Properties();
        p.setProperty("owner", owner);
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        if (PROCESS_NAMESPACE != null) {
            p.setProperty("process_namespace", PROCESS_NAMESPACE);
        }
        p.setProperty("token", token);
        p.setProperty("started", Instant.now().toString());
        p.setProperty("lease_seconds", Double.toString(lease.toMillis() / 1e3));
        StringBuilder text = new StringBuilder();
        p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectories(dir);
                try (OutputStream o =
                        Files.newOutputStream(
                                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    try {
                        o.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        o.close();
                        Files.deleteIfExists(file);
                        throw e;
                    }
                }
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (NoSuchFileException e) {
                if (attempt >= 3) {
                    throw new LridException("cannot create claim " + file + ": no such directory");
                }
                // the directory was removed by a process ending its sweep: create it again
            } catch (IOException e) {
                throw new LridException("cannot create claim " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static String tokenOf(Path file) throws IOException {
        try {
            return read(file).getProperty("token");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        return p;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }
}
