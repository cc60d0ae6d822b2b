package org.lrid.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrid.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write one self-contained HTML report (charts embedded) from an identification results file.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS", description = "Results file written by 'lrid identify'.")
    Path results;

    @Option(
            names = "--out",
            defaultValue = "report.html",
            description = "HTML file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        int charts = HtmlReport.write(results, out, null);
        System.out.println("report: " + out.toAbsolutePath() + " (" + charts + " charts)");
        return 0;
    }
}
