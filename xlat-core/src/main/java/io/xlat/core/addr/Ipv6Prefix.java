package io.xlat.core.addr;

/** An IPv6 prefix (address as two longs, length), a configuration-time value with host bits cleared. */
public record Ipv6Prefix(long hi, long lo, int length) {

    public Ipv6Prefix {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, got " + length);
        }
        if ((hi & ~maskHi(length)) != 0 || (lo & ~maskLo(length)) != 0) {
            throw new IllegalArgumentException("host bits set in " + Ipv6Addresses.format(hi, lo) + "/" + length);
        }
    }

    /** Parses {@code addr/len} or a bare address (taken as /128). Host bits set is an error. */
    public static Ipv6Prefix parse(String text) {
        final int slash = text.indexOf('/');
        final long[] address = Ipv6Addresses.parse(slash < 0 ? text : text.substring(0, slash));
        final int length = slash < 0 ? 128 : Ipv4Prefix.parseLength(text.substring(slash + 1), 128, text);
        return new Ipv6Prefix(address[0], address[1], length);
    }

    public static long maskHi(int length) {
        return Ipv6Addresses.mask64(length);
    }

    public static long maskLo(int length) {
        return Ipv6Addresses.mask64(length - 64);
    }

    public boolean contains(long addressHi, long addressLo) {
        return (addressHi & maskHi(length)) == hi && (addressLo & maskLo(length)) == lo;
    }

    public boolean overlaps(Ipv6Prefix other) {
        final int shorter = Math.min(length, other.length);
        return ((hi ^ other.hi) & maskHi(shorter)) == 0 && ((lo ^ other.lo) & maskLo(shorter)) == 0;
    }

    @Override
    public String toString() {
        return Ipv6Addresses.format(hi, lo) + "/" + length;
    }
}
