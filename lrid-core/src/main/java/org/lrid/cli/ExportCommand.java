package org.lrid.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrid.AtomicFiles;
import org.lrid.LridException;
import org.lrid.observe.Observables;
import org.lrid.store.Condition;
import org.lrid.store.LongFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Write a dataset's trajectories in the long format that 'lrid predict' reads (CSV or Parquet).")
final class ExportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Dataset directory written by 'lrid simulate'.")
    Path dir;

    @Option(
            names = "--format",
            defaultValue = "long",
            description = "Only 'long' for now (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", required = true, description = "Output file, .csv or .parquet.")
    Path out;

    @Option(
            names = "--observables",
            defaultValue = "all",
            description = "Observable selection (default: ${DEFAULT-VALUE}, the 45).")
    String observables;

    @Option(
            names = "--unit-fraction",
            defaultValue = "1",
            description = "Recording condition (default: ${DEFAULT-VALUE}).")
    double unitFraction;

    @Option(
            names = "--noise-sigma",
            defaultValue = "0",
            description = "Recording condition (default: ${DEFAULT-VALUE}).")
    double noiseSigma;

    @Option(
            names = "--condition-seed",
            description =
                    "Recording condition's seed; needed when the dataset has"
                            + " several conditions with this fraction and sigma ('lrid inspect' lists them).")
    Long conditionSeed;

    @Override
    public Integer call() {
        if (!format.equals("long")) {
            throw new LridException("--format takes 'long', got '" + format + "'");
        }
        AtomicFiles.checkOutput(out, "--out");
        List<String> names = Observables.select(observables);
        Condition condition = Condition.resolve(dir, unitFraction, noiseSigma, conditionSeed);
        long rows = LongFormat.export(dir, out, names, condition);
        System.out.println(rows + " rows -> " + out);
        return 0;
    }
}
