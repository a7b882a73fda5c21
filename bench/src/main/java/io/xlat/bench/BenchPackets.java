package io.xlat.bench;

import io.xlat.core.checksum.Checksum;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Builds the benchmark's input packets as byte arrays with every checksum correct, so that the translator runs
 * its forwarding path and not a drop. Setup-time only: it allocates freely.
 */
public final class BenchPackets {
    public static final int UDP = 17;
    public static final int TCP = 6;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;

    private BenchPackets() {
    }

    /** Deterministic payload bytes, different for each seed. */
    public static byte[] payload(int length, int seed) {
        final byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (seed + 31 * i);
        }
        return out;
    }

    /** UDP header and payload; the checksum is filled by {@link #ipv4} or {@link #ipv6}. */
    public static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
        final byte[] out = new byte[8 + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putShort(0, (short) sourcePort, BIG_ENDIAN);
        b.putShort(2, (short) destinationPort, BIG_ENDIAN);
        b.putShort(4, (short) out.length, BIG_ENDIAN);
        b.putShort(6, (short) 0, BIG_ENDIAN); // checksum, filled by the IP builder
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }

    /** A 20-byte TCP header (ACK|PSH, an established flow's data segment) and payload; checksum filled later. */
    public static byte[] tcp(int sourcePort, int destinationPort, byte[] payload) {
        final byte[] out = new byte[20 + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putShort(0, (short) sourcePort, BIG_ENDIAN);
        b.putShort(2, (short) destinationPort, BIG_ENDIAN);
        b.putInt(4, 0x1000_0001, BIG_ENDIAN); // sequence number
        b.putInt(8, 0x2000_0001, BIG_ENDIAN); // acknowledgment number
        b.putByte(12, (byte) 0x50); // data offset 5 words
        b.putByte(13, (byte) 0x18); // ACK | PSH
        b.putShort(14, (short) 64240, BIG_ENDIAN); // window
        b.putShort(16, (short) 0, BIG_ENDIAN); // checksum, filled by the IP builder
        b.putShort(18, (short) 0, BIG_ENDIAN); // urgent pointer
        System.arraycopy(payload, 0, out, 20, payload.length);
        return out;
    }

    /** ICMPv4 or ICMPv6 message: type, code, checksum (filled later), the 4-byte rest field, body. */
    public static byte[] icmp(int type, int code, int rest, byte[] body) {
        final byte[] out = new byte[8 + body.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putByte(0, (byte) type);
        b.putByte(1, (byte) code);
        b.putShort(2, (short) 0, BIG_ENDIAN); // checksum, filled by the IP builder
        b.putInt(4, rest, BIG_ENDIAN);
        System.arraycopy(body, 0, out, 8, body.length);
        return out;
    }

    /** An IPv4 packet without options, DF set, header and transport checksums computed. */
    public static byte[] ipv4(int ttl, int protocol, int source, int destination, int identification, byte[] l4) {
        final byte[] out = new byte[20 + l4.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putByte(0, (byte) 0x45);
        b.putByte(1, (byte) 0);
        b.putShort(2, (short) out.length, BIG_ENDIAN);
        b.putShort(4, (short) identification, BIG_ENDIAN);
        b.putShort(6, (short) 0x4000, BIG_ENDIAN); // DF, as most TCP and UDP senders set it
        b.putByte(8, (byte) ttl);
        b.putByte(9, (byte) protocol);
        b.putShort(10, (short) 0, BIG_ENDIAN); // header checksum, filled below
        b.putInt(12, source, BIG_ENDIAN);
        b.putInt(16, destination, BIG_ENDIAN);
        System.arraycopy(l4, 0, out, 20, l4.length);
        b.putShort(10, (short) Checksum.compute(b, 0, 20), BIG_ENDIAN);
        // ICMPv4 has no pseudo-header; TCP and UDP sum the addresses, protocol and length.
        final long pseudo = protocol == ICMP ? 0
            : Checksum.sumIpv4(source) + Checksum.sumIpv4(destination) + protocol + l4.length;
        fillTransportChecksum(b, 20, l4.length, protocol, pseudo);
        return out;
    }

    /** An IPv6 packet without extension headers, traffic class and flow label 0, transport checksum computed. */
    public static byte[] ipv6(int hopLimit, int nextHeader, long[] source, long[] destination, byte[] l4) {
        final byte[] out = new byte[40 + l4.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putInt(0, 0x6000_0000, BIG_ENDIAN);
        b.putShort(4, (short) l4.length, BIG_ENDIAN);
        b.putByte(6, (byte) nextHeader);
        b.putByte(7, (byte) hopLimit);
        b.putLong(8, source[0], BIG_ENDIAN);
        b.putLong(16, source[1], BIG_ENDIAN);
        b.putLong(24, destination[0], BIG_ENDIAN);
        b.putLong(32, destination[1], BIG_ENDIAN);
        System.arraycopy(l4, 0, out, 40, l4.length);
        final long pseudo = Checksum.sumIpv6(source[0], source[1]) + Checksum.sumIpv6(destination[0], destination[1])
            + nextHeader + l4.length;
        fillTransportChecksum(b, 40, l4.length, nextHeader, pseudo);
        return out;
    }

    private static void fillTransportChecksum(UnsafeBuffer b, int l4, int length, int protocol, long pseudo) {
        final int at;
        switch (protocol) {
            case UDP:
                at = l4 + 6;
                break;
            case TCP:
                at = l4 + 16;
                break;
            case ICMP:
            case ICMPV6:
                at = l4 + 2;
                break;
            default:
                return;
        }
        b.putShort(at, (short) 0, BIG_ENDIAN);
        final int checksum = Checksum.finish(Checksum.sum(b, l4, length, pseudo));
        // RFC 768: a computed zero is sent as all ones, since zero means "no checksum" in IPv4 UDP.
        b.putShort(at, (short) (protocol == UDP && checksum == 0 ? 0xFFFF : checksum), BIG_ENDIAN);
    }
}
