package io.xlat.core.packet;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/** Flyweight over the fixed IPv6 header (RFC 8200 section 3); addresses are read as two big-endian longs. */
public final class Ipv6Header {
    public static final int LENGTH = 40;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;

    private MutableDirectBuffer buffer;
    private int offset;

    public Ipv6Header wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset() {
        return offset;
    }

    public int version() {
        return (buffer.getByte(offset) >> 4) & 0xF;
    }

    public int trafficClass() {
        return (buffer.getShort(offset, BIG_ENDIAN) >> 4) & 0xFF;
    }

    public int flowLabel() {
        return buffer.getInt(offset, BIG_ENDIAN) & 0xFFFFF;
    }

    public int payloadLength() {
        return buffer.getShort(offset + PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public int nextHeader() {
        return buffer.getByte(offset + NEXT_HEADER_OFFSET) & 0xFF;
    }

    public int hopLimit() {
        return buffer.getByte(offset + HOP_LIMIT_OFFSET) & 0xFF;
    }

    public long sourceHi() {
        return buffer.getLong(offset + SOURCE_OFFSET, BIG_ENDIAN);
    }

    public long sourceLo() {
        return buffer.getLong(offset + SOURCE_OFFSET + 8, BIG_ENDIAN);
    }

    public long destinationHi() {
        return buffer.getLong(offset + DESTINATION_OFFSET, BIG_ENDIAN);
    }

    public long destinationLo() {
        return buffer.getLong(offset + DESTINATION_OFFSET + 8, BIG_ENDIAN);
    }

    /** Writes a fixed header: version 6, the given traffic class, flow label 0. */
    public static void write(MutableDirectBuffer b, int o, int trafficClass, int payloadLength, int nextHeader,
        int hopLimit, long srcHi, long srcLo, long dstHi, long dstLo) {
        b.putInt(o, 0x6000_0000 | (trafficClass & 0xFF) << 20, BIG_ENDIAN); // flow label 0 (RFC 7915 4.1)
        b.putShort(o + PAYLOAD_LENGTH_OFFSET, (short) payloadLength, BIG_ENDIAN);
        b.putByte(o + NEXT_HEADER_OFFSET, (byte) nextHeader);
        b.putByte(o + HOP_LIMIT_OFFSET, (byte) hopLimit);
        b.putLong(o + SOURCE_OFFSET, srcHi, BIG_ENDIAN);
        b.putLong(o + SOURCE_OFFSET + 8, srcLo, BIG_ENDIAN);
        b.putLong(o + DESTINATION_OFFSET, dstHi, BIG_ENDIAN);
        b.putLong(o + DESTINATION_OFFSET + 8, dstLo, BIG_ENDIAN);
    }
}
