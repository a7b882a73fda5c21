package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.config.TranslatorConfig.Hairpin;
import io.xlat.core.config.TranslatorConfig.TrafficClass;
import io.xlat.core.config.TranslatorConfig.UdpZeroChecksum;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.ArrayList;
import java.util.List;

/** The {@code translator:} section: the address mapping and RFC 7915 knobs, producing a {@link TranslatorConfig}. */
public final class TranslatorSection implements ConfigSection<TranslatorConfig> {

    public static final TranslatorSection INSTANCE = new TranslatorSection();

    static final String KEY = "translator";
    static final String POOL6 = "pool6";
    static final String EAMT = "eamt";
    static final String POOL6791V4 = "pool6791v4";
    static final String POOL6791V6 = "pool6791v6";
    static final String IPV4_ADDRESS = "ipv4-address";
    static final String IPV6_ADDRESS = "ipv6-address";
    static final String IPV4_MTU = "ipv4-mtu";
    static final String IPV6_MTU = "ipv6-mtu";
    static final String LOWEST_IPV6_MTU = "lowest-ipv6-mtu";
    static final String UDP_ZERO_CHECKSUM = "udp-zero-checksum";
    static final String HAIRPIN = "hairpin";
    static final String TRAFFIC_CLASS = "traffic-class";
    static final String TOS = "tos";
    static final String MTU_PLATEAUS = "mtu-plateaus";
    static final String ICMP_RATE = "icmp-rate";

    /** The contract's keys, in the order they are documented and written. */
    static final List<String> KEYS = List.of(POOL6, EAMT, POOL6791V4, POOL6791V6, IPV4_ADDRESS, IPV6_ADDRESS,
        IPV4_MTU, IPV6_MTU, LOWEST_IPV6_MTU, UDP_ZERO_CHECKSUM, HAIRPIN, TRAFFIC_CLASS, TOS, MTU_PLATEAUS,
        ICMP_RATE);

    private static final List<String> UDP_ZERO_CHECKSUM_NAMES = List.of("drop", "compute");
    private static final UdpZeroChecksum[] UDP_ZERO_CHECKSUM_VALUES = {UdpZeroChecksum.DROP, UdpZeroChecksum.COMPUTE};
    private static final List<String> HAIRPIN_NAMES = List.of("off", "simple", "intrinsic");
    private static final Hairpin[] HAIRPIN_VALUES = {Hairpin.OFF, Hairpin.SIMPLE, Hairpin.INTRINSIC};
    private static final List<String> TRAFFIC_CLASS_NAMES = List.of("copy", "zero");
    private static final TrafficClass[] TRAFFIC_CLASS_VALUES = {TrafficClass.COPY, TrafficClass.ZERO};

    /** RFC 791: "Every internet module must be able to forward a datagram of 68 octets without further fragmentation." */
    static final int MIN_IPV4_MTU = 68;
    /** RFC 8200 §5: "IPv6 requires that every link in the Internet have an MTU of 1280 octets or greater." */
    static final int MIN_IPV6_MTU = 1280;
    /** The IPv4 Total Length and IPv6 Payload Length fields are 16 bits (jumbograms are not translated). */
    static final int MAX_MTU = 65535;

    private TranslatorSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public TranslatorConfig defaults() {
        return TranslatorConfig.defaults();
    }

    @Override
    public TranslatorConfig parse(Node node, ConfigProblems problems) {
        final YamlMapping m = YamlMapping.read(node, KEY, KEYS, problems);
        final TranslatorConfig.Builder b = TranslatorConfig.builder();

        final Ipv6Prefix pool6 = pool6(m, problems);
        b.pool6(pool6);
        final List<EamEntry> eamt = eamt(m, problems);
        b.eamt(eamt);
        b.pool6791v4(pool6791v4(m, eamt, problems));
        b.pool6791v6(pool6791v6(m, pool6, eamt, problems));

        if (present(m, IPV4_ADDRESS)) {
            b.ipv4Address(YamlValues.ipv4Address(m.value(IPV4_ADDRESS), m.path(IPV4_ADDRESS), problems));
        }
        if (present(m, IPV6_ADDRESS)) {
            b.ipv6Address(YamlValues.ipv6Address(m.value(IPV6_ADDRESS), m.path(IPV6_ADDRESS), problems));
        }

        final TranslatorConfig defaults = TranslatorConfig.defaults();
        final Integer ipv4Mtu = integer(m, IPV4_MTU, MIN_IPV4_MTU, MAX_MTU, problems);
        b.ipv4Mtu(ipv4Mtu != null ? ipv4Mtu : defaults.ipv4Mtu());
        final Integer ipv6Mtu = integer(m, IPV6_MTU, MIN_IPV6_MTU, MAX_MTU, problems);
        b.ipv6Mtu(ipv6Mtu != null ? ipv6Mtu : defaults.ipv6Mtu());
        final Integer lowest = integer(m, LOWEST_IPV6_MTU, MIN_IPV6_MTU, MAX_MTU, problems);
        b.lowestIpv6Mtu(lowest != null ? lowest : defaults.lowestIpv6Mtu());
        // lowest-ipv6-mtu above ipv6-mtu is not an error: the first is the path MTU assumed past the next hop, the
        // second the egress MTU, and the translator fragments DF=0 packets to the smaller (ConfigNotes says so).

        if (present(m, UDP_ZERO_CHECKSUM)) {
            b.udpZeroChecksum(orDefault(YamlValues.choice(m.value(UDP_ZERO_CHECKSUM), m.path(UDP_ZERO_CHECKSUM),
                UDP_ZERO_CHECKSUM_NAMES, UDP_ZERO_CHECKSUM_VALUES, problems), defaults.udpZeroChecksum()));
        }
        if (present(m, HAIRPIN)) {
            b.hairpin(orDefault(YamlValues.choice(m.value(HAIRPIN), m.path(HAIRPIN), HAIRPIN_NAMES, HAIRPIN_VALUES,
                problems), defaults.hairpin()));
        }
        if (present(m, TRAFFIC_CLASS)) {
            b.trafficClass(orDefault(YamlValues.choice(m.value(TRAFFIC_CLASS), m.path(TRAFFIC_CLASS),
                TRAFFIC_CLASS_NAMES, TRAFFIC_CLASS_VALUES, problems), defaults.trafficClass()));
        }
        b.tos(tos(m, problems, defaults.tos()));
        final int[] plateaus = mtuPlateaus(m, problems);
        if (plateaus != null) {
            b.mtuPlateaus(plateaus);
        }
        final Integer icmpRate = integer(m, ICMP_RATE, 0, Integer.MAX_VALUE, problems);
        b.icmpRate(icmpRate != null ? icmpRate : defaults.icmpRate());
        return b.build();
    }

    /** A key given with a value: an explicit YAML null ({@code ipv4-address: null}) means "not set". */
    private static boolean present(YamlMapping m, String key) {
        return m.has(key) && !YamlValues.isNull(m.value(key));
    }

    private static <E> String name(E value, List<String> names, E[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return names.get(i);
            }
        }
        throw new IllegalArgumentException("no name for " + value);
    }

    private static <E> E orDefault(E value, E fallback) {
        return value != null ? value : fallback;
    }

    private static Integer integer(YamlMapping m, String key, int min, int max, ConfigProblems problems) {
        return m.has(key) ? YamlValues.integer(m.value(key), m.path(key), min, max, problems) : null;
    }

    private static Ipv6Prefix pool6(YamlMapping m, ConfigProblems problems) {
        final Node node = m.value(POOL6);
        if (node == null || YamlValues.isNull(node)) {
            return null;
        }
        final Ipv6Prefix prefix = YamlValues.ipv6Prefix(node, m.path(POOL6), problems);
        if (prefix == null) {
            return null;
        }
        // the core's own check, so that what the loader accepts is exactly what the translator can use
        final String problem = Rfc6052.validatePool6(prefix);
        if (problem != null) {
            problems.error(node, m.path(POOL6) + ": " + (problem.startsWith("pool6 ") ? problem.substring(6) : problem));
            return null;
        }
        return prefix;
    }

    private static List<EamEntry> eamt(YamlMapping m, ConfigProblems problems) {
        return EamEntries.parse(m.value(EAMT), m.path(EAMT), problems);
    }

    private static List<Ipv4Prefix> pool6791v4(YamlMapping m, List<EamEntry> eamt, ConfigProblems problems) {
        return pool6791(m, POOL6791V4, YamlValues::ipv4Prefix, Ipv4Prefix::overlaps, prefix -> {
            for (final EamEntry entry : eamt) {
                // RFC 6791 sources stand for routers we cannot map; an address that EAM maps to a real IPv6
                // host would make their ICMP errors look as if that host had sent them
                if (entry.ipv4().overlaps(prefix)) {
                    return "the EAM entry " + entry;
                }
            }
            return null;
        }, problems);
    }

    private static List<Ipv6Prefix> pool6791v6(YamlMapping m, Ipv6Prefix pool6, List<EamEntry> eamt,
        ConfigProblems problems) {
        return pool6791(m, POOL6791V6, YamlValues::ipv6Prefix, Ipv6Prefix::overlaps, prefix -> {
            if (pool6 != null && pool6.overlaps(prefix)) {
                return "pool6 " + pool6;
            }
            for (final EamEntry entry : eamt) {
                if (entry.ipv6().overlaps(prefix)) {
                    return "the EAM entry " + entry;
                }
            }
            return null;
        }, problems);
    }

    /** How a pool's prefixes are read from YAML, as {@link YamlValues#ipv4Prefix} does. */
    private interface PrefixReader<P> {
        P read(Node node, String path, ConfigProblems problems);
    }

    /**
     * An RFC 6791 pool of either family: prefixes that overlap each other, or an address the translator maps
     * ({@code translatable} names what maps it, or null), are errors and left out.
     */
    private static <P> List<P> pool6791(YamlMapping m, String key, PrefixReader<P> reader,
        java.util.function.BiPredicate<P, P> overlaps, java.util.function.Function<P, String> translatable,
        ConfigProblems problems) {
        final String path = m.path(key);
        final List<Node> items = YamlValues.list(m.value(key), path, problems);
        if (items == null) {
            return List.of();
        }
        final List<P> pool = new ArrayList<>();
        final List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            final String itemPath = path + "[" + i + "]";
            final P prefix = reader.read(items.get(i), itemPath, problems);
            if (prefix == null) {
                continue;
            }
            boolean bad = false;
            for (int j = 0; j < pool.size() && !bad; j++) {
                if (overlaps.test(pool.get(j), prefix)) {
                    problems.error(items.get(i), itemPath + ": " + prefix + " overlaps " + path + "["
                        + indexes.get(j) + "] (" + pool.get(j) + ")");
                    bad = true;
                }
            }
            final String mapped = bad ? null : translatable.apply(prefix);
            if (mapped != null) {
                problems.error(items.get(i), itemPath + ": " + prefix + " overlaps " + mapped
                    + ": RFC 6791 sources must not be translatable addresses");
                bad = true;
            }
            if (!bad) {
                pool.add(prefix);
                indexes.add(i);
            }
        }
        return pool;
    }

    /** {@code copy} (-1) or a fixed TOS octet 0..255. */
    private static int tos(YamlMapping m, ConfigProblems problems, int fallback) {
        final Node node = m.value(TOS);
        if (node == null) {
            return fallback;
        }
        if (node instanceof ScalarNode && "copy".equals(((ScalarNode) node).getValue()) && !YamlValues.isNull(node)) {
            return -1;
        }
        if (node instanceof ScalarNode && ((ScalarNode) node).isPlain()
            && ((ScalarNode) node).getValue().matches("-?[0-9]+")) {
            final Integer tos = YamlValues.integer(node, m.path(TOS), 0, 255, problems);
            return tos != null ? tos : fallback;
        }
        problems.error(node, m.path(TOS) + ": expected 'copy' or an integer 0..255, got " + YamlValues.describe(node));
        return fallback;
    }

    /** A non-empty, strictly descending list of MTUs; null when absent or after an error. */
    private static int[] mtuPlateaus(YamlMapping m, ConfigProblems problems) {
        if (!m.has(MTU_PLATEAUS)) {
            return null;
        }
        final String path = m.path(MTU_PLATEAUS);
        final Node node = m.value(MTU_PLATEAUS);
        final List<Node> items = YamlValues.list(node, path, problems);
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            // RFC 1191 needs a table to guess the MTU when a router reports 0; an empty one cannot guess
            problems.error(node, path + ": must list at least one MTU");
            return null;
        }
        final int[] plateaus = new int[items.size()];
        boolean ok = true;
        int previous = Integer.MAX_VALUE;
        for (int i = 0; i < items.size(); i++) {
            final Integer mtu = YamlValues.integer(items.get(i), path + "[" + i + "]", MIN_IPV4_MTU, MAX_MTU, problems);
            if (mtu == null) {
                ok = false;
                previous = Integer.MAX_VALUE;
                continue;
            }
            if (mtu >= previous) {
                problems.error(items.get(i), path + "[" + i + "]: " + mtu + " is not below the previous plateau "
                    + previous + ": the list must be strictly descending");
                ok = false;
            }
            plateaus[i] = mtu;
            previous = mtu;
        }
        return ok ? plateaus : null;
    }

    @Override
    public void write(TranslatorConfig c, StringBuilder out) {
        out.append(KEY).append(":\n");
        field(out, POOL6, c.pool6() == null ? "null" : YamlValues.quoted(c.pool6().toString()));
        EamEntries.write(out, "  ", EAMT, c.eamt());
        final List<String> v4 = new ArrayList<>();
        for (final Ipv4Prefix p : c.pool6791v4()) {
            v4.add(p.toString());
        }
        field(out, POOL6791V4, "[" + String.join(", ", v4) + "]");
        final List<String> v6 = new ArrayList<>();
        for (final Ipv6Prefix p : c.pool6791v6()) {
            v6.add(YamlValues.quoted(p.toString()));
        }
        field(out, POOL6791V6, "[" + String.join(", ", v6) + "]");
        field(out, IPV4_ADDRESS, c.ipv4Address() == null ? "null" : YamlValues.ipv4(c.ipv4Address()));
        field(out, IPV6_ADDRESS, c.ipv6Address() == null ? "null"
            : YamlValues.quoted(Ipv6Addresses.format(c.ipv6Address().hi(), c.ipv6Address().lo())));
        field(out, IPV4_MTU, Integer.toString(c.ipv4Mtu()));
        field(out, IPV6_MTU, Integer.toString(c.ipv6Mtu()));
        field(out, LOWEST_IPV6_MTU, Integer.toString(c.lowestIpv6Mtu()));
        field(out, UDP_ZERO_CHECKSUM, name(c.udpZeroChecksum(), UDP_ZERO_CHECKSUM_NAMES, UDP_ZERO_CHECKSUM_VALUES));
        // "off" is quoted: YAML 1.1 readers would take a plain off for the boolean false
        field(out, HAIRPIN, c.hairpin() == Hairpin.OFF ? "\"off\"" : name(c.hairpin(), HAIRPIN_NAMES, HAIRPIN_VALUES));
        field(out, TRAFFIC_CLASS, name(c.trafficClass(), TRAFFIC_CLASS_NAMES, TRAFFIC_CLASS_VALUES));
        field(out, TOS, c.tos() < 0 ? "copy" : Integer.toString(c.tos()));
        final StringBuilder plateaus = new StringBuilder("[");
        for (final int p : c.mtuPlateaus()) {
            plateaus.append(plateaus.length() > 1 ? ", " : "").append(p);
        }
        field(out, MTU_PLATEAUS, plateaus.append(']').toString());
        field(out, ICMP_RATE, Integer.toString(c.icmpRate()));
    }

    private static void field(StringBuilder out, String key, String value) {
        out.append("  ").append(key).append(':');
        if (!value.isEmpty()) {
            out.append(' ').append(value);
        }
        out.append('\n');
    }
}
