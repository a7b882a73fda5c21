package io.xlat.control.config;

import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;
import io.xlat.core.addr.Ipv4Addresses;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The sections that {@code xlat run} will use: checked now so that files written for it validate. */
class DataplaneAndBgpSectionTest {

    /** The dataplane section as the contract specifies it: every key, with the comments it was given in. */
    static final String DATAPLANE_EXAMPLE = """
        dataplane:
          ipv6-tun: xlat6          # host side, IPv6 (tenants' instance prefixes are routed here)
          siit-tun: xlat0          # optional: one device for plain SIIT, both families
          workers: 2               # queues/threads per device; default = cores
          manage-routes: true      # install the kernel routes xlat needs (instance prefixes -> ipv6-tun, tenant
                                   # default routes inside tenant namespaces), and remove them on stop
          counters-file: /run/xlat/counters   # memory-mapped live counters
        """;

    /** The bgp section as the contract specifies it. */
    static final String BGP_EXAMPLE = """
        bgp:
          asn: 4200000001
          router-id: 192.0.2.11
          hold-time: 9
          peers:
            - {address: "2001:db8:ffff::1", asn: 64496, password: "s3cret"}
            - {address: "fe80::1%eth0", asn: 64496}
          communities: ["64496:100"]
          large-communities: ["4200000001:1:1"]
        """;

    static XlatConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "t.yaml");
        } catch (ConfigException e) {
            return fail("unexpected errors:\n" + e.getMessage());
        }
    }

    static List<String> errors(String yaml) {
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        final List<String> lines = new ArrayList<>();
        for (final ConfigError error : e.errors()) {
            lines.add(error.toString());
        }
        return lines;
    }

    private static void assertSingleError(String yaml, String expected) {
        assertEquals(List.of(expected), errors(yaml));
    }

    /** A valid bgp section with one line replaced (matched by its key). */
    private static String bgpWith(String key, String line) {
        final StringBuilder sb = new StringBuilder();
        boolean replacing = false;
        for (final String l : BGP_EXAMPLE.split("\n")) {
            if (l.startsWith("  " + key + ":")) {
                sb.append(line).append('\n');
                replacing = true;
            } else if (!(replacing && l.startsWith("    "))) {
                // the items of a replaced list go with it
                sb.append(l).append('\n');
                replacing = false;
            }
        }
        return sb.toString();
    }

    // ---- dataplane -------------------------------------------------------------------------------------------

    @Test
    void shouldParseTheDataplaneContractExample() {
        final DataplaneConfig d = parse(DATAPLANE_EXAMPLE).dataplane();
        assertEquals(new DataplaneConfig("xlat6", "xlat0", 2, true, "/run/xlat/counters"), d);
        assertTrue(d.offload(), "offloads unless turned off");
    }

    @Test
    void shouldUseDataplaneDefaultsWhenAbsent() {
        final DataplaneConfig d = parse("").dataplane();
        assertNull(d.ipv6Tun());
        assertNull(d.siitTun());
        assertEquals(0, d.workers(), "0: one worker per core");
        assertFalse(d.manageRoutes());
        assertEquals(DataplaneConfig.DEFAULT_COUNTERS_FILE, d.countersFile());
        assertEquals(d, parse("dataplane:\n  workers: null\n").dataplane());
    }

    @Test
    void shouldRejectBadDataplaneValues() {
        assertSingleError("dataplane:\n  workers: 0\n", "t.yaml:2:12: dataplane.workers: must be between 1 and 256, got 0");
        assertSingleError("dataplane:\n  manage-routes: yes\n",
            "t.yaml:2:18: dataplane.manage-routes: expected true or false, got 'yes'");
        assertSingleError("dataplane:\n  counters-file: counters\n",
            "t.yaml:2:18: dataplane.counters-file: expected an absolute file path such as /run/xlat/counters, got "
                + "'counters'");
        assertSingleError("dataplane:\n  ipv6-tun: \"xlat 6\"\n", "t.yaml:2:13: dataplane.ipv6-tun: 'xlat 6' is not a "
            + "valid interface name: no '/', ':', white space or non-ASCII characters, not . or ..");
        assertSingleError("dataplane:\n  ipv6-tun: x0\n  siit-tun: x0\n",
            "t.yaml:3:13: dataplane.siit-tun: 'x0' is also dataplane.ipv6-tun; the two roles need two devices");
        assertSingleError("dataplane:\n  workerz: 2\n", "t.yaml:2:3: unknown key 'workerz' in dataplane; expected one "
            + "of: ipv6-tun, siit-tun, workers, manage-routes, counters-file, ipv4-tun, offload, coalesce, io");
        assertSingleError("dataplane:\n  io: uring\n", "t.yaml:2:7: dataplane.io: must be one of syscalls, io_uring; "
            + "got 'uring'");
        assertSingleError("dataplane:\n  ipv6-tun: x0\n  ipv4-tun: x0\n", "t.yaml:3:13: dataplane.ipv4-tun: 'x0' is also "
            + "dataplane.ipv6-tun; a device pair is two devices (for one device carrying both families, use siit-tun)");
        assertSingleError("dataplane:\n  ipv6-tun: x6\n  siit-tun: x0\n  ipv4-tun: x4\n", "t.yaml:4:13: "
            + "dataplane.ipv4-tun: set together with dataplane.siit-tun; plain SIIT runs on one device (siit-tun) or on "
            + "a pair (ipv4-tun with ipv6-tun), not both");
        assertSingleError("dataplane:\n  ipv4-tun: x4\n", "t.yaml:2:13: dataplane.ipv4-tun: needs "
            + "dataplane.ipv6-tun, the pair's IPv6 device");
    }

    @Test
    void shouldReadADevicePairForPlainSiit() {
        final DataplaneConfig d = parse("dataplane:\n  ipv6-tun: xlat6\n  ipv4-tun: xlat4\n").dataplane();
        assertEquals("xlat6", d.ipv6Tun());
        assertEquals("xlat4", d.ipv4Tun());
        assertNull(d.siitTun());
    }

    // ---- bgp -------------------------------------------------------------------------------------------------

    @Test
    void shouldParseTheBgpContractExample() {
        final BgpConfig b = parse(BGP_EXAMPLE).bgp();
        assertTrue(b.enabled());
        assertEquals(4_200_000_001L, b.asn());
        assertEquals(Ipv4Addresses.parse("192.0.2.11"), b.routerId());
        assertEquals(9, b.holdTime());
        assertEquals(List.of(new BgpConfig.Peer("2001:db8:ffff::1", 64496, "s3cret"),
            new BgpConfig.Peer("fe80::1%eth0", 64496, null)), b.peers());
        assertEquals(List.of(Community.parse("64496:100")), b.communities());
        assertEquals(List.of(LargeCommunity.parse("4200000001:1:1")), b.largeCommunities());
    }

    @Test
    void shouldRunWithoutBgpWhenTheSectionIsAbsentOrNull() {
        assertFalse(parse("").bgp().enabled());
        assertFalse(parse("bgp:\n").bgp().enabled());
        assertEquals(BgpConfig.DEFAULT_HOLD_TIME, parse(bgpWith("hold-time", "")).bgp().holdTime());
    }

    @Test
    void shouldAcceptIpv4PeersAndCanonicaliseAddresses() {
        final BgpConfig b = parse(bgpWith("peers", "  peers:\n    - {address: 192.0.2.1, asn: 65000}\n"
            + "    - {address: \"2001:DB8:0::0:1\", asn: 65001}")).bgp();
        assertEquals("192.0.2.1", b.peers().get(0).address());
        assertEquals("2001:db8::1", b.peers().get(1).address());
    }

    @Test
    void shouldRejectMissingKeysOfAnEnabledSection() {
        assertEquals(List.of(
            "t.yaml:1:6: bgp: missing key 'asn' (or remove the section to run without BGP)",
            "t.yaml:1:6: bgp: missing key 'router-id' (or remove the section to run without BGP)",
            "t.yaml:1:6: bgp: missing key 'peers' (or remove the section to run without BGP)"), errors("bgp: {}\n"));
    }

    @Test
    void shouldRejectBadAsnsRouterIdsAndHoldTimes() {
        assertSingleError(bgpWith("asn", "  asn: 23456"),
            "t.yaml:2:8: bgp.asn: 23456 is AS_TRANS (RFC 6793) and cannot be configured");
        assertSingleError(bgpWith("asn", "  asn: 4294967296"),
            "t.yaml:2:8: bgp.asn: must be between 1 and 4294967295, got 4294967296");
        assertSingleError(bgpWith("router-id", "  router-id: 0.0.0.0"),
            "t.yaml:3:14: bgp.router-id: must not be 0.0.0.0 (RFC 6286)");
        assertSingleError(bgpWith("hold-time", "  hold-time: 2"),
            "t.yaml:4:14: bgp.hold-time: must be 0 or at least 3 seconds (RFC 4271 section 4.2), got 2");
        assertEquals(0, parse(bgpWith("hold-time", "  hold-time: 0")).bgp().holdTime());
    }

    @Test
    void shouldReadTheDrainingAndPreferenceAttributes() {
        final BgpConfig absent = parse(BGP_EXAMPLE).bgp();
        assertEquals(-1, absent.med());
        assertEquals(-1, absent.localPref());
        assertEquals(0, absent.asPathPrepend());
        final BgpConfig set = parse(BGP_EXAMPLE + "  med: 50\n  local-pref: 200\n  as-path-prepend: 3\n").bgp();
        assertEquals(50, set.med());
        assertEquals(200, set.localPref());
        assertEquals(3, set.asPathPrepend());
        assertEquals(1, errors(BGP_EXAMPLE + "  as-path-prepend: 17\n").size(), "at most 16");
        assertEquals(1, errors(BGP_EXAMPLE + "  med: -1\n").size());
    }

    @Test
    void shouldRejectBadPeers() {
        assertSingleError(bgpWith("peers", "  peers: []"),
            "t.yaml:5:10: bgp.peers: must list at least one peer (or remove the section to run without BGP)");
        assertSingleError(bgpWith("peers", "  peers:\n    - {address: \"fe80::1\", asn: 64496}"),
            "t.yaml:6:17: bgp.peers[0].address: 'fe80::1' is link-local: name the interface as in \"fe80::1%eth0\"");
        assertSingleError(bgpWith("peers", "  peers:\n    - {address: \"2001:db8::1%eth0\", asn: 64496}"),
            "t.yaml:6:17: bgp.peers[0].address: '2001:db8::1%eth0': only link-local addresses (fe80::/10) take an "
                + "interface");
        assertSingleError(bgpWith("peers", "  peers:\n    - {address: peer.example, asn: 64496}"),
            "t.yaml:6:17: bgp.peers[0].address: not an IPv4 address: 'peer.example'");
        assertSingleError(bgpWith("peers", "  peers:\n    - {address: 192.0.2.1}"),
            "t.yaml:6:7: bgp.peers[0]: missing key 'asn' (a peer is {address: ADDRESS, asn: NUMBER, password: TEXT})");
        assertSingleError(bgpWith("peers", "  peers:\n    - {address: 192.0.2.1, asn: 1}\n"
                + "    - {address: 192.0.2.01, asn: 2}"),
            "t.yaml:7:17: bgp.peers[1].address: 192.0.2.1 is already bgp.peers[0] (line 6)");
        final String longKey = "k".repeat(81);
        final List<String> e = errors(bgpWith("peers", "  peers:\n    - {address: 192.0.2.1, asn: 1, password: "
            + longKey + "}"));
        assertEquals(List.of("t.yaml:6:46: bgp.peers[0].password: must be 1 to 80 octets, got 81"), e);
        assertFalse(e.get(0).contains(longKey), "a password is never echoed");
    }

    /** Unnumbered (FRR's {@code neighbor eth0 interface}): the leaf connects, xlat listens. */
    static final String BGP_PASSIVE = """
        bgp:
          asn: 4200000001
          router-id: 192.0.2.11
          listen: "[::]:179"
          peers:
            - {interface: eth0, asn: 64496}
            - {address: "2001:db8:ffff::1", asn: 64496, passive: true}
            - {address: "2001:db8:ffff::2", asn: 64496}
        """;

    @Test
    void shouldReadTheListenAddressAndPassiveAndUnnumberedPeers() throws ConfigException {
        final BgpConfig b = parse(BGP_PASSIVE).bgp();
        assertEquals(new ListenAddress("::", 179), b.listen());
        assertEquals(List.of(new BgpConfig.Peer(null, 64496, null, true, "eth0"),
            new BgpConfig.Peer("2001:db8:ffff::1", 64496, null, true, null),
            new BgpConfig.Peer("2001:db8:ffff::2", 64496, null)), b.peers());
        assertEquals("eth0", b.peers().get(0).name());
        assertEquals(true, parse(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}",
            "{interface: eth0, asn: 64496, passive: true}")).bgp().peers().get(0).passive(), "passive may be said");
        assertEquals(null, parse(BGP_EXAMPLE).bgp().listen(), "off by default: xlat only connects");
        assertEquals(new ListenAddress("192.0.2.11", 1179),
            parse(BGP_EXAMPLE + "  listen: \"192.0.2.11:1179\"\n").bgp().listen());
        final String written = parse(BGP_PASSIVE).toYaml();
        assertTrue(written.contains("    - {interface: \"eth0\", asn: 64496, passive: true}\n"), written);
        assertTrue(written.contains("  listen: \"[::]:179\"\n"), written);
        assertEquals(parse(BGP_PASSIVE).bgp(), ConfigLoader.parse(written, "effective.yaml").bgp());
    }

    @Test
    void shouldRejectPassivePeersWithoutAListenAddressAndUnnumberedOnesThatCannotWork() {
        final String noListen = BGP_PASSIVE.replace("  listen: \"[::]:179\"\n", "");
        assertEquals(List.of(
            "t.yaml:5:19: bgp.peers[0].interface: needs bgp.listen (such as \"[::]:179\") to accept the peer's "
                + "connection",
            "t.yaml:6:58: bgp.peers[1].passive: needs bgp.listen (such as \"[::]:179\") to accept the peer's "
                + "connection"), errors(noListen));
        assertEquals(2, errors(BGP_PASSIVE.replace("  listen: \"[::]:179\"", "  listen: null")).size(),
            "listen: null is off");
        assertSingleError(BGP_PASSIVE.replace("  listen: \"[::]:179\"", "  listen: \"[::]\""),
            "t.yaml:4:11: bgp.listen: expected an IP address and a port such as \"[::]:179\" or \"0.0.0.0:179\" "
                + "(no host names: the daemon resolves nothing), got '[::]'");
        assertSingleError(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}",
                "{interface: eth0, address: \"fe80::1%eth0\", asn: 64496}"),
            "t.yaml:6:19: bgp.peers[0].interface: a peer has an address or an interface, not both (a link-local "
                + "address names its interface: \"fe80::1%eth0\")");
        assertSingleError(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}", "{interface: eth0, asn: 64496, "
                + "passive: false}"),
            "t.yaml:6:46: bgp.peers[0].passive: a peer given by interface has no address to connect to: it is "
                + "always passive");
        assertSingleError(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}", "{interface: eth0, asn: 64496, "
                + "password: x}"),
            "t.yaml:6:47: bgp.peers[0].password: not with interface: Linux binds a TCP-MD5 key to the peer's "
                + "address");
        assertSingleError(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}", "{interface: \"eth/0\", asn: 64496}"),
            "t.yaml:6:19: bgp.peers[0].interface: 'eth/0' " + YamlValues.interfaceNameProblem("eth/0"));
        assertSingleError(BGP_PASSIVE.replace("{address: \"2001:db8:ffff::2\", asn: 64496}",
                "{interface: eth0, asn: 64497}"),
            "t.yaml:8:19: bgp.peers[2].interface: eth0 is already bgp.peers[0] (line 6)");
        assertSingleError(BGP_PASSIVE.replace("{interface: eth0, asn: 64496}", "{asn: 64496}"),
            "t.yaml:6:7: bgp.peers[0]: missing key 'address' (a peer is {address: ADDRESS, asn: NUMBER, password: "
                + "TEXT})");
    }

    @Test
    void shouldRejectBadCommunities() {
        assertSingleError(bgpWith("communities", "  communities: [\"64496:70000\"]"),
            "t.yaml:8:17: bgp.communities[0]: value out of range 0..65535 in '64496:70000'");
        assertSingleError(bgpWith("large-communities", "  large-communities: [\"1:2\"]"),
            "t.yaml:9:23: bgp.large-communities[0]: large community must be GLOBAL:LOCAL1:LOCAL2: '1:2'");
    }

    @Test
    void shouldLeavePasswordsOutOfTheEffectiveConfigurationUnlessAsked() throws ConfigException {
        final XlatConfig c = parse(BGP_EXAMPLE);
        final String shown = c.toYaml();
        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("    - {address: \"2001:db8:ffff::1\", asn: 64496}  # password set, not shown\n"),
            shown);
        final String secret = c.toYaml(true);
        assertTrue(secret.contains("    - {address: \"2001:db8:ffff::1\", asn: 64496, password: \"s3cret\"}\n"), secret);
        assertEquals(c.bgp(), ConfigLoader.parse(secret, "effective.yaml").bgp());
    }

    @Test
    void shouldReadBackEveryNewSectionItWrites() throws ConfigException {
        final String yaml = DATAPLANE_EXAMPLE + BGP_EXAMPLE.replace("\"s3cret\"", "\"a \\\"quoted\\\" \\\\ key\"");
        final XlatConfig first = parse(yaml);
        assertEquals("a \"quoted\" \\ key", first.bgp().peers().get(0).password());
        final String written = first.toYaml(true);
        final XlatConfig second = ConfigLoader.parse(written, "effective.yaml");
        assertEquals(first.dataplane(), second.dataplane());
        assertEquals(first.bgp(), second.bgp());
        assertEquals(written, second.toYaml(true));
        for (final String key : DataplaneSection.KEYS) {
            assertTrue(written.contains("\n  " + key + ":"), key + " missing from\n" + written);
        }
        for (final String key : BgpSection.KEYS) {
            assertTrue(written.contains("\n  " + key + ":"), key + " missing from\n" + written);
        }
        final XlatConfig defaults = ConfigLoader.parse(XlatConfig.defaults().toYaml(), "defaults.yaml");
        assertEquals(DataplaneConfig.DEFAULTS, defaults.dataplane());
        assertFalse(defaults.bgp().enabled());
    }
}
