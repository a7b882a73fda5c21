package io.xlat.control.routes;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostRoutesTest {

    private static final TranslatorConfig NO_GLOBAL = TranslatorConfig.defaults();

    private static TenantConfig tenant(String name, String prefix, String... ranges) {
        final List<Ipv4Prefix> ipv4 = new ArrayList<>();
        for (final String r : ranges) {
            ipv4.add(Ipv4Prefix.parse(r));
        }
        return new TenantConfig(name, Ipv6Prefix.parse(prefix), ipv4, "x" + name, null, List.of());
    }

    private static List<String> ipv6(HostRoutes routes) {
        final List<String> out = new ArrayList<>();
        for (final HostRoutes.Route6 r : routes.ipv6()) {
            out.add(r.prefix().toString());
        }
        return out;
    }

    private static String embed(String prefix, String range) {
        return HostRoutes.embed(Ipv6Prefix.parse(prefix), Ipv4Prefix.parse(range)).toString();
    }

    // ---- one range, every prefix length ----------------------------------------------------------------------

    @Test
    void shouldAnnounceTheTenantPrefixPlusTheRangeForTheIssueExample() {
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of(tenant("blue", "2001:db8:100:1::/96", "10.0.0.0/25")));
        assertEquals(List.of("2001:db8:100:1::a00:0/121"), ipv6(routes));
        assertEquals(List.of("tenant blue 10.0.0.0/25"), routes.ipv6().get(0).origins());
        assertEquals(List.of(), routes.ipv4());
    }

    @Test
    void shouldPlaceTheRangeAfterTheUOctetWhenItReachesPastBit64() {
        // /40: IPv4 bits 0-23 are bits 40-63, the u-octet is bits 64-71, IPv4 bits 24-31 are bits 72-79
        assertEquals("2001:db8:10a::/64", embed("2001:db8:100::/40", "10.0.0.0/24"));
        assertEquals("2001:db8:10a::/73", embed("2001:db8:100::/40", "10.0.0.0/25"));
        assertEquals("2001:db8:10a:0:80::/73", embed("2001:db8:100::/40", "10.0.0.128/25"));
        assertEquals("2001:db8:10a:0:5::/80", embed("2001:db8:100::/40", "10.0.0.5/32"));
        assertEquals("2001:db8:10a::/48", embed("2001:db8:100::/40", "10.0.0.0/8"));
        // /48: 16 IPv4 bits before the u-octet
        assertEquals("2001:db8:1:a00::/64", embed("2001:db8:1::/48", "10.0.0.0/16"));
        assertEquals("2001:db8:1:a00:80::/73", embed("2001:db8:1::/48", "10.0.128.0/17"));
        // /56: 8 bits before
        assertEquals("2001:db8:0:10a::/64", embed("2001:db8:0:100::/56", "10.0.0.0/8"));
        assertEquals("2001:db8:0:10a:80::/73", embed("2001:db8:0:100::/56", "10.128.0.0/9"));
        // /64: none before; /0 is the whole prefix, anything longer fixes the u-octet
        assertEquals("2001:db8::/64", embed("2001:db8::/64", "0.0.0.0/0"));
        assertEquals("2001:db8:0:0:a::/80", embed("2001:db8::/64", "10.0.0.0/8"));
        // /32 and /96: no u-octet inside the IPv4 bits
        assertEquals("2001:db8:a00::/40", embed("2001:db8::/32", "10.0.0.0/8"));
        assertEquals("2001:db8:c000:205::/64", embed("2001:db8::/32", "192.0.2.5/32"));
        assertEquals("2001:db8::c000:205/128", embed("2001:db8::/96", "192.0.2.5/32"));
    }

    /** The image holds prefix + a exactly for the addresses a of the range, at every RFC 6052 length. */
    @Test
    void shouldHoldTheEmbeddedAddressesOfTheRangeAndNoOthersAtEveryLength() {
        final Random random = new Random(7915);
        for (final int length : new int[] {32, 40, 48, 56, 64, 96}) {
            final Ipv6Prefix instance = new Ipv6Prefix(0x2001_0db8_0000_0000L, 0, length);
            for (int round = 0; round < 300; round++) {
                final int rangeLength = random.nextInt(33);
                final int address = random.nextInt() & Ipv4Prefix.mask(rangeLength);
                final Ipv4Prefix range = new Ipv4Prefix(address, rangeLength);
                final Ipv6Prefix image = HostRoutes.embed(instance, range);
                for (int probe = 0; probe < 20; probe++) {
                    final int inside = address | (random.nextInt() & ~Ipv4Prefix.mask(rangeLength));
                    assertTrue(image.contains(Rfc6052.embedHi(instance.hi(), length, inside),
                        Rfc6052.embedLo(instance.lo(), length, inside)), "/" + length + " " + range + " " + image);
                    final int any = random.nextInt();
                    assertEquals(range.contains(any), image.contains(Rfc6052.embedHi(instance.hi(), length, any),
                        Rfc6052.embedLo(instance.lo(), length, any)), "/" + length + " " + range + " " + image);
                }
            }
        }
    }

    // ---- aggregation -----------------------------------------------------------------------------------------

    @Test
    void shouldMergeAdjacentRangesOfATenant() {
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of(
            tenant("blue", "2001:db8:100:1::/96", "10.0.0.128/25", "10.0.0.0/25", "10.0.2.0/24")));
        assertEquals(List.of("2001:db8:100:1::a00:0/120", "2001:db8:100:1::a00:200/120"), ipv6(routes));
        assertEquals(List.of("tenant blue 10.0.0.0/25", "tenant blue 10.0.0.128/25"), routes.ipv6().get(0).origins());
    }

    @Test
    void shouldMergeHalvesWhoseImagesSitOnEitherSideOfTheUOctet() {
        // as IPv6 the two /73s only make a /72 with a fixed u-octet; as IPv4 they make a /24, whose image is a /64
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of(
            tenant("green", "2001:db8:100::/40", "10.0.0.0/25", "10.0.0.128/25")));
        assertEquals(List.of("2001:db8:10a::/64"), ipv6(routes));
    }

    @Test
    void shouldMergeAcrossTenantsWhenTheirPrefixesHappenToBeAdjacent() {
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of(
            tenant("a", "2001:db8:0:0::/64", "0.0.0.0/1", "128.0.0.0/1"),
            tenant("b", "2001:db8:0:1::/64", "0.0.0.0/1", "128.0.0.0/1"),
            tenant("c", "2001:db8:0:3::/64", "10.0.0.0/8")));
        assertEquals(List.of("2001:db8::/63", "2001:db8:0:3:a::/80"), ipv6(routes));
        assertEquals(4, routes.ipv6().get(0).origins().size());
    }

    @Test
    void shouldKeepOverlappingTenantsApartWhoseIpv4IsTheSame() {
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of(
            tenant("blue", "2001:db8:100:1::/96", "10.0.0.0/25"),
            tenant("red", "2001:db8:100:2::/96", "10.0.0.0/25")));
        assertEquals(List.of("2001:db8:100:1::a00:0/121", "2001:db8:100:2::a00:0/121"), ipv6(routes));
    }

    @Test
    void shouldAnnouncePool6AndTheEamIpv4PrefixesAggregated() {
        final TranslatorConfig global = TranslatorConfig.builder()
            .pool6(Ipv6Prefix.parse("2001:db8:64::/96"))
            .eamt(List.of(
                new EamEntry(Ipv4Prefix.parse("192.0.2.128/25"), Ipv6Prefix.parse("2001:db8:3::/121")),
                new EamEntry(Ipv4Prefix.parse("192.0.2.0/25"), Ipv6Prefix.parse("2001:db8:2::/121")),
                new EamEntry(Ipv4Prefix.parse("198.51.100.0/24"), Ipv6Prefix.parse("2001:db8:4::/120")),
                new EamEntry(Ipv4Prefix.parse("198.51.100.8/29"), Ipv6Prefix.parse("2001:db8:5::/125"))))
            .build();
        final HostRoutes routes = HostRoutes.of(global, List.of(tenant("blue", "2001:db8:100:1::/96", "10.0.0.0/25")));
        assertEquals(List.of("2001:db8:64::/96", "2001:db8:100:1::a00:0/121"), ipv6(routes));
        assertTrue(routes.ipv6().get(0).origins().get(0).startsWith("pool6"), routes.ipv6().toString());
        final List<String> v4 = new ArrayList<>();
        for (final HostRoutes.Route4 r : routes.ipv4()) {
            v4.add(r.prefix() + " " + r.origins().size());
        }
        assertEquals(List.of("192.0.2.0/24 2", "198.51.100.0/24 2"), v4);
    }

    @Test
    void shouldAnnounceNothingWithoutTenantsPool6OrEam() {
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, List.of());
        assertEquals(List.of(), routes.ipv6());
        assertEquals(List.of(), routes.ipv4());
    }

    @Test
    void shouldGiveOneRoutePerTenantForOneHundredThousandTenants() {
        final List<TenantConfig> tenants = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            tenants.add(new TenantConfig("t" + i, new Ipv6Prefix(0x2001_0db8_0000_0000L | i, 0, 96),
                List.of(Ipv4Prefix.parse("10.0.0.0/25"), Ipv4Prefix.parse("10.0.0.128/25")), "x" + i, null, List.of()));
        }
        final long start = System.nanoTime();
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, tenants);
        final long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(100_000, routes.ipv6().size());
        assertEquals("2001:db8:1:869f::a00:0/120", routes.ipv6().get(99_999).prefix().toString());
        assertTrue(millis < 10_000, "took " + millis + " ms");
    }

    @Test
    void shouldMergeWholeBlocksOfTenantsIntoOneRoute() {
        // 256 /64 tenants that each serve all of their IPv4 space under one /56: one route
        final List<TenantConfig> tenants = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            tenants.add(new TenantConfig("t" + i, new Ipv6Prefix(0x2001_0db8_0000_0100L | i, 0, 64),
                List.of(Ipv4Prefix.parse("0.0.0.0/0")), "x" + i, null, List.of()));
        }
        final HostRoutes routes = HostRoutes.of(NO_GLOBAL, tenants);
        assertEquals(List.of("2001:db8:0:100::/56"), ipv6(routes));
        assertEquals(256, routes.ipv6().get(0).origins().size());
    }
}
