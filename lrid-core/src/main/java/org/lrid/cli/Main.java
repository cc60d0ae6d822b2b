package org.lrid.cli;

import java.io.PrintWriter;
import org.lrid.LridException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lrid} command. Errors the user can fix print one line and exit 2. */
@Command(
        name = "lrid",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Virtual experiments that identify learning rules from neural-network observables.",
        subcommands = {
            TrainCommand.class,
            RulesCommand.class,
            SimulateCommand.class,
            EstimateCommand.class,
            InspectCommand.class,
            IdentifyCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            ReportCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(
                (ex, a) -> {
                    PrintWriter err = ex.getCommandLine().getErr();
                    err.println(
                            "lrid: error: "
                                    + ex.getMessage()
                                    + " (see '"
                                    + ex.getCommandLine().getCommandSpec().qualifiedName()
                                    + " --help')");
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    Throwable t = ex;
                    while (!(t instanceof LridException)
                            && t.getCause() != null
                            && t.getCause() != t) {
                        t = t.getCause();
                    }
                    if (t instanceof LridException) {
                        commandLine.getErr().println("lrid: error: " + t.getMessage());
                        return 2;
                    }
                    throw ex;
                });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "lrid "
                        + org.lrid.Provenance.VERSION
                        + " (commit "
                        + org.lrid.Provenance.commit()
                        + ")"
            };
        }
    }
}
