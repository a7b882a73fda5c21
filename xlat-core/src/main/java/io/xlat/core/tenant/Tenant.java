package io.xlat.core.tenant;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Eamt;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Mapping;
import io.xlat.core.addr.Rfc6052;
import io.xlat.core.checksum.Checksum;
import org.agrona.MutableDirectBuffer;

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
    private final int[] rangeAddress;
    private final int[] rangeMask;
    private final Eamt services;
    private final long prefixWordSum;

    Tenant(int index, TenantConfig config) {
        this.index = index;
        this.config = config;
        this.prefixHi = config.prefix().hi();
        this.prefixLo = config.prefix().lo();
        this.prefixLength = config.prefix().length();
        this.rangeAddress = new int[config.ipv4().size()];
        this.rangeMask = new int[config.ipv4().size()];
        for (int i = 0; i < rangeAddress.length; i++) {
            final Ipv4Prefix range = config.ipv4().get(i);
            rangeAddress[i] = range.address();
            rangeMask[i] = range.mask();
        }
        this.services = config.services().isEmpty() ? Eamt.empty() : new Eamt(config.services());
        this.prefixWordSum = Checksum.sumIpv6(prefixHi, prefixLo);
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
        for (int i = 0; i < rangeAddress.length; i++) {
            if ((ipv4 & rangeMask[i]) == rangeAddress[i]) {
                return true;
            }
        }
        return false;
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
        if (!services.isEmpty()) {
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
        if (!services.isEmpty()) {
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
