package org.lrid;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Versions as the build made them: lrid's own (from the POM), the git commit it was built from
 * (when there is one), and the libraries that decide its numbers. The one place every reader (CLI,
 * stored runs, saved models, results, report) takes them from.
 */
public final class Provenance {

    private static final Properties BUILD = load();

    /** lrid's version, from the POM. */
    public static final String VERSION = BUILD.getProperty("lrid.version", "unknown");

    private Provenance() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/org/lrid/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // an unreadable resource leaves every version "unknown", which the report shows as such
        }
        return p;
    }

    /**
     * The git commit the build was made from, with "-dirty" when the tree had changes, or
     * "unknown".
     */
    public static String commit() {
        String c = BUILD.getProperty("git.commit.id.abbrev", "");
        if (c.isEmpty() || c.startsWith("${")) {
            return "unknown";
        }
        return "true".equals(BUILD.getProperty("git.dirty")) ? c + "-dirty" : c;
    }

    /** lrid, its commit, Java and each library that decides lrid's numbers, with their versions. */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("lrid", VERSION);
        v.put("commit", commit());
        v.put("java", System.getProperty("java.version"));
        for (String lib : new String[] {"djl", "pytorch", "duckdb", "jackson", "xchart"}) {
            v.put(lib, BUILD.getProperty(lib + ".version", "unknown"));
        }
        return v;
    }

    /**
     * The machine's CPU model (Linux's /proc/cpuinfo "model name", else the JVM's architecture),
     * for benchmark figures, which mean little without it.
     */
    public static String cpu() {
        try (java.util.stream.Stream<String> lines =
                java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
    }

    /** One line for a report: "lrid 0.2.0 (commit abc1234), Java 17, DJL 0.35.1, ...". */
    public static String summary() {
        Map<String, String> v = versions();
        return "lrid "
                + v.get("lrid")
                + " (commit "
                + v.get("commit")
                + "), Java "
                + v.get("java")
                + ", DJL "
                + v.get("djl")
                + " with PyTorch "
                + v.get("pytorch")
                + " (CPU), DuckDB "
                + v.get("duckdb")
                + ", Jackson "
                + v.get("jackson")
                + ", XChart "
                + v.get("xchart");
    }
}
