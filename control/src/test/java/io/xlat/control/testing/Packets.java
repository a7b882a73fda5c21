package io.xlat.control.testing;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;

import java.nio.ByteBuffer;

/** Builds test packets with valid checksums, and checks checksums of packets the translator wrote. */
public final class Packets {

    public static final int UDP = 17;

    private Packets() {
    }

    /** An IPv4 UDP packet (no options) with correct header and UDP checksums. */
    public static byte[] ipv4Udp(String src, String dst, int ttl, int tos, int sport, int dport, byte[] payload) {
        final int udpLength = 8 + payload.length;
        final ByteBuffer b = ByteBuffer.allocate(20 + udpLength);
        b.put((byte) 0x45).put((byte) tos).putShort((short) (20 + udpLength));
        b.putShort((short) 0x1234).putShort((short) 0x4000);      // identification, DF
        b.put((byte) ttl).put((byte) UDP).putShort((short) 0);    // checksum below
        b.putInt(Ipv4Addresses.parse(src)).putInt(Ipv4Addresses.parse(dst));
        b.putShort((short) sport).putShort((short) dport).putShort((short) udpLength).putShort((short) 0);
        b.put(payload);
        final byte[] p = b.array();
        putShort(p, 10, checksum(p, 0, 20, 0));
        putShort(p, 26, nonZero(checksum(p, 20, udpLength, ipv4PseudoHeaderSum(p, udpLength))));
        return p;
    }

    /** An IPv6 UDP packet with a correct UDP checksum. */
    public static byte[] ipv6Udp(String src, String dst, int hopLimit, int sport, int dport, byte[] payload) {
        final int udpLength = 8 + payload.length;
        final ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) UDP).put((byte) hopLimit);
        final long[] s = Ipv6Addresses.parse(src);
        final long[] d = Ipv6Addresses.parse(dst);
        b.putLong(s[0]).putLong(s[1]).putLong(d[0]).putLong(d[1]);
        b.putShort((short) sport).putShort((short) dport).putShort((short) udpLength).putShort((short) 0);
        b.put(payload);
        final byte[] p = b.array();
        putShort(p, 46, nonZero(checksum(p, 40, udpLength, ipv6PseudoHeaderSum(p, udpLength))));
        return p;
    }

    public static int ipv4PseudoHeaderSum(byte[] p, int l4Length) {
        return sum(p, 12, 8) + UDP + l4Length;
    }

    public static int ipv6PseudoHeaderSum(byte[] p, int l4Length) {
        return sum(p, 8, 32) + UDP + l4Length;
    }

    /** RFC 1071 one's complement checksum of a range, starting from a partial sum. */
    public static int checksum(byte[] p, int offset, int length, int initial) {
        int sum = initial + sum(p, offset, length);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private static int sum(byte[] p, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            final int hi = p[offset + i] & 0xFF;
            final int lo = i + 1 < length ? p[offset + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    /** RFC 768: a computed checksum of zero is transmitted as all ones. */
    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    public static int u16(byte[] p, int offset) {
        return ((p[offset] & 0xFF) << 8) | (p[offset + 1] & 0xFF);
    }

    private static void putShort(byte[] p, int offset, int value) {
        p[offset] = (byte) (value >>> 8);
        p[offset + 1] = (byte) value;
    }
}
