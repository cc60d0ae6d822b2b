package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The default workers follow the machine's cores and memory, and say so once. */
class ThreadsTest {

    @Test
    void workersAreOnePerCoreWithinTheMemoryAndAreAnnouncedOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int workers = Threads.chooseWorkers(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int cores = Runtime.getRuntime().availableProcessors();
        long byMemory = Math.max(1, Threads.availableMemory() / Threads.BYTES_PER_RUN);
        assertEquals((int) Math.max(1, Math.min(cores, byMemory)), workers);
        String said = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("lrid: " + workers + " workers x 1 libtorch thread"), said);
        assertTrue(said.contains(cores + " cores"), said);
        assertEquals(1, said.lines().count(), said);
    }

    @Test
    void availableMemoryIsPositiveAndNotAboveWhatTheMachineHas() {
        long memory = Threads.availableMemory();
        assertTrue(memory > 0);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        assertTrue(
                memory <= Math.max(os.getTotalMemorySize(), Runtime.getRuntime().maxMemory()),
                memory + " > " + os.getTotalMemorySize());
    }
}
