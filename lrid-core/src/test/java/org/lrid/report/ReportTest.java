package org.lrid.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;
import org.lrid.cli.Main;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/** The report from a real (small) sweep and identification, and how a browser sees it. */
class ReportTest {

    @TempDir static Path dir;

    static Path results;
    static Path report;
    static int charts;

    @BeforeAll
    static void experiment() throws Exception {
        Path spec =
                Files.writeString(
                        dir.resolve("s.yaml"),
                        """
                steps: 120
                checkpoints: 6
                rules: [sgdm, adam, fa]
                architectures: [{family: mlp, width: 16, depth: 2}, {family: mlp, width: 24, depth: 2}]
                tasks: [gaussian-mixture]
                batch_sizes: [32]
                seeds: [0, 1, 2]
                conditions: [{fraction: 0.5, sigma: 0.0, seed: 1}, {fraction: 1.0, sigma: 0.5, seed: 2}]
                task_options: {train_limit: 2000, test_limit: 300}
                """);
        Path data = dir.resolve("data");
        new SweepRunner(data, 2, "test").run(SweepSpec.read(spec), null);
        results = dir.resolve("results.json");
        assertEquals(
                0,
                Main.execute(
                        "identify",
                        data.toString(),
                        "--experiment",
                        "all",
                        "--quick",
                        "--splits",
                        "2",
                        "--classifiers",
                        "rf",
                        "--observables",
                        "weight,all",
                        "--rules",
                        "sgdm,fa",
                        "--out",
                        results.toString()));
        report = dir.resolve("report.html");
        charts = HtmlReport.write(results, report, "test");
    }

    @Test
    void everySectionHasItsCharts() throws Exception {
        String html = Files.readString(report);
        // learning curves 1, trajectories 3, accuracy bars 1, confusion 1, subsampling 2, noise 2,
        // importance 2,
        // reliability 4 (2 separability cells, 2 generalize cells on all: one per held-out
        // architecture), and one chart per diagnostic that the trainer filled in (for layers above
        // the first)
        assertEquals(12 + 4 + diagnosticCharts(dir.resolve("data")), charts);
        Matcher m =
                Pattern.compile(
                                "<img class=\"chart\" alt=\"[^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                        .matcher(html);
        int found = 0;
        while (m.find()) {
            byte[] png = java.util.Base64.getDecoder().decode(m.group(1));
            assertTrue(
                    png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
                    "chart " + found);
            found++;
        }
        assertEquals(charts, found);
        for (String section :
                List.of(
                        "The experiment",
                        "Learning curves",
                        "Can the rules be told apart?",
                        "Which rules get confused",
                        "Generalisation",
                        "How many measurements",
                        "Recording fewer units",
                        "Which statistics matter",
                        "Are the probabilities honest?",
                        "Provenance")) {
            assertTrue(html.contains(section), section);
        }
        assertTrue(html.contains("class=\"reading\""));
        assertFalse(html.contains("Recurrent circuits"), "no rnn runs, no recurrent section");
        assertTrue(
                !html.contains("http://") && !html.contains("https://"),
                "the report must not load anything");
    }

    @Test
    void everyCellsReliabilityCurveIsDrawnFromTheResultsFile() throws Exception {
        String html = Files.readString(report);
        com.fasterxml.jackson.databind.JsonNode r =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(results.toFile());
        List<com.fasterxml.jackson.databind.JsonNode> expected = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode c : r.get("cells")) {
            String e = c.get("experiment").asText();
            if (e.equals("separability")
                    || (e.equals("generalize") && c.get("observables").asText().equals("all"))) {
                expected.add(c);
            }
        }
        assertTrue(expected.size() >= 4, "cells to draw: " + expected.size());
        Matcher m =
                Pattern.compile(
                                "<img class=\"chart\" alt=\"reliability [^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                        .matcher(html);
        int found = 0;
        while (m.find()) {
            byte[] png = java.util.Base64.getDecoder().decode(m.group(1));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
            found++;
        }
        assertEquals(expected.size(), found);
        // the charts sit in their own section, after its explanation
        int section = html.indexOf("Are the probabilities honest?");
        assertTrue(section > 0 && html.indexOf("alt=\"reliability ") > section);
        // the points drawn are the stored non-empty bins: confidence and accuracy as written
        for (com.fasterxml.jackson.databind.JsonNode c : expected) {
            for (String key : List.of("reliability", "reliability_calibrated")) {
                double[][] points = HtmlReport.curve(c.get(key));
                int k = 0;
                int rows = 0;
                for (com.fasterxml.jackson.databind.JsonNode bin : c.get(key)) {
                    if (bin.get("rows").asInt() > 0) {
                        assertEquals(bin.get("confidence").asDouble(), points[0][k], 0);
                        assertEquals(bin.get("accuracy").asDouble(), points[1][k], 0);
                        k++;
                    }
                    rows += bin.get("rows").asInt();
                }
                assertEquals(k, points[0].length);
                assertTrue(rows > 0, key);
            }
        }
    }

    /**
     * 1 per diagnostic column with a value above the first layer, counted in the dataset itself.
     */
    private static int diagnosticCharts(Path data) throws Exception {
        int n = 0;
        for (String d : org.lrid.store.DatasetSchema.DIAGNOSTICS) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                    java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet r =
                            s.executeQuery(
                                    "SELECT count("
                                            + d
                                            + ") FROM "
                                            + org.lrid.store.DatasetSchema.committedTrajectories(
                                                    data)
                                            + " t WHERE layer > 0")) {
                r.next();
                n += r.getLong(1) > 0 ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void theDiagnosticsSectionPlotsAndReadsTheStoredAnglesAboveTheFirstLayer() throws Exception {
        // a dataset with known diagnostics: 3 layers, 3 checkpoints; layer 0 is left out of the
        // means
        Path data = dir.resolve("diag-data");
        List<String> obs = org.lrid.observe.Observables.ALL;
        org.lrid.store.TrajectoryStore store = new org.lrid.store.TrajectoryStore(data, obs);
        // final-checkpoint values of layers 1 and 2: cos (ia 0.8, 1.0 -> 0.90; fa 0.1, 0.0 -> 0.05;
        // sgdm none),
        // angle (ia 30, 50 -> 40; fa 80, 90 -> 85; sgdm 0)
        double[][] cos = {{0.8, 1.0}, {0.1, 0.0}, {Double.NaN, Double.NaN}};
        double[][] angle = {{30, 50}, {80, 90}, {0, 0}};
        String[] rules = {"ia", "fa", "sgdm"};
        for (int i = 0; i < rules.length; i++) {
            List<org.lrid.store.TrajectoryRow> rows = new java.util.ArrayList<>();
            for (int layer = 0; layer < 3; layer++) {
                for (int k = 0; k < 3; k++) {
                    double c = layer == 0 ? -1 : k == 2 ? cos[i][layer - 1] : 0.5;
                    double a = layer == 0 ? 170 : k == 2 ? angle[i][layer - 1] : 60;
                    rows.add(
                            new org.lrid.store.TrajectoryRow(
                                    layer,
                                    "early",
                                    k,
                                    10 * k,
                                    1,
                                    0,
                                    0,
                                    1,
                                    0.5,
                                    new double[obs.size()],
                                    Double.isNaN(cos[i][0]) ? Double.NaN : c,
                                    a));
                }
            }
            store.write(
                    new org.lrid.store.RunRecord(
                            "run" + i,
                            rules[i],
                            "x",
                            "momentum",
                            "{}",
                            0.01,
                            "mlp",
                            "mlp",
                            8,
                            3,
                            1.0,
                            "gaussian-mixture",
                            8,
                            20,
                            20,
                            i,
                            0,
                            0,
                            0,
                            false,
                            null,
                            1,
                            0.5,
                            "test_accuracy",
                            "test"),
                    rows);
        }
        Path res =
                Files.writeString(
                        dir.resolve("diag.json"),
                        "{\"experiment\": \"separability\", \"dataset\": \""
                                + data.toAbsolutePath().toString().replace("\\", "/")
                                + "\", \"cells\": []}");
        Path html = dir.resolve("diag.html");
        HtmlReport.write(res, html, "test");
        String text = Files.readString(html);
        assertTrue(text.contains("Do the rules do what they claim?"), "section");
        assertTrue(text.contains("alt=\"feedback alignment during training\""), "cos chart");
        assertTrue(text.contains("alt=\"update angle during training\""), "angle chart");
        assertTrue(text.contains("cos(W, B) is 0.05 for fa, 0.90 for ia."), "cos reading");
        assertTrue(
                text.contains(
                                "B aligned with W (cos &gt;= 0.5) for ia; it stayed near random (cos &lt; 0.2) for fa")
                        || text.contains(
                                "B aligned with W (cos >= 0.5) for ia; it stayed near random (cos < 0.2) for fa"),
                "cos verdict");
        assertTrue(
                text.contains("85 degrees for fa, 40 degrees for ia, 0 degrees for sgdm"),
                "angle reading");
        assertFalse(text.contains("sgdm, 0.") || text.contains("for sgdm, "), "sgdm has no B");
    }

    @Test
    void missingAndForeignResultsFilesAreRefused() throws Exception {
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        HtmlReport.write(
                                                dir.resolve("none.json"),
                                                dir.resolve("r.html"),
                                                null))
                        .getMessage()
                        .startsWith("no results file"));
        Path foreign = Files.writeString(dir.resolve("foreign.json"), "{\"name\": \"not lrid\"}");
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> HtmlReport.write(foreign, dir.resolve("r.html"), null))
                        .getMessage()
                        .contains("is not an lrid results file"));
        assertTrue(Files.notExists(dir.resolve("r.html")));
    }

    /** Opens the report in headless Chromium when it is installed (.ci/run installs it). */
    @Test
    void chromiumRendersEveryChartWithoutErrors() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
        Path profile = Files.createDirectories(dir.resolve("profile"));
        List<String> flags =
                List.of(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        "--enable-logging=stderr",
                        "--v=0");
        // the DOM after load: every chart image decoded by the browser has a natural width
        Path js =
                Files.writeString(
                        dir.resolve("check.html"),
                        "<html><body><script>"
                                + "var f=document.createElement('iframe');f.src='"
                                + report.toUri()
                                + "';"
                                + "f.onload=function(){var imgs=f.contentDocument.querySelectorAll('img.chart');var ok=0;"
                                + "imgs.forEach(function(i){if(i.complete&&i.naturalWidth>0)ok++;});"
                                + "document.title='charts '+imgs.length+' decoded '+ok;};document.body.appendChild(f);</script></body></html>");
        String dom =
                run(
                        flags,
                        "--allow-file-access-from-files",
                        "--virtual-time-budget=5000",
                        "--dump-dom",
                        js.toUri().toString());
        assertTrue(
                dom.contains("<title>charts " + charts + " decoded " + charts + "</title>"),
                dom.lines().findFirst().orElse(""));
        Path shot = dir.resolve("report.png");
        String log =
                run(
                        flags,
                        "--window-size=1100,2400",
                        "--screenshot=" + shot,
                        report.toUri().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot");
        assertTrue(
                log.lines()
                        .noneMatch(l -> l.contains("CONSOLE") && l.toLowerCase().contains("error")),
                log);
    }

    private static String run(List<String> flags, String... more) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(flags);
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return out;
    }
}
