package io.xlat.control.routes;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The prefixes this host must announce so that the fabric delivers to it what it translates, aggregated to the
 * fewest routes (fabric switches hold about 128k routes: never one per endpoint when a range will do):
 * <ul>
 *   <li>IPv6, per tenant: the RFC 6052 image of each of its local IPv4 ranges under its instance prefix, where
 *       the IPv6 side sends traffic for the tenant's hosts here;</li>
 *   <li>IPv6: {@code pool6}, where IPv6 services answer IPv4 clients (RFC 7755 section 4);</li>
 *   <li>IPv4: the IPv4 prefixes of the global EAM entries, the DC-SIIT pools IPv4 clients send to.</li>
 * </ul>
 * {@code xlat routes} prints this set and the BGP speaker announces exactly it.
 */
public final class HostRoutes {

    /** One IPv6 route and the configuration items it covers (e.g. {@code tenant blue 10.0.0.0/25}). */
    public record Route6(Ipv6Prefix prefix, List<String> origins) {
    }

    /** One IPv4 route and the configuration items it covers. */
    public record Route4(Ipv4Prefix prefix, List<String> origins) {
    }

    private final List<Route6> ipv6;
    private final List<Route4> ipv4;

    private HostRoutes(List<Route6> ipv6, List<Route4> ipv4) {
        this.ipv6 = List.copyOf(ipv6);
        this.ipv4 = List.copyOf(ipv4);
    }

    /** The routes of a validated configuration: tenant prefixes must not overlap each other or pool6. */
    public static HostRoutes of(TranslatorConfig translator, List<TenantConfig> tenants) {
        return of(translator, tenants, true);
    }

    /**
     * As {@link #of(TranslatorConfig, List)}; without {@code globalPath}, only the tenants' routes: pool6 and the
     * EAM prefixes are left out when no device here carries plain SIIT (see
     * {@link io.xlat.control.config.DataplaneConfig#carriesGlobalPath}) or while its device is down.
     */
    public static HostRoutes of(TranslatorConfig translator, List<TenantConfig> tenants, boolean globalPath) {
        final List<PrefixAggregator.Block> blocks6 = new ArrayList<>();
        for (final TenantConfig tenant : tenants) {
            // IPv4 first: two IPv4 halves whose images sit on either side of the u-octet only merge in IPv4
            // terms (their IPv6 images are /73s under a /72 whose u-octet is fixed, not siblings of a /64)
            final List<PrefixAggregator.Block> ranges = new ArrayList<>();
            for (final Ipv4Prefix range : tenant.ipv4()) {
                ranges.add(block4(range, "tenant " + tenant.name() + " " + range));
            }
            for (final PrefixAggregator.Block range : PrefixAggregator.aggregate(ranges)) {
                final Ipv6Prefix image = embed(tenant.prefix(), ipv4(range));
                blocks6.add(new PrefixAggregator.Block(image.hi(), image.lo(), image.length(), range.origins()));
            }
        }
        final Ipv6Prefix pool6 = globalPath ? translator.pool6() : null;
        if (pool6 != null) {
            blocks6.add(new PrefixAggregator.Block(pool6.hi(), pool6.lo(), pool6.length(),
                List.of("pool6 (replies from IPv6 services to IPv4 clients, RFC 7755)")));
        }
        final List<Route6> routes6 = new ArrayList<>();
        for (final PrefixAggregator.Block b : PrefixAggregator.aggregate(blocks6)) {
            routes6.add(new Route6(new Ipv6Prefix(b.hi(), b.lo(), b.length()), b.origins()));
        }
        final List<PrefixAggregator.Block> blocks4 = new ArrayList<>();
        for (final EamEntry entry : globalPath ? translator.eamt() : List.<EamEntry>of()) {
            blocks4.add(block4(entry.ipv4(), "EAM " + entry.ipv4() + " <-> " + entry.ipv6()));
        }
        final List<Route4> routes4 = new ArrayList<>();
        for (final PrefixAggregator.Block b : PrefixAggregator.aggregate(blocks4)) {
            routes4.add(new Route4(ipv4(b), b.origins()));
        }
        return new HostRoutes(routes6, routes4);
    }

    /** The IPv6 routes in address order. */
    public List<Route6> ipv6() {
        return ipv6;
    }

    /** The IPv4 routes in address order. */
    public List<Route4> ipv4() {
        return ipv4;
    }

    /**
     * The RFC 6052 image of an IPv4 range under an instance prefix: the one IPv6 prefix that holds
     * {@code prefix + a} for every address {@code a} of the range.
     *
     * <p>RFC 6052 §2.2: "Bits 64 to 71 of the address are reserved [...]. These bits MUST be set to zero."
     * For a /40 to /64 prefix the IPv4 bits straddle those 8 bits, so the IPv4 prefix is split there: when it
     * ends at or before bit 64 its image is {@code prefix length + IPv4 length} long and leaves the u-octet
     * free (those addresses are not RFC 6052 addresses; the translator drops them, and no other host or
     * tenant owns them); when it reaches past bit 64 the image also fixes the zero u-octet and is 8 bits
     * longer. Either way one IPv4 prefix gives exactly one IPv6 prefix.
     */
    public static Ipv6Prefix embed(Ipv6Prefix instance, Ipv4Prefix range) {
        final int length = instance.length();
        final long hi = Rfc6052.embedHi(instance.hi(), length, range.address());
        final long lo = Rfc6052.embedLo(instance.lo(), length, range.address());
        final int fixed = length + range.length();
        final int imageLength = length == 96 || fixed <= 64 ? fixed : fixed + 8;
        return new Ipv6Prefix(hi, lo, imageLength);
    }

    private static PrefixAggregator.Block block4(Ipv4Prefix p, String origin) {
        return new PrefixAggregator.Block((p.address() & 0xFFFF_FFFFL) << 32, 0, p.length(), List.of(origin));
    }

    private static Ipv4Prefix ipv4(PrefixAggregator.Block b) {
        return new Ipv4Prefix((int) (b.hi() >>> 32), b.length());
    }
}
