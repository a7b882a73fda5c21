package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.explain.AddressExplainer;
import io.xlat.control.explain.PacketExplainer;
import io.xlat.control.replay.PcapReplay;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import io.xlat.tunio.pcap.LinkLayerDecoder;
import io.xlat.tunio.pcap.CaptureReader;
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
import java.util.concurrent.Callable;

/** {@code xlat explain}: what addresses, or the packets of a capture, mean to the translator. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Say what addresses or captured packets mean: tenant, embedded IPv4, mapping.",
    description = {
        "%nWith --config, for each IPv6 ADDR: the tenant whose instance prefix holds it and the IPv4 address it "
            + "carries (\"tenant blue, IPv4 10.0.0.2\"), or the tenants it is a DC-SIIT service of (\"tenant blue "
            + "service 100.64.0.10\"), or the global mapping (\"EAM 10.0.0.0/24, IPv4 10.0.0.2\", \"pool6, IPv4 "
            + "192.0.2.1\"), or \"no mapping\". For each IPv4 ADDR: its IPv6 form within --tenant NAME, or with "
            + "the global EAMT and pool6 when no tenant is given.",
        "%nWithout --config, --prefix-length N decodes any RFC 6052 address (its first N bits are the prefix), "
            + "and --prefix P/N also encodes IPv4 addresses.",
        "%nWith --pcap FILE, one line per packet: number, time (UTC), family, tenant (of the destination "
            + "prefix, else of the source prefix; 'global' for pool6/EAMT), the IPv4 source and destination "
            + "that IPv6 packets carry (IPv6 addresses without a mapping are shown as they are), protocol and "
            + "ports, ICMP type and code, and the packet inside ICMP errors. IPv4 packets are taken to come "
            + "from --tenant NAME when given; without it, and with tenants configured, they are shown as 'global "
            + "or a tenant', since IPv4 addresses repeat in every tenant. The capture may be pcap or pcapng.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat explain -c xlat.yaml 2001:db8:100:1::a00:2",
        "      2001:db8:100:1::a00:2  tenant blue, IPv4 10.0.0.2",
        "  xlat explain -c xlat.yaml --tenant blue 10.0.0.2 100.64.0.10",
        "  xlat explain --prefix-length 96 64:ff9b::c000:201",
        "  xlat explain --prefix 2001:db8:64::/96 192.0.2.1",
        "  xlat explain -c xlat.yaml --pcap fabric.pcap",
        "",
        "Exit code 2 for bad arguments, a rejected configuration or an unknown tenant; 1 for an unreadable capture."})
final class ExplainCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "The YAML configuration file whose tenants, EAMT and pool6 explain the addresses.")
    Path config;

    @Option(names = {"-t", "--tenant"}, paramLabel = "NAME",
        description = "The tenant IPv4 addresses (and IPv4 packets of --pcap) belong to. Needs --config.")
    String tenant;

    @Option(names = "--prefix-length", paramLabel = "N",
        description = "Without --config: decode IPv6 addresses as RFC 6052 addresses under a /N prefix "
            + "(32, 40, 48, 56, 64 or 96).")
    Integer prefixLength;

    @Option(names = "--prefix", paramLabel = "P/N",
        description = "Without --config: the RFC 6052 prefix to decode IPv6 and encode IPv4 addresses with.")
    String prefix;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Explain every packet of this capture instead.")
    Path pcap;

    @Parameters(paramLabel = "ADDR", arity = "0..*", description = "IPv4 or IPv6 addresses to explain.")
    List<String> addresses = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        final String name = spec.qualifiedName();
        final PrintWriter err = spec.commandLine().getErr();
        checkArguments();
        final AddressExplainer explainer;
        if (config != null) {
            final XlatConfig loaded;
            try {
                loaded = ConfigLoader.load(config);
            } catch (ConfigException e) {
                return ConfigErrors.report(name, e, err);
            }
            explainer = AddressExplainer.forConfig(loaded.translator(), new TenantTable(loaded.tenants()));
        } else if (prefix != null) {
            explainer = AddressExplainer.forPrefix(parsePrefix(prefix));
        } else if (prefixLength != null) {
            explainer = AddressExplainer.forPrefixLength(prefixLength);
        } else {
            explainer = AddressExplainer.none();
        }
        final Tenant from = tenant == null ? null : explainer.tenants().byName(tenant);
        if (tenant != null && from == null) {
            err.println(name + ": " + ReplayCommand.unknownTenant(tenant, explainer.tenants(), config));
            err.flush();
            return ExitCodes.USAGE;
        }
        if (pcap != null) {
            return explainCapture(new PacketExplainer(explainer, from));
        }
        return explainAddresses(explainer, from);
    }

    /** Combinations that cannot work are usage errors, reported before anything is read. */
    private void checkArguments() {
        if (addresses.isEmpty() && pcap == null) {
            throw usage("nothing to explain: give addresses or --pcap FILE");
        }
        if (!addresses.isEmpty() && pcap != null) {
            throw usage("give addresses or --pcap FILE, not both");
        }
        if (prefix != null && prefixLength != null) {
            throw usage("--prefix and --prefix-length exclude each other");
        }
        if (config != null && (prefix != null || prefixLength != null)) {
            throw usage("--prefix and --prefix-length replace --config: give one or the other");
        }
        if (tenant != null && config == null) {
            throw usage("--tenant needs --config (the tenant is looked up there)");
        }
        if (prefixLength != null && !Rfc6052.isValidLength(prefixLength)) {
            throw usage("--prefix-length must be 32, 40, 48, 56, 64 or 96 (RFC 6052 section 2.2), got "
                + prefixLength);
        }
        if (prefix != null) {
            parsePrefix(prefix);
        }
        if (pcap == null && config == null && prefix == null && prefixLength == null) {
            throw usage("addresses need --config FILE, or --prefix-length N / --prefix P/N to decode RFC 6052 "
                + "addresses without one");
        }
        for (final String address : addresses) {
            final boolean ipv6 = address.indexOf(':') >= 0;
            try {
                if (ipv6) {
                    Ipv6Addresses.parse(address);
                } else {
                    Ipv4Addresses.parse(address);
                }
            } catch (IllegalArgumentException e) {
                throw usage("'" + address + "' is not an IPv4 or IPv6 address");
            }
            if (!ipv6 && config == null && prefix == null) {
                throw usage(address + ": an IPv4 address needs --prefix P/N (or --config) to be given its IPv6 form");
            }
        }
    }

    private Ipv6Prefix parsePrefix(String text) {
        final Ipv6Prefix p;
        try {
            p = Ipv6Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("--prefix: " + e.getMessage());
        }
        final String problem = Rfc6052.validatePool6(p);
        if (problem != null) {
            throw usage("--prefix " + problem.substring("pool6 ".length()));
        }
        return p;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int explainAddresses(AddressExplainer explainer, Tenant from) {
        final List<String> canonical = new ArrayList<>();
        final List<String> meaning = new ArrayList<>();
        int width = 0;
        for (final String address : addresses) {
            final String text;
            if (address.indexOf(':') >= 0) {
                final long[] a = Ipv6Addresses.parse(address);
                text = Ipv6Addresses.format(a[0], a[1]);
                meaning.add(explainer.explain6(a[0], a[1]));
            } else {
                final int a = Ipv4Addresses.parse(address);
                text = Ipv4Addresses.format(a);
                meaning.add(explainer.explain4(a, from));
            }
            canonical.add(text);
            width = Math.max(width, text.length());
        }
        final PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < canonical.size(); i++) {
            out.println(pad(canonical.get(i), width) + "  " + meaning.get(i));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int explainCapture(PacketExplainer packets) {
        final String name = spec.qualifiedName();
        if (!Files.exists(pcap)) {
            return fail(name + ": error: " + pcap + ": no such file", null);
        }
        final PrintWriter out = spec.commandLine().getOut();
        try (CaptureReader reader = PcapReplay.open(pcap)) {
            final LinkLayerDecoder decoder = new LinkLayerDecoder();
            while (reader.next() >= 0) {
                final String time = time(reader.timestampNanos(), reader.nanosecondPrecision());
                final int verdict = decoder.decode(reader.linkType(), reader.buffer(), reader.offset(), reader.length());
                final String what = verdict == LinkLayerDecoder.NOT_IP ? "not IP"
                    : verdict == LinkLayerDecoder.TRUNCATED ? "truncated link header"
                    : packets.describe(reader.buffer(), decoder.ipOffset(), decoder.ipLength());
                out.println(reader.recordCount() + "  " + time + "  " + what);
            }
        } catch (IOException e) {
            out.flush();
            return fail(name + ": error: " + ReplayCommand.describe(e), e);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int fail(String message, Throwable e) {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        if (e != null && main != null && main.verbose()) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    /** Time of day in UTC, to the precision of the capture, as tcpdump prints it. */
    static String time(long epochNanos, boolean nanosecondPrecision) {
        final long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        final long fraction = Math.floorMod(epochNanos, 1_000_000_000L);
        final long ofDay = Math.floorMod(seconds, 86_400L);
        final StringBuilder sb = new StringBuilder();
        two(sb, ofDay / 3600).append(':');
        two(sb, ofDay / 60 % 60).append(':');
        two(sb, ofDay % 60).append('.');
        final String digits = Long.toString(1_000_000_000L + fraction).substring(1);
        return sb.append(nanosecondPrecision ? digits : digits.substring(0, 6)).toString();
    }

    private static StringBuilder two(StringBuilder sb, long value) {
        return sb.append(value < 10 ? "0" : "").append(value);
    }

    private static String pad(String text, int width) {
        final StringBuilder sb = new StringBuilder(text);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }
}
