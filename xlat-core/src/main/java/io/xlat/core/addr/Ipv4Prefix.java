package io.xlat.core.addr;

/**
 * An IPv4 prefix (address and length), a configuration-time value. The address is kept as an int in network
 * bit order (the first octet in the high byte) with the host bits cleared.
 */
public record Ipv4Prefix(int address, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + length);
        }
        if ((address & ~mask(length)) != 0) {
            throw new IllegalArgumentException("host bits set in " + Ipv4Addresses.format(address) + "/" + length);
        }
    }

    /** Parses {@code a.b.c.d/len} or a bare address (taken as /32). Host bits set is an error. */
    public static Ipv4Prefix parse(String text) {
        final int slash = text.indexOf('/');
        final int address = Ipv4Addresses.parse(slash < 0 ? text : text.substring(0, slash));
        final int length = slash < 0 ? 32 : parseLength(text.substring(slash + 1), 32, text);
        return new Ipv4Prefix(address, length);
    }

    static int parseLength(String text, int max, String whole) {
        final int length;
        try {
            length = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + whole + "'");
        }
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length of '" + whole + "' must be 0.." + max);
        }
        return length;
    }

    /** The netmask for a prefix length, e.g. 0xFFFFFF00 for 24. */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public int mask() {
        return mask(length);
    }

    public boolean contains(int ipv4) {
        return (ipv4 & mask(length)) == address;
    }

    public boolean overlaps(Ipv4Prefix other) {
        final int shorter = Math.min(length, other.length);
        return ((address ^ other.address) & mask(shorter)) == 0;
    }

    /** Number of addresses covered, as a long so that /0 fits. */
    public long size() {
        return 1L << (32 - length);
    }

    @Override
    public String toString() {
        return Ipv4Addresses.format(address) + "/" + length;
    }
}
