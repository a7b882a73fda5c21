package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.compare.CaptureComparison;
import io.xlat.control.compare.CapturedPacket;
import io.xlat.control.compare.IgnoredFields;
import io.xlat.control.replay.OfflineTranslator;
import io.xlat.control.replay.PcapReplay;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
        "%nInput: classic pcap (either byte order, micro- or nanosecond timestamps) or pcapng (what dumpcap, "
            + "Wireshark and editcap write: several interfaces, either byte order) with link type raw IP (101, 228, "
            + "229), Ethernet (1, with 802.1Q/802.1ad tags) or Linux cooked capture (113, 276). Frames that do not "
            + "carry IP (ARP, LLDP, interfaces of other link types) are skipped and counted. A broken file is "
            + "reported with the byte offset where it breaks.",
        "%nTenants: IPv6 packets are given to the tenant whose instance prefix holds their destination, the "
            + "others to the global translator (pool6, EAMT). IPv4 packets go to the global translator, or with "
            + "--tenant NAME to tenant NAME, as if they had come in on its device.",
        "%nPrints a summary: packets in and out (translated, hairpinned, ICMP errors originated), skipped frames and drops per reason (all "
            + "tenants and the global translator together), then the counters of each tenant that saw traffic. "
            + "If the replay fails, OUT.pcap is removed rather than left half-written.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat replay --config xlat.yaml capture.pcap translated.pcap",
        "  xlat replay -c xlat.yaml in.pcap out.pcap && tcpdump -nr out.pcap",
        "  xlat replay -c tenants.yaml --tenant blue from-blue.pcap to-fabric.pcap",
        "  xlat replay -c xlat.yaml --annotate --dropped dropped.pcapng in.pcapng out.pcapng",
        "  xlat replay -c xlat.yaml --expect expected.pcap --ignore ipv4.id in.pcap out.pcap",
        "",
        "Exit code 1 when a file cannot be read or written or OUT differs from --expect, 2 for bad arguments or a "
            + "rejected configuration."})
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

    @Option(names = "--expect", paramLabel = "FILE",
        description = "Compare OUT with this capture, field by field, and exit 1 when they differ (as 'xlat test' "
            + "does for one case). Packets are matched in order by family, source and destination.")
    Path expect;

    @Option(names = "--ignore", paramLabel = "FIELD",
        description = "With --expect: leave FIELD out of the comparison (repeatable): ipv4.id, ipv4.checksum, "
            + "ipv4.tos, ipv4.ttl, ipv6.flow-label, ipv6.traffic-class, ipv6.hop-limit, ipv6.fragment-id, "
            + "inner.ipv4.id (inside ICMP errors) and the other names differences are reported with, or bytes:A-B "
            + "(offsets from the IP header). A checksum over an ignored field is verified instead of compared.")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--allow-extra", description = "With --expect: output packets that match no expected packet "
        + "are a note, not a difference.")
    boolean allowExtra;

    @Option(names = "--annotate", description = "Write OUT as pcapng, each packet with a comment naming the input "
        + "packet it came from, its tenant ('global' without one) and whether it is a translation, an ICMP error "
        + "xlat sent or a hairpinned packet. (OUT is also pcapng, without comments, when its name ends in .pcapng.)")
    boolean annotate;

    @Option(names = "--dropped", paramLabel = "FILE",
        description = "Write the input packets that were dropped or skipped to FILE (pcapng, as captured), each "
            + "with the drop reason and RFC section as its comment, to open next to OUT in Wireshark.")
    Path dropped;

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
        final OfflineTranslator offline;
        try {
            offline = OfflineTranslator.create(xlatConfig, tenant, config);
        } catch (OfflineTranslator.UnknownTenantException e) {
            err.println(name + ": " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        } catch (RuntimeException e) {
            return fail(name, "cannot create the translator: " + Main.describe(e), e);
        }
        final IgnoredFields ignored;
        try {
            ignored = IgnoredFields.parse(ignore);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ignore " + e.getMessage());
        }
        if (!ignore.isEmpty() && expect == null) {
            throw new ParameterException(spec.commandLine(), "--ignore needs --expect EXPECTED (it says what the "
                + "comparison leaves out)");
        }
        if (sameFile(input, output) || dropped != null && (sameFile(dropped, output) || sameFile(dropped, input))
            || expect != null && sameFile(expect, output)) {
            err.println(name + ": OUT.pcap must differ from IN.pcap, EXPECTED and the --dropped file (" + output + ")");
            return ExitCodes.USAGE;
        }
        for (final Path path : expect == null ? List.of(input) : List.of(input, expect)) {
            if (!Files.exists(path)) {
                // checked before the output is created, so that a typo in IN does not clobber OUT
                err.println(name + ": error: " + path + ": no such file");
                return ExitCodes.FAILURE;
            }
        }
        try {
            PcapReplay.open(input).close();
        } catch (IOException e) {
            return fail(name, describe(e), e);
        }
        final PcapReplay.Summary summary;
        final PcapReplay.Options options = new PcapReplay.Options(annotate, false, dropped,
            annotate || dropped != null ? offline.attribution() : null);
        try {
            summary = PcapReplay.replay(input, output, offline.step(), options);
        } catch (IOException e) {
            return fail(name, describe(e), e);
        }
        final PrintWriter out = spec.commandLine().getOut();
        print(summary, offline.translator(), out);
        if (expect == null) {
            return ExitCodes.OK;
        }
        final CaptureComparison.Result result;
        try {
            result = CaptureComparison.compare(CapturedPacket.read(expect), CapturedPacket.read(output),
                new CaptureComparison.Settings(ignored, allowExtra, false));
        } catch (IOException e) {
            return fail(name, describe(e), e);
        }
        for (final String note : result.notes()) {
            out.println("note: " + note);
        }
        for (final String difference : result.differences()) {
            out.println(difference);
        }
        out.println(result.matches() ? output + " matches " + expect + " (" + result.actual() + " packets)"
            : output + " differs from " + expect + ": " + result.differences().size()
            + (result.differences().size() == 1 ? " difference" : " differences"));
        out.flush();
        return result.matches() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** See {@link OfflineTranslator#unknownTenant}. */
    static String unknownTenant(String tenant, TenantTable tenants, Path config) {
        return OfflineTranslator.unknownTenant(tenant, tenants, config);
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
        // what goes back is either an ICMP error xlat originated (counted by the translator) or hairpinned
        final long icmpErrors = Math.min(s.backOut, counters.icmpErrorsSentCount());
        if (s.backOut > icmpErrors) {
            line(out, "  hairpinned", s.backOut - icmpErrors);
        }
        line(out, "  icmp errors sent", icmpErrors);
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
