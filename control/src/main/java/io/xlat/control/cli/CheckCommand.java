package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.ConfigNotes;
import io.xlat.control.config.XlatConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code xlat check}: validates a configuration file and prints the effective configuration. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Validate a configuration file and print the effective configuration.",
    description = {
        "%nValidate a configuration file and print the effective configuration as YAML: every section and key, "
            + "with defaults filled in. The output is itself a valid configuration file.",
        "%nSections: translator (pool6, EAMT, RFC 7915 settings), tenants (instance prefixes), dataplane "
            + "(devices and workers) and bgp (the speaker). dataplane and bgp are checked now and take effect with "
            + "'xlat run'.",
        "%nBGP passwords are left out of the output (a comment marks each) unless --show-secrets is given.",
        "%nOn errors, print every problem as FILE:LINE:COL: message, apply nothing and exit 2. Combinations "
            + "that work but may surprise (lowest-ipv6-mtu above ipv6-mtu) are printed as notes on stderr.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat check --config /etc/xlat/xlat.yaml",
        "  xlat check -c xlat.yaml > effective.yaml && xlat check -c effective.yaml",
        "",
        "A minimal file (everything else has a default):",
        "  translator:",
        "    pool6: 2001:db8:64::/96",
        "    eamt:",
        "      - {ipv4: 192.0.2.0/24, ipv6: \"2001:db8:2::/120\"}"})
final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "The YAML configuration file to check.")
    Path config;

    @Option(names = "--show-secrets", description = "Print BGP passwords too, so that the output reads back to "
        + "the same configuration.")
    boolean showSecrets;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final XlatConfig effective;
        try {
            effective = ConfigLoader.load(config);
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, spec.commandLine().getErr());
        }
        spec.commandLine().getOut().print("# effective configuration of " + config + " (defaults filled in)\n"
            + effective.toYaml(showSecrets));
        spec.commandLine().getOut().flush();
        // notes go to stderr: stdout stays a configuration file that reads back the same
        for (final String note : ConfigNotes.of(effective)) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": note: " + config + ": " + note);
        }
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }
}
