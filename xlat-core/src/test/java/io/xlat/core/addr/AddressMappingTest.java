package io.xlat.core.addr;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.config.TranslatorConfig.Hairpin;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressMappingTest {

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

    private static EamEntry eam(String ipv4, String ipv6) {
        return new EamEntry(Ipv4Prefix.parse(ipv4), Ipv6Prefix.parse(ipv6));
    }

    private static AddressMapping mapping(String pool6, EamEntry... eams) {
        return new AddressMapping(TranslatorConfig.builder()
            .pool6(pool6 == null ? null : Ipv6Prefix.parse(pool6))
            .eamt(List.of(eams))
            .build());
    }

    private static long v4(String text) {
        return Ipv4Addresses.parse(text) & 0xFFFF_FFFFL;
    }

    private String map46(AddressMapping mapping, String ipv4) {
        return mapping.map46(Ipv4Addresses.parse(ipv4), buffer, 8) ? readIpv6(8) : "none";
    }

    private String map46Pool6(AddressMapping mapping, String ipv4) {
        return mapping.map46Pool6(Ipv4Addresses.parse(ipv4), buffer, 8) ? readIpv6(8) : "none";
    }

    private static String map64(AddressMapping mapping, String ipv6) {
        final long[] a = Ipv6Addresses.parse(ipv6);
        final long ipv4 = mapping.map64(a[0], a[1]);
        return ipv4 == AddressMapping.NO_MAPPING ? "none" : Ipv4Addresses.format((int) ipv4);
    }

    private static boolean isHairpinTarget(AddressMapping mapping, String ipv6) {
        final long[] a = Ipv6Addresses.parse(ipv6);
        return mapping.isHairpinTarget64(a[0], a[1]);
    }

    private String readIpv6(int offset) {
        return Ipv6Addresses.format(buffer.getLong(offset, ByteOrder.BIG_ENDIAN),
            buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    @Test
    void shouldTranslateThroughEamtBeforePool6() {
        final AddressMapping mapping = mapping("2001:db8:64::/96", eam("192.0.2.1", "2001:db8:64::c000:299"));

        // 192.0.2.1 is also representable in pool6, but the EAM wins in both directions
        assertEquals("2001:db8:64::c000:299", map46(mapping, "192.0.2.1"));
        assertEquals("192.0.2.1", map64(mapping, "2001:db8:64::c000:299"));
        assertEquals("192.0.2.1", map64(mapping, "2001:db8:64::c000:201"));
    }

    @Test
    void shouldFallBackToPool6WhenNoEamMatches() {
        final AddressMapping mapping = mapping("64:ff9b::/96", eam("198.51.100.5", "2001:db8::5"));

        assertEquals("2001:db8::5", map46(mapping, "198.51.100.5"));
        assertEquals("64:ff9b::808:808", map46(mapping, "8.8.8.8"));
        assertEquals("8.8.8.8", map64(mapping, "64:ff9b::808:808"));
        assertEquals("198.51.100.5", map64(mapping, "2001:db8::5"));
        assertEquals("none", map64(mapping, "2001:db8::6"));
    }

    @Test
    void shouldWriteSixteenBytesBigEndianAtOffset() {
        final AddressMapping mapping = mapping("2001:db8:122:344::/64");

        assertTrue(mapping.map46(Ipv4Addresses.parse("192.0.2.33"), buffer, 3));

        final byte[] written = new byte[18];
        buffer.getBytes(2, written);
        assertArrayEquals(new byte[] {0, 0x20, 0x01, 0x0d, (byte) 0xb8, 0x01, 0x22, 0x03, 0x44,
            0x00, (byte) 0xc0, 0x00, 0x02, 0x21, 0x00, 0x00, 0x00, 0}, written);
    }

    @Test
    void shouldRefuseNonGlobalIpv4WithWellKnownPrefix46() {
        final AddressMapping mapping = mapping("64:ff9b::/96");

        for (final String nonGlobal : new String[] {"10.0.0.1", "192.168.1.1", "192.0.2.33", "100.64.0.1"}) {
            buffer.setMemory(0, 64, (byte) 0x5A);
            assertFalse(mapping.map46(Ipv4Addresses.parse(nonGlobal), buffer, 8), nonGlobal);
            assertEquals(0x5A5A_5A5A_5A5A_5A5AL, buffer.getLong(8), "nothing written for " + nonGlobal);
        }
        assertEquals("64:ff9b::808:808", map46(mapping, "8.8.8.8"));
    }

    @Test
    void shouldNameTheWellKnownPrefixAsTheReasonItRefusedANonGlobalAddress() {
        final io.xlat.core.drop.DropReason otherwise = io.xlat.core.drop.DropReason.NO_MAPPING_DESTINATION;
        assertEquals(io.xlat.core.drop.DropReason.NON_GLOBAL_WKP,
            mapping("64:ff9b::/96").refusal46(Ipv4Addresses.parse("10.0.0.1"), otherwise));
        assertEquals(otherwise, mapping("2001:db8:64::/96").refusal46(Ipv4Addresses.parse("10.0.0.1"), otherwise),
            "a network-specific prefix refuses nothing for being non-global");
    }

    @Test
    void shouldRefuseExtractingNonGlobalIpv4FromWellKnownPrefix64() {
        final AddressMapping mapping = mapping("64:ff9b::/96");

        assertEquals("none", map64(mapping, "64:ff9b::a00:1"));
        assertEquals("none", map64(mapping, "64:ff9b::c0a8:101"));
        assertEquals("none", map64(mapping, "64:ff9b::c000:221"));
        assertEquals("1.1.1.1", map64(mapping, "64:ff9b::101:101"));
    }

    @Test
    void shouldTranslateNonGlobalIpv4WithNetworkSpecificPrefix() {
        final AddressMapping mapping = mapping("2001:db8:64::/96");

        assertEquals("2001:db8:64::a00:1", map46(mapping, "10.0.0.1"));
        assertEquals("10.0.0.1", map64(mapping, "2001:db8:64::a00:1"));
    }

    @Test
    void shouldReturnNoMappingForPool6AddressWithNonZeroUOctet() {
        final AddressMapping mapping = mapping("2001:db8:122:344::/64");

        assertEquals("192.0.2.33", map64(mapping, "2001:db8:122:344:c0:2:2100:0"));
        assertEquals("192.0.2.33", map64(mapping, "2001:db8:122:344:c0:2:21ff:ffff"));
        assertEquals("none", map64(mapping, "2001:db8:122:344:1c0:2:2100:0"));
    }

    @Test
    void shouldMapNothingWithoutPool6OrEam() {
        final AddressMapping mapping = mapping(null);

        assertFalse(mapping.hasPool6());
        assertEquals("none", map46(mapping, "8.8.8.8"));
        assertEquals("none", map46Pool6(mapping, "8.8.8.8"));
        assertEquals("none", map64(mapping, "64:ff9b::808:808"));
        assertFalse(mapping.isInsidePool6(Rfc6052.WKP_HI, 0x0808_0808L));
    }

    @Test
    void shouldTellWhetherAnAddressIsInsidePool6() {
        final AddressMapping mapping = mapping("2001:db8:100::/40");
        final long[] inside = Ipv6Addresses.parse("2001:db8:1c0:2:21::");
        final long[] badUOctet = Ipv6Addresses.parse("2001:db8:1c0:2:ff21::");
        final long[] outside = Ipv6Addresses.parse("2001:db8:200::1");

        assertTrue(mapping.hasPool6());
        assertTrue(mapping.isInsidePool6(inside[0], inside[1]));
        assertTrue(mapping.isInsidePool6(badUOctet[0], badUOctet[1]));
        assertFalse(mapping.isInsidePool6(outside[0], outside[1]));
    }

    @Test
    void shouldSkipEamtWhenTranslatingWithPool6Only() {
        final AddressMapping mapping = mapping("2001:db8:64::/96", eam("192.0.2.1", "2001:db8:a::1"));

        assertEquals("2001:db8:a::1", map46(mapping, "192.0.2.1"));
        assertEquals("2001:db8:64::c000:201", map46Pool6(mapping, "192.0.2.1"));
        assertEquals(AddressMapping.NO_MAPPING, mapping.map64Pool6(0x2001_0DB8_000A_0000L, 1));
    }

    @Test
    void shouldTellWhichAddressesAreCoveredByTheEamt() {
        final AddressMapping mapping = mapping("2001:db8:64::/96",
            eam("192.0.2.0/30", "2001:db8:a::/126"));
        final long[] eam6 = Ipv6Addresses.parse("2001:db8:a::3");
        final long[] pool6 = Ipv6Addresses.parse("2001:db8:64::c000:203");

        assertTrue(mapping.isEamIpv4(Ipv4Addresses.parse("192.0.2.3")));
        assertFalse(mapping.isEamIpv4(Ipv4Addresses.parse("192.0.2.4")));
        assertTrue(mapping.isEamIpv6(eam6[0], eam6[1]));
        assertFalse(mapping.isEamIpv6(pool6[0], pool6[1]));
    }

    @Test
    void shouldFlagPool6DestinationThatEmbedsAnEamIpv4AsHairpinTarget() {
        final AddressMapping mapping = mapping("2001:db8:64::/96",
            eam("192.0.2.1", "2001:db8:a::1"),
            eam("192.0.2.2", "2001:db8:b::2"),
            eam("192.0.2.3", "2001:db8:64::c000:203"));

        assertTrue(isHairpinTarget(mapping, "2001:db8:64::c000:202"));
        assertFalse(isHairpinTarget(mapping, "2001:db8:64::808:808"), "pool6 address of a plain IPv4 node");
        assertFalse(isHairpinTarget(mapping, "2001:db8:b::2"), "EAM address: translated by the EAMT");
        assertFalse(isHairpinTarget(mapping, "2001:db8:64::c000:203"), "inside pool6 but an EAM matches first");
        assertFalse(isHairpinTarget(mapping, "2001:db9::1"), "no mapping at all");
    }

    @Test
    void shouldLetTwoEamNodesTalkThroughIpv4AddressesWithHairpinRules() {
        // the class javadoc's recipe for a non-error packet, played by hand
        final AddressMapping mapping = mapping("2001:db8:64::/96",
            eam("192.0.2.1", "2001:db8:a::1"),
            eam("192.0.2.2", "2001:db8:b::2"));
        final String nodeA = "2001:db8:a::1";
        final String nodeBViaIpv4 = "2001:db8:64::c000:202";

        // A -> pool6(b4): condition A holds on the destination, then the 6->4 pass
        assertTrue(isHairpinTarget(mapping, nodeBViaIpv4));
        final String src4 = map64(mapping, nodeA);
        final String dst4 = map64(mapping, nodeBViaIpv4);
        assertEquals("192.0.2.1", src4);
        assertEquals("192.0.2.2", dst4);
        // 4->6 pass with the hairpin rules: source through pool6 only, destination as usual
        final String src6 = map46Pool6(mapping, src4);
        final String dst6 = map46(mapping, dst4);
        assertEquals("2001:db8:64::c000:201", src6);
        assertEquals("2001:db8:b::2", dst6);
        assertFalse(isHairpinTarget(mapping, dst6), "the result is not hairpinned twice");

        // B answers pool6(a4): the same steps bring A a packet from the address it sent to
        assertTrue(isHairpinTarget(mapping, src6));
        assertEquals(nodeBViaIpv4, map46Pool6(mapping, map64(mapping, dst6)));
        assertEquals(nodeA, map46(mapping, map64(mapping, src6)));
    }

    @Test
    void shouldExposeConfiguredHairpinMode() {
        for (final Hairpin mode : Hairpin.values()) {
            final AddressMapping mapping = new AddressMapping(TranslatorConfig.builder().hairpin(mode).build());
            assertEquals(mode, mapping.hairpin());
        }
    }

    @Test
    void shouldHaveNoRfc6791AddressWhenPoolsAreEmpty() {
        final AddressMapping mapping = mapping(null);
        buffer.setMemory(0, 64, (byte) 0x5A);

        assertEquals(AddressMapping.NO_MAPPING, mapping.pool6791v4(12345));
        assertFalse(mapping.pool6791v6(12345, buffer, 8));
        assertEquals(0x5A5A_5A5A_5A5A_5A5AL, buffer.getLong(8));
    }

    @Test
    void shouldAlwaysPickTheOnlyRfc6791Address() {
        final AddressMapping mapping = new AddressMapping(TranslatorConfig.builder()
            .pool6791v4(List.of(Ipv4Prefix.parse("192.0.2.7")))
            .pool6791v6(List.of(Ipv6Prefix.parse("2001:db8::7")))
            .build());

        for (final int hash : new int[] {0, 1, -1, Integer.MIN_VALUE, 0x12345678}) {
            assertEquals(v4("192.0.2.7"), mapping.pool6791v4(hash));
            assertTrue(mapping.pool6791v6(hash, buffer, 0));
            assertEquals("2001:db8::7", readIpv6(0));
        }
    }

    @Test
    void shouldSpreadRfc6791v4ChoicesOverEveryPoolAddress() {
        final AddressMapping mapping = new AddressMapping(TranslatorConfig.builder()
            .pool6791v4(List.of(Ipv4Prefix.parse("192.0.2.4/30"), Ipv4Prefix.parse("198.51.100.9")))
            .build());
        final Set<Long> seen = new HashSet<>();

        for (int hash = 0; hash < 1000; hash++) {
            final long address = mapping.pool6791v4(hash * 0x61C8_8647);
            assertEquals(address, mapping.pool6791v4(hash * 0x61C8_8647), "same hash, same address");
            seen.add(address);
        }

        assertEquals(Set.of(v4("192.0.2.4"), v4("192.0.2.5"), v4("192.0.2.6"), v4("192.0.2.7"),
            v4("198.51.100.9")), seen);
    }

    @Test
    void shouldSpreadRfc6791v6ChoicesInsideThePool() {
        final AddressMapping mapping = new AddressMapping(TranslatorConfig.builder()
            .pool6791v6(List.of(Ipv6Prefix.parse("2001:db8:1::/126"), Ipv6Prefix.parse("2001:db8:2::/64")))
            .build());
        final Ipv6Prefix small = Ipv6Prefix.parse("2001:db8:1::/126");
        final Ipv6Prefix large = Ipv6Prefix.parse("2001:db8:2::/64");
        final Set<String> seenSmall = new HashSet<>();
        int largeCount = 0;

        for (int hash = 0; hash < 2000; hash++) {
            assertTrue(mapping.pool6791v6(hash, buffer, 4));
            final long hi = buffer.getLong(4, ByteOrder.BIG_ENDIAN);
            final long lo = buffer.getLong(12, ByteOrder.BIG_ENDIAN);
            if (small.contains(hi, lo)) {
                seenSmall.add(Ipv6Addresses.format(hi, lo));
            } else {
                assertTrue(large.contains(hi, lo), Ipv6Addresses.format(hi, lo));
                largeCount++;
            }
        }

        // the /64 counts as 2^32 slots against 4, so nearly every choice falls in it
        assertTrue(largeCount > 1990, "large prefix chosen " + largeCount + " times");
        assertTrue(seenSmall.size() <= 4);
    }

    @Test
    void shouldReportEveryAddressConfigurationProblem() {
        final TranslatorConfig config = TranslatorConfig.builder()
            .pool6(Ipv6Prefix.parse("2001:db8::/80"))
            .eamt(List.of(eam("192.0.2.0/24", "2001:db8:a::/120"), eam("192.0.2.0/24", "2001:db8:a::/120")))
            .pool6791v4(List.of(Ipv4Prefix.parse("192.0.2.0/24"), Ipv4Prefix.parse("192.0.2.128/25")))
            .pool6791v6(List.of(Ipv6Prefix.parse("2001:db8:1::/64"), Ipv6Prefix.parse("2001:db8:1::1")))
            .build();

        final List<String> errors = AddressMapping.validate(config);

        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("pool6 2001:db8::/80"), errors.get(0));
        assertTrue(errors.get(1).contains("duplicate of eamt[0]"), errors.get(1));
        assertTrue(errors.get(2).contains("pool6791v4[1] 192.0.2.128/25 overlaps pool6791v4[0]"), errors.get(2));
        assertTrue(errors.get(3).contains("pool6791v6[1] 2001:db8:1::1/128 overlaps pool6791v6[0]"), errors.get(3));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new AddressMapping(config));
        assertTrue(e.getMessage().contains(errors.get(0)), e.getMessage());
    }

    @Test
    void shouldAcceptDefaultConfiguration() {
        assertEquals(List.of(), AddressMapping.validate(TranslatorConfig.defaults()));
    }
}
