package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.run.ReloadRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code xlat reload}: asks a running xlat to re-read its configuration (the same as {@code kill -HUP}). */
@Command(name = "reload",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Ask a running xlat to re-read its configuration.",
    description = {
        "%nValidate the configuration file first (and stop with its errors, exit 2, if it is rejected), then send "
            + "SIGHUP to the xlat that writes the file's dataplane.counters-file. The running instance re-reads "
            + "the file it was started with, validates it again and swaps its translator section and tenant table "
            + "atomically (each worker between two batches): tenants that did not change keep forwarding and "
            + "their counters; managed routes and BGP announcements follow. An invalid file is rejected in its log "
            + "and the old configuration keeps running. Changes to the dataplane section (devices, workers, "
            + "counters file, manage-routes) and to the BGP peers, asn, router-id and hold-time take effect at "
            + "the next restart.",
        ""},
    footer = {"%nExamples:",
        "  xlat reload --config /etc/xlat/xlat.yaml",
        "  xlat reload --counters-file /run/xlat/counters",
        "",
        "Exit code 1 when no running xlat can be signalled, 2 when the configuration is rejected."})
final class ReloadCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "The configuration the running xlat was started with: checked here first, and its "
            + "dataplane.counters-file tells which xlat to signal.")
    Path config;

    @Option(names = "--counters-file", paramLabel = "FILE",
        description = "Signal the xlat that writes this counters file, without checking a configuration.")
    Path countersFile;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (config != null && countersFile != null) {
            throw new ParameterException(spec.commandLine(), "give --config or --counters-file, not both");
        }
        final Path path;
        try {
            path = StatsCommand.countersFile(config, countersFile);
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, err);
        }
        try {
            final long pid = ReloadRequest.send(path);
            out.println("sent SIGHUP to xlat pid " + pid + " (" + path + "); its log says whether it applied the file");
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": error: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
    }
}
