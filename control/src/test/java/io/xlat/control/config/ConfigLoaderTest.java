package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.config.TranslatorConfig.Hairpin;
import io.xlat.core.config.TranslatorConfig.TrafficClass;
import io.xlat.core.config.TranslatorConfig.UdpZeroChecksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ConfigLoaderTest {

    /** The contract example of the translator section, with every key. */
    static final String CONTRACT_EXAMPLE = """
        translator:
          pool6: 2001:db8:100::/40        # RFC 6052 prefix, optional
          eamt:                           # RFC 7757, optional
            - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
          pool6791v4: [203.0.113.8/32]
          pool6791v6: []
          ipv4-address: 198.51.100.1
          ipv6-address: "2001:db8:1c0:2:1::"
          ipv4-mtu: 1500
          ipv6-mtu: 1500
          lowest-ipv6-mtu: 1280
          udp-zero-checksum: drop         # drop | compute
          hairpin: intrinsic              # off | simple | intrinsic
          traffic-class: copy             # copy | zero
          tos: copy                       # copy | 0..255
          mtu-plateaus: [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68]
          icmp-rate: 1000
        """;

    @TempDir
    Path dir;

    private static TranslatorConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "t.yaml").translator();
        } catch (ConfigException e) {
            return fail("unexpected errors:\n" + e.getMessage());
        }
    }

    /** The errors of a file that must be rejected, as printed. */
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

    private static String translator(String body) {
        return "translator:\n" + body.stripIndent().indent(2);
    }

    // ---- defaults ------------------------------------------------------------------------------------------

    @Test
    void shouldUseAllDefaultsWhenFileIsEmpty() {
        for (final String yaml : new String[] {"", "# nothing here\n", "translator:\n", "translator: ~\n",
            "translator: {}\n", "---\n"}) {
            final TranslatorConfig c = parse(yaml);
            final TranslatorConfig d = TranslatorConfig.defaults();
            assertNull(c.pool6(), yaml);
            assertEquals(List.of(), c.eamt(), yaml);
            assertEquals(d.ipv4Mtu(), c.ipv4Mtu(), yaml);
            assertEquals(d.hairpin(), c.hairpin(), yaml);
            assertArrayEquals(d.mtuPlateaus(), c.mtuPlateaus(), yaml);
            assertEquals(XlatConfig.defaults().toYaml(), toYaml(yaml), yaml);
        }
    }

    private static String toYaml(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "t.yaml").toYaml();
        } catch (ConfigException e) {
            return fail(e.getMessage());
        }
    }

    @Test
    void shouldParseEveryKeyOfTheContractExample() {
        final TranslatorConfig c = parse(CONTRACT_EXAMPLE);
        assertEquals(Ipv6Prefix.parse("2001:db8:100::/40"), c.pool6());
        assertEquals(List.of(new EamEntry(Ipv4Prefix.parse("10.0.0.0/24"), Ipv6Prefix.parse("2001:db8:2::/120"))),
            c.eamt());
        assertEquals(List.of(Ipv4Prefix.parse("203.0.113.8/32")), c.pool6791v4());
        assertEquals(List.of(), c.pool6791v6());
        assertEquals(Ipv4Addresses.parse("198.51.100.1"), c.ipv4Address());
        assertEquals(Ipv6Prefix.parse("2001:db8:1c0:2:1::/128"), c.ipv6Address());
        assertEquals(1500, c.ipv4Mtu());
        assertEquals(1500, c.ipv6Mtu());
        assertEquals(1280, c.lowestIpv6Mtu());
        assertEquals(UdpZeroChecksum.DROP, c.udpZeroChecksum());
        assertEquals(Hairpin.INTRINSIC, c.hairpin());
        assertEquals(TrafficClass.COPY, c.trafficClass());
        assertEquals(-1, c.tos());
        assertArrayEquals(new int[] {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68},
            c.mtuPlateaus());
        assertEquals(1000, c.icmpRate());
    }

    @Test
    void shouldParseNonDefaultChoicesWhenGiven() {
        final TranslatorConfig c = parse(translator("""
            udp-zero-checksum: compute
            hairpin: off
            traffic-class: zero
            tos: 0
            ipv4-mtu: 68
            ipv6-mtu: 9000
            lowest-ipv6-mtu: 9000
            icmp-rate: 0
            mtu-plateaus: [1500]
            """));
        assertEquals(UdpZeroChecksum.COMPUTE, c.udpZeroChecksum());
        assertEquals(Hairpin.OFF, c.hairpin());
        assertEquals(TrafficClass.ZERO, c.trafficClass());
        assertEquals(0, c.tos());
        assertEquals(68, c.ipv4Mtu());
        assertEquals(9000, c.lowestIpv6Mtu());
        assertEquals(0, c.icmpRate());
        assertArrayEquals(new int[] {1500}, c.mtuPlateaus());
        assertEquals(Hairpin.SIMPLE, parse(translator("hairpin: simple")).hairpin());
        assertEquals(255, parse(translator("tos: 255")).tos());
    }

    @Test
    void shouldAcceptAddressesWrittenAsSingleHostPrefixes() {
        final TranslatorConfig c = parse(translator("""
            ipv4-address: 192.0.2.1/32
            ipv6-address: 2001:db8::1/128
            """));
        assertEquals(Ipv4Addresses.parse("192.0.2.1"), c.ipv4Address());
        assertEquals(Ipv6Prefix.parse("2001:db8::1"), c.ipv6Address());
    }

    @Test
    void shouldReadColonSeparatedDigitsAsAddressesNotBase60Numbers() {
        // YAML 1.1 would resolve a plain 1:2:3:4:5:6:7:8 as a sexagesimal integer
        final TranslatorConfig c = parse(translator("ipv6-address: 1:2:3:4:5:6:7:8"));
        assertEquals(Ipv6Prefix.parse("1:2:3:4:5:6:7:8/128"), c.ipv6Address());
    }

    @Test
    void shouldAllowOverlappingButDistinctEamEntriesForLongestMatch() {
        final TranslatorConfig c = parse(translator("""
            eamt:
              - {ipv4: 192.0.2.0/24, ipv6: "2001:db8:aaaa::/120"}
              - {ipv4: 192.0.2.8/29, ipv6: "2001:db8:bbbb::/125"}
              - {ipv4: 192.0.2.1/32, ipv6: "2001:db8:cccc::/64"}
            """));
        assertEquals(3, c.eamt().size());
    }

    // ---- one error class at a time, with its exact position --------------------------------------------

    @Test
    void shouldRejectUnknownKeyInTranslatorSectionAtItsPosition() {
        final List<String> e = errors(translator("ipv4-mtu: 1500\nipv4_mtu: 1400"));
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("t.yaml:3:3: unknown key 'ipv4_mtu' in translator; expected one of: pool6,"),
            e.get(0));
    }

    @Test
    void shouldRejectUnknownTopLevelKey() {
        final List<String> e = errors("translator: {}\ntenantz:\n  a: 1\n");
        assertEquals(1, e.size());
        assertEquals("t.yaml:2:1: unknown top-level key 'tenantz'; expected one of: translator, tenants, dataplane, bgp, metrics, allow-empty, limits",
            e.get(0));
    }

    @Test
    void shouldRejectDuplicateKeysNamingTheFirstOccurrence() {
        assertSingleError(translator("icmp-rate: 5\nhairpin: off\nicmp-rate: 6"),
            "t.yaml:4:3: translator.icmp-rate: duplicate key (first given at line 2)");
    }

    @Test
    void shouldRejectWrongTypes() {
        assertSingleError(translator("ipv4-mtu: \"1500\""),
            "t.yaml:2:13: translator.ipv4-mtu: expected an integer, got the quoted string \"1500\"");
        assertSingleError(translator("ipv4-mtu: [1500]"),
            "t.yaml:2:13: translator.ipv4-mtu: expected an integer, got a list");
        assertSingleError(translator("icmp-rate: 1e3"),
            "t.yaml:2:14: translator.icmp-rate: expected an integer, got '1e3'");
        assertSingleError(translator("eamt: {ipv4: 10.0.0.0/24}"),
            "t.yaml:2:9: translator.eamt: expected a list, got a mapping");
        assertSingleError(translator("pool6: [\"2001:db8::/96\"]"),
            "t.yaml:2:10: translator.pool6: expected an IPv6 prefix such as \"2001:db8::/96\", got a list");
        assertSingleError("translator: 7\n", "t.yaml:1:13: translator: expected a mapping of keys, got '7'");
        assertSingleError("- translator\n", "t.yaml:1:1: the file: expected a mapping of keys, got a list");
        assertSingleError(translator("ipv4-address: {}"),
            "t.yaml:2:17: translator.ipv4-address: expected an IPv4 address such as 192.0.2.1, got a mapping");
    }

    @Test
    void shouldRejectBadChoiceNamingTheAllowedValues() {
        assertSingleError(translator("hairpin: yes"),
            "t.yaml:2:12: translator.hairpin: must be one of off, simple, intrinsic; got 'yes'");
        assertSingleError(translator("udp-zero-checksum: DROP"),
            "t.yaml:2:22: translator.udp-zero-checksum: must be one of drop, compute; got 'DROP'");
        assertSingleError(translator("traffic-class: 3"),
            "t.yaml:2:18: translator.traffic-class: must be one of copy, zero; got '3'");
    }

    @Test
    void shouldRejectMalformedPrefixesAndAddresses() {
        assertSingleError(translator("pool6: 2001:db8::g/96"),
            "t.yaml:2:10: translator.pool6: not an IPv6 address: '2001:db8::g'");
        assertSingleError(translator("pool6791v4: [203.0.113.8/33]"),
            "t.yaml:2:16: translator.pool6791v4[0]: prefix length of '203.0.113.8/33' must be 0..32");
        assertSingleError(translator("ipv4-address: 192.0.2.0/24"),
            "t.yaml:2:17: translator.ipv4-address: must be a single address, got the prefix 192.0.2.0/24");
        assertSingleError(translator("ipv6-address: \"2001:db8::/64\""),
            "t.yaml:2:17: translator.ipv6-address: must be a single address, got the prefix 2001:db8::/64");
        assertSingleError(translator("ipv4-address: 2001:db8::1"),
            "t.yaml:2:17: translator.ipv4-address: not an IPv4 address: '2001:db8::1'");
    }

    @Test
    void shouldRejectHostBitsSetInPrefixes() {
        assertSingleError(translator("eamt:\n  - {ipv4: 10.0.0.1/24, ipv6: \"2001:db8:2::/120\"}"),
            "t.yaml:3:14: translator.eamt[0].ipv4: host bits set in 10.0.0.1/24");
        assertSingleError(translator("pool6: 2001:db8:100::1/40"),
            "t.yaml:2:10: translator.pool6: host bits set in 2001:db8:100::1/40");
    }

    @Test
    void shouldRejectPool6WhoseUOctetIsSet() {
        assertSingleError(translator("pool6: 2001:db8:0:0:ff00::/96"),
            "t.yaml:2:10: translator.pool6: 2001:db8:0:0:ff00::/96: bits 64-71 (the RFC 6052 u-octet) must be "
                + "zero in a /96 prefix");
        assertEquals(96, parse(translator("pool6: 2001:db8:0:0:ff::/96")).pool6().length());
    }

    @Test
    void shouldRejectPool6LengthsThatRfc6052DoesNotDefine() {
        for (final int length : new int[] {0, 16, 33, 72, 95, 128}) {
            final String prefix = length == 0 ? "::/0" : length == 72 || length == 95 || length == 128
                ? "\"2001:db8::/" + length + "\"" : length == 16 ? "2001::/16" : "2001:db8::/" + length;
            final List<String> e = errors(translator("pool6: " + prefix));
            assertEquals(List.of("t.yaml:2:10: translator.pool6: " + Ipv6Prefix.parse(prefix.replace("\"", ""))
                + ": RFC 6052 section 2.2 allows only the prefix lengths 32, 40, 48, 56, 64 and 96"), e, prefix);
        }
        for (final int length : new int[] {32, 40, 48, 56, 64, 96}) {
            assertEquals(length, parse(translator("pool6: 2001:db8::/" + length)).pool6().length());
        }
    }

    @Test
    void shouldRejectMtusOutOfRange() {
        assertSingleError(translator("ipv4-mtu: 67"),
            "t.yaml:2:13: translator.ipv4-mtu: must be between 68 and 65535, got 67");
        assertSingleError(translator("ipv6-mtu: 1279"),
            "t.yaml:2:13: translator.ipv6-mtu: must be between 1280 and 65535, got 1279");
        assertSingleError(translator("lowest-ipv6-mtu: 576"),
            "t.yaml:2:20: translator.lowest-ipv6-mtu: must be between 1280 and 65535, got 576");
        assertSingleError(translator("ipv4-mtu: 65536"),
            "t.yaml:2:13: translator.ipv4-mtu: must be between 68 and 65535, got 65536");
        assertSingleError(translator("ipv4-mtu: 99999999999999999999999"),
            "t.yaml:2:13: translator.ipv4-mtu: must be between 68 and 65535, got 99999999999999999999999");
    }

    @Test
    void shouldAcceptLowestIpv6MtuAboveIpv6MtuWithANote() throws Exception {
        final XlatConfig config = ConfigLoader.parse("translator:\n  ipv6-mtu: 1400\n  lowest-ipv6-mtu: 1500\n", "t.yaml");
        assertEquals(1500, config.translator().lowestIpv6Mtu(), "the egress MTU and the path MTU are different things");
        assertEquals(1400, config.translator().ipv6Mtu());
        assertEquals(List.of("translator.lowest-ipv6-mtu (1500) is above translator.ipv6-mtu (1400): DF=0 IPv4 packets"
            + " are fragmented to 1400 bytes of IPv6, and DF=1 packets larger than that get Fragmentation Needed with"
            + " MTU 1380"), ConfigNotes.of(config));
        assertTrue(ConfigNotes.of(ConfigLoader.parse("translator:\n  lowest-ipv6-mtu: 1500\n", "t.yaml")).isEmpty(),
            "equal: nothing to say");
    }

    @Test
    void shouldRejectTosOutOfRangeOrAnotherWord() {
        assertSingleError(translator("tos: 256"), "t.yaml:2:8: translator.tos: must be between 0 and 255, got 256");
        assertSingleError(translator("tos: -1"), "t.yaml:2:8: translator.tos: must be between 0 and 255, got -1");
        assertSingleError(translator("tos: zero"),
            "t.yaml:2:8: translator.tos: expected 'copy' or an integer 0..255, got 'zero'");
    }

    @Test
    void shouldRejectPlateausThatDoNotDescend() {
        assertSingleError(translator("mtu-plateaus: [1500, 1500, 68]"),
            "t.yaml:2:24: translator.mtu-plateaus[1]: 1500 is not below the previous plateau 1500: the list must "
                + "be strictly descending");
        assertSingleError(translator("mtu-plateaus:\n  - 68\n  - 1500"),
            "t.yaml:4:7: translator.mtu-plateaus[1]: 1500 is not below the previous plateau 68: the list must be "
                + "strictly descending");
        assertSingleError(translator("mtu-plateaus: []"), "t.yaml:2:17: translator.mtu-plateaus: must list at least one MTU");
        assertSingleError(translator("mtu-plateaus: [1500, 40]"),
            "t.yaml:2:24: translator.mtu-plateaus[1]: must be between 68 and 65535, got 40");
    }

    @Test
    void shouldRejectNegativeIcmpRate() {
        assertSingleError(translator("icmp-rate: -1"), "t.yaml:2:14: translator.icmp-rate: must be at least 0, got -1");
    }

    @Test
    void shouldRejectDuplicateEamEntries() {
        assertSingleError(translator("""
            eamt:
              - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
              - {ipv4: 10.0.1.0/24, ipv6: "2001:db8:3::/120"}
              - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
            """), "t.yaml:5:7: translator.eamt[2]: duplicate of translator.eamt[0] (line 3)");
    }

    @Test
    void shouldRejectEamEntriesThatMapOnePrefixTwice() {
        assertEquals(List.of(
            "t.yaml:4:14: translator.eamt[1].ipv4: 10.0.0.0/24 is already mapped to 2001:db8:2::/120 by "
                + "translator.eamt[0] (line 3)",
            "t.yaml:5:33: translator.eamt[2].ipv6: 2001:db8:2::/120 is already mapped to 10.0.0.0/24 by "
                + "translator.eamt[0] (line 3)"),
            errors(translator("""
                eamt:
                  - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
                  - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:9::/120"}
                  - {ipv4: 10.9.0.0/24, ipv6: "2001:db8:2::/120"}
                """)));
    }

    @Test
    void shouldRejectEamEntryWhoseIpv4SuffixIsLongerThanItsIpv6Suffix() {
        assertSingleError(translator("eamt:\n  - {ipv4: 10.0.0.0/24, ipv6: \"2001:db8:2::/124\"}"),
            "t.yaml:3:7: translator.eamt[0]: the IPv4 prefix 10.0.0.0/24 leaves 8 suffix bits but the IPv6 prefix "
                + "2001:db8:2::/124 only 4: several IPv4 addresses would map to one IPv6 address");
    }

    @Test
    void shouldNameTheEarlierEntryByItsPositionInTheFileWhenEarlierItemsWereInvalid() {
        assertEquals(List.of(
            "t.yaml:3:7: translator.eamt[0]: expected a mapping of keys, got 'junk'",
            "t.yaml:5:7: translator.eamt[2]: duplicate of translator.eamt[1] (line 4)"),
            errors(translator("""
                eamt:
                  - junk
                  - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
                  - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
                """)));
    }

    @Test
    void shouldRejectIncompleteOrMalformedEamEntries() {
        assertEquals(List.of(
            "t.yaml:3:7: translator.eamt[0]: missing key 'ipv6' (an entry is {ipv4: PREFIX, ipv6: PREFIX})",
            "t.yaml:4:7: translator.eamt[1]: expected a mapping of keys, got '10.0.0.0/24'",
            "t.yaml:5:53: unknown key 'note' in translator.eamt[2]; expected one of: ipv4, ipv6"),
            errors(translator("""
                eamt:
                  - {ipv4: 10.0.0.0/24}
                  - 10.0.0.0/24
                  - {ipv4: 10.1.0.0/24, ipv6: "2001:db8:2::/120", note: x}
                """)));
    }

    @Test
    void shouldRejectRfc6791PoolsThatOverlapThemselvesOrTranslatableAddresses() {
        assertEquals(List.of(
            "t.yaml:5:33: translator.pool6791v4[1]: 198.51.100.0/24 overlaps translator.pool6791v4[0] "
                + "(198.51.100.0/25)",
            "t.yaml:5:50: translator.pool6791v4[2]: 10.0.0.16/28 overlaps the EAM entry {ipv4: 10.0.0.0/24, "
                + "ipv6: 2001:db8:2::/120}: RFC 6791 sources must not be translatable addresses",
            "t.yaml:6:16: translator.pool6791v6[0]: 2001:db8:100::/64 overlaps pool6 2001:db8:100::/40: RFC 6791 "
                + "sources must not be translatable addresses",
            "t.yaml:6:37: translator.pool6791v6[1]: 2001:db8:2::/124 overlaps the EAM entry {ipv4: 10.0.0.0/24, "
                + "ipv6: 2001:db8:2::/120}: RFC 6791 sources must not be translatable addresses"),
            errors(translator("""
                pool6: 2001:db8:100::/40
                eamt:
                  - {ipv4: 10.0.0.0/24, ipv6: "2001:db8:2::/120"}
                pool6791v4: [198.51.100.0/25, 198.51.100.0/24, 10.0.0.16/28]
                pool6791v6: ["2001:db8:100::/64", "2001:db8:2::/124", "2001:db8:ffff::/48"]
                """)));
    }

    @Test
    void shouldReportYamlSyntaxErrorsAtTheirPosition() {
        final List<String> e = errors("translator:\n  pool6: [\n");
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("t.yaml:3:1: YAML syntax error: "), e.get(0));
        final List<String> tabs = errors("translator:\n\tpool6: 2001:db8::/96\n");
        assertTrue(tabs.get(0).startsWith("t.yaml:2:1: YAML syntax error: "), tabs.get(0));
        final List<String> twoDocuments = errors("translator: {}\n---\ntranslator: {}\n");
        assertTrue(twoDocuments.get(0).contains("expected a single document"), twoDocuments.get(0));
    }

    // ---- all errors, all or nothing -------------------------------------------------------------------------

    @Test
    void shouldCollectEveryErrorInFileOrderNotJustTheFirst() {
        final List<String> e = errors("""
            bgpp: {}
            translator:
              ipv4-mtu: 10
              tos: 300
              hairpin: maybe
              pool6: 2001:db8::/41
            """);
        assertEquals(List.of(
            "t.yaml:1:1: unknown top-level key 'bgpp'; expected one of: translator, tenants, dataplane, bgp, metrics, allow-empty, limits",
            "t.yaml:3:13: translator.ipv4-mtu: must be between 68 and 65535, got 10",
            "t.yaml:4:8: translator.tos: must be between 0 and 255, got 300",
            "t.yaml:5:12: translator.hairpin: must be one of off, simple, intrinsic; got 'maybe'",
            "t.yaml:6:10: translator.pool6: 2001:db8::/41: RFC 6052 section 2.2 allows only the prefix lengths 32, "
                + "40, 48, 56, 64 and 96"),
            e);
    }

    @Test
    void shouldNameTheFileWhenLoadingFromDisk() throws Exception {
        final Path file = dir.resolve("xlat.yaml");
        Files.writeString(file, "translator:\n  ipv4-mtu: 1\n");
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":2:13: translator.ipv4-mtu: must be between 68 and 65535, got 1", e.getMessage());

        final Path missing = dir.resolve("missing.yaml");
        final ConfigException m = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing + ": no such file", m.getMessage());

        final Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28, 0x0A});
        final ConfigException b = assertThrows(ConfigException.class, () -> ConfigLoader.load(binary));
        assertEquals(binary + ": not UTF-8 text", b.getMessage());
    }

    // ---- round trip of the effective configuration ----------------------------------------------------------

    @Test
    void shouldReadBackTheEffectiveConfigurationItWrites() throws ConfigException {
        for (final String yaml : new String[] {"", CONTRACT_EXAMPLE, translator("""
            pool6: 64:ff9b::/96
            eamt:
              - {ipv4: 192.0.2.0/24, ipv6: "2001:db8:aaaa::/120"}
              - {ipv4: 192.0.2.8/29, ipv6: "2001:db8:bbbb::/125"}
            pool6791v4: [198.51.100.0/30, 198.51.100.8/32]
            pool6791v6: ["2001:db8:ffff::/64", "2001:db8:fffe::1/128"]
            ipv6-address: "::ffff:1.2.3.4"
            hairpin: off
            udp-zero-checksum: compute
            traffic-class: zero
            tos: 184
            mtu-plateaus: [9000, 1500, 1280]
            icmp-rate: 0
            """)}) {
            final XlatConfig first = ConfigLoader.parse(yaml, "t.yaml");
            final String written = first.toYaml();
            final XlatConfig second = ConfigLoader.parse(written, "effective.yaml");
            assertEquals(written, second.toYaml());
            assertSameTranslatorConfig(first.translator(), second.translator());
            for (final String key : TranslatorSection.KEYS) {
                assertTrue(written.contains("\n  " + key + ":"), key + " missing from\n" + written);
            }
        }
    }

    @Test
    void shouldQuoteOffSoThatYaml11ReadersDoNotSeeABoolean() throws ConfigException {
        final String written = ConfigLoader.parse(translator("hairpin: off"), "t.yaml").toYaml();
        assertTrue(written.contains("  hairpin: \"off\"\n"), written);
    }

    private static void assertSameTranslatorConfig(TranslatorConfig a, TranslatorConfig b) {
        assertEquals(a.pool6(), b.pool6());
        assertEquals(a.eamt(), b.eamt());
        assertEquals(a.pool6791v4(), b.pool6791v4());
        assertEquals(a.pool6791v6(), b.pool6791v6());
        assertEquals(a.ipv4Address(), b.ipv4Address());
        assertEquals(a.ipv6Address(), b.ipv6Address());
        assertEquals(a.ipv4Mtu(), b.ipv4Mtu());
        assertEquals(a.ipv6Mtu(), b.ipv6Mtu());
        assertEquals(a.lowestIpv6Mtu(), b.lowestIpv6Mtu());
        assertEquals(a.udpZeroChecksum(), b.udpZeroChecksum());
        assertEquals(a.hairpin(), b.hairpin());
        assertEquals(a.trafficClass(), b.trafficClass());
        assertEquals(a.tos(), b.tos());
        assertArrayEquals(a.mtuPlateaus(), b.mtuPlateaus());
        assertEquals(a.icmpRate(), b.icmpRate());
    }
}
