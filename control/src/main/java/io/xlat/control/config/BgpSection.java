package io.xlat.control.config;

import io.xlat.control.bgp.BgpPeer;
import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bgp:} section, read and checked now so that files written for {@code xlat run} validate; it takes
 * effect with {@code xlat run}. Absent or null: no BGP speaker.
 */
public final class BgpSection implements ConfigSection<BgpConfig> {

    public static final BgpSection INSTANCE = new BgpSection();

    static final String KEY = "bgp";
    static final String ASN = "asn";
    static final String ROUTER_ID = "router-id";
    static final String HOLD_TIME = "hold-time";
    static final String PEERS = "peers";
    static final String COMMUNITIES = "communities";
    static final String LARGE_COMMUNITIES = "large-communities";
    static final String MED = "med";
    static final String LOCAL_PREF = "local-pref";
    static final String AS_PATH_PREPEND = "as-path-prepend";
    static final String LISTEN = "listen";
    static final String ADDRESS = "address";
    static final String PASSWORD = "password";
    static final String PASSIVE = "passive";
    static final String INTERFACE = "interface";

    /** The contract's keys, in the order they are documented and written. */
    static final List<String> KEYS = List.of(ASN, ROUTER_ID, HOLD_TIME, PEERS, COMMUNITIES, LARGE_COMMUNITIES, MED,
        LOCAL_PREF, AS_PATH_PREPEND, LISTEN);
    static final List<String> PEER_KEYS = List.of(ADDRESS, ASN, PASSWORD, PASSIVE, INTERFACE);

    /** RFC 4271 section 8.2.1.2's PassiveTcpEstablishment needs somewhere to accept the connection. */
    private static final String NEEDS_LISTEN = "needs bgp.listen (such as \"[::]:179\") to accept the peer's "
        + "connection";

    static final long MAX_ASN = 0xFFFF_FFFFL;
    /** RFC 6793: AS_TRANS stands in for four-octet AS numbers in two-octet fields; no speaker may use it. */
    static final long AS_TRANS = 23456;

    private BgpSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public BgpConfig defaults() {
        return BgpConfig.DISABLED;
    }

    @Override
    public BgpConfig parse(Node node, ConfigProblems problems) {
        if (YamlValues.isNull(node)) {
            return BgpConfig.DISABLED;
        }
        final YamlMapping m = YamlMapping.read(node, KEY, KEYS, problems);
        for (final String key : List.of(ASN, ROUTER_ID, PEERS)) {
            if (!m.has(key) && node instanceof MappingNode) {
                problems.error(node, KEY + ": missing key '" + key + "' (or remove the section to run without BGP)");
            }
        }
        final Long asn = m.has(ASN) ? asn(m.value(ASN), m.path(ASN), problems) : null;
        Integer routerId = null;
        if (m.has(ROUTER_ID)) {
            routerId = YamlValues.ipv4Address(m.value(ROUTER_ID), m.path(ROUTER_ID), problems);
            if (routerId != null && routerId == 0) {
                // RFC 6286 section 2.1: "the BGP Identifier [...] MUST be a non-zero 32-bit quantity"
                problems.error(m.value(ROUTER_ID), m.path(ROUTER_ID) + ": must not be 0.0.0.0 (RFC 6286)");
                routerId = null;
            }
        }
        Integer holdTime = null;
        if (m.has(HOLD_TIME)) {
            holdTime = YamlValues.integer(m.value(HOLD_TIME), m.path(HOLD_TIME), 0, 0xFFFF, problems);
            if (holdTime != null && (holdTime == 1 || holdTime == 2)) {
                // RFC 4271 §4.2: "The Hold Time MUST be either zero or at least three seconds."
                problems.error(m.value(HOLD_TIME), m.path(HOLD_TIME) + ": must be 0 or at least 3 seconds "
                    + "(RFC 4271 section 4.2), got " + holdTime);
                holdTime = null;
            }
        }
        final ListenAddress listen = m.has(LISTEN) && !YamlValues.isNull(m.value(LISTEN))
            ? listen(m.value(LISTEN), m.path(LISTEN), problems) : null;
        final List<BgpConfig.Peer> peers = m.has(PEERS) ? peers(m,
            m.has(LISTEN) && !YamlValues.isNull(m.value(LISTEN)), problems)
            : List.of();
        final List<Community> communities = new ArrayList<>();
        for (final String text : strings(m, COMMUNITIES, "a community such as \"64496:100\"", problems)) {
            communities.add(Community.parse(text));
        }
        final List<LargeCommunity> large = new ArrayList<>();
        for (final String text : strings(m, LARGE_COMMUNITIES, "a large community such as \"4200000001:1:1\"",
            problems)) {
            large.add(LargeCommunity.parse(text));
        }
        // null (as `xlat check` writes an unset one) means "not sent"
        final Long med = m.has(MED) && !YamlValues.isNull(m.value(MED))
            ? YamlValues.longInteger(m.value(MED), m.path(MED), 0, 0xFFFF_FFFFL, problems) : null;
        final Long localPref = m.has(LOCAL_PREF) && !YamlValues.isNull(m.value(LOCAL_PREF))
            ? YamlValues.longInteger(m.value(LOCAL_PREF), m.path(LOCAL_PREF), 0, 0xFFFF_FFFFL, problems) : null;
        final Integer prepend = m.has(AS_PATH_PREPEND) ? YamlValues.integer(m.value(AS_PATH_PREPEND),
            m.path(AS_PATH_PREPEND), 0, BgpConfig.MAX_PREPEND, problems) : null;
        return new BgpConfig(asn != null ? asn : 0, routerId != null ? routerId : 0,
            holdTime != null ? holdTime : BgpConfig.DEFAULT_HOLD_TIME, peers, communities, large,
            med != null ? med : -1, localPref != null ? localPref : -1, prepend != null ? prepend : 0, listen);
    }

    private static ListenAddress listen(Node node, String path, ConfigProblems problems) {
        final String text = YamlValues.text(node, path, "HOST:PORT such as \"[::]:179\"", problems);
        if (text == null) {
            return null;
        }
        final ListenAddress parsed = ListenAddress.parse(text);
        if (parsed == null) {
            problems.error(node, path + ": expected an IP address and a port such as \"[::]:179\" or "
                + "\"0.0.0.0:179\" (no host names: the daemon resolves nothing), got '" + YamlValues.excerpt(text)
                + "'");
        }
        return parsed;
    }

    private static Long asn(Node node, String path, ConfigProblems problems) {
        final Long asn = YamlValues.longInteger(node, path, 1, MAX_ASN, problems);
        if (asn != null && asn == AS_TRANS) {
            problems.error(node, path + ": 23456 is AS_TRANS (RFC 6793) and cannot be configured");
            return null;
        }
        return asn;
    }

    /** {@code listening}: {@code bgp.listen} is set (or set wrongly: reported there, not again per peer). */
    private static List<BgpConfig.Peer> peers(YamlMapping m, boolean listening, ConfigProblems problems) {
        final String path = m.path(PEERS);
        final List<Node> items = YamlValues.list(m.value(PEERS), path, problems);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            problems.error(m.value(PEERS), path + ": must list at least one peer (or remove the section to run "
                + "without BGP)");
            return List.of();
        }
        final List<BgpConfig.Peer> peers = new ArrayList<>();
        final Map<String, Integer> addresses = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            final Node item = items.get(i);
            final String itemPath = path + "[" + i + "]";
            final YamlMapping p = YamlMapping.read(item, itemPath, PEER_KEYS, problems);
            if (!(item instanceof MappingNode) && !YamlValues.isNull(item)) {
                continue;
            }
            for (final String key : List.of(ADDRESS, ASN)) {
                if (!p.has(key) && !(key.equals(ADDRESS) && p.has(INTERFACE))) {
                    problems.error(item, itemPath + ": missing key '" + key + "' (a peer is {address: ADDRESS, asn: "
                        + "NUMBER, password: TEXT})");
                }
            }
            if (p.has(ADDRESS) && p.has(INTERFACE)) {
                problems.error(p.value(INTERFACE), p.path(INTERFACE) + ": a peer has an address or an interface, not "
                    + "both (a link-local address names its interface: \"fe80::1%eth0\")");
                continue;
            }
            final String interfaceName = p.has(INTERFACE) ? interfaceName(p.value(INTERFACE), p.path(INTERFACE),
                problems) : null;
            final Boolean passiveValue = p.has(PASSIVE) ? YamlValues.bool(p.value(PASSIVE), p.path(PASSIVE), problems)
                : null;
            if (p.has(INTERFACE) && Boolean.FALSE.equals(passiveValue)) {
                problems.error(p.value(PASSIVE), p.path(PASSIVE) + ": a peer given by interface has no address to "
                    + "connect to: it is always passive");
            }
            if (p.has(INTERFACE) && p.has(PASSWORD) && !YamlValues.isNull(p.value(PASSWORD))) {
                problems.error(p.value(PASSWORD), p.path(PASSWORD) + ": not with interface: Linux binds a TCP-MD5 "
                    + "key to the peer's address");
            }
            final boolean passive = p.has(INTERFACE) || Boolean.TRUE.equals(passiveValue);
            if (passive && !listening) {
                final String key = p.has(INTERFACE) ? INTERFACE : PASSIVE;
                problems.error(p.value(key), p.path(key) + ": " + NEEDS_LISTEN);
            }
            if (interfaceName != null) {
                final Integer other = addresses.putIfAbsent("%" + interfaceName, i);
                if (other != null) {
                    problems.error(p.value(INTERFACE), p.path(INTERFACE) + ": " + interfaceName + " is already "
                        + path + "[" + other + "] (line " + YamlValues.line(items.get(other)) + ")");
                }
            }
            final String address = p.has(ADDRESS) ? address(p.value(ADDRESS), p.path(ADDRESS), problems) : null;
            if (address != null) {
                final Integer other = addresses.putIfAbsent(address, i);
                if (other != null) {
                    problems.error(p.value(ADDRESS), p.path(ADDRESS) + ": " + address + " is already " + path + "["
                        + other + "] (line " + YamlValues.line(items.get(other)) + ")");
                }
            }
            final Long asn = p.has(ASN) ? asn(p.value(ASN), p.path(ASN), problems) : null;
            final String password = p.has(PASSWORD) && !YamlValues.isNull(p.value(PASSWORD))
                ? password(p.value(PASSWORD), p.path(PASSWORD), problems) : null;
            if ((address != null || interfaceName != null) && asn != null) {
                peers.add(new BgpConfig.Peer(address, asn, interfaceName != null ? null : password, passive,
                    interfaceName));
            }
        }
        return peers;
    }

    /** A literal address in canonical form; link-local IPv6 needs its interface ({@code fe80::1%eth0}). */
    private static String address(Node node, String path, ConfigProblems problems) {
        final String text = YamlValues.text(node, path, "an IP address such as \"2001:db8::1\" or \"fe80::1%eth0\"",
            problems);
        if (text == null) {
            return null;
        }
        final int percent = text.indexOf('%');
        final String literal = percent < 0 ? text : text.substring(0, percent);
        final String zone = percent < 0 ? null : text.substring(percent + 1);
        if (literal.indexOf(':') < 0) {
            if (zone != null) {
                problems.error(node, path + ": '" + YamlValues.excerpt(text)
                    + "': only IPv6 link-local addresses take an interface");
                return null;
            }
            try {
                return Ipv4Addresses.format(Ipv4Addresses.parse(literal));
            } catch (IllegalArgumentException e) {
                problems.error(node, path + ": " + e.getMessage());
                return null;
            }
        }
        final long[] a;
        try {
            a = Ipv6Addresses.parse(literal);
        } catch (IllegalArgumentException e) {
            problems.error(node, path + ": " + e.getMessage());
            return null;
        }
        final boolean linkLocal = (a[0] >>> 54) == (0xFE80L >>> 6);
        if (linkLocal && zone == null) {
            problems.error(node, path + ": '" + YamlValues.excerpt(text) + "' is link-local: name the interface as in \""
                + literal + "%eth0\"");
            return null;
        }
        if (!linkLocal && zone != null) {
            problems.error(node, path + ": '" + YamlValues.excerpt(text)
                + "': only link-local addresses (fe80::/10) take an interface");
            return null;
        }
        if (zone != null) {
            final String problem = YamlValues.interfaceNameProblem(zone);
            if (problem != null) {
                problems.error(node, path + ": '" + zone + "' " + problem);
                return null;
            }
        }
        final String canonical = Ipv6Addresses.format(a[0], a[1]);
        return zone == null ? canonical : canonical + "%" + zone;
    }

    private static String interfaceName(Node node, String path, ConfigProblems problems) {
        final String text = YamlValues.text(node, path, "an interface name such as eth0", problems);
        if (text == null) {
            return null;
        }
        final String problem = YamlValues.interfaceNameProblem(text);
        if (problem != null) {
            problems.error(node, path + ": '" + YamlValues.excerpt(text) + "' " + problem);
            return null;
        }
        return text;
    }

    private static String password(Node node, String path, ConfigProblems problems) {
        final String text = YamlValues.text(node, path, "a TCP-MD5 key", problems);
        if (text == null) {
            return null;
        }
        final int octets = text.getBytes(StandardCharsets.UTF_8).length;
        if (octets == 0 || octets > BgpPeer.MAX_PASSWORD_LENGTH) {
            // Linux TCP_MD5SIG_MAXKEYLEN; the value itself is never echoed
            problems.error(node, path + ": must be 1 to " + BgpPeer.MAX_PASSWORD_LENGTH + " octets, got " + octets);
            return null;
        }
        return text;
    }

    /** The items of a list of scalars that {@code parse} accepts; the bad ones are reported and left out. */
    private static List<String> strings(YamlMapping m, String key, String expected, ConfigProblems problems) {
        final String path = m.path(key);
        final List<Node> items = YamlValues.list(m.value(key), path, problems);
        if (items == null) {
            return List.of();
        }
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            final String itemPath = path + "[" + i + "]";
            final String text = YamlValues.text(items.get(i), itemPath, expected, problems);
            if (text == null) {
                continue;
            }
            try {
                if (COMMUNITIES.equals(key)) {
                    Community.parse(text);
                } else {
                    LargeCommunity.parse(text);
                }
                values.add(text);
            } catch (IllegalArgumentException e) {
                problems.error(items.get(i), itemPath + ": " + e.getMessage());
            }
        }
        return values;
    }

    @Override
    public void write(BgpConfig c, StringBuilder out) {
        write(c, out, false);
    }

    @Override
    public void write(BgpConfig c, StringBuilder out, boolean showSecrets) {
        if (!c.enabled()) {
            out.append(KEY).append(": null\n");
            return;
        }
        out.append(KEY).append(":\n");
        out.append("  ").append(ASN).append(": ").append(c.asn()).append('\n');
        out.append("  ").append(ROUTER_ID).append(": ").append(Ipv4Addresses.format(c.routerId())).append('\n');
        out.append("  ").append(HOLD_TIME).append(": ").append(c.holdTime()).append('\n');
        out.append("  ").append(PEERS).append(":\n");
        for (final BgpConfig.Peer p : c.peers()) {
            out.append("    - {");
            if (p.address() != null) {
                out.append(ADDRESS).append(": ").append(YamlValues.quoted(p.address()));
            } else {
                out.append(INTERFACE).append(": ").append(YamlValues.quoted(p.interfaceName()));
            }
            out.append(", ").append(ASN).append(": ").append(p.asn());
            if (p.passive()) {
                out.append(", ").append(PASSIVE).append(": true");
            }
            if (p.password() != null && showSecrets) {
                out.append(", ").append(PASSWORD).append(": ").append(YamlValues.escaped(p.password()));
            }
            out.append('}');
            if (p.password() != null && !showSecrets) {
                out.append("  # password set, not shown");
            }
            out.append('\n');
        }
        final List<String> communities = new ArrayList<>();
        for (final Community community : c.communities()) {
            communities.add(YamlValues.quoted(community.toString()));
        }
        out.append("  ").append(COMMUNITIES).append(": [").append(String.join(", ", communities)).append("]\n");
        final List<String> large = new ArrayList<>();
        for (final LargeCommunity community : c.largeCommunities()) {
            large.add(YamlValues.quoted(community.toString()));
        }
        out.append("  ").append(LARGE_COMMUNITIES).append(": [").append(String.join(", ", large)).append("]\n");
        out.append("  ").append(MED).append(": ").append(c.med() < 0 ? "null" : String.valueOf(c.med())).append('\n');
        out.append("  ").append(LOCAL_PREF).append(": ")
            .append(c.localPref() < 0 ? "null" : String.valueOf(c.localPref())).append('\n');
        out.append("  ").append(AS_PATH_PREPEND).append(": ").append(c.asPathPrepend()).append('\n');
        out.append("  ").append(LISTEN).append(": ")
            .append(c.listen() == null ? "null" : YamlValues.quoted(c.listen().text())).append('\n');
    }
}
