package io.xlat.core.packet;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/** The IPv6 Fragment header (RFC 8200 section 4.5): 8 bytes, offset in 8-byte units, M flag, 32-bit id. */
public final class Ipv6FragmentHeader {
    public static final int LENGTH = 8;
    public static final int OFFSET_FLAGS_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int M_FLAG = 1;

    private Ipv6FragmentHeader() {
    }

    public static int nextHeader(MutableDirectBuffer b, int o) {
        return b.getByte(o) & 0xFF;
    }

    /** Fragment offset in 8-byte units. */
    public static int fragmentOffset(MutableDirectBuffer b, int o) {
        return (b.getShort(o + OFFSET_FLAGS_OFFSET, BIG_ENDIAN) & 0xFFFF) >>> 3;
    }

    public static boolean moreFragments(MutableDirectBuffer b, int o) {
        return (b.getShort(o + OFFSET_FLAGS_OFFSET, BIG_ENDIAN) & M_FLAG) != 0;
    }

    public static int identification(MutableDirectBuffer b, int o) {
        return b.getInt(o + IDENTIFICATION_OFFSET, BIG_ENDIAN);
    }

    public static void write(MutableDirectBuffer b, int o, int nextHeader, int fragmentOffset, boolean more,
        int identification) {
        b.putByte(o, (byte) nextHeader);
        b.putByte(o + 1, (byte) 0); // reserved
        b.putShort(o + OFFSET_FLAGS_OFFSET, (short) ((fragmentOffset << 3) | (more ? M_FLAG : 0)), BIG_ENDIAN);
        b.putInt(o + IDENTIFICATION_OFFSET, identification, BIG_ENDIAN);
    }
}
