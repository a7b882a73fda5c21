package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.List;

/**
 * The {@code limits:} section ({@link ConfigLimits}) and the one place that enforces it: {@link #check} counts the
 * lists in the composed file against the limits before any section parses them, so that nothing is built for a
 * file that will be refused.
 */
public final class LimitsSection implements ConfigSection<ConfigLimits> {

    public static final LimitsSection INSTANCE = new LimitsSection();

    static final String KEY = "limits";
    static final String TENANTS = "tenants";
    static final String EAM_ENTRIES = "eam-entries";
    static final String PREFIXES = "prefixes";
    static final String BGP_PEERS = "bgp-peers";

    /** The keys, in the order they are documented and written. */
    static final List<String> KEYS = List.of(TENANTS, EAM_ENTRIES, PREFIXES, BGP_PEERS);

    private LimitsSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public ConfigLimits defaults() {
        return ConfigLimits.DEFAULTS;
    }

    @Override
    public ConfigLimits parse(Node node, ConfigProblems problems) {
        final YamlMapping m = YamlMapping.read(node, KEY, KEYS, problems);
        final ConfigLimits d = ConfigLimits.DEFAULTS;
        return new ConfigLimits(limit(m, TENANTS, d.tenants(), problems), limit(m, EAM_ENTRIES, d.eamEntries(), problems),
            limit(m, PREFIXES, d.prefixes(), problems), limit(m, BGP_PEERS, d.bgpPeers(), problems));
    }

    private static int limit(YamlMapping m, String key, int fallback, ConfigProblems problems) {
        if (!m.has(key)) {
            return fallback;
        }
        final Integer value = YamlValues.integer(m.value(key), m.path(key), 0, Integer.MAX_VALUE, problems);
        return value != null ? value : fallback;
    }

    @Override
    public void write(ConfigLimits c, StringBuilder out) {
        out.append(KEY).append(":\n");
        out.append("  ").append(TENANTS).append(": ").append(c.tenants()).append('\n');
        out.append("  ").append(EAM_ENTRIES).append(": ").append(c.eamEntries()).append('\n');
        out.append("  ").append(PREFIXES).append(": ").append(c.prefixes()).append('\n');
        out.append("  ").append(BGP_PEERS).append(": ").append(c.bgpPeers()).append('\n');
    }

    /**
     * Reports every list of {@code root} (the whole file) longer than its limit, at the first item past the limit.
     * Lists in the wrong place or of the wrong shape are left to their sections to report.
     *
     * @return true when a limit was exceeded
     */
    static boolean check(Node root, ConfigLimits limits, ConfigProblems problems) {
        final int before = problems.size();
        final Node translator = child(root, TranslatorSection.KEY);
        final SequenceNode tenants = list(child(root, TenantsSection.KEY));
        int eamEntries = 0;
        Node firstEamOver = null;
        String firstEamOverPath = null;
        final SequenceNode eamt = list(child(translator, TranslatorSection.EAMT));
        if (eamt != null) {
            eamEntries = eamt.getValue().size();
            if (eamEntries > limits.eamEntries()) {
                firstEamOver = eamt.getValue().get(limits.eamEntries());
                firstEamOverPath = TranslatorSection.KEY + "." + TranslatorSection.EAMT + "[" + limits.eamEntries() + "]";
            }
        }
        prefixes(translator, TranslatorSection.KEY + ".", TranslatorSection.POOL6791V4, limits, problems);
        prefixes(translator, TranslatorSection.KEY + ".", TranslatorSection.POOL6791V6, limits, problems);
        if (tenants != null) {
            final List<Node> items = tenants.getValue();
            if (items.size() > limits.tenants()) {
                over(items.get(limits.tenants()), TenantsSection.KEY + "[" + limits.tenants() + "]", items.size(),
                    "tenants", TENANTS, limits.tenants(), problems);
            }
            for (int i = 0; i < items.size(); i++) {
                final String path = TenantsSection.KEY + "[" + i + "].";
                prefixes(items.get(i), path, TenantsSection.IPV4, limits, problems);
                final SequenceNode services = list(child(items.get(i), TenantsSection.SERVICES));
                if (services == null) {
                    continue;
                }
                final int n = services.getValue().size();
                if (firstEamOver == null && eamEntries + n > limits.eamEntries()) {
                    final int index = limits.eamEntries() - eamEntries;
                    firstEamOver = services.getValue().get(index);
                    firstEamOverPath = path + TenantsSection.SERVICES + "[" + index + "]";
                }
                eamEntries += n;
            }
        }
        if (firstEamOver != null) {
            over(firstEamOver, firstEamOverPath, eamEntries, "EAM entries (translator.eamt and every tenant's "
                + "services together)", EAM_ENTRIES, limits.eamEntries(), problems);
        }
        final SequenceNode peers = list(child(child(root, BgpSection.KEY), BgpSection.PEERS));
        if (peers != null && peers.getValue().size() > limits.bgpPeers()) {
            over(peers.getValue().get(limits.bgpPeers()), BgpSection.KEY + "." + BgpSection.PEERS + "["
                + limits.bgpPeers() + "]", peers.getValue().size(), "BGP peers", BGP_PEERS, limits.bgpPeers(), problems);
        }
        return problems.size() > before;
    }

    private static void prefixes(Node mapping, String parentPath, String key, ConfigLimits limits,
        ConfigProblems problems) {
        final SequenceNode list = list(child(mapping, key));
        if (list != null && list.getValue().size() > limits.prefixes()) {
            over(list.getValue().get(limits.prefixes()), parentPath + key + "[" + limits.prefixes() + "]",
                list.getValue().size(), "prefixes in " + parentPath + key, PREFIXES, limits.prefixes(), problems);
        }
    }

    private static void over(Node at, String path, int count, String what, String key, int limit,
        ConfigProblems problems) {
        problems.error(at, path + ": the file has " + count + " " + what + ", more than " + KEY + "." + key + " ("
            + limit + "); to load more, raise it, e.g. '" + KEY + ": {" + key + ": " + count + "}', and size the "
            + "heap for it (XLAT_JAVA_OPTS, see docs/testing.md \"Limits\")");
    }

    /** The value of {@code key} in a mapping node (the first if repeated), or null. */
    private static Node child(Node mapping, String key) {
        if (!(mapping instanceof MappingNode)) {
            return null;
        }
        for (final NodeTuple tuple : ((MappingNode) mapping).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode && key.equals(((ScalarNode) tuple.getKeyNode()).getValue())) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static SequenceNode list(Node node) {
        return node instanceof SequenceNode ? (SequenceNode) node : null;
    }
}
