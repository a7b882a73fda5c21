package io.xlat.control.explain;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Eamt;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * What an address means to the translator, in words, using the core's own lookups so that the answer is the
 * one the data path gives: the tenant instance whose prefix holds an IPv6 address (as IPv6 to IPv4
 * demultiplexes), a tenant's DC-SIIT services, the global EAMT and pool6; or, without a configuration, one RFC
 * 6052 prefix given on the command line.
 */
public final class AddressExplainer {

    /** Services are listed per tenant; a shared service in thousands of tenants is summarised after this many. */
    public static final int MAX_SERVICES_LISTED = 5;

    private final TranslatorConfig config;
    private final AddressMapping global;
    private final TenantTable tenants;
    /** A fixed prefix ({@code --prefix}), or null. */
    private final Ipv6Prefix prefix;
    /** A prefix length applied to each address ({@code --prefix-length}), or 0. */
    private final int prefixLength;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[16]);

    private AddressExplainer(TranslatorConfig config, TenantTable tenants, Ipv6Prefix prefix, int prefixLength) {
        this.config = config;
        this.global = config == null ? null : new AddressMapping(config);
        this.tenants = tenants;
        this.prefix = prefix;
        this.prefixLength = prefixLength;
    }

    public static AddressExplainer forConfig(TranslatorConfig config, TenantTable tenants) {
        return new AddressExplainer(config, tenants, null, 0);
    }

    /** Decodes and encodes with one RFC 6052 prefix ({@code --prefix P/N}). */
    public static AddressExplainer forPrefix(Ipv6Prefix prefix) {
        return new AddressExplainer(null, TenantTable.empty(), prefix, 0);
    }

    /** Decodes each IPv6 address as if its first {@code length} bits were the prefix ({@code --prefix-length N}). */
    public static AddressExplainer forPrefixLength(int length) {
        return new AddressExplainer(null, TenantTable.empty(), null, length);
    }

    /** No mapping at all: packets are shown with their own addresses. */
    public static AddressExplainer none() {
        return new AddressExplainer(null, TenantTable.empty(), null, 0);
    }

    public boolean hasConfig() {
        return config != null;
    }

    public TenantTable tenants() {
        return tenants;
    }

    // ---- addresses ---------------------------------------------------------------------------------------------

    /** What an IPv6 address is: {@code tenant blue, IPv4 10.0.0.2}, {@code pool6, IPv4 ...}, {@code no mapping}. */
    public String explain6(long hi, long lo) {
        if (config == null) {
            return explainWithPrefix6(hi, lo);
        }
        final List<String> parts = new ArrayList<>();
        final Tenant tenant = tenants.lookup(hi, lo);
        if (tenant != null) {
            final long ipv4 = tenant.map64(hi, lo);
            if (ipv4 == AddressMapping.NO_MAPPING) {
                parts.add("tenant " + tenant.name() + ", no IPv4: bits 64-71 (the RFC 6052 u-octet) are not zero");
            } else {
                parts.add("tenant " + tenant.name() + ", IPv4 " + Ipv4Addresses.format((int) ipv4)
                    + (tenant.isLocal((int) ipv4) ? "" : " (not served on this host)"));
            }
        }
        services(hi, lo, tenant, parts);
        if (tenant == null) {
            final String global6 = global6(hi, lo);
            if (global6 != null) {
                parts.add(global6);
            }
        }
        return parts.isEmpty() ? "no mapping" : String.join("; ", parts);
    }

    /** A tenant's services are IPv6 hosts it reaches by IPv4: the address is seen as the source of their replies. */
    private void services(long hi, long lo, Tenant owner, List<String> parts) {
        int found = 0;
        for (int i = 0; i < tenants.size(); i++) {
            final Tenant t = tenants.get(i);
            if (t == owner || t.config().services().isEmpty()) {
                continue;
            }
            final long ipv4 = t.map64(hi, lo);
            if (ipv4 == AddressMapping.NO_MAPPING) {
                continue;
            }
            if (++found <= MAX_SERVICES_LISTED) {
                parts.add("tenant " + t.name() + " service " + Ipv4Addresses.format((int) ipv4));
            }
        }
        if (found > MAX_SERVICES_LISTED) {
            parts.add("a service of " + (found - MAX_SERVICES_LISTED) + " more tenants");
        }
    }

    private String global6(long hi, long lo) {
        final Eamt eamt = global.eamt();
        final int entry = eamt.find6(hi, lo);
        if (entry != Eamt.NOT_FOUND) {
            return "EAM " + eamt.entry(entry).ipv4() + ", IPv4 " + Ipv4Addresses.format(eamt.map64(entry, hi, lo));
        }
        if (!global.isInsidePool6(hi, lo)) {
            return null;
        }
        final long ipv4 = global.map64Pool6(hi, lo);
        if (ipv4 != AddressMapping.NO_MAPPING) {
            return "pool6, IPv4 " + Ipv4Addresses.format((int) ipv4);
        }
        if (Rfc6052.extract(hi, lo, config.pool6().length()) == Rfc6052.NO_ADDRESS) {
            return "pool6, no IPv4: bits 64-71 (the RFC 6052 u-octet) are not zero";
        }
        return "pool6, no IPv4: " + Ipv4Addresses.format((int) Rfc6052.extract(hi, lo, config.pool6().length()))
            + " is not global and may not use the Well-Known Prefix (RFC 6052 section 3.1)";
    }

    private String explainWithPrefix6(long hi, long lo) {
        final Ipv6Prefix p = prefixFor(hi, lo);
        if (p == null) {
            return "not in " + prefix;
        }
        final String problem = Rfc6052.validatePool6(p);
        if (problem != null) {
            return "not an RFC 6052 address: " + problem.substring("pool6 ".length());
        }
        final long ipv4 = Rfc6052.extract(hi, lo, p.length());
        if (ipv4 == Rfc6052.NO_ADDRESS) {
            return "prefix " + p + ", no IPv4: bits 64-71 (the RFC 6052 u-octet) are not zero";
        }
        return "prefix " + p + ", IPv4 " + Ipv4Addresses.format((int) ipv4);
    }

    /** The prefix that applies to an address in prefix mode, or null when it is outside {@code --prefix}. */
    private Ipv6Prefix prefixFor(long hi, long lo) {
        if (prefix != null) {
            return prefix.contains(hi, lo) ? prefix : null;
        }
        return new Ipv6Prefix(hi & Ipv6Prefix.maskHi(prefixLength), lo & Ipv6Prefix.maskLo(prefixLength), prefixLength);
    }

    /**
     * What an IPv4 address becomes on the IPv6 side: within tenant {@code tenant} (its prefix, or one of its
     * services), or globally (EAMT, then pool6) when {@code tenant} is null.
     */
    public String explain4(int ipv4, Tenant tenant) {
        if (config == null) {
            if (prefix == null) {
                throw new IllegalStateException("an IPv4 address needs --prefix P/N to be embedded");
            }
            return "prefix " + prefix + ", IPv6 " + Ipv6Addresses.format(
                Rfc6052.embedHi(prefix.hi(), prefix.length(), ipv4), Rfc6052.embedLo(prefix.lo(), prefix.length(), ipv4));
        }
        if (tenant != null) {
            tenant.map46(ipv4, scratch, 0);
            final String ipv6 = Ipv6Addresses.format(scratch.getLong(0, BIG_ENDIAN), scratch.getLong(8, BIG_ENDIAN));
            if (isService(tenant, ipv4)) {
                return "tenant " + tenant.name() + " service, IPv6 " + ipv6;
            }
            return "tenant " + tenant.name() + ", IPv6 " + ipv6 + (tenant.isLocal(ipv4) ? "" : " (not served on this host)");
        }
        final Eamt eamt = global.eamt();
        final int entry = eamt.find4(ipv4);
        if (entry != Eamt.NOT_FOUND) {
            return "EAM " + eamt.entry(entry).ipv4() + ", IPv6 "
                + Ipv6Addresses.format(eamt.map46Hi(entry, ipv4), eamt.map46Lo(entry, ipv4));
        }
        if (!global.hasPool6()) {
            return "no mapping";
        }
        if (!global.map46Pool6(ipv4, scratch, 0)) {
            return "no mapping: " + Ipv4Addresses.format(ipv4) + " is not global and may not use the Well-Known "
                + "Prefix (RFC 6052 section 3.1)";
        }
        return "pool6, IPv6 " + Ipv6Addresses.format(scratch.getLong(0, BIG_ENDIAN), scratch.getLong(8, BIG_ENDIAN));
    }

    private static boolean isService(Tenant tenant, int ipv4) {
        for (final EamEntry service : tenant.config().services()) {
            if (service.ipv4().contains(ipv4)) {
                return true;
            }
        }
        return false;
    }

    // ---- packets -------------------------------------------------------------------------------------------

    /** The tenant of an IPv6 packet: by destination prefix, else by source prefix; null when neither is in one. */
    public Tenant tenantOf(long srcHi, long srcLo, long dstHi, long dstLo) {
        if (tenants.size() == 0) {
            return null;
        }
        final Tenant byDestination = tenants.lookup(dstHi, dstLo);
        return byDestination != null ? byDestination : tenants.lookup(srcHi, srcLo);
    }

    /**
     * The IPv4 address an IPv6 address of a packet stands for, within {@code tenant} when not null, else the
     * global mapping or the command-line prefix; {@link AddressMapping#NO_MAPPING} when it has none.
     */
    public long map64(long hi, long lo, Tenant tenant) {
        if (tenant != null) {
            return tenant.map64(hi, lo);
        }
        if (global != null) {
            return global.map64(hi, lo);
        }
        if (prefix == null && prefixLength == 0) {
            return AddressMapping.NO_MAPPING;
        }
        final Ipv6Prefix p = prefixFor(hi, lo);
        if (p == null || Rfc6052.validatePool6(p) != null) {
            return AddressMapping.NO_MAPPING;
        }
        final long ipv4 = Rfc6052.extract(hi, lo, p.length());
        return ipv4 == Rfc6052.NO_ADDRESS ? AddressMapping.NO_MAPPING : ipv4;
    }
}
