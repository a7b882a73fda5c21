package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code tenants:} section: tenant instances, each with its own RFC 6052 prefix prepended to both IPv4
 * addresses, so that tenants with overlapping IPv4 space stay apart on the IPv6 fabric.
 */
public final class TenantsSection implements ConfigSection<List<TenantConfig>> {

    public static final TenantsSection INSTANCE = new TenantsSection();

    static final String KEY = "tenants";
    static final String NAME = "name";
    static final String PREFIX = "prefix";
    static final String IPV4 = "ipv4";
    static final String TUN = "tun";
    static final String NETNS = "netns";
    static final String SERVICES = "services";

    /** The contract's keys, in the order they are documented and written. */
    static final List<String> KEYS = List.of(NAME, PREFIX, IPV4, TUN, NETNS, SERVICES);
    private static final List<String> REQUIRED = List.of(NAME, PREFIX, IPV4, TUN);

    /** Names label counters and the {@code --tenant} option: keep them to characters every tool passes through. */
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private TenantsSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public List<TenantConfig> defaults() {
        return List.of();
    }

    @Override
    public List<TenantConfig> parse(Node node, ConfigProblems problems) {
        final List<Node> items = YamlValues.list(node, KEY, problems);
        if (items == null) {
            return List.of();
        }
        final int errorsBefore = problems.size();
        final List<TenantConfig> tenants = new ArrayList<>(items.size());
        final Map<String, Integer> names = new HashMap<>();
        final Map<String, Integer> tuns = new HashMap<>();
        final List<Ipv6Prefix> prefixes = new ArrayList<>();
        final List<Integer> prefixItems = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            final Node item = items.get(i);
            final String path = KEY + "[" + i + "]";
            final int itemErrorsBefore = problems.size();
            final YamlMapping m = YamlMapping.read(item, path, KEYS, problems);
            if (!(item instanceof MappingNode) && !YamlValues.isNull(item)) {
                continue; // already reported as "expected a mapping"
            }
            for (final String key : REQUIRED) {
                if (!m.has(key)) {
                    problems.error(item, path + ": missing key '" + key + "' (a tenant has " + String.join(", ", REQUIRED)
                        + " and optionally netns, services)");
                }
            }
            final String name = m.has(NAME) ? name(m, names, items, problems) : null;
            if (name != null) {
                names.putIfAbsent(name, i);
            }
            final Ipv6Prefix prefix = m.has(PREFIX) ? prefix(m, problems) : null;
            if (prefix != null) {
                prefixes.add(prefix);
                prefixItems.add(i);
            }
            final List<Ipv4Prefix> ranges = m.has(IPV4) ? ranges(m, problems) : List.of();
            final String tun = m.has(TUN) ? YamlValues.interfaceName(m.value(TUN), m.path(TUN), problems) : null;
            if (tun != null) {
                final Integer other = tuns.putIfAbsent(tun, i);
                if (other != null) {
                    problems.error(m.value(TUN), m.path(TUN) + ": '" + tun + "' is already the tun of "
                        + describe(items, other));
                }
            }
            final String netns = present(m, NETNS)
                ? YamlValues.namespaceName(m.value(NETNS), m.path(NETNS), problems) : null;
            final List<EamEntry> services = services(m, prefix, ranges, problems);
            if (problems.size() == itemErrorsBefore) {
                tenants.add(new TenantConfig(name, prefix, ranges, tun, netns, services));
            }
        }
        for (final PrefixOverlaps.Pair pair : PrefixOverlaps.find(prefixes)) {
            // reported at the later tenant in the file, naming the earlier one
            final int a = prefixItems.get(pair.outer());
            final int b = prefixItems.get(pair.inner());
            final int later = Math.max(a, b);
            final int earlier = Math.min(a, b);
            final Ipv6Prefix laterPrefix = prefixes.get(a == later ? pair.outer() : pair.inner());
            final Ipv6Prefix earlierPrefix = prefixes.get(a == later ? pair.inner() : pair.outer());
            problems.error(field(node, later, PREFIX), KEY + "[" + later + "]." + PREFIX + ": " + laterPrefix
                + " overlaps " + earlierPrefix + " of " + describe(items, earlier)
                + ": an IPv6 address must belong to one tenant only");
        }
        if (problems.size() == errorsBefore) {
            // The core's own rules as a backstop: anything it would refuse at start-up must be refused here.
            for (final String problem : TenantTable.validate(tenants)) {
                problems.error(node, KEY + ": " + problem);
            }
        }
        return tenants;
    }

    private static boolean present(YamlMapping m, String key) {
        return m.has(key) && !YamlValues.isNull(m.value(key));
    }

    private static String name(YamlMapping m, Map<String, Integer> names, List<Node> items, ConfigProblems problems) {
        final Node node = m.value(NAME);
        final String name = YamlValues.text(node, m.path(NAME), "a tenant name such as blue", problems);
        if (name == null) {
            return null;
        }
        if (!NAME_PATTERN.matcher(name).matches()) {
            problems.error(node, m.path(NAME) + ": '" + name + "' is not a valid tenant name: 1 to 64 letters, "
                + "digits, '.', '_' or '-', starting with a letter or digit");
            return null;
        }
        final Integer other = names.get(name);
        if (other != null) {
            problems.error(node, m.path(NAME) + ": '" + name + "' is already the name of " + KEY + "[" + other
                + "] (line " + YamlValues.line(items.get(other)) + ")");
            return null;
        }
        return name;
    }

    private static Ipv6Prefix prefix(YamlMapping m, ConfigProblems problems) {
        final Node node = m.value(PREFIX);
        final Ipv6Prefix prefix = YamlValues.ipv6Prefix(node, m.path(PREFIX), problems);
        if (prefix == null) {
            return null;
        }
        // the same RFC 6052 rules as pool6: lengths 32..96 from the allowed set, u-octet zero
        final String problem = Rfc6052.validatePool6(prefix);
        if (problem != null) {
            problems.error(node, m.path(PREFIX) + ": " + (problem.startsWith("pool6 ") ? problem.substring(6) : problem));
            return null;
        }
        // RFC 6052 §3.1: "The Well-Known Prefix MUST NOT be used to represent non-global IPv4 addresses",
        // and a tenant's IPv4 space is private by nature.
        if (Rfc6052.isWellKnownPrefix(prefix)) {
            problems.error(node, m.path(PREFIX) + ": the Well-Known Prefix 64:ff9b::/96 cannot carry tenant "
                + "(non-global) IPv4 addresses (RFC 6052 section 3.1); use a network-specific prefix");
            return null;
        }
        return prefix;
    }

    private static List<Ipv4Prefix> ranges(YamlMapping m, ConfigProblems problems) {
        final String path = m.path(IPV4);
        final Node node = m.value(IPV4);
        final List<Node> items = YamlValues.list(node, path, problems);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            problems.error(node, path + ": must list at least one IPv4 range (the tenant's addresses on this host)");
            return List.of();
        }
        final List<Ipv4Prefix> ranges = new ArrayList<>(items.size());
        final List<Integer> indexes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            final String itemPath = path + "[" + i + "]";
            final Ipv4Prefix range = YamlValues.ipv4Prefix(items.get(i), itemPath, problems);
            if (range == null) {
                continue;
            }
            // RFC 1812 5.3.7: such addresses may never be the source of a forwarded packet, so no host has them
            if (Ipv4Addresses.isIllegalSource(range.address())
                || Ipv4Addresses.isIllegalSource(range.address() | ~range.mask())) {
                problems.error(items.get(i), itemPath + ": " + range + " reaches into 0.0.0.0/8, 127.0.0.0/8 or "
                    + "224.0.0.0/3, which are not host addresses (RFC 1812 section 5.3.7)");
                continue;
            }
            boolean overlap = false;
            for (int j = 0; j < ranges.size() && !overlap; j++) {
                if (ranges.get(j).overlaps(range)) {
                    problems.error(items.get(i), itemPath + ": " + range + " overlaps " + path + "["
                        + indexes.get(j) + "] (" + ranges.get(j) + ")");
                    overlap = true;
                }
            }
            if (!overlap) {
                ranges.add(range);
                indexes.add(i);
            }
        }
        return ranges;
    }

    private static List<EamEntry> services(YamlMapping m, Ipv6Prefix prefix, List<Ipv4Prefix> ranges,
        ConfigProblems problems) {
        if (!present(m, SERVICES)) {
            return List.of();
        }
        final String path = m.path(SERVICES);
        final List<Node> sources = new ArrayList<>();
        final List<EamEntry> services = EamEntries.parse(m.value(SERVICES), path, problems, sources);
        if (services.isEmpty()) {
            return services;
        }
        // entries were accepted, so the value is a list
        final List<Node> items = ((SequenceNode) m.value(SERVICES)).getValue();
        for (int i = 0; i < services.size(); i++) {
            final EamEntry service = services.get(i);
            final String itemPath = path + "[" + indexOf(items, sources.get(i)) + "]";
            if (prefix != null && prefix.overlaps(service.ipv6())) {
                // a packet from the service would read as one from the tenant's own hosts
                problems.error(sources.get(i), itemPath + ": " + service.ipv6() + " lies inside the tenant's own prefix "
                    + prefix);
            }
            for (final Ipv4Prefix range : ranges) {
                if (range.overlaps(service.ipv4())) {
                    // 4->6 would send the tenant's own addresses to the service, 6->4 would deliver them locally
                    problems.error(sources.get(i), itemPath + ": " + service.ipv4() + " overlaps the tenant's own ipv4 range "
                        + range);
                }
            }
        }
        return services;
    }

    private static int indexOf(List<Node> items, Node item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) == item) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(List<Node> items, int index) {
        final Node name = mappingValue(items.get(index), NAME);
        final String label = name instanceof ScalarNode ? " '" + ((ScalarNode) name).getValue() + "'" : "";
        return KEY + "[" + index + "]" + label + " (line " + YamlValues.line(items.get(index)) + ")";
    }

    /** The value node of {@code key} in tenant {@code index} of the section node, or the tenant's own node. */
    static Node field(Node section, int index, String key) {
        if (!(section instanceof SequenceNode) || index >= ((SequenceNode) section).getValue().size()) {
            return section;
        }
        final Node item = ((SequenceNode) section).getValue().get(index);
        final Node value = mappingValue(item, key);
        return value != null ? value : item;
    }

    private static Node mappingValue(Node mapping, String key) {
        if (mapping instanceof MappingNode) {
            for (final NodeTuple tuple : ((MappingNode) mapping).getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode && key.equals(((ScalarNode) tuple.getKeyNode()).getValue())) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }

    @Override
    public void write(List<TenantConfig> tenants, StringBuilder out) {
        out.append(KEY).append(':');
        if (tenants.isEmpty()) {
            out.append(" []\n");
            return;
        }
        out.append('\n');
        for (final TenantConfig t : tenants) {
            out.append("  - ").append(NAME).append(": ").append(YamlValues.name(t.name())).append('\n');
            out.append("    ").append(PREFIX).append(": ").append(YamlValues.quoted(t.prefix().toString())).append('\n');
            final List<String> ranges = new ArrayList<>();
            for (final Ipv4Prefix range : t.ipv4()) {
                ranges.add(range.toString());
            }
            out.append("    ").append(IPV4).append(": [").append(String.join(", ", ranges)).append("]\n");
            out.append("    ").append(TUN).append(": ").append(YamlValues.name(t.tun())).append('\n');
            out.append("    ").append(NETNS).append(": ").append(t.netns() == null ? "null" : YamlValues.name(t.netns()))
                .append('\n');
            EamEntries.write(out, "    ", SERVICES, t.services());
        }
    }
}
