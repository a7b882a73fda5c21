package io.xlat.core.translate;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropReason;
import io.xlat.core.drop.SentIcmpError;
import io.xlat.core.packet.IcmpHeader;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.packet.Ipv4Header;
import io.xlat.core.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The ICMP errors the translator originates itself, back to the sender of a packet it could not forward:
 * Time Exceeded, Fragmentation Needed / Packet Too Big, Source Route Failed, Parameter Problem and the
 * "cannot translate" replies of RFC 7915 sections 4.4 and 5.4. One token bucket limits them all.
 */
final class IcmpErrorSender {
    /** RFC 1812 §4.3.2.3: "... the ICMP datagram SHOULD contain as much of the original datagram as possible
     *  without the length of the ICMP datagram exceeding 576 bytes." */
    static final int IPV4_ERROR_MAX = 576;
    /** RFC 4443 §2.4 (c): "... as much of invoking packet as possible without the ICMPv6 packet exceeding the
     *  minimum IPv6 MTU". */
    static final int IPV6_ERROR_MAX = 1280;
    /** RFC 1812 §4.3.2.5: errors "SHOULD have their precedence value set to 6 (INTERNETWORK CONTROL)". */
    private static final int ERROR_TOS = 0xC0;
    /** The default TTL / hop limit of the host (Linux ip_default_ttl): what a router's own message starts with. */
    private static final int ERROR_TTL = 64;

    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(IPV6_ERROR_MAX));
    private final TokenBucket bucket;
    private final Context ctx;
    private final IdentificationGenerator ids;
    private final boolean hasIpv4Source;
    private final int ipv4Source;
    private final boolean hasIpv6Source;
    private final long ipv6SourceHi;
    private final long ipv6SourceLo;

    IcmpErrorSender(TokenBucket bucket, Context ctx, IdentificationGenerator ids,
        boolean hasIpv4Source, int ipv4Source, boolean hasIpv6Source, long ipv6SourceHi, long ipv6SourceLo) {
        this.bucket = bucket;
        this.ctx = ctx;
        this.ids = ids;
        this.hasIpv4Source = hasIpv4Source;
        this.ipv4Source = ipv4Source;
        this.hasIpv6Source = hasIpv6Source;
        this.ipv6SourceHi = ipv6SourceHi;
        this.ipv6SourceLo = ipv6SourceLo;
    }

    /**
     * Counts the drop of the IPv4 packet at [offset, offset + length) and, when {@code mayReply}, answers it with an
     * ICMPv4 error ({@link #sendIcmpv4}).
     *
     * @return the packets emitted (0 or 1), for the caller to return
     */
    int dropAndReply4(DropReason reason, boolean mayReply, MutableDirectBuffer buffer, int offset, int length,
        int type, int code, int rest, long nowNanos, PacketSink back) {
        ctx.drop(reason);
        return mayReply ? sendIcmpv4(buffer, offset, length, type, code, rest, nowNanos, back) : 0;
    }

    /** As {@link #dropAndReply4}, for an IPv6 packet and an ICMPv6 error ({@link #sendIcmpv6}). */
    int dropAndReply6(DropReason reason, boolean mayReply, MutableDirectBuffer buffer, int offset, int length,
        int type, int code, int rest, long nowNanos, PacketSink back) {
        ctx.drop(reason);
        return mayReply ? sendIcmpv6(buffer, offset, length, type, code, rest, nowNanos, back) : 0;
    }

    /**
     * Sends an ICMPv4 error about the IPv4 packet at [offset, offset + length) to its source. The caller has
     * checked that the packet is not itself an ICMP error and not a non-first fragment; this checks the
     * addresses (RFC 1812 §4.3.2.7: never to a multicast/broadcast destination or an invalid source).
     *
     * @param rest the 32-bit field after the checksum (pointer, next-hop MTU)
     * @return 1 when an error was emitted, else 0
     */
    int sendIcmpv4(MutableDirectBuffer buffer, int offset, int length, int type, int code, int rest,
        long nowNanos, PacketSink back) {
        final int originalSource = buffer.getInt(offset + Ipv4Header.SOURCE_OFFSET, BIG_ENDIAN);
        final int originalDestination = buffer.getInt(offset + Ipv4Header.DESTINATION_OFFSET, BIG_ENDIAN);
        if (Ipv4Addresses.isIllegalSource(originalSource) || (originalDestination >>> 28) >= 0xE) {
            return 0;
        }
        if (!hasIpv4Source) {
            ctx.counters.icmpErrorNoSource();
            return 0;
        }
        if (!bucket.tryAcquire(nowNanos)) {
            ctx.counters.icmpErrorRateLimited();
            return 0;
        }
        final int quoted = Math.min(length, IPV4_ERROR_MAX - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH);
        final int total = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH + quoted;
        Ipv4Header.writeWithChecksum(out, 0, ERROR_TOS, total, ids.next(ipv4Source, originalSource), 0, ERROR_TTL,
            IpProtocol.ICMP, ipv4Source, originalSource);
        final int icmp = Ipv4Header.MIN_LENGTH;
        out.putByte(icmp + IcmpHeader.TYPE_OFFSET, (byte) type);
        out.putByte(icmp + IcmpHeader.CODE_OFFSET, (byte) code);
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short) 0, BIG_ENDIAN); // filled below
        out.putInt(icmp + IcmpHeader.REST_OFFSET, rest, BIG_ENDIAN);
        out.putBytes(icmp + IcmpHeader.LENGTH, buffer, offset, quoted);
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET,
            (short) Checksum.compute(out, icmp, IcmpHeader.LENGTH + quoted), BIG_ENDIAN);
        ctx.counters.icmpErrorSent(SentIcmpError.ofIcmpv4(type));
        back.emit(out, 0, total);
        return 1;
    }

    /**
     * Sends an ICMPv6 error about the IPv6 packet at [offset, offset + length) to its source. The caller has
     * checked that the packet is not itself an ICMPv6 error and not a non-first fragment (RFC 4443 §2.4 (e)).
     */
    int sendIcmpv6(MutableDirectBuffer buffer, int offset, int length, int type, int code, int rest,
        long nowNanos, PacketSink back) {
        final long srcHi = buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET, BIG_ENDIAN);
        final long srcLo = buffer.getLong(offset + Ipv6Header.SOURCE_OFFSET + 8, BIG_ENDIAN);
        final long dstHi = buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN);
        if (Ipv6Addresses.isIllegalSource(srcHi, srcLo) || (dstHi >>> 56) == 0xFF) {
            return 0;
        }
        if (!hasIpv6Source) {
            ctx.counters.icmpErrorNoSource();
            return 0;
        }
        if (!bucket.tryAcquire(nowNanos)) {
            ctx.counters.icmpErrorRateLimited();
            return 0;
        }
        final int quoted = Math.min(length, IPV6_ERROR_MAX - Ipv6Header.LENGTH - IcmpHeader.LENGTH);
        final int icmpLength = IcmpHeader.LENGTH + quoted;
        Ipv6Header.write(out, 0, 0, icmpLength, IpProtocol.ICMPV6, ERROR_TTL, ipv6SourceHi, ipv6SourceLo,
            srcHi, srcLo);
        final int icmp = Ipv6Header.LENGTH;
        out.putByte(icmp + IcmpHeader.TYPE_OFFSET, (byte) type);
        out.putByte(icmp + IcmpHeader.CODE_OFFSET, (byte) code);
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short) 0, BIG_ENDIAN); // filled below
        out.putInt(icmp + IcmpHeader.REST_OFFSET, rest, BIG_ENDIAN);
        out.putBytes(icmp + IcmpHeader.LENGTH, buffer, offset, quoted);
        final long pseudo = Checksum.sumIpv6(ipv6SourceHi, ipv6SourceLo) + Checksum.sumIpv6(srcHi, srcLo)
            + icmpLength + IpProtocol.ICMPV6;
        out.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET,
            (short) Checksum.finish(Checksum.sum(out, icmp, icmpLength, pseudo)), BIG_ENDIAN);
        ctx.counters.icmpErrorSent(SentIcmpError.ofIcmpv6(type));
        back.emit(out, 0, Ipv6Header.LENGTH + icmpLength);
        return 1;
    }
}
