package io.xlat.control.compare;

/** Verifies the checksums {@link PacketLayout} knows the coverage of (RFC 1071 ones' complement sums). */
final class Checksums {

    private Checksums() {
    }

    static boolean valid(byte[] p, PacketLayout.Field c) {
        final int stored = ((p[c.offset()] & 0xFF) << 8) | (p[c.offset() + 1] & 0xFF);
        if (c.protocol() == 17 && c.checksum() == PacketLayout.Coverage.PSEUDO_HEADER_4 && stored == 0) {
            return true; // RFC 768: an IPv4 UDP checksum of zero means none was computed
        }
        return fold(sum(p, c, -1)) == 0xFFFF;
    }

    /** The value the checksum field should hold, as {@code 0x1234}. */
    static String correct(byte[] p, PacketLayout.Field c) {
        final int value = ~fold(sum(p, c, c.offset())) & 0xFFFF;
        return String.format("0x%04x", value == 0 && c.protocol() == 17 ? 0xFFFF : value);
    }

    /** The sum over what {@code c} covers, skipping the two bytes at {@code skip} (or none when -1). */
    private static long sum(byte[] p, PacketLayout.Field c, int skip) {
        final int to = c.checksum() == PacketLayout.Coverage.IPV4_HEADER ? c.to() : p.length;
        long sum = range(p, c.from(), to, skip);
        if (c.checksum() == PacketLayout.Coverage.PSEUDO_HEADER_4) {
            sum += range(p, c.addresses(), c.addresses() + 8, -1) + c.protocol() + (to - c.from());
        } else if (c.checksum() == PacketLayout.Coverage.PSEUDO_HEADER_6) {
            sum += range(p, c.addresses(), c.addresses() + 32, -1) + c.protocol() + (to - c.from());
        }
        return sum;
    }

    private static long range(byte[] p, int from, int to, int skip) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            if (i == skip) {
                continue;
            }
            final int hi = p[i] & 0xFF;
            final int lo = i + 1 < to ? p[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    private static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
