package io.xlat.control.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.addr.Ipv6Prefix;

/**
 * An IPv4 or IPv6 unicast prefix as NLRI (RFC 4271 section 4.3, RFC 4760 section 5): the address is held as two
 * longs like {@link Ipv6Prefix}; an IPv4 address sits in the top 32 bits of {@code hi}. Host bits are clear.
 */
public record IpPrefix(int afi, long hi, long lo, int length) implements Comparable<IpPrefix> {

    public IpPrefix {
        if (afi != Bgp.AFI_IPV4 && afi != Bgp.AFI_IPV6) {
            throw new IllegalArgumentException("AFI must be 1 or 2, got " + afi);
        }
        final int max = afi == Bgp.AFI_IPV4 ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + ", got " + length);
        }
        if ((hi & ~Ipv6Prefix.maskHi(length)) != 0 || (lo & ~Ipv6Prefix.maskLo(length)) != 0) {
            throw new IllegalArgumentException("host bits set in prefix of length " + length);
        }
    }

    public static IpPrefix of(Ipv4Prefix prefix) {
        return new IpPrefix(Bgp.AFI_IPV4, (prefix.address() & 0xFFFF_FFFFL) << 32, 0L, prefix.length());
    }

    public static IpPrefix of(Ipv6Prefix prefix) {
        return new IpPrefix(Bgp.AFI_IPV6, prefix.hi(), prefix.lo(), prefix.length());
    }

    /** Parses {@code 192.0.2.0/24} or {@code 2001:db8::/32}. */
    public static IpPrefix parse(String text) {
        return text.indexOf(':') >= 0 ? of(Ipv6Prefix.parse(text)) : of(Ipv4Prefix.parse(text));
    }

    public boolean isIpv4() {
        return afi == Bgp.AFI_IPV4;
    }

    /** Octets on the wire: the length octet plus the significant address octets. */
    public int wireLength() {
        return 1 + (length + 7) / 8;
    }

    /** Writes length octet and the minimum number of address octets (RFC 4271 section 4.3). */
    public void write(ByteBuf out) {
        out.writeByte(length);
        final int octets = (length + 7) / 8;
        for (int i = 0; i < octets; i++) {
            final long word = i < 8 ? hi : lo;
            out.writeByte((int) (word >>> (56 - 8 * (i & 7))));
        }
    }

    /**
     * Reads one prefix from at most {@code limit - in.readerIndex()} octets; returns null when it is
     * syntactically incorrect (RFC 7606 section 5.3: a length above the family maximum, or an overrun).
     */
    static IpPrefix read(ByteBuf in, int limit, int afi) {
        if (in.readerIndex() >= limit) {
            return null;
        }
        final int length = in.readUnsignedByte();
        final int max = afi == Bgp.AFI_IPV4 ? 32 : 128;
        final int octets = (length + 7) / 8;
        if (length > max || in.readerIndex() + octets > limit) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < octets; i++) {
            final long octet = in.readUnsignedByte();
            if (i < 8) {
                hi |= octet << (56 - 8 * i);
            } else {
                lo |= octet << (56 - 8 * (i - 8));
            }
        }
        // RFC 4271 section 4.3: "the value of trailing bits is irrelevant", so clear them rather than reject
        return new IpPrefix(afi, hi & Ipv6Prefix.maskHi(length), lo & Ipv6Prefix.maskLo(length), length);
    }

    @Override
    public int compareTo(IpPrefix o) {
        int c = Integer.compare(afi, o.afi);
        if (c == 0) {
            c = Long.compareUnsigned(hi, o.hi);
        }
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return (isIpv4() ? Ipv4Addresses.format((int) (hi >>> 32)) : Ipv6Addresses.format(hi, lo)) + "/" + length;
    }
}
