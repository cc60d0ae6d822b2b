package org.lrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine} and {@code --master} where lrid-spark is not on the classpath (lrid-core's own
 * tests never have it): one line that says how to get it, exit 2, nothing written.
 */
class EngineOptionTest {

    @TempDir Path dir;

    private static final String SPEC =
            """
            steps: 4
            checkpoints: 2
            rules: [sgdm]
            architectures: [{family: mlp, width: 16, depth: 2}]
            tasks: [gaussian-mixture]
            batch_sizes: [32]
            seeds: [0]
            task_options: {train_limit: 200, test_limit: 50}
            """;

    private void assertRefused(String expected, String... extra) throws Exception {
        Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
        Path out = dir.resolve("data");
        String[] args = new String[3 + extra.length];
        args[0] = "simulate";
        args[1] = spec.toString();
        args[2] = "--out=" + out;
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).startsWith("lrid: error: "), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void sparkWithoutTheModuleSaysHowToGetIt() throws Exception {
        assertRefused(
                "--engine spark needs the lrid-spark module on the classpath",
                "--engine",
                "spark",
                "--master",
                "local[2]");
    }

    @Test
    void anUnknownEngineAndAMasterWithoutSparkAreRefused() throws Exception {
        assertRefused("unknown --engine flink; choose one of [local]", "--engine", "flink");
        assertRefused("--master local[2] needs an engine that has one", "--master", "local[2]");
    }

    @Test
    void theLocalEngineStillRunsByDefault() throws Exception {
        Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
        CliTest.Run r =
                CliTest.run(
                        "simulate",
                        spec.toString(),
                        "--out",
                        dir.resolve("ok").toString(),
                        "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 trained"), r.out());
    }
}
