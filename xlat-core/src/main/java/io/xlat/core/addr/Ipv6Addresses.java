package io.xlat.core.addr;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parsing, formatting and classification of IPv6 addresses held as two longs: {@code hi} is bits 0-63 (the
 * first eight octets, big-endian), {@code lo} bits 64-127. The pair is what the data path reads with two
 * big-endian {@code getLong} calls.
 */
public final class Ipv6Addresses {

    private Ipv6Addresses() {
    }

    /** Parses RFC 4291 text (no zone, no brackets) into {hi, lo}. Config-time only: it allocates. */
    public static long[] parse(String text) {
        final String t = text.trim();
        if (t.isEmpty() || t.indexOf(':') < 0 || t.indexOf('%') >= 0 || t.indexOf('[') >= 0) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        for (int i = 0; i < t.length(); i++) {
            final char c = t.charAt(i);
            final boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                || c == ':' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
            }
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(t); // literal only: the character check above rules out names
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        final byte[] bytes = address.getAddress();
        if (bytes.length != 16 && !(address instanceof Inet6Address)) {
            // InetAddress collapses ::ffff:a.b.c.d to an Inet4Address: rebuild the mapped form
            final long lo = 0xFFFF_0000_0000L | (toLong(bytes, 0, 4) & 0xFFFF_FFFFL);
            return new long[] {0L, lo};
        }
        return new long[] {toLong(bytes, 0, 8), toLong(bytes, 8, 8)};
    }

    private static long toLong(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    /** RFC 5952 canonical text. */
    public static String format(long hi, long lo) {
        final int[] words = new int[8];
        for (int i = 0; i < 4; i++) {
            words[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            words[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < 8 && words[j] == 0) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        final StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }

    /**
     * Sources that may never be translated (RFC 7915 section 5.1 points at RFC 4291): unspecified ::,
     * loopback ::1 and multicast ff00::/8.
     */
    public static boolean isIllegalSource(long hi, long lo) {
        return (hi == 0 && (lo == 0 || lo == 1)) || (hi >>> 56) == 0xFF;
    }

    /** Mask of the top {@code bits} bits of a 64-bit half; bits may be 0..64. */
    public static long mask64(int bits) {
        return bits <= 0 ? 0L : bits >= 64 ? -1L : -1L << (64 - bits);
    }
}
