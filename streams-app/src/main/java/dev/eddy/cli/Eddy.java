package dev.eddy.cli;

import dev.eddy.app.RunCommand;
import dev.eddy.demo.DemoCommand;
import dev.eddy.demo.StreamCommand;
import dev.eddy.evaluate.EvaluateCommand;
import dev.eddy.lifecycle.ExportCommand;
import dev.eddy.lifecycle.PredictCommand;
import dev.eddy.lifecycle.PruneCommand;
import dev.eddy.lifecycle.SnapshotsCommand;
import dev.eddy.report.LrFindCommand;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code eddy} command line: continuous neural-network training on Kafka. */
@Command(
        name = "eddy",
        mixinStandardHelpOptions = true,
        versionProvider = Eddy.Version.class,
        description = "Continuous neural-network training on Kafka.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            BrokerCommand.class,
            TopicsCommand.class,
            ProduceCommand.class,
            StreamCommand.class,
            SnapshotsCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            PruneCommand.class,
            LrFindCommand.class,
            EvaluateCommand.class
        })
public final class Eddy implements Runnable {

    /** Exit code of a command that ran and failed (bad input file, a record not written). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a command line that could not be parsed. */
    public static final int EXIT_USAGE = 2;
    /** Columns of the help: the descriptions' lines are written to fit it. */
    static final int USAGE_HELP_WIDTH = 120;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static boolean verbose;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Log Kafka's and Eddy's informational messages (quiet by default).")
    void setVerbose(boolean value) {
        // slf4j-simple reads these when the first logger is created, i.e. after parsing.
        if (value) {
            verbose = true;
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "info");
        }
    }

    static boolean verbose() {
        return verbose;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "missing command: choose one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Eddy())
                // the descriptions are written in lines of up to this width: picocli's default, 80, would wrap them
                // in the middle (set here, after the subcommands are registered, so that it reaches them)
                .setUsageHelpWidth(USAGE_HELP_WIDTH)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Eddy::usageError)
                .setExecutionExceptionHandler(Eddy::failure);
        return commandLine.execute(args);
    }

    /** A bad command line: one line naming the problem, one pointing to the help. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** A command that failed while running: its message, the stack trace only with --verbose. */
    private static int failure(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": error: " + message(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /**
     * The message of {@code e} and of its causes, each once: a Kafka client that cannot be built says only "Failed to
     * create new KafkaAdminClient", and why (an unresolvable bootstrap address, a JAAS entry without its ';', a
     * truststore that is not there) is in its cause.
     */
    static String message(Throwable e) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = e; t != null && message.length() < 2_000; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof NoSuchFileException
                    ? "file not found: " + t.getMessage()
                    : t.getMessage() != null ? t.getMessage() : t.toString();
            if (message.indexOf(m) < 0) {
                message.append(message.length() == 0 ? "" : ": ").append(m);
            }
        }
        return message.toString();
    }

    /** The version from the jar manifest, when run from the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Eddy.class.getPackage().getImplementationVersion();
            return new String[] {"eddy " + (version == null ? "(development build)" : version)};
        }
    }
}
