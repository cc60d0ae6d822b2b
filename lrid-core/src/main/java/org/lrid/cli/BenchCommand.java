package org.lrid.cli;

import picocli.CommandLine.Command;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of whole-pipeline throughput.",
        subcommands = {
            BenchTrainCommand.class,
            BenchObserveCommand.class,
            BenchZooCommand.class,
            BenchIdentifyCommand.class
        })
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
