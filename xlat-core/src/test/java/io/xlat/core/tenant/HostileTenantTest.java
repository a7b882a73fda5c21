package io.xlat.core.tenant;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.icmp;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.udp;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tenant that attacks: spoofs, aims at its neighbour, at pool6, EAM space and the translator itself, quotes
 * its neighbour in ICMP errors, smuggles fragments, tries to hairpin out, and floods the translator with packets
 * that make it send errors. Whatever it sends, nothing leaves with an address outside its own prefix and services,
 * every refused packet is counted once under its reason on the tenant's own counters, and its neighbour's traffic
 * goes on untouched.
 */
class HostileTenantTest {

    private static final int BLUE = 0;
    private static final int RED = 1;
    private static final Ipv6Prefix BLUE_PREFIX = Ipv6Prefix.parse("2001:db8:100:1::/96");
    private static final Ipv6Prefix BLUE_SERVICE = Ipv6Prefix.parse("2001:db8:5::10/128");

    private static TenantConfig tenant(String name, String prefix, EamEntry... services) {
        return new TenantConfig(name, Ipv6Prefix.parse(prefix), List.of(Ipv4Prefix.parse("10.0.0.0/25")),
            "xb-" + name, null, List.of(services));
    }

    private static Harness harness(int icmpRate) {
        return new Harness(Harness.config()
            .eamt(List.of(new EamEntry(Ipv4Prefix.parse("192.0.2.0/24"), Ipv6Prefix.parse("2001:db8:2::/120"))))
            .hairpin(TranslatorConfig.Hairpin.INTRINSIC)
            .pool6791v4(List.of(Ipv4Prefix.parse("192.0.0.8/32")))
            .icmpRate(icmpRate)
            .build()).tenants(new TenantTable(List.of(
                tenant("blue", "2001:db8:100:1::/96",
                    new EamEntry(Ipv4Prefix.parse("100.64.0.10/32"), BLUE_SERVICE)),
                tenant("red", "2001:db8:100:2::/96"))));
    }

    private final Harness h = harness(1_000_000);

    private DropCounters blue() {
        return h.translator.tenantCounters(BLUE);
    }

    private DropCounters red() {
        return h.translator.tenantCounters(RED);
    }

    private static long total(DropCounters c) {
        return c.totalDrops() + c.translated46Count() + c.translated64Count();
    }

    /** Blue's IPv4 packet is refused: nothing emitted, one drop under {@code reason} on blue, nothing elsewhere. */
    private void refusedFromBlue(byte[] packet, DropReason reason) {
        final long before = blue().drops(reason);
        final long blueBefore = total(blue());
        final long redBefore = total(red());
        final long globalBefore = total(h.counters);
        assertEquals(0, h.sendFromTenant(BLUE, packet), h.dropSummary());
        assertEquals(before + 1, blue().drops(reason), reason.label());
        assertEquals(blueBefore + 1, total(blue()), "exactly one count on blue");
        assertEquals(redBefore, total(red()), "nothing on red");
        assertEquals(globalBefore, total(h.counters), "nothing on the global path");
    }

    /** An IPv6 packet for blue's prefix is refused under {@code reason}, counted once on blue. */
    private void refusedToBlue(byte[] packet, DropReason reason) {
        h.forward.clear();
        h.back.clear();
        final long before = blue().drops(reason);
        final long redBefore = total(red());
        assertEquals(0, h.send(packet), "refused");
        assertTrue(h.forward.isEmpty() && h.back.isEmpty());
        assertEquals(before + 1, blue().drops(reason), reason.label() + "; blue drops " + blue().totalDrops());
        assertEquals(redBefore, total(red()), "nothing on red");
    }

    /** Every address of every packet blue made the translator emit lies in blue's prefix or its service. */
    private void onlyBlueAddresses(List<byte[]> emitted) {
        for (final byte[] p : emitted) {
            assertEquals(6, (p[0] >> 4) & 0xF, "only IPv6 leaves towards the fabric");
            for (final int at : new int[] {8, 24}) {
                final UnsafeBuffer b = new UnsafeBuffer(p);
                final long hi = b.getLong(at, BIG_ENDIAN);
                final long lo = b.getLong(at + 8, BIG_ENDIAN);
                assertTrue(BLUE_PREFIX.contains(hi, lo) || BLUE_SERVICE.contains(hi, lo),
                    Packets.formatV6(p, at) + " is not blue's");
            }
        }
    }

    // ---- from the tenant's IPv4 device ----------------------------------------------------------------------

    @Test
    void shouldDropASpoofedSourceOnTheTenantsOwnCounter() {
        refusedFromBlue(ipv4().src("10.0.0.200").dst("10.0.0.1").build(), DropReason.TENANT_SPOOFED_SOURCE);
        refusedFromBlue(ipv4().src("192.0.2.7").dst("10.0.0.1").build(), DropReason.TENANT_SPOOFED_SOURCE);
        refusedFromBlue(ipv4().src("203.0.113.1").dst("10.0.0.1").build(), DropReason.TENANT_SPOOFED_SOURCE);
    }

    @Test
    void shouldNeverLetATenantReachPool6EamSpaceOrTheTranslatorsOwnAddresses() {
        // the global EAM, an address pool6 would map, the translator's own IPv4 and an RFC 6791 source
        for (final String dst : new String[] {"192.0.2.7", "198.51.100.2", "203.0.113.1", "192.0.0.8"}) {
            final byte[] packet = ipv4().src("10.0.0.1").dst(dst).build();
            final long before = total(blue());
            final long globalBefore = total(h.counters);
            h.sendFromTenant(BLUE, packet);
            onlyBlueAddresses(h.forward);
            assertTrue(h.back.isEmpty() || (h.back.get(0)[0] >> 4) == 4, "an error goes back to blue as IPv4");
            assertEquals(before + 1, total(blue()), dst + ": one count on blue, " + h.dropSummary());
            assertEquals(globalBefore, total(h.counters), dst + ": the global path never sees blue's packet");
        }
    }

    @Test
    void shouldKeepHairpinningInsideTheTenant() {
        // to blue's own service: allowed, and it stays blue's
        h.sendFromTenant(BLUE, ipv4().src("10.0.0.1").dst("100.64.0.10").build());
        assertEquals(1, h.forward.size(), h.dropSummary());
        onlyBlueAddresses(h.forward);
        // to an address inside blue's range: mapped into blue's prefix, never red's
        h.sendFromTenant(BLUE, ipv4().src("10.0.0.1").dst("10.0.0.2").build());
        onlyBlueAddresses(h.forward);
        // red sends the very same packet: it lands in red's prefix
        h.sendFromTenant(RED, ipv4().src("10.0.0.1").dst("10.0.0.2").build());
        assertEquals("2001:db8:100:2::a00:2", Packets.formatV6(h.forward.get(0), 24));
    }

    @Test
    void shouldMapTheInnerPacketOfATenantsIcmpErrorIntoItsOwnPrefix() {
        // blue reports an error about a packet "from red's 10.0.0.1": inner addresses can only map into blue's
        final byte[] inner = ipv4().src("10.0.0.100").dst("10.0.0.1").build();
        h.sendFromTenant(BLUE, ipv4().src("10.0.0.1").dst("10.0.0.100").icmp(icmp(3, 1, 0, inner)).build());
        for (final byte[] p : h.forward) {
            onlyBlueAddresses(List.of(p));
            final byte[] quoted = java.util.Arrays.copyOfRange(p, 48, p.length);
            onlyBlueAddresses(List.of(quoted));
        }
    }

    @Test
    void shouldTranslateTinyAndOverlappingFragmentsOnlyWithinTheTenant() {
        // a first fragment of 8 payload bytes (just the UDP ports), then one that overlaps it from offset 0
        final byte[] tiny = ipv4().src("10.0.0.1").dst("10.0.0.100").flags(0x2000 | 0).id(77)
            .payload(17, java.util.Arrays.copyOf(udp(53, 53, bytes(0, 1)), 8)).rawTransportChecksum().build();
        final byte[] overlap = ipv4().src("10.0.0.1").dst("10.0.0.100").flags(1).id(77)
            .payload(17, bytes(64, 9)).build();
        final byte[] spoofedLater = ipv4().src("10.0.0.126").dst("10.0.0.100").flags(2).id(77)
            .payload(6, bytes(24, 3)).build();
        for (final byte[] fragment : new byte[][] {tiny, overlap, spoofedLater}) {
            final long before = total(blue());
            h.sendFromTenant(BLUE, fragment);
            onlyBlueAddresses(h.forward);
            for (final byte[] p : h.forward) {
                // RFC 7915 section 4.1: a Fragment header follows, carrying the IPv4 protocol; nothing else
                assertEquals(44, p[6] & 0xFF, "a fragment stays a fragment");
                assertTrue(p[40] == 17 || p[40] == 6, "the fragment header carries the transport, got " + p[40]);
            }
            assertEquals(before + 1, total(blue()), "counted once");
        }
        refusedFromBlue(ipv4().src("10.0.0.200").dst("10.0.0.100").flags(0x2000).id(78)
            .payload(17, bytes(16, 1)).build(), DropReason.TENANT_SPOOFED_SOURCE);
    }

    // ---- towards the tenant, from the IPv6 fabric ----------------------------------------------------------

    @Test
    void shouldRefuseIpv6FromAnotherTenantOrTheGlobalSpaceIntoATenant() {
        refusedToBlue(ipv6().src("2001:db8:100:2::a00:1").dst("2001:db8:100:1::a00:1").build(),
            DropReason.TENANT_FOREIGN_SOURCE);
        refusedToBlue(ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:100:1::a00:1").build(),
            DropReason.TENANT_FOREIGN_SOURCE);
        refusedToBlue(ipv6().src("2001:db8:2::7").dst("2001:db8:100:1::a00:1").build(),
            DropReason.TENANT_FOREIGN_SOURCE);
        refusedToBlue(ipv6().src("2001:db8:100:1::a00:1").dst("2001:db8:100:1::a00:c8").build(),
            DropReason.TENANT_DESTINATION_NOT_LOCAL);
    }

    @Test
    void shouldRefuseAnIcmpErrorForATenantThatQuotesAnotherTenant() {
        // a router in blue's prefix "reports" a packet that red sent: translating the quote with blue's prefix
        // would hand red's addresses to blue as blue's
        final byte[] redInner = ipv6().src("2001:db8:100:1::a00:5").dst("2001:db8:100:2::a00:1").build();
        final byte[] error = ipv6().src("2001:db8:100:1::a00:7").dst("2001:db8:100:1::a00:5")
            .icmpv6(icmp(1, 0, 0, redInner)).build();
        h.forward.clear();
        h.back.clear();
        final long before = total(blue());
        h.send(error);
        assertTrue(h.forward.isEmpty(), "never delivered to blue's IPv4 device: " + h.dropSummary());
        assertEquals(before + 1, total(blue()), "counted once on blue");
        assertEquals(1, blue().drops(DropReason.ICMP_INNER_INVALID), h.dropSummary());
    }

    @Test
    void shouldRefusePacketsForTheTranslatorsOwnAddressesOnce() {
        h.forward.clear();
        h.back.clear();
        final long before = h.counters.totalDrops();
        h.send(ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:ffff::1").build());
        assertTrue(h.forward.isEmpty(), "nothing translated to IPv4");
        // at most a Destination Unreachable back to the sender
        assertTrue(h.back.isEmpty() || (h.back.size() == 1 && h.back.get(0)[6] == 58 && h.back.get(0)[40] == 1),
            "back: " + h.back.size());
        assertEquals(before + 1, h.counters.totalDrops(), h.dropSummary());
    }

    // ---- floods -----------------------------------------------------------------------------------------

    @Test
    void shouldHoldTheIcmpRateLimitUnderAFloodAndLeaveTheNeighboursTrafficAlone() {
        final Harness flooded = harness(100);
        final byte[] ttl1 = ipv4().src("10.0.0.1").dst("10.0.0.100").ttl(1).build();
        final byte[] redTraffic = ipv4().src("10.0.0.1").dst("10.0.0.100").build();
        int errors = 0;
        int redForwarded = 0;
        for (int i = 0; i < 10_000; i++) {
            flooded.now += 10_000; // 10,000 packets in 100 ms
            flooded.sendFromTenant(BLUE, ttl1);
            errors += flooded.back.size();
            flooded.sendFromTenant(RED, redTraffic);
            redForwarded += flooded.forward.size();
        }
        final DropCounters blue = flooded.translator.tenantCounters(BLUE);
        assertEquals(10_000, blue.drops(DropReason.TTL_EXPIRED), "every packet counted under its reason");
        assertTrue(errors <= 110, "at most the 100/s bucket plus its refill in 100 ms: " + errors + " errors");
        assertTrue(errors > 0, "errors are still sent within the rate");
        assertEquals(10_000, redForwarded, "red's traffic goes through untouched");
        assertEquals(0, flooded.translator.tenantCounters(RED).totalDrops());
    }
}
