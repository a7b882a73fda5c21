package io.xlat.control.cli;

import io.xlat.control.demo.Console;
import io.xlat.control.demo.Demo;
import io.xlat.control.demo.DemoSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat demo}: the whole system on one machine, in network namespaces it creates and removes. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Run the whole system on this machine: a BGP fabric, two hosts, overlapping tenants.",
    description = {
        "%nBuilds, in network namespaces of its own (" + DemoSettings.DEFAULT_PREFIX + "tor, "
            + DemoSettings.DEFAULT_PREFIX + "host1, ...): a ToR running BIRD 2, two hosts each running "
            + "'xlat run' with a configuration file the demo writes (and prints the path of), tenants blue and "
            + "red on both hosts with the same IPv4 addresses, and an IPv6-only HTTP service. Then it checks, "
            + "step by step, printing for each the command you can re-run and what it showed: BGP and the "
            + "aggregated prefixes on the ToR; ping, TCP and UDP within each tenant; isolation between them; "
            + "a fabric capture decoded by 'xlat explain --pcap'; the IPv6-only service reached over IPv4; a "
            + "TCP transfer surviving 'kill -9' of a translator; and a stopped host withdrawn within 1 s.",
        "%n--ecmp runs the scale-out scenario instead: two translators announce the same DC-SIIT prefixes, "
            + "the ToR holds a 2-way ECMP route, one is killed and the clients keep working.",
        "%nNothing outside its namespaces changes (no host routes, sysctls or devices); they are removed at "
            + "the end, on failure and on Ctrl-C. The files stay in --dir. Needs root, iproute2, BIRD 2, "
            + "python3, ping and tcpdump (scripts/install-deps installs them); it refuses to start without them "
            + "or when its namespaces exist already.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat demo",
        "  xlat demo --ecmp",
        "  xlat demo --keep       # then: ip netns exec " + DemoSettings.DEFAULT_PREFIX + "blue1 ping 10.0.0.129",
        "  xlat demo --down",
        "",
        "Exit code 0 when every step passed, 1 when one failed or the demo could not start."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--ecmp", description = "Two translators behind one 2-way ECMP route; one is killed.")
    boolean ecmp;

    @Option(names = "--keep", description = "Leave the topology up at the end and print commands to explore it.")
    boolean keep;

    @Option(names = "--down", description = "Remove a topology left up by --keep, and exit.")
    boolean down;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the configuration files, logs and "
        + "captures go (default: ${DEFAULT-VALUE}).", defaultValue = "/run/xlat-demo")
    Path dir;

    @Option(names = "--namespace-prefix", paramLabel = "PREFIX", defaultValue = DemoSettings.DEFAULT_PREFIX,
        description = "What every namespace name starts with (default: ${DEFAULT-VALUE}), to run beside "
            + "another demo.")
    String prefix;

    @Option(names = "--no-color", description = "No colours, even on a terminal (NO_COLOR does the same).")
    boolean noColor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
            err.println("xlat demo: --namespace-prefix may hold letters, digits, '_', '.' and '-' only");
            return ExitCodes.USAGE;
        }
        final boolean colour = !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
        final DemoSettings settings = DemoSettings.of(prefix, dir, ecmp, keep, colour);
        if (down) {
            if (!Demo.root()) {
                err.println("xlat demo --down: it needs root, as the demo does");
                return ExitCodes.FAILURE;
            }
            final List<String> removed = Demo.down(settings);
            out.println(removed.isEmpty() ? "xlat demo --down: no demo namespaces here"
                : "xlat demo --down: removed " + String.join(", ", removed));
            return ExitCodes.OK;
        }
        final Demo.Outcome outcome = new Demo(settings, new Console(out, colour)).run();
        return outcome.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
