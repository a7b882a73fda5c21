package io.xlat.tunio.agent;

import java.nio.ByteBuffer;

/** IPv4/IPv6 UDP packets with valid checksums for agent tests, and field readers for what the agent wrote. */
final class TestPackets {

    static final int UDP = 17;

    private TestPackets() {
    }

    static byte[] ipv4Udp(int src, int dst, int ttl, int payloadLength) {
        final int udpLength = 8 + payloadLength;
        final ByteBuffer b = ByteBuffer.allocate(20 + udpLength);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLength));
        b.putShort((short) 0x0101).putShort((short) 0x4000);       // identification; DF
        b.put((byte) ttl).put((byte) UDP).putShort((short) 0);     // header checksum filled below
        b.putInt(src).putInt(dst);
        b.putShort((short) 4000).putShort((short) 5000).putShort((short) udpLength).putShort((short) 0);
        for (int i = 0; i < payloadLength; i++) {
            b.put((byte) i);
        }
        final byte[] p = b.array();
        putShort(p, 10, checksum(p, 0, 20, 0));
        final int pseudo = sum(p, 12, 8) + UDP + udpLength;
        putShort(p, 26, nonZero(checksum(p, 20, udpLength, pseudo)));
        return p;
    }

    static byte[] ipv6Udp(long srcHi, long srcLo, long dstHi, long dstLo, int hopLimit, int payloadLength) {
        final int udpLength = 8 + payloadLength;
        final ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) UDP).put((byte) hopLimit);
        b.putLong(srcHi).putLong(srcLo).putLong(dstHi).putLong(dstLo);
        b.putShort((short) 5000).putShort((short) 4000).putShort((short) udpLength).putShort((short) 0);
        for (int i = 0; i < payloadLength; i++) {
            b.put((byte) i);
        }
        final byte[] p = b.array();
        final int pseudo = sum(p, 8, 32) + UDP + udpLength;
        putShort(p, 46, nonZero(checksum(p, 40, udpLength, pseudo)));
        return p;
    }

    /** RFC 1071 checksum of a range, folded, complemented. 0 over a range holding a correct checksum. */
    static int checksum(byte[] p, int offset, int length, int initial) {
        int s = initial + sum(p, offset, length);
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return ~s & 0xFFFF;
    }

    static int sum(byte[] p, int offset, int length) {
        int s = 0;
        for (int i = 0; i < length; i += 2) {
            s += ((p[offset + i] & 0xFF) << 8) | (i + 1 < length ? p[offset + i + 1] & 0xFF : 0);
        }
        return s;
    }

    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    static void putShort(byte[] p, int offset, int value) {
        p[offset] = (byte) (value >>> 8);
        p[offset + 1] = (byte) value;
    }

    static int u8(byte[] p, int offset) {
        return p[offset] & 0xFF;
    }

    static int u16(byte[] p, int offset) {
        return ((p[offset] & 0xFF) << 8) | (p[offset + 1] & 0xFF);
    }

    static int u32(byte[] p, int offset) {
        return ByteBuffer.wrap(p, offset, 4).getInt();
    }

    static long u64(byte[] p, int offset) {
        return ByteBuffer.wrap(p, offset, 8).getLong();
    }
}
