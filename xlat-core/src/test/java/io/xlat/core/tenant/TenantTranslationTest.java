package io.xlat.core.tenant;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.formatV6;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u8;
import static io.xlat.core.testing.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tenant instances: overlapping IPv4 made unique by a per-tenant prefix on both addresses, and isolation. */
class TenantTranslationTest {
    static TenantConfig tenant(String name, String prefix, String range, EamEntry... services) {
        return new TenantConfig(name, Ipv6Prefix.parse(prefix), List.of(Ipv4Prefix.parse(range)), "xb-" + name,
            null, List.of(services));
    }

    private final TenantTable table = new TenantTable(List.of(
        tenant("blue", "2001:db8:100:1::/96", "10.0.0.0/25",
            new EamEntry(Ipv4Prefix.parse("100.64.0.10/32"), Ipv6Prefix.parse("2001:db8:5::10/128"))),
        tenant("red", "2001:db8:100:2::/96", "10.0.0.0/25")));
    private final Harness harness = new Harness(Harness.config()
        .pool6791v4(List.of(Ipv4Prefix.parse("192.0.0.8/32"))).build()).tenants(table);

    private static byte[] tenantPacket(String src, String dst) {
        return ipv4().src(src).dst(dst).udp(udp(4000, 53, bytes(20, 1))).build();
    }

    @Test
    void shouldPrependTheTenantPrefixToBothAddresses46() {
        harness.sendFromTenant(0, tenantPacket("10.0.0.1", "10.0.0.200"));
        final byte[] blue = harness.forward.get(0);
        assertEquals("2001:db8:100:1::a00:1", formatV6(blue, 8));
        assertEquals("2001:db8:100:1::a00:c8", formatV6(blue, 24));
        assertTrue(Packets.transportChecksumValid6(blue));

        harness.sendFromTenant(1, tenantPacket("10.0.0.1", "10.0.0.200"));
        final byte[] red = harness.forward.get(0);
        assertEquals("2001:db8:100:2::a00:1", formatV6(red, 8), "same IPv4, other tenant, other IPv6");
        assertEquals(1, harness.translator.tenantCounters(0).translated46Count());
        assertEquals(1, harness.translator.tenantCounters(1).translated46Count());
        assertEquals(0, harness.counters.translated46Count(), "nothing on the global path");
    }

    @Test
    void shouldDropASourceOutsideTheTenantsRanges46() {
        assertEquals(0, harness.sendFromTenant(0, tenantPacket("10.0.0.200", "10.0.0.1")));
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.TENANT_SPOOFED_SOURCE));
    }

    @Test
    void shouldMapAServiceDestinationThroughItsExplicitMapping46() {
        harness.sendFromTenant(0, tenantPacket("10.0.0.1", "100.64.0.10"));
        assertEquals("2001:db8:5::10", formatV6(harness.forward.get(0), 24));
        assertEquals("2001:db8:100:1::a00:1", formatV6(harness.forward.get(0), 8));
    }

    @Test
    void shouldNeverTranslateLinkLocalIpv4ForATenantEitherWay() {
        assertEquals(0, harness.sendFromTenant(0, tenantPacket("10.0.0.1", "169.254.169.254")));
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.IPV4_LINK_LOCAL),
            "not even to the metadata address under the tenant prefix");
        harness.nothing(ipv6().src("2001:db8:100:1::a00:c8").dst("2001:db8:100:1::a9fe:a9fe").build());
        assertEquals(2, harness.translator.tenantCounters(0).drops(DropReason.IPV4_LINK_LOCAL));
    }

    @Test
    void shouldDropNonIpv4OnATenantDevice() {
        assertEquals(0, harness.sendFromTenant(0, ipv6().build()));
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.TENANT_NOT_IPV4));
    }

    @Test
    void shouldDemultiplexIpv6ByTenantPrefixAndStripIt64() {
        final byte[] in = ipv6().src("2001:db8:100:2::a00:c8").dst("2001:db8:100:2::a00:1").build();
        final byte[] out = harness.one(in);
        assertEquals(Packets.v4("10.0.0.200"), (int) u32(out, 12));
        assertEquals(Packets.v4("10.0.0.1"), (int) u32(out, 16));
        assertTrue(Packets.transportChecksumValid4(out));
        assertEquals(1, harness.translator.tenantCounters(1).translated64Count(), "attributed to red");
        assertEquals(0, harness.translator.tenantCounters(0).translated64Count());
    }

    @Test
    void shouldNeverLetOneTenantReachAnother64() {
        final byte[] redToBlue = ipv6().src("2001:db8:100:2::a00:1").dst("2001:db8:100:1::a00:1").build();
        harness.nothing(redToBlue);
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.TENANT_FOREIGN_SOURCE));
    }

    @Test
    void shouldDropADestinationThisHostDoesNotServe64() {
        harness.nothing(ipv6().src("2001:db8:100:1::a00:c8").dst("2001:db8:100:1::a00:c8").build());
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.TENANT_DESTINATION_NOT_LOCAL));
    }

    @Test
    void shouldAcceptTrafficFromTheTenantsService64() {
        final byte[] out = harness.one(ipv6().src("2001:db8:5::10").dst("2001:db8:100:1::a00:1").build());
        assertEquals(Packets.v4("100.64.0.10"), (int) u32(out, 12));
    }

    @Test
    void shouldTranslateAFabricRouterErrorWithItsInnerPacketInTheTenant64() {
        // blue 10.0.0.1 sent to 10.0.0.200 (on another host); a fabric router says the hop limit ran out.
        final byte[] sent = ipv6().src("2001:db8:100:1::a00:1").dst("2001:db8:100:1::a00:c8").hopLimit(1)
            .udp(udp(4000, 33434, bytes(12, 1))).build();
        final byte[] error = ipv6().src("2001:db8:ffff::fe").dst("2001:db8:100:1::a00:1")
            .icmpv6(Packets.icmp(3, 0, 0, sent)).build();
        final byte[] out = harness.one(error);
        assertEquals(Packets.v4("192.0.0.8"), (int) u32(out, 12), "RFC 6791 pool source");
        assertEquals(Packets.v4("10.0.0.1"), (int) u32(out, 16));
        assertEquals(11, u8(out, 20), "Time Exceeded");
        assertEquals(Packets.v4("10.0.0.1"), (int) u32(out, 28 + 12), "inner source stripped of blue's prefix");
        assertEquals(Packets.v4("10.0.0.200"), (int) u32(out, 28 + 16));
    }

    @Test
    void shouldNotLetAnotherTenantPoseAsAFabricRouter64() {
        final byte[] sent = ipv6().src("2001:db8:100:1::a00:1").dst("2001:db8:100:1::a00:c8")
            .udp(udp(4000, 53, bytes(12, 1))).build();
        final byte[] forged = ipv6().src("2001:db8:100:2::a00:c8").dst("2001:db8:100:1::a00:1")
            .icmpv6(Packets.icmp(1, 4, 0, sent)).build();
        harness.nothing(forged);
        assertEquals(1, harness.translator.tenantCounters(0).drops(DropReason.TENANT_FOREIGN_SOURCE));
    }

    @Test
    void shouldSilentlyDropANonRfc6052AddressInsideATenantPrefix64() {
        final Harness wide = new Harness(Harness.config().build()).tenants(new TenantTable(List.of(
            tenant("green", "2001:db8:200::/48", "10.0.0.0/24"))));
        wide.nothing(ipv6().src("2001:db8:200:a00:0:100::").dst("2001:db8:200:a00:ff00:200::").build()); // u-octet ff
        assertEquals(1, wide.translator.tenantCounters(0).drops(DropReason.NO_MAPPING_DESTINATION));
    }

    @Test
    void shouldKeepTenantCountersWhenTheTableIsSwapped() {
        harness.sendFromTenant(1, tenantPacket("10.0.0.1", "10.0.0.2"));
        final TenantTable reloaded = new TenantTable(List.of(
            tenant("green", "2001:db8:100:3::/96", "10.0.0.0/25"),
            tenant("red", "2001:db8:100:2::/96", "10.0.0.0/25")));
        harness.tenants(reloaded);
        assertEquals(1, harness.translator.tenantCounters(1).translated46Count(), "red kept its counters");
        assertEquals(0, harness.translator.tenantCounters(0).translated46Count(), "green starts at zero");
    }

    @Test
    void shouldKnowEveryOneOfManyLocalRanges() {
        final Tenant many = new TenantTable(List.of(new TenantConfig("m", Ipv6Prefix.parse("2001:db8:7::/96"),
            List.of(Ipv4Prefix.parse("10.0.0.0/25"), Ipv4Prefix.parse("10.1.0.0/16"), Ipv4Prefix.parse("10.2.0.7/32"),
                Ipv4Prefix.parse("192.0.2.128/26")), "xm", null, List.of()))).get(0);
        assertTrue(many.isLocal(Packets.v4("10.0.0.127")));
        assertTrue(many.isLocal(Packets.v4("10.1.200.3")));
        assertTrue(many.isLocal(Packets.v4("10.2.0.7")));
        assertTrue(many.isLocal(Packets.v4("192.0.2.130")));
        org.junit.jupiter.api.Assertions.assertFalse(many.isLocal(Packets.v4("10.0.0.128")));
        org.junit.jupiter.api.Assertions.assertFalse(many.isLocal(Packets.v4("10.2.0.8")));
    }

    @Test
    void shouldFindTheTenantOfAnAddressAmongAHundredThousand() {
        final List<TenantConfig> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            final String prefix = "2001:db8:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xFFFF) + "::/"
                + (i % 2 == 0 ? 96 : 64);
            many.add(tenant("t" + i, prefix, "10.0.0.0/24"));
        }
        final TenantTable big = new TenantTable(many);
        for (int i = 0; i < 100_000; i += 997) {
            final Ipv6Prefix p = many.get(i).prefix();
            assertSame(big.get(i), big.lookup(p.hi(), p.lo() | 0x0A000001L), "tenant " + i);
        }
        assertNull(big.lookup(0x20010db8ffffffffL, 1));
    }

    @Test
    void shouldRejectOverlappingPrefixesDuplicateNamesAndTheWellKnownPrefix() {
        final List<String> errors = TenantTable.validate(List.of(
            tenant("a", "2001:db8:100::/48", "10.0.0.0/24"),
            tenant("b", "2001:db8:100:1::/96", "10.0.0.0/24"),
            tenant("a", "2001:db8:200::/96", "10.0.0.0/24"),
            tenant("w", "64:ff9b::/96", "10.0.0.0/24"),
            tenant("u", "2001:db8:300:0:ff00::/96", "10.0.0.0/24")));
        assertTrue(errors.stream().anyMatch(e -> e.contains("'b'") && e.contains("overlaps tenant 'a'")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("name used twice")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("'w'") && e.contains("64:ff9b::/96")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("'u'")), "u-octet set: " + errors);
        assertThrows(IllegalArgumentException.class, () -> new TenantTable(List.of(
            tenant("a", "2001:db8:100::/48", "10.0.0.0/24"), tenant("b", "2001:db8:100:1::/96", "10.0.0.0/24"))));
    }
}
