package io.xlat.control.cli;

import io.xlat.control.metrics.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** The {@code xlat} command: subcommands, help, version, and how errors become one line and an exit code. */
@Command(
    name = "xlat",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    header = "Stateless IPv4/IPv6 translator (SIIT, RFC 7915) with explicit address mappings (RFC 7757).",
    commandListHeading = "%nCommands:%n",
    subcommands = {CheckCommand.class, ReplayCommand.class, TestCommand.class, ExplainCommand.class,
        RoutesCommand.class, RunCommand.class, StatsCommand.class, ReloadCommand.class, DemoCommand.class,
        TraceCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  success",
        "  1  runtime failure (unreadable input, unwritable output, translator fault)",
        "  2  usage error or rejected configuration (nothing was done)",
        "",
        "Examples:",
        "  xlat check --config /etc/xlat/xlat.yaml",
        "  xlat replay --config xlat.yaml in.pcap out.pcap",
        "  xlat test my-corpus",
        "  xlat explain --config xlat.yaml 2001:db8:100:1::a00:2",
        "  xlat routes --config xlat.yaml",
        "  xlat replay --help",
        "",
        "Run 'xlat COMMAND --help' for the options and examples of a command."})
public final class Main implements Runnable {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
        description = "Print stack traces with errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: one of check, replay, test, explain, routes, run, stats, reload");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given streams; returns the exit code instead of exiting. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        final Main main = new Main();
        final CommandLine cli = new CommandLine(main);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(false);
        cli.setParameterExceptionHandler((e, ignored) -> {
            final CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            if (main.verbose) {
                e.printStackTrace(failed.getErr());
            }
            failed.getErr().flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, ignored) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": error: " + describe(e));
            if (main.verbose) {
                e.printStackTrace(failed.getErr());
            }
            failed.getErr().flush();
            return ExitCodes.FAILURE;
        });
        final String unknown = unknownCommand(cli, args);
        if (unknown != null) {
            // picocli would let --help win and print the general help with exit 0, hiding the typo
            err.println("xlat: unknown command '" + unknown + "' (commands: "
                + String.join(", ", cli.getSubcommands().keySet()) + "; see 'xlat --help')");
            err.flush();
            return ExitCodes.USAGE;
        }
        final int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The first word that is not an option, when it names no command; else null. */
    private static String unknownCommand(CommandLine cli, String... args) {
        for (final String arg : args) {
            if (!arg.startsWith("-")) {
                return cli.getSubcommands().containsKey(arg) ? null : arg;
            }
        }
        return null;
    }

    /** An exception as one line: its message, or its type when it has none. */
    static String describe(Throwable e) {
        final String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Whether {@code --verbose} was given anywhere on the command line. */
    boolean verbose() {
        return verbose;
    }

    /** The version and the Java runtime, for --version. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"xlat " + version(), "Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ")"};
        }

        static String version() {
            return BuildInfo.version();
        }
    }
}
