package org.lrid.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.cli.Main;
import org.lrid.store.DatasetSchema;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/**
 * The report's recurrent section from a real (tiny) recurrent sweep with a non-default leak: the
 * per-task score table of every rule and the confusion among the recurrent rules. (ReportTest's
 * feed-forward dataset checks that the section is left out without rnn runs.)
 */
class RecurrentReportTest {

    @TempDir Path dir;

    @Test
    void aRecurrentZooGetsItsScoreTableAndConfusion() throws Exception {
        Path spec =
                Files.writeString(
                        dir.resolve("r.yaml"),
                        """
                steps: 40
                checkpoints: 4
                rules: [bptt, rflo, wp]
                architectures: [{family: rnn, width: 8, alpha: 0.5}]
                tasks: [pattern, reach]
                batch_sizes: [16]
                seeds: [0, 1, 2]
                """);
        Path data = dir.resolve("data");
        new SweepRunner(data, 1, "test").run(SweepSpec.read(spec), null);
        // the leak is stored in the architecture's id (and so hashed into the run id)
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT string_agg(DISTINCT arch, ','), count(*) FROM "
                                        + DatasetSchema.runTable(data))) {
            r.next();
            assertEquals("rnn-w8-d1-tanh-a0.5", r.getString(1));
            assertEquals(18, r.getInt(2));
        }
        Path results = dir.resolve("results.json");
        assertEquals(
                0,
                Main.execute(
                        "identify",
                        data.toString(),
                        "--quick",
                        "--splits",
                        "2",
                        "--classifiers",
                        "rf",
                        "--observables",
                        "all",
                        "--out",
                        results.toString()));
        Path report = dir.resolve("report.html");
        HtmlReport.write(results, report, "test");
        String html = Files.readString(report);
        int at = html.indexOf("Recurrent circuits</h2>");
        assertTrue(at > 0, "the recurrent section");
        String section = html.substring(at, html.indexOf("<h2", at));
        assertTrue(section.contains("<th>pattern (test_r2)</th>"), section);
        assertTrue(section.contains("<th>reach (test_r2)</th>"), section);
        for (String rule : new String[] {"bptt", "rflo", "wp"}) {
            assertTrue(section.contains("<tr><td>" + rule + "</td>"), rule);
        }
        assertTrue(section.contains("(3)"), "three networks per rule and task");
        assertTrue(section.contains("alt=\"confusion matrix of the recurrent rules\""));
    }
}
