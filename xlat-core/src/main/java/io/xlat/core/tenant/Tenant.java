package io.xlat.core.tenant;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Eamt;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Mapping;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropCounters;
import org.agrona.MutableDirectBuffer;

import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One tenant instance at run time: its prefix is prepended to both IPv4 addresses, so overlapping tenant IPv4
 * space becomes unique IPv6; its services are explicit mappings (RFC 7757) to IPv6 services (DC-SIIT,
 * RFC 7755). Immutable and shared between workers; counters live with each worker.
 */
public final class Tenant implements Mapping {
    private final int index;
    private final TenantConfig config;
    private final long prefixHi;
    private final long prefixLo;
    private final int prefixLength;
    // The first two IPv4 ranges live in the object itself: with 100,000 tenants every array would be one more
    // cache miss per packet. Ranges beyond two (rare) are in the arrays.
    private final int range0Address;
    private final int range0Mask;
    private final int range1Address;
    private final int range1Mask;
    private final int[] moreRangeAddress;
    private final int[] moreRangeMask;
    private final boolean hasServices;
    private final Eamt services;
    private final long prefixWordSum;
    private final DropCounters counters;

    Tenant(int index, TenantConfig config, DropCounters counters) {
        this.index = index;
        this.config = config;
        this.prefixHi = config.prefix().hi();
        this.prefixLo = config.prefix().lo();
        this.prefixLength = config.prefix().length();
        final List<Ipv4Prefix> ranges = config.ipv4();
        // An absent second range repeats the first, so the check below needs no count.
        this.range0Address = ranges.get(0).address();
        this.range0Mask = ranges.get(0).mask();
        this.range1Address = ranges.size() > 1 ? ranges.get(1).address() : range0Address;
        this.range1Mask = ranges.size() > 1 ? ranges.get(1).mask() : range0Mask;
        final int more = Math.max(0, ranges.size() - 2);
        this.moreRangeAddress = more == 0 ? null : new int[more];
        this.moreRangeMask = more == 0 ? null : new int[more];
        for (int i = 0; i < more; i++) {
            moreRangeAddress[i] = ranges.get(i + 2).address();
            moreRangeMask[i] = ranges.get(i + 2).mask();
        }
        this.hasServices = !config.services().isEmpty();
        this.services = hasServices ? new Eamt(config.services()) : Eamt.empty();
        this.prefixWordSum = Checksum.sumIpv6(prefixHi, prefixLo);
        this.counters = counters;
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException(this + ": no ipv4 range");
        }
    }

    /**
     * This tenant's counters in a worker's copy of the table ({@code Translator.tenants} makes each worker its
     * own), single-writer like every other counter of the core; null in a table built from the configuration.
     */
    public DropCounters counters() {
        return counters;
    }

    public int index() {
        return index;
    }

    public String name() {
        return config.name();
    }

    public TenantConfig config() {
        return config;
    }

    /** True when {@code ipv4} is one of this host's addresses of the tenant (anti-spoofing, local delivery). */
    public boolean isLocal(int ipv4) {
        if ((ipv4 & range0Mask) == range0Address || (ipv4 & range1Mask) == range1Address) {
            return true;
        }
        if (moreRangeAddress != null) {
            for (int i = 0; i < moreRangeAddress.length; i++) {
                if ((ipv4 & moreRangeMask[i]) == moreRangeAddress[i]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the (already masked) prefix bits are exactly this tenant's prefix. */
    boolean hasPrefix(long maskedHi, long maskedLo) {
        return maskedHi == prefixHi && maskedLo == prefixLo;
    }

    /** True when the IPv6 address lies in this tenant's instance prefix. */
    public boolean inPrefix(long hi, long lo) {
        return (hi & io.xlat.core.addr.Ipv6Prefix.maskHi(prefixLength)) == prefixHi
            && (lo & io.xlat.core.addr.Ipv6Prefix.maskLo(prefixLength)) == prefixLo;
    }

    /**
     * The pseudo-header checksum change when this prefix is prepended to both addresses of a packet, for /32
     * and /96 prefixes, where the IPv4 words stay 16-bit aligned and cancel out: a per-tenant constant, so a
     * TCP/UDP checksum update costs one addition. -1 for the other lengths (the u-octet shifts the IPv4 bytes).
     */
    public long constantPseudoHeaderDelta() {
        return prefixLength == 96 || prefixLength == 32 ? 2 * prefixWordSum : -1;
    }

    /** IPv4 to IPv6 within the tenant: a service's IPv6 address if the IPv4 address is one, else prefix + IPv4. */
    @Override
    public boolean map46(int ipv4, MutableDirectBuffer buffer, int offset) {
        if (hasServices) {
            final int entry = services.find4(ipv4);
            if (entry != Eamt.NOT_FOUND) {
                buffer.putLong(offset, services.map46Hi(entry, ipv4), BIG_ENDIAN);
                buffer.putLong(offset + 8, services.map46Lo(entry, ipv4), BIG_ENDIAN);
                return true;
            }
        }
        buffer.putLong(offset, Rfc6052.embedHi(prefixHi, prefixLength, ipv4), BIG_ENDIAN);
        buffer.putLong(offset + 8, Rfc6052.embedLo(prefixLo, prefixLength, ipv4), BIG_ENDIAN);
        return true;
    }

    /** IPv6 to IPv4 within the tenant: from its prefix, or one of its services; nothing else belongs to it. */
    @Override
    public long map64(long hi, long lo) {
        if (inPrefix(hi, lo)) {
            final long ipv4 = Rfc6052.extract(hi, lo, prefixLength);
            return ipv4 == Rfc6052.NO_ADDRESS ? AddressMapping.NO_MAPPING : ipv4;
        }
        if (hasServices) {
            final int entry = services.find6(hi, lo);
            if (entry != Eamt.NOT_FOUND) {
                return services.map64(entry, hi, lo) & 0xFFFF_FFFFL;
            }
        }
        return AddressMapping.NO_MAPPING;
    }

    @Override
    public String toString() {
        return "tenant " + config.name() + " " + config.prefix();
    }
}
