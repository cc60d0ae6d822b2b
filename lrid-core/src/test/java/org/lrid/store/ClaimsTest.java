package org.lrid.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

class ClaimsTest {

    @TempDir Path dir;

    private static final Duration HOUR = Duration.ofHours(1);

    private static List<String> files(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A claim file as a process that died (or lost its machine) leaves it. */
    private Path abandonedClaim(String runId, Instant modified) throws Exception {
        Path f = DatasetSchema.claims(dir).resolve(runId + ".claim");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "owner=elsewhere pid 1\ntoken=dead\nstarted=" + modified + "\n");
        Files.setLastModifiedTime(f, FileTime.from(modified));
        return f;
    }

    @Test
    void aClaimIsExclusiveUntilReleasedAndNamesItsOwner() throws Exception {
        Claims mine = new Claims(dir, HOUR);
        Claims theirs = new Claims(dir, HOUR);
        Optional<Claims.Claim> c = mine.tryClaim("run-a");
        assertTrue(c.isPresent());
        Path f = DatasetSchema.claims(dir).resolve("run-a.claim");
        assertEquals(f, c.get().file());
        String text = Files.readString(f);
        assertTrue(text.contains("pid " + ProcessHandle.current().pid()), text);
        assertTrue(text.contains("token="), text);
        assertTrue(theirs.tryClaim("run-a").isEmpty(), "a live claim is exclusive");
        assertTrue(mine.tryClaim("run-a").isEmpty(), "even for its own process");
        assertTrue(theirs.tryClaim("run-b").isPresent(), "other runs are free");
        abandonedClaim("run-c", Instant.now().minusSeconds(7200));
        List<Claims.Info> inFlight = theirs.inFlight();
        assertEquals(3, inFlight.size());
        assertEquals("run-c", inFlight.get(0).runId(), "the longest silent first");
        assertTrue(inFlight.get(0).stale());
        assertFalse(inFlight.get(1).stale());
        assertFalse(inFlight.get(2).stale());
        assertTrue(inFlight.get(2).owner().endsWith("pid " + ProcessHandle.current().pid()));
        c.get().close();
        assertFalse(Files.exists(f));
        c.get().close(); // idempotent
        Optional<Claims.Claim> again = theirs.tryClaim("run-a");
        assertTrue(again.isPresent(), "a released run can be claimed");
        again.get().close();
    }

    @Test
    void ofManyClaimersRacingForOneRunExactlyOneWins() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int run = 0; run < 40; run++) {
                String id = "run-" + run;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Claims.Claim>>> tries = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Claims claims = new Claims(dir, HOUR); // one per "process"
                    tries.add(
                            pool.submit(
                                    () -> {
                                        go.await();
                                        return claims.tryClaim(id);
                                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Optional<Claims.Claim>> f : tries) {
                    if (f.get().isPresent()) {
                        won++;
                    }
                }
                assertEquals(1, won, id);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStaleClaimIsTakenOverByExactlyOneOfManyRacingClaimers() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int run = 0; run < 20; run++) {
                String id = "run-" + run;
                Path f = abandonedClaim(id, Instant.now().minusSeconds(3600));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Claims.Claim>>> tries = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Claims claims = new Claims(dir, Duration.ofSeconds(60));
                    tries.add(
                            pool.submit(
                                    () -> {
                                        go.await();
                                        return claims.tryClaim(id);
                                    }));
                }
                go.countDown();
                List<Claims.Claim> won = new ArrayList<>();
                for (Future<Optional<Claims.Claim>> f2 : tries) {
                    f2.get().ifPresent(won::add);
                }
                assertEquals(1, won.size(), id);
                String text = Files.readString(f);
                assertFalse(text.contains("token=dead"), "the claim is the taker's: " + text);
                assertTrue(text.contains("pid " + ProcessHandle.current().pid()), text);
                won.get(0).close();
            }
            assertEquals(List.of(), files(DatasetSchema.claims(dir)), "nothing left behind");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWhoseHolderStopsBeatingIsTakenOverWhateverItsClock() throws Exception {
        Duration lease = Duration.ofMillis(400);
        // a holder whose clock runs an hour ahead: by the wall clock its claim looks young for
        // an hour; an observer that sees its time never change for a lease takes it over
        abandonedClaim("ahead", Instant.now().plusSeconds(3600));
        Claims claims = new Claims(dir, lease);
        assertTrue(claims.tryClaim("ahead").isEmpty(), "not stale when first seen");
        Thread.sleep(3 * lease.toMillis());
        Optional<Claims.Claim> c = claims.tryClaim("ahead");
        assertTrue(c.isPresent(), "silent for longer than the lease");
        c.get().close();
    }

    @Test
    void theHeartbeatKeepsAClaimAlivePastItsLease() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Claims holder = new Claims(dir, lease);
        Claims other = new Claims(dir, lease);
        Claims.Claim c = holder.tryClaim("run").orElseThrow();
        FileTime first = Files.getLastModifiedTime(c.file());
        long end = System.nanoTime() + 5 * lease.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(other.tryClaim("run").isEmpty(), "taken while its holder beats");
            Thread.sleep(lease.toMillis() / 5);
        }
        assertTrue(Files.getLastModifiedTime(c.file()).compareTo(first) > 0, "the heartbeat ran");
        assertFalse(c.lost());
        c.close();
        assertTrue(other.tryClaim("run").isPresent(), "free once released");
    }

    @Test
    void aHolderWhoseClaimWasTakenOverDoesNotReleaseTheTakersClaim() throws Exception {
        // the holder's lease is long (its heartbeat seldom beats); the taker's is short, so the
        // taker sees the holder's claim go stale while the holder still runs (a long pause)
        Claims holder = new Claims(dir, HOUR);
        Claims taker = new Claims(dir, Duration.ofMillis(200));
        Claims.Claim old = holder.tryClaim("run").orElseThrow();
        Files.setLastModifiedTime(old.file(), FileTime.from(Instant.now().minusSeconds(10)));
        Claims.Claim taken = taker.tryClaim("run").orElseThrow();
        old.close();
        assertTrue(Files.exists(taken.file()), "the taker's claim survives the old holder");
        assertTrue(holder.tryClaim("run").isEmpty());
        taken.close();
        assertFalse(Files.exists(taken.file()));
    }

    @Test
    void aClaimIsReleasedWhenItsWorkFails() throws Exception {
        Claims claims = new Claims(dir, HOUR);
        assertThrows(
                IllegalStateException.class,
                () -> {
                    try (Claims.Claim c = claims.tryClaim("run").orElseThrow()) {
                        assertTrue(Files.exists(c.file()));
                        throw new IllegalStateException("training failed");
                    }
                });
        assertEquals(List.of(), files(DatasetSchema.claims(dir)));
        claims.removeDirectoryIfEmpty();
        assertFalse(Files.exists(DatasetSchema.claims(dir)));
        assertTrue(claims.tryClaim("run").isPresent(), "claims recreate their directory");
    }

    @Test
    void aLeaseMustBePositive() {
        assertThrows(LridException.class, () -> new Claims(dir, Duration.ZERO));
    }

    /** A process that claims a run in DIR, says so, and waits to be stopped. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Claims.Claim held = new Claims(Path.of(args[0]), HOUR).tryClaim("run").orElseThrow();
            System.out.println(held.file().toFile().exists() ? "claimed" : "no claim file");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    private Process holder() throws Exception {
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                Holder.class.getName(),
                                dir.toString())
                        .redirectErrorStream(true)
                        .start();
        String line =
                new java.io.BufferedReader(
                                new java.io.InputStreamReader(
                                        p.getInputStream(),
                                        java.nio.charset.StandardCharsets.UTF_8))
                        .readLine();
        assertEquals("claimed", line);
        return p;
    }

    @Test
    void aProcessStoppedNormallyReleasesItsClaimsAndOneKilledLeavesThemStaleAtOnce()
            throws Exception {
        Path f = DatasetSchema.claims(dir).resolve("run.claim");
        Claims mine = new Claims(dir, HOUR);

        Process alive = holder();
        assertTrue(Files.exists(f));
        assertTrue(mine.tryClaim("run").isEmpty(), "the holder lives");
        alive.destroy(); // SIGTERM, as Ctrl-C or a job scheduler stops a sweep
        assertTrue(alive.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
        assertFalse(Files.exists(f), "released on the way out");

        Process killed = holder();
        killed.destroyForcibly(); // SIGKILL: nothing runs on the way out
        assertTrue(killed.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
        assertTrue(Files.exists(f), "a killed process leaves its claim");
        // its lease is an hour, but its process is gone on this very machine: taken over now
        Optional<Claims.Claim> c = mine.tryClaim("run");
        assertTrue(c.isPresent(), "the claim of a dead process is stale at once");
        c.get().close();
    }
}
