package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.replay.PcapReplay;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code xlat replay}: translates the packets of a capture file offline. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Translate the packets of a pcap file offline.",
    description = {
        "%nTranslate every IPv4/IPv6 packet of IN.pcap, in order, and write everything the translator emits "
            + "to OUT.pcap: the translated packets and the ICMP errors it originates, as raw IP (link type 101), "
            + "each with the timestamp of the input packet it came from. The timestamps also drive the ICMP error rate "
            + "limit.",
        "%nInput: classic pcap (either byte order, micro- or nanosecond timestamps; not pcapng) with link type "
            + "raw IP (101, 228, 229), Ethernet (1, with 802.1Q/802.1ad tags) or Linux cooked capture (113, 276). "
            + "Frames that do not carry IP (ARP, LLDP...) are skipped and counted.",
        "%nTenants: IPv6 packets are given to the tenant whose instance prefix holds their destination, the "
            + "others to the global translator (pool6, EAMT). IPv4 packets go to the global translator, or with "
            + "--tenant NAME to tenant NAME, as if they had come in on its device.",
        "%nPrints a summary: packets in and out, ICMP errors originated, skipped frames and drops per reason (all "
            + "tenants and the global translator together), then the counters of each tenant that saw traffic. "
            + "If the replay fails, OUT.pcap is removed rather than left half-written.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat replay --config xlat.yaml capture.pcap translated.pcap",
        "  xlat replay -c xlat.yaml in.pcap out.pcap && tcpdump -nr out.pcap",
        "  xlat replay -c tenants.yaml --tenant blue from-blue.pcap to-fabric.pcap",
        "",
        "Exit code 1 when a file cannot be read or written, 2 when the configuration is rejected."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "The YAML configuration file. Default: built-in defaults, which map no address "
            + "(every packet is then dropped as no-mapping).")
    Path config;

    @Option(names = {"-t", "--tenant"}, paramLabel = "NAME",
        description = "Attribute the IPv4 packets of IN.pcap to this tenant of the configuration (its prefix is "
            + "prepended to both addresses, its source ranges are enforced). IPv6 packets are attributed by "
            + "destination prefix whatever this says.")
    String tenant;

    @Parameters(index = "0", paramLabel = "IN.pcap", description = "The capture to translate.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.pcap", description = "Where to write the result (replaced if it exists).")
    Path output;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final String name = spec.qualifiedName();
        final XlatConfig xlatConfig;
        try {
            xlatConfig = config == null ? XlatConfig.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            return ConfigErrors.report(name, e, err);
        }
        final TenantTable tenants;
        try {
            tenants = new TenantTable(xlatConfig.tenants());
        } catch (RuntimeException e) {
            return fail(name, "cannot build the tenant table: " + Main.describe(e), e);
        }
        final Tenant from = tenant == null ? null : tenants.byName(tenant);
        if (tenant != null && from == null) {
            err.println(name + ": " + unknownTenant(tenant, tenants, config));
            err.flush();
            return ExitCodes.USAGE;
        }
        if (sameFile(input, output)) {
            err.println(name + ": OUT.pcap must differ from IN.pcap (" + output + ")");
            return ExitCodes.USAGE;
        }
        if (!Files.exists(input)) {
            // checked before the output is created, so that a typo in IN does not clobber OUT
            err.println(name + ": error: " + input + ": no such file");
            return ExitCodes.FAILURE;
        }
        try {
            PcapReplay.open(input).close();
        } catch (IOException e) {
            return fail(name, describe(e), e);
        }
        final Translator translator;
        try {
            translator = new Translator(xlatConfig.translator(), new DropCounters());
            translator.tenants(tenants);
        } catch (RuntimeException e) {
            return fail(name, "cannot create the translator: " + Main.describe(e), e);
        }
        final PcapReplay.Summary summary;
        try {
            summary = PcapReplay.replay(input, output, from == null ? PcapReplay.translatorStep(translator)
                : PcapReplay.tenantStep(translator, from.index()));
        } catch (IOException e) {
            return fail(name, describe(e), e);
        }
        print(summary, translator, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** The message for a {@code --tenant} name the configuration does not have, listing the ones it has. */
    static String unknownTenant(String tenant, TenantTable tenants, Path config) {
        if (tenants.size() == 0) {
            return "unknown tenant '" + tenant + "': " + (config == null ? "no --config given"
                : config + " configures no tenants");
        }
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < tenants.size() && i < 10; i++) {
            names.add(tenants.get(i).name());
        }
        return "unknown tenant '" + tenant + "' (" + config + " has " + String.join(", ", names)
            + (tenants.size() > 10 ? " and " + (tenants.size() - 10) + " more" : "") + ")";
    }

    private int fail(String name, String message, Throwable e) {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(name + ": error: " + message);
        if (main != null && main.verbose()) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            return false;
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** I/O exceptions as "path: what went wrong"; see {@link IoErrors#describe}. */
    static String describe(IOException e) {
        return IoErrors.describe(e);
    }

    static void print(PcapReplay.Summary s, Translator translator, PrintWriter out) {
        final DropCounters total = new DropCounters();
        total.add(translator.counters());
        final TenantTable tenants = translator.tenants();
        for (int i = 0; i < tenants.size(); i++) {
            total.add(translator.tenantCounters(i));
        }
        print(s, total, out);
        for (int i = 0; i < tenants.size(); i++) {
            final DropCounters c = translator.tenantCounters(i);
            if (c.translated46Count() + c.translated64Count() + c.totalDrops() + c.icmpErrorsSentCount() == 0) {
                continue; // thousands of tenants, a capture of one: print the ones that saw traffic
            }
            out.println("tenant " + tenants.get(i).name());
            line(out, "  packets 4->6", c.translated46Count());
            line(out, "  bytes 4->6", c.bytes46());
            line(out, "  packets 6->4", c.translated64Count());
            line(out, "  bytes 6->4", c.bytes64());
            if (c.icmpErrorsSentCount() > 0) {
                line(out, "  icmp errors sent", c.icmpErrorsSentCount());
            }
            line(out, "  dropped", c.totalDrops());
            for (final DropReason reason : DropReason.values()) {
                final long n = c.drops(reason);
                if (n > 0) {
                    line(out, "    " + reason.label(), n);
                }
            }
        }
        out.flush();
    }

    static void print(PcapReplay.Summary s, DropCounters counters, PrintWriter out) {
        final double seconds = s.nanos / 1e9;
        line(out, "packets in", s.packetsIn);
        line(out, "packets out", s.packetsOut());
        line(out, "  translated", s.translatedOut);
        line(out, "  icmp errors sent", s.icmpErrorsOut);
        line(out, "skipped", s.skipped());
        if (s.skippedNotIp > 0) {
            line(out, "  not-ip", s.skippedNotIp);
        }
        if (s.skippedTruncatedLinkHeader > 0) {
            line(out, "  truncated-link", s.skippedTruncatedLinkHeader);
        }
        if (s.skippedTooLong > 0) {
            line(out, "  too-long", s.skippedTooLong);
        }
        line(out, "dropped", counters.totalDrops());
        for (final DropReason reason : DropReason.values()) {
            final long n = counters.drops(reason);
            if (n > 0) {
                line(out, "  " + reason.label(), n);
            }
        }
        out.printf(Locale.ROOT, "%-" + LABEL_WIDTH + "s %.3f s (%.0f packets/s)%n", "time", seconds,
            seconds > 0 ? s.packetsIn / seconds : 0.0);
        out.flush();
    }

    /** Wide enough for the longest drop label under a tenant, so that the numbers line up. */
    static final int LABEL_WIDTH = labelWidth();

    private static int labelWidth() {
        int width = 20;
        for (final DropReason reason : DropReason.values()) {
            width = Math.max(width, reason.label().length() + 5);
        }
        return width;
    }

    private static void line(PrintWriter out, String label, long value) {
        out.printf(Locale.ROOT, "%-" + LABEL_WIDTH + "s %d%n", label, value);
    }
}
