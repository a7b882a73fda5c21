package io.xlat.tunio.agent;

import io.xlat.core.checksum.Checksum;
import io.xlat.core.packet.IpProtocol;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Coalescing on write for UDP ({@code dataplane.coalesce}): consecutive translated datagrams of one flow that one
 * batch writes to one queue become one UDP super-packet ({@link VirtioNetHeader#GSO_UDP_L4}), written once; the
 * kernel cuts it into the original datagrams again. One write per flow and batch instead of one per datagram.
 *
 * <p>The kernel must emit exactly the datagrams the packet-by-packet path would have written, so a datagram joins
 * the one pending only when the kernel's re-segmentation ({@code __udp_gso_segment} and {@code inet_gso_segment}
 * or {@code ipv6_gso_segment}) rebuilds it byte for byte:
 * <ul>
 *   <li>same addresses and ports; for IPv4 the same TOS, TTL and flags, no options, no fragment, and an
 *       Identification one more than the previous datagram's (the kernel gives segment k the first one's id + k,
 *       DF or not: measured on Linux 6.18); for IPv6 the same traffic class, flow label and hop limit, no
 *       extension header;</li>
 *   <li>the same payload size as the first (the segment size), except the last, which may be smaller (1 byte or
 *       more) and ends the super-packet;</li>
 *   <li>a correct, non-zero UDP checksum: the kernel recomputes every segment's checksum, which would turn a wrong
 *       one right and a zero (RFC 768: "no checksum") into a real one; such a datagram goes out alone, as is;</li>
 *   <li>at most {@link #MAX_SEGMENTS} segments (the kernel's UDP_MAX_SEGMENTS refuses more) and 65535 bytes.</li>
 * </ul>
 * Anything else is not a candidate: it is written as before, after the pending super-packet so that the queue's
 * order stays. A super-packet of one datagram is written unchanged, without GSO.
 *
 * <p>Owned by one {@link QueueWriter}, used by its worker's thread only; allocates nothing after construction.
 */
final class Coalescer {
    /** The kernel's UDP_MAX_SEGMENTS (include/linux/udp.h): virtio_net_hdr_to_skb refuses more segments. */
    static final int MAX_SEGMENTS = 64;
    static final int MAX_LENGTH = 65535;
    private static final int UDP_HEADER = 8;
    private static final int UDP_CHECKSUM_OFFSET = 6;

    private final UnsafeBuffer pending = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
        BitUtil.align(MAX_LENGTH, 64), 64));
    /** Bytes pending (IP header, UDP header and every datagram's payload); 0 when nothing is. */
    private int length;
    private int datagrams;
    /** IP and UDP header bytes of the datagrams pending. */
    private int headers;
    /** Payload bytes of the first datagram: every segment but the last has exactly this many. */
    private int segment;
    /** A smaller datagram came last: nothing may follow it. */
    private boolean closed;
    /** IPv4: the Identification the next datagram must carry. */
    private int nextId;

    /** Whether a datagram waits for {@link #seal}. */
    boolean pending() {
        return length > 0;
    }

    /** How many datagrams wait. */
    int datagrams() {
        return datagrams;
    }

    /** The pending bytes, from offset 0, once {@link #seal}ed. */
    DirectBuffer buffer() {
        return pending;
    }

    /**
     * Appends the datagram at {@code offset} to the pending super-packet if the kernel would cut it out again
     * byte for byte.
     *
     * @return whether it joined (it is written by the next {@link #seal}); false leaves everything as it was
     */
    boolean merge(DirectBuffer b, int offset, int packetLength) {
        if (length == 0 || closed || datagrams >= MAX_SEGMENTS) {
            return false;
        }
        final int payload = packetLength - headers;
        if (payload < 1 || payload > segment || length + payload > MAX_LENGTH) {
            return false;
        }
        if (headers == 20 + UDP_HEADER) {
            // version/IHL, TOS, then (total length, checked above) Identification, flags/offset, TTL, protocol
            if (b.getShort(offset, BIG_ENDIAN) != pending.getShort(0, BIG_ENDIAN)
                || (b.getShort(offset + 4, BIG_ENDIAN) & 0xFFFF) != nextId
                || b.getInt(offset + 6, BIG_ENDIAN) >>> 8 != pending.getInt(6, BIG_ENDIAN) >>> 8
                || !sameBytes(b, offset + 12, 8 + 4, 12)) {
                return false;
            }
        } else {
            // version, traffic class, flow label; next header and hop limit; addresses and ports
            if (b.getInt(offset, BIG_ENDIAN) != pending.getInt(0, BIG_ENDIAN)
                || b.getShort(offset + 6, BIG_ENDIAN) != pending.getShort(6, BIG_ENDIAN)
                || !sameBytes(b, offset + 8, 32 + 4, 8)) {
                return false;
            }
        }
        if (!candidate(b, offset, packetLength)) {
            return false;
        }
        pending.putBytes(length, b, offset + headers, payload);
        length += payload;
        datagrams++;
        nextId = (nextId + 1) & 0xFFFF;
        closed = payload < segment;
        return true;
    }

    /**
     * Makes the datagram at {@code offset} the start of a new super-packet, if it is a candidate at all.
     * Only when nothing is pending.
     *
     * @return whether it was taken
     */
    boolean start(DirectBuffer b, int offset, int packetLength) {
        if (!candidate(b, offset, packetLength)) {
            return false;
        }
        final int version = (b.getByte(offset) >> 4) & 0xF;
        headers = (version == 4 ? 20 : 40) + UDP_HEADER;
        segment = packetLength - headers;
        if (segment < 1) {
            return false;
        }
        pending.putBytes(0, b, offset, packetLength);
        length = packetLength;
        datagrams = 1;
        closed = false;
        nextId = version == 4 ? ((b.getShort(offset + 4, BIG_ENDIAN) & 0xFFFF) + 1) & 0xFFFF : 0;
        return true;
    }

    /**
     * Finishes what is pending for one write and writes its virtio-net header into {@code header}: a single
     * datagram as it came (no GSO, checksum complete), several as one datagram of their joined payloads with the
     * lengths of the whole, the checksum field holding the pseudo-header's sum (NEEDS_CSUM: the kernel completes
     * each segment's) and gso_size the payload per segment.
     *
     * @return the length of the packet in {@link #buffer()}
     */
    int seal(MutableDirectBuffer header) {
        final int total = length;
        if (datagrams == 1) {
            VirtioNetHeader.writeNone(header, 0);
            return total;
        }
        final int l3 = headers - UDP_HEADER;
        final int udpLength = total - l3;
        final long pseudo;
        if (l3 == 20) {
            pending.putShort(2, (short) total, BIG_ENDIAN);
            pending.putShort(10, (short) 0);
            pending.putShort(10, (short) Checksum.compute(pending, 0, 20), BIG_ENDIAN);
            pseudo = Checksum.sum(pending, 12, 8, IpProtocol.UDP + udpLength);
        } else {
            pending.putShort(4, (short) udpLength, BIG_ENDIAN);
            pseudo = Checksum.sum(pending, 8, 32, IpProtocol.UDP + udpLength);
        }
        pending.putShort(l3 + 4, (short) udpLength, BIG_ENDIAN);
        // linux/virtio_net.h: with NEEDS_CSUM the field holds the folded pseudo-header sum, not its complement
        pending.putShort(l3 + UDP_CHECKSUM_OFFSET, (short) Checksum.fold(pseudo), BIG_ENDIAN);
        VirtioNetHeader.write(header, 0, VirtioNetHeader.GSO_UDP_L4, headers, segment, l3, UDP_CHECKSUM_OFFSET);
        return total;
    }

    /** Sum of the packet lengths of the datagrams pending: what they weigh written one by one. */
    int originalBytes() {
        return length + (datagrams - 1) * headers;
    }

    /** Forgets what was pending (after its write). */
    void clear() {
        length = 0;
        datagrams = 0;
        closed = false;
    }

    private boolean sameBytes(DirectBuffer b, int offset, int count, int at) {
        for (int i = 0; i < count; i += 4) {
            if (b.getInt(offset + i) != pending.getInt(at + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A plain UDP datagram the kernel can cut out of a super-packet unchanged: IPv4 without options or
     * fragmentation, or IPv6 without extension headers; lengths that agree; a correct, non-zero checksum.
     */
    static boolean candidate(DirectBuffer b, int offset, int packetLength) {
        if (packetLength < 20 + UDP_HEADER) {
            return false;
        }
        final int first = b.getByte(offset) & 0xFF;
        final long pseudo;
        final int l3;
        if (first == 0x45) {
            // the kernel rewrites each segment's header checksum: a wrong one must not come out right
            if ((b.getShort(offset + 2, BIG_ENDIAN) & 0xFFFF) != packetLength
                || (b.getShort(offset + 6, BIG_ENDIAN) & 0x3FFF) != 0
                || (b.getByte(offset + 9) & 0xFF) != IpProtocol.UDP
                || Checksum.compute(b, offset, 20) != 0) {
                return false;
            }
            l3 = 20;
            pseudo = Checksum.sum(b, offset + 12, 8, IpProtocol.UDP + packetLength - l3);
        } else if (first >> 4 == 6) {
            if (packetLength < 40 + UDP_HEADER || (b.getShort(offset + 4, BIG_ENDIAN) & 0xFFFF) != packetLength - 40
                || (b.getByte(offset + 6) & 0xFF) != IpProtocol.UDP) {
                return false;
            }
            l3 = 40;
            pseudo = Checksum.sum(b, offset + 8, 32, IpProtocol.UDP + packetLength - l3);
        } else {
            return false;
        }
        final int udpLength = packetLength - l3;
        if ((b.getShort(offset + l3 + 4, BIG_ENDIAN) & 0xFFFF) != udpLength
            || b.getShort(offset + l3 + UDP_CHECKSUM_OFFSET) == 0) {
            return false;
        }
        return Checksum.fold(Checksum.sum(b, offset + l3, udpLength, pseudo)) == 0xFFFF;
    }
}
