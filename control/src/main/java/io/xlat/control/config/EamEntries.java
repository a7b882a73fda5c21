package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Eamt;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of RFC 7757 explicit address mappings, {@code - {ipv4: PREFIX, ipv6: PREFIX}}: the global
 * {@code translator.eamt} and each tenant's DC-SIIT {@code services} are read and written alike.
 */
final class EamEntries {

    static final List<String> KEYS = List.of("ipv4", "ipv6");

    private EamEntries() {
    }

    /**
     * @param node the list (null or a YAML null reads as empty)
     * @param path dotted path for messages, e.g. {@code translator.eamt}
     * @return the entries that passed every check; the rejected ones are reported and left out
     */
    static List<EamEntry> parse(Node node, String path, ConfigProblems problems) {
        return parse(node, path, problems, new ArrayList<>());
    }

    /** As {@link #parse(Node, String, ConfigProblems)}, also giving the list item each accepted entry came from. */
    static List<EamEntry> parse(Node node, String path, ConfigProblems problems, List<Node> sources) {
        final List<Node> items = YamlValues.list(node, path, problems);
        if (items == null) {
            return List.of();
        }
        final List<EamEntry> entries = new ArrayList<>(items.size());
        // item index (as the user counts, including items rejected above) of each accepted entry
        final List<Integer> itemIndexes = new ArrayList<>(items.size());
        final Map<Ipv4Prefix, Integer> byIpv4 = new HashMap<>();
        final Map<Ipv6Prefix, Integer> byIpv6 = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            final Node item = items.get(i);
            final String itemPath = path + "[" + i + "]";
            final YamlMapping e = YamlMapping.read(item, itemPath, KEYS, problems);
            if (!(item instanceof MappingNode) && !YamlValues.isNull(item)) {
                continue; // already reported as "expected a mapping"
            }
            for (final String key : KEYS) {
                if (!e.has(key)) {
                    problems.error(item, itemPath + ": missing key '" + key + "' (an entry is {ipv4: PREFIX, ipv6: PREFIX})");
                }
            }
            final Ipv4Prefix ipv4 = e.has("ipv4") ? YamlValues.ipv4Prefix(e.value("ipv4"), e.path("ipv4"), problems) : null;
            final Ipv6Prefix ipv6 = e.has("ipv6") ? YamlValues.ipv6Prefix(e.value("ipv6"), e.path("ipv6"), problems) : null;
            if (ipv4 == null || ipv6 == null) {
                continue;
            }
            final EamEntry entry = new EamEntry(ipv4, ipv6);
            // EAM translation (RFC 7757 section 3) copies the suffix bits across; an IPv4 suffix longer than the
            // IPv6 one would fold several IPv4 addresses onto one IPv6 address, and 6->4 could not undo that.
            if (entry.ipv4SuffixLength() > entry.ipv6SuffixLength()) {
                problems.error(item, itemPath + ": the IPv4 prefix " + ipv4 + " leaves " + entry.ipv4SuffixLength()
                    + " suffix bits but the IPv6 prefix " + ipv6 + " only " + entry.ipv6SuffixLength()
                    + ": several IPv4 addresses would map to one IPv6 address");
                continue;
            }
            // the same prefix twice in one family would make the longest match ambiguous
            final Integer sameIpv4 = byIpv4.get(ipv4);
            final Integer sameIpv6 = byIpv6.get(ipv6);
            if (sameIpv4 != null && sameIpv4.equals(sameIpv6)) {
                problems.error(item, itemPath + ": duplicate of " + earlier(path, itemIndexes.get(sameIpv4), items));
                continue;
            }
            if (sameIpv4 != null) {
                problems.error(e.value("ipv4"), e.path("ipv4") + ": " + ipv4 + " is already mapped to "
                    + entries.get(sameIpv4).ipv6() + " by " + earlier(path, itemIndexes.get(sameIpv4), items));
            }
            if (sameIpv6 != null) {
                problems.error(e.value("ipv6"), e.path("ipv6") + ": " + ipv6 + " is already mapped to "
                    + entries.get(sameIpv6).ipv4() + " by " + earlier(path, itemIndexes.get(sameIpv6), items));
            }
            if (sameIpv4 != null || sameIpv6 != null) {
                continue;
            }
            // Prefixes that merely overlap are allowed: the EAMT lookup takes the longest match, which is how a
            // more specific mapping carves an exception out of a larger one.
            byIpv4.put(ipv4, entries.size());
            byIpv6.put(ipv6, entries.size());
            entries.add(entry);
            itemIndexes.add(i);
            sources.add(item);
        }
        // The core's own rules as a backstop: anything it would refuse at start-up must be refused here.
        for (final String problem : Eamt.validate(entries)) {
            problems.error(node, path + ": " + problem);
        }
        return entries;
    }

    private static String earlier(String path, int index, List<Node> items) {
        return path + "[" + index + "] (line " + YamlValues.line(items.get(index)) + ")";
    }

    /** Writes {@code key:} and the entries as a block list indented under it, or {@code key: []}. */
    static void write(StringBuilder out, String indent, String key, List<EamEntry> entries) {
        out.append(indent).append(key).append(':');
        if (entries.isEmpty()) {
            out.append(" []\n");
            return;
        }
        out.append('\n');
        for (final EamEntry e : entries) {
            out.append(indent).append("  - {ipv4: ").append(e.ipv4()).append(", ipv6: ")
                .append(YamlValues.quoted(e.ipv6().toString())).append("}\n");
        }
    }
}
