package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.tenant.TenantConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class TenantsSectionTest {

    /** The contract example of issue 3, comments included. */
    static final String CONTRACT_EXAMPLE = """
        tenants:
          - name: blue
            prefix: "2001:db8:100:1::/96"   # the instance prefix, RFC 6052 form (32..96; u-octet must be zero)
            ipv4: [10.0.0.0/25]             # this host's IPv4 addresses of the tenant (what it serves here)
            tun: xb-blue                    # the TUN device carrying this tenant's IPv4 (used by `xlat run`)
            netns: blue                     # optional: the network namespace the tenant's TUN lives in
            services:                       # optional, DC-SIIT: IPv6 services this tenant reaches via IPv4 (EAM)
              - {ipv4: 100.64.0.10/32, ipv6: "2001:db8:5::10/128"}
          - name: red
            prefix: "2001:db8:100:2::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-red
        """;

    private static XlatConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "t.yaml");
        } catch (ConfigException e) {
            return fail("unexpected errors:\n" + e.getMessage());
        }
    }

    private static List<String> errors(String yaml) {
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

    /** One tenant "a" with the given lines replacing or adding to its keys. */
    private static String tenant(String... lines) {
        final StringBuilder sb = new StringBuilder("tenants:\n  - name: a\n");
        final List<String> given = new ArrayList<>();
        for (final String line : lines) {
            given.add(line.substring(0, line.indexOf(':')));
        }
        for (final String line : lines) {
            sb.append("    ").append(line).append('\n');
        }
        if (!given.contains("prefix")) {
            sb.append("    prefix: \"2001:db8:a::/96\"\n");
        }
        if (!given.contains("ipv4")) {
            sb.append("    ipv4: [10.0.0.0/24]\n");
        }
        if (!given.contains("tun")) {
            sb.append("    tun: xa\n");
        }
        return sb.toString();
    }

    // ---- accepted --------------------------------------------------------------------------------------------

    @Test
    void shouldParseEveryKeyOfTheContractExample() {
        final List<TenantConfig> tenants = parse(CONTRACT_EXAMPLE).tenants();
        assertEquals(2, tenants.size());
        final TenantConfig blue = tenants.get(0);
        assertEquals("blue", blue.name());
        assertEquals(Ipv6Prefix.parse("2001:db8:100:1::/96"), blue.prefix());
        assertEquals(List.of(Ipv4Prefix.parse("10.0.0.0/25")), blue.ipv4());
        assertEquals("xb-blue", blue.tun());
        assertEquals("blue", blue.netns());
        assertEquals(List.of(new EamEntry(Ipv4Prefix.parse("100.64.0.10/32"), Ipv6Prefix.parse("2001:db8:5::10/128"))),
            blue.services());
        final TenantConfig red = tenants.get(1);
        assertEquals("red", red.name());
        assertEquals(List.of(Ipv4Prefix.parse("10.0.0.0/25")), red.ipv4(), "overlapping IPv4 is the point");
        assertNull(red.netns());
        assertEquals(List.of(), red.services());
    }

    @Test
    void shouldHaveNoTenantsWhenTheSectionIsAbsentOrEmpty() {
        for (final String yaml : new String[] {"", "tenants:\n", "tenants: []\n", "tenants: ~\n"}) {
            assertEquals(List.of(), parse(yaml).tenants(), yaml);
        }
    }

    @Test
    void shouldAcceptEveryRfc6052PrefixLength() {
        for (final int length : new int[] {32, 40, 48, 56, 64, 96}) {
            final XlatConfig c = parse(tenant("prefix: \"2001:db8::/" + length + "\""));
            assertEquals(length, c.tenants().get(0).prefix().length());
        }
    }

    @Test
    void shouldReadBackTheTenantsItWrites() throws ConfigException {
        final String yaml = CONTRACT_EXAMPLE + """
              - name: "off"
                prefix: 2001:db8:200::/40
                ipv4: [10.0.0.0/25, 192.168.7.0/24]
                tun: "1e3"
                netns: "yes"
            """;
        final XlatConfig first = parse(yaml);
        final String written = first.toYaml();
        assertTrue(written.contains("""
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
                netns: blue
                services:
                  - {ipv4: 100.64.0.10/32, ipv6: "2001:db8:5::10/128"}
              - name: red
            """), written);
        // words that YAML 1.1 reads as booleans or numbers are quoted
        assertTrue(written.contains("  - name: \"off\"\n"), written);
        assertTrue(written.contains("    tun: \"1e3\"\n"), written);
        assertTrue(written.contains("    netns: \"yes\"\n"), written);
        final XlatConfig second = ConfigLoader.parse(written, "effective.yaml");
        assertEquals(first.tenants(), second.tenants());
        assertEquals(written, second.toYaml());
    }

    // ---- one error class at a time ---------------------------------------------------------------------------

    @Test
    void shouldRejectPrefixLengthsThatRfc6052DoesNotDefine() {
        assertSingleError(tenant("prefix: \"2001:db8::/72\""), "t.yaml:3:13: tenants[0].prefix: 2001:db8::/72: "
            + "RFC 6052 section 2.2 allows only the prefix lengths 32, 40, 48, 56, 64 and 96");
        assertSingleError(tenant("prefix: \"2001:db8::/128\""), "t.yaml:3:13: tenants[0].prefix: 2001:db8::/128: "
            + "RFC 6052 section 2.2 allows only the prefix lengths 32, 40, 48, 56, 64 and 96");
    }

    @Test
    void shouldRejectAPrefixWhoseUOctetIsSet() {
        assertSingleError(tenant("prefix: \"2001:db8:0:0:100::/96\""), "t.yaml:3:13: tenants[0].prefix: "
            + "2001:db8:0:0:100::/96: bits 64-71 (the RFC 6052 u-octet) must be zero in a /96 prefix");
    }

    @Test
    void shouldRejectHostBitsInPrefixesAndRanges() {
        assertSingleError(tenant("prefix: \"2001:db8::1/96\""),
            "t.yaml:3:13: tenants[0].prefix: host bits set in 2001:db8::1/96");
        assertSingleError(tenant("ipv4: [10.0.0.1/24]"), "t.yaml:3:12: tenants[0].ipv4[0]: host bits set in 10.0.0.1/24");
    }

    @Test
    void shouldRejectTheWellKnownPrefixForTenants() {
        assertSingleError(tenant("prefix: 64:ff9b::/96"), "t.yaml:3:13: tenants[0].prefix: the Well-Known Prefix "
            + "64:ff9b::/96 cannot carry tenant (non-global) IPv4 addresses (RFC 6052 section 3.1); use a "
            + "network-specific prefix");
    }

    @Test
    void shouldRejectBadOrEmptyOrOverlappingRanges() {
        assertSingleError(tenant("ipv4: []"), "t.yaml:3:11: tenants[0].ipv4: must list at least one IPv4 range "
            + "(the tenant's addresses on this host)");
        assertSingleError(tenant("ipv4: [10.0.0.0/33]"),
            "t.yaml:3:12: tenants[0].ipv4[0]: prefix length of '10.0.0.0/33' must be 0..32");
        assertSingleError(tenant("ipv4: 10.0.0.0/24"), "t.yaml:3:11: tenants[0].ipv4: expected a list, got '10.0.0.0/24'");
        assertSingleError(tenant("ipv4: [10.0.0.0/24, 10.0.0.128/25]"),
            "t.yaml:3:25: tenants[0].ipv4[1]: 10.0.0.128/25 overlaps tenants[0].ipv4[0] (10.0.0.0/24)");
        assertSingleError(tenant("ipv4: [127.0.0.0/8]"), "t.yaml:3:12: tenants[0].ipv4[0]: 127.0.0.0/8 reaches into "
            + "0.0.0.0/8, 127.0.0.0/8 or 224.0.0.0/3, which are not host addresses (RFC 1812 section 5.3.7)");
        assertSingleError(tenant("ipv4: [128.0.0.0/1]"), "t.yaml:3:12: tenants[0].ipv4[0]: 128.0.0.0/1 reaches into "
            + "0.0.0.0/8, 127.0.0.0/8 or 224.0.0.0/3, which are not host addresses (RFC 1812 section 5.3.7)");
    }

    @Test
    void shouldRejectMissingKeysAndUnknownKeys() {
        assertEquals(List.of(
            "t.yaml:2:5: tenants[0]: missing key 'ipv4' (a tenant has name, prefix, ipv4, tun and optionally netns, "
                + "services)",
            "t.yaml:2:5: tenants[0]: missing key 'tun' (a tenant has name, prefix, ipv4, tun and optionally netns, "
                + "services)",
            "t.yaml:3:5: unknown key 'device' in tenants[0]; expected one of: name, prefix, ipv4, tun, netns, services"),
            errors("tenants:\n  - name: a\n    device: xa\n    prefix: \"2001:db8::/96\"\n"));
        assertSingleError("tenants:\n  - blue\n", "t.yaml:2:5: tenants[0]: expected a mapping of keys, got 'blue'");
        assertSingleError("tenants: {blue: {}}\n", "t.yaml:1:10: tenants: expected a list, got a mapping");
    }

    @Test
    void shouldRejectBadNamesDevicesAndNamespaces() {
        assertSingleError(tenant("name: \"blue green\"").replace("  - name: a\n", "  -\n"),
            "t.yaml:3:11: tenants[0].name: 'blue green' is not a valid tenant name: 1 to 64 letters, digits, '.', "
                + "'_' or '-', starting with a letter or digit");
        assertSingleError(tenant("tun: xlat-tenant-blue0"), "t.yaml:3:10: tenants[0].tun: 'xlat-tenant-blue0' is not "
            + "a valid interface name: it must be 1 to 15 characters long");
        assertSingleError(tenant("tun: \"a/b\""), "t.yaml:3:10: tenants[0].tun: 'a/b' is not a valid interface name: "
            + "no '/', ':', white space or non-ASCII characters, not . or ..");
        assertSingleError(tenant("netns: \"..\""), "t.yaml:3:12: tenants[0].netns: '..' is not a valid network "
            + "namespace name: 1 to 255 printable ASCII characters, no '/' or white space, not . or ..");
    }

    @Test
    void shouldRejectDuplicateNamesAndDevicesNamingTheFirst() {
        assertEquals(List.of(
            "t.yaml:6:11: tenants[1].name: 'blue' is already the name of tenants[0] (line 2)",
            "t.yaml:9:10: tenants[1].tun: 'xb' is already the tun of tenants[0] 'blue' (line 2)"),
            errors("""
                tenants:
                  - name: blue
                    prefix: "2001:db8:1::/96"
                    ipv4: [10.0.0.0/24]
                    tun: xb
                  - name: blue
                    prefix: "2001:db8:2::/96"
                    ipv4: [10.0.0.0/24]
                    tun: xb
                """));
    }

    @Test
    void shouldRejectOverlappingTenantPrefixesAtTheLaterTenant() {
        assertEquals(List.of(
            "t.yaml:4:13: tenants[1].prefix: 2001:db8:100:1::/96 overlaps 2001:db8:100::/48 of tenants[0] 'wide' "
                + "(line 2): an IPv6 address must belong to one tenant only",
            "t.yaml:7:28: tenants[2].prefix: 2001:db8::/32 overlaps 2001:db8:100:1::/96 of tenants[1] 'narrow' "
                + "(line 3): an IPv6 address must belong to one tenant only",
            "t.yaml:7:28: tenants[2].prefix: 2001:db8::/32 overlaps 2001:db8:100::/48 of tenants[0] 'wide' (line 2): "
                + "an IPv6 address must belong to one tenant only"),
            errors("""
                tenants:
                  - {name: wide, prefix: "2001:db8:100::/48", ipv4: [10.0.0.0/24], tun: x1}
                  - name: narrow
                    prefix: "2001:db8:100:1::/96"
                    ipv4: [10.0.0.0/24]
                    tun: x2
                  - {name: widest, prefix: "2001:db8::/32", ipv4: [10.0.0.0/24], tun: x3}
                  - {name: apart, prefix: "2001:db9::/32", ipv4: [10.0.0.0/24], tun: x4}
                """).stream().sorted().toList());
    }

    @Test
    void shouldRejectServicesThatCollideWithTheTenantItself() {
        assertEquals(List.of(
            "t.yaml:5:9: tenants[0].services[0]: 2001:db8:a::5/128 lies inside the tenant's own prefix 2001:db8:a::/96",
            "t.yaml:6:9: tenants[0].services[1]: 10.0.0.9/32 overlaps the tenant's own ipv4 range 10.0.0.0/24",
            "t.yaml:7:9: tenants[0].services[2]: the IPv4 prefix 100.64.0.0/24 leaves 8 suffix bits but the IPv6 "
                + "prefix 2001:db8:5::/124 only 4: several IPv4 addresses would map to one IPv6 address",
            "t.yaml:8:57: unknown key 'port' in tenants[0].services[3]; expected one of: ipv4, ipv6"),
            errors(tenant("prefix: \"2001:db8:a::/96\"", "services:",
                "  - {ipv4: 100.64.0.5/32, ipv6: \"2001:db8:a::5/128\"}",
                "  - {ipv4: 10.0.0.9/32, ipv6: \"2001:db8:5::9/128\"}",
                "  - {ipv4: 100.64.0.0/24, ipv6: \"2001:db8:5::/124\"}",
                "  - {ipv4: 100.64.1.0/24, ipv6: \"2001:db8:6::/120\", port: 80}")));
    }

    // ---- rules across sections -------------------------------------------------------------------------------

    @Test
    void shouldRejectTenantPrefixesThatOverlapTheGlobalMapping() {
        assertEquals(List.of(
            "t.yaml:8:13: tenants[0].prefix: 2001:db8:64:1::/96 overlaps translator.pool6 2001:db8:64::/48: an IPv6 "
                + "destination in both could not tell tenant from global traffic",
            "t.yaml:12:13: tenants[1].prefix: 2001:db8:2::/96 overlaps translator.eamt[0] {ipv4: 192.0.2.0/24, ipv6: "
                + "2001:db8:2::/120}: an IPv6 destination in both could not tell tenant from global traffic",
            "t.yaml:16:13: tenants[2].prefix: 2001:db8:ffff::/48 overlaps translator.pool6791v6[0] "
                + "2001:db8:ffff::/64: RFC 6791 sources must not be translatable addresses"),
            errors("""
                translator:
                  pool6: 2001:db8:64::/48
                  eamt:
                    - {ipv4: 192.0.2.0/24, ipv6: "2001:db8:2::/120"}
                  pool6791v6: ["2001:db8:ffff::/64"]
                tenants:
                  - name: a
                    prefix: "2001:db8:64:1::/96"
                    ipv4: [10.0.0.0/24]
                    tun: xa
                  - name: b
                    prefix: "2001:db8:2::/96"
                    ipv4: [10.0.0.0/24]
                    tun: xb
                  - name: c
                    prefix: "2001:db8:ffff::/48"
                    ipv4: [10.0.0.0/24]
                    tun: xc
                """));
    }

    @Test
    void shouldRejectATenantDeviceThatIsAlsoAHostDevice() {
        assertSingleError(tenant("tun: xlat6") + "dataplane:\n  ipv6-tun: xlat6\n",
            "t.yaml:3:10: tenants[0].tun: 'xlat6' is also dataplane.ipv6-tun; every tenant needs a device of its own");
    }

    @Test
    void shouldNotReportCrossSectionConsequencesOfAnErrorAlreadyReported() {
        // pool6 is wrong, so whether it overlaps the tenant is moot: one error, not two
        assertSingleError("translator:\n  pool6: 2001:db8::/41\n" + tenant("prefix: \"2001:db8::/96\""),
            "t.yaml:2:10: translator.pool6: 2001:db8::/41: RFC 6052 section 2.2 allows only the prefix lengths 32, "
                + "40, 48, 56, 64 and 96");
    }

    // ---- scale -----------------------------------------------------------------------------------------------

    @Test
    void shouldValidateTwentyThousandTenantsAndFindTheOneOverlapAmongThem() {
        final int n = 20_000;
        final StringBuilder yaml = new StringBuilder("tenants:\n");
        for (int i = 0; i < n; i++) {
            yaml.append("  - {name: t").append(i).append(", prefix: \"2001:db8:").append(Integer.toHexString(i))
                .append("::/48\", ipv4: [10.0.0.0/24], tun: x").append(i).append("}\n");
        }
        final long start = System.nanoTime();
        assertEquals(n, parse(yaml.toString()).tenants().size());
        final long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 20_000, "took " + millis + " ms");
        yaml.append("  - {name: late, prefix: \"2001:db8:4e1f:1::/64\", ipv4: [10.0.0.0/24], tun: xlate}\n");
        assertEquals(List.of("t.yaml:" + (n + 2) + ":26: tenants[" + n + "].prefix: 2001:db8:4e1f:1::/64 overlaps "
            + "2001:db8:4e1f::/48 of tenants[19999] 't19999' (line 20001): an IPv6 address must belong to one tenant "
            + "only"), errors(yaml.toString()));
    }
}
