package io.xlat.core.translate;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.IcmpHeader;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.packet.Ipv4Header;
import io.xlat.core.packet.Ipv6FragmentHeader;
import io.xlat.core.packet.Ipv6Header;
import io.xlat.core.packet.TransportHeader;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * RFC 7915 section 4: IPv4 to IPv6. The common case (TCP, UDP, ICMP echo, unknown protocols) is translated in
 * place: the IPv6 header is written over the IPv4 header and the headroom in front of it, the payload does not
 * move. ICMP errors ({@link Icmp46}) and packets that must be fragmented are built in a scratch buffer.
 */
final class Translator46 {
    private static final int SOURCE_ROUTE_NONE = 0;
    private static final int SOURCE_ROUTE_UNEXPIRED = 1;
    private static final int OPTIONS_MALFORMED = 2;
    private static final int OPTION_LSRR = 131;
    private static final int OPTION_SSRR = 137;
    /** The largest IPv6 payload (RFC 8200 §3, 16-bit Payload Length), and so the largest reassembled one. */
    private static final int MAX_PAYLOAD = 0xFFFF;

    private final AddressMapping global;
    private final Context ctx;
    private final IcmpErrorSender errors;
    private final Icmp46 icmp;
    private final int ipv6Mtu;
    /**
     * What DF=0 packets are fragmented to: lowest-ipv6-mtu (RFC 7915 §4), but never more than ipv6-mtu, the MTU
     * of the translator's own IPv6 next hop, which may be the smaller of the two.
     */
    private final int fragmentMtu;
    private final boolean trafficClassZero;
    private final boolean udpZeroCompute;
    private final boolean hasOwnIpv6;
    private final long ownIpv6Hi;
    private final long ownIpv6Lo;
    private final boolean simpleHairpin;
    /** Mapped addresses: outer source at 0, outer destination at 16. */
    private final UnsafeBuffer addresses = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
    private final UnsafeBuffer fragments = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final Ipv4Header ipv4 = new Ipv4Header();

    Translator46(TranslatorConfig config, AddressMapping global, Context ctx, IcmpErrorSender errors,
        MtuMath mtuMath) {
        this.global = global;
        this.ctx = ctx;
        this.errors = errors;
        this.ipv6Mtu = config.ipv6Mtu();
        this.fragmentMtu = Math.min(config.lowestIpv6Mtu(), config.ipv6Mtu());
        this.trafficClassZero = config.trafficClass() == TranslatorConfig.TrafficClass.ZERO;
        this.udpZeroCompute = config.udpZeroChecksum() == TranslatorConfig.UdpZeroChecksum.COMPUTE;
        this.hasOwnIpv6 = config.ipv6Address() != null;
        this.ownIpv6Hi = hasOwnIpv6 ? config.ipv6Address().hi() : 0;
        this.ownIpv6Lo = hasOwnIpv6 ? config.ipv6Address().lo() : 0;
        this.simpleHairpin = config.hairpin() == TranslatorConfig.Hairpin.SIMPLE;
        this.icmp = new Icmp46(global, ctx, mtuMath, trafficClassZero);
    }

    int translate(MutableDirectBuffer b, int off, int len, long nowNanos, PacketSink forward, PacketSink back) {
        return translate(b, off, len, nowNanos, forward, back, simpleHairpin && ctx.tenant == null, false);
    }

    /**
     * RFC 7757 §4.2 intrinsic hairpinning: the IPv4 packet that {@link Translator64} just produced goes straight
     * back to IPv6 with the hairpin rules. Errors about it are not sent (they would need translating again).
     */
    int translateHairpin(MutableDirectBuffer b, int off, int len, long nowNanos, PacketSink forward) {
        return translate(b, off, len, nowNanos, forward, null, true, true);
    }

    /**
     * @param back         where errors about the packet go; null in the second pass of an intrinsic hairpin,
     *                     where none are built at all (no rate-limit token or Identification spent on them)
     * @param hairpinRules apply the RFC 7757 §4.2 hairpin rules (see {@link AddressMapping}): the source, and the
     *                     destination of the packet inside an error, are mapped with pool6 only, never the EAMT
     * @param secondPass   the packet is the IPv4 form {@link Translator64} just made of an IPv6 packet (intrinsic
     *                     hairpin): its TTL was decremented in that pass
     */
    private int translate(MutableDirectBuffer b, int off, int len, long nowNanos, PacketSink forward,
        PacketSink back, boolean hairpinRules, boolean secondPass) {
        if (len < Ipv4Header.MIN_LENGTH) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        final Ipv4Header ip = ipv4.wrap(b, off);
        final int ihl = ip.headerLength();
        if (ihl < Ipv4Header.MIN_LENGTH) {
            return ctx.drop(DropReason.BAD_IPV4_HEADER);
        }
        final int total = ip.totalLength();
        if (total < ihl) {
            return ctx.drop(DropReason.BAD_IPV4_HEADER);
        }
        if (total > len) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        // RFC 1812 §5.2.2: "a router MUST verify the IP checksum of any packet that is received".
        if (!Ipv4Header.checksumValid(b, off, ihl)) {
            return ctx.drop(DropReason.BAD_IPV4_CHECKSUM);
        }
        final int src = ip.source();
        final int dst = ip.destination();
        final int flags = ip.flagsAndFragmentOffset();
        final boolean dontFragment = (flags & Ipv4Header.FLAG_DF) != 0;
        final boolean moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        final int fragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean isFragment = moreFragments || fragmentOffset != 0;
        final int protocol = ip.protocol();
        final int l4 = off + ihl;
        final int l4Length = total - ihl;
        final boolean icmpError = protocol == IpProtocol.ICMP && fragmentOffset == 0 && l4Length > 0
            && IcmpHeader.isIcmpv4Error(b.getByte(l4) & 0xFF);
        // RFC 7915 §4.1: "If the translator gets an illegal source address (e.g., 0.0.0.0, 127.0.0.1, etc.), the
        // translator SHOULD silently drop the packet (as discussed in Section 5.3.7 of [RFC1812]). Note when
        // translating ICMPv4 Error Messages into ICMPv6, the "illegal" source address will be translated for the
        // purpose of trouble shooting." The outer source of an error is what traceroute shows; the packet inside
        // is what names the flow, so an error from such a source is translated like any other.
        if (!icmpError && Ipv4Addresses.isIllegalSource(src)) {
            return ctx.drop(DropReason.ILLEGAL_SOURCE);
        }
        if (Ipv4Addresses.isIllegalSource(dst)) {
            return ctx.drop(DropReason.ILLEGAL_DESTINATION);
        }
        // RFC 3927 §7: "A router MUST NOT forward a packet with an IPv4 Link-Local source or destination address",
        // whatever prefix (pool6, EAM, tenant) would translate it.
        if (Ipv4Addresses.isLinkLocal(src) || Ipv4Addresses.isLinkLocal(dst)) {
            return ctx.drop(DropReason.IPV4_LINK_LOCAL);
        }
        // A tenant may only speak from its own addresses: otherwise it could reach the fabric as any IPv4
        // address of its prefix, including ones another host serves.
        if (ctx.tenant != null && !ctx.tenant.isLocal(src)) {
            return ctx.drop(DropReason.TENANT_SPOOFED_SOURCE);
        }
        // RFC 1812 §4.3.2.7: no ICMP error about an ICMP error or about a non-initial fragment.
        final boolean mayReply = !icmpError && fragmentOffset == 0 && back != null;

        // RFC 7757 §4.2: the second half of a hairpin is the same router hop as the first, which decremented the
        // TTL already: in the intrinsic second pass, and in simple mode for a packet from an EAM'd IPv4 source
        // (one the translator itself made from IPv6, brought back by the IPv4 routing).
        final boolean secondHalf = secondPass || (hairpinRules && global.isEamIpv4(src));
        final int decrement = secondHalf ? 0 : 1;
        // RFC 7915 §4.1: "As part of decrementing the TTL or Hop Limit, the translator (as any router) MUST check
        // for zero and send the ICMPv4 "TTL Exceeded" or ICMPv6 "Hop Limit Exceeded" error."
        final int ttl = ip.ttl();
        if (ttl <= decrement) {
            return errors.dropAndReply4(DropReason.TTL_EXPIRED, mayReply, b, off, total,
                IcmpHeader.V4_TIME_EXCEEDED, IcmpHeader.TIME_EXCEEDED_IN_TRANSIT, 0, nowNanos, back);
        }
        if (ihl > Ipv4Header.MIN_LENGTH) {
            // RFC 7915 §4.1: "If IPv4 options are present in the IPv4 packet, they MUST be ignored ... However, if
            // an unexpired source route option is present, then the packet MUST instead be discarded, and an
            // ICMPv4 "Destination Unreachable, Source Route Failed" (Type 3, Code 5) error message SHOULD be returned"
            final int options = sourceRouteStatus(b, off, ihl);
            if (options == OPTIONS_MALFORMED) {
                return ctx.drop(DropReason.BAD_IPV4_HEADER);
            }
            if (options == SOURCE_ROUTE_UNEXPIRED) {
                return errors.dropAndReply4(DropReason.SOURCE_ROUTE, mayReply, b, off, total,
                    IcmpHeader.V4_DEST_UNREACHABLE, IcmpHeader.V4_SOURCE_ROUTE_FAILED, 0, nowNanos, back);
            }
        }
        if (protocol == IpProtocol.ICMPV6) {
            return ctx.drop(DropReason.ICMP_IN_WRONG_FAMILY);
        }
        // RFC 7915 §4.2: "all the "normal" IGMP messages are single-hop messages and SHOULD be silently dropped
        // by the translator."
        if (protocol == IpProtocol.IGMP) {
            return ctx.drop(DropReason.IGMP);
        }
        // RFC 7915 §4.1 copies the Protocol into Next Header; a number that IPv6 reads as one of its own extension
        // headers would forge one (a Routing header re-routes the packet on the IPv6 side).
        if (IpProtocol.isIpv6Only(protocol)) {
            return ctx.drop(DropReason.IPV6_ONLY_PROTOCOL);
        }
        // RFC 8200 §4.5: a fragment whose offset and length make the reassembled payload exceed 65,535 octets
        // "must be discarded"; re-fragmenting it would also wrap the 13-bit Fragment Offset.
        if ((fragmentOffset << 3) + l4Length > MAX_PAYLOAD) {
            return ctx.drop(DropReason.FRAGMENT_BEYOND_65535);
        }

        if (!ctx.mapping.map46(dst, addresses, 16)) {
            return cannotTranslate(ctx.mapping.refusal46(dst, DropReason.NO_MAPPING_DESTINATION), mayReply, b, off,
                total, nowNanos, back);
        }
        final boolean sourceMapped = hairpinRules && (!icmpError || src == innerDestination(b, l4, l4Length))
            ? global.map46Pool6(src, addresses, 0) : ctx.mapping.map46(src, addresses, 0);
        if (!sourceMapped) {
            // RFC 6791 §4 (applied on the IPv6 side too): an ICMP error from an IPv4 router whose address has no
            // mapping still reaches the IPv6 node, from a pool address, so that traceroute and PMTUD work.
            if (!icmpError || !(global.pool6791v6(Hashing.hash(src), addresses, 0) || ownIpv6(addresses, 0))) {
                return cannotTranslate(ctx.mapping.refusal46(src, DropReason.NO_MAPPING_SOURCE), mayReply, b, off,
                    total, nowNanos, back);
            }
        }
        final int hopLimit = ttl - decrement;
        final int trafficClass = trafficClassZero ? 0 : ip.tos();

        int nextHeader = protocol;
        if (protocol == IpProtocol.ICMP) {
            // RFC 7915 §4.1: "For ICMPv4 (1), it is changed to ICMPv6 (58)"; a fragmented ICMP message cannot have
            // its checksum recomputed over a pseudo-header without reassembly, which a stateless translator does not do.
            if (isFragment) {
                return ctx.drop(DropReason.FRAGMENTED_ICMP);
            }
            if (l4Length < IcmpHeader.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (icmpError) {
                return icmp.translateError(b, off, ihl, total, addresses, hopLimit, trafficClass, hairpinRules,
                    forward);
            }
            final int type = b.getByte(l4) & 0xFF;
            if (type != IcmpHeader.V4_ECHO_REQUEST && type != IcmpHeader.V4_ECHO_REPLY) {
                // RFC 7915 §4.2: Information Request/Reply, Timestamp, Address Mask, Router Advertisement and
                // Solicitation are obsolete or single-hop: "Silently drop"; "All other ICMP types: Silently drop."
                return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
            }
            nextHeader = IpProtocol.ICMPV6;
        }

        // A super-packet (TUN offloads) stands for segments of ctx.segment TCP bytes: sizes are judged per segment.
        final boolean superPacket = ctx.segment > 0;
        if (superPacket && (protocol != IpProtocol.TCP || isFragment)) {
            return ctx.drop(DropReason.GSO_NOT_TCP);
        }
        int sizedL4 = superPacket ? Math.min(l4Length, ctx.segment) : l4Length;
        // Fragment header and size (RFC 7915 §4 and §4.1).
        boolean addFragmentHeader = isFragment || (!dontFragment && Ipv6Header.LENGTH + sizedL4 > fragmentMtu);
        if (superPacket && addFragmentHeader) {
            // RFC 7915 §4 would fragment each DF-clear segment to lowest-ipv6-mtu; a super-packet cannot carry
            // Fragment Headers, so the kernel cuts it into segments that fit instead (translation-choices.md)
            ctx.segment = fragmentMtu - Ipv6Header.LENGTH;
            sizedL4 = Math.min(l4Length, ctx.segment);
            addFragmentHeader = false;
        }
        final int outLength = Ipv6Header.LENGTH + (addFragmentHeader ? Ipv6FragmentHeader.LENGTH : 0) + l4Length;
        if (outLength - l4Length + sizedL4 > ipv6Mtu && dontFragment) {
            // RFC 7915 §4.1: "If the DF bit is set and the MTU of the next-hop interface is less than the total
            // length value of the IPv4 packet plus 20, the translator MUST send an ICMPv4 "Fragmentation Needed"
            // error message to the IPv4 source address." With the MTU the packet would fit in.
            return errors.dropAndReply4(DropReason.PACKET_TOO_BIG, mayReply, b, off, total,
                IcmpHeader.V4_DEST_UNREACHABLE, IcmpHeader.V4_FRAGMENTATION_NEEDED,
                (ipv6Mtu - (outLength - total)) & 0xFFFF, nowNanos, back);
        }

        final long srcHi = addresses.getLong(0, BIG_ENDIAN);
        final long srcLo = addresses.getLong(8, BIG_ENDIAN);
        final long dstHi = addresses.getLong(16, BIG_ENDIAN);
        final long dstLo = addresses.getLong(24, BIG_ENDIAN);
        if (fragmentOffset == 0) {
            final DropReason refused = updateTransport(b, l4, l4Length, protocol, isFragment, srcHi, srcLo, dstHi,
                dstLo, src, dst);
            if (refused == DropReason.UDP_ZERO_CHECKSUM || refused == DropReason.FRAGMENTED_UDP_ZERO_CHECKSUM) {
                // Administratively refused rather than malformed: say so, or the application waits for a timeout.
                return cannotTranslate(refused, mayReply, b, off, total, nowNanos, back);
            }
            if (refused != null) {
                return ctx.drop(refused);
            }
        }
        final int identification = ip.identification();
        if (addFragmentHeader && outLength > fragmentMtu && !dontFragment) {
            ctx.counters.translated46(total);
            return fragment(b, l4, l4Length, trafficClass, nextHeader, hopLimit, srcHi, srcLo, dstHi, dstLo,
                fragmentOffset, moreFragments, identification, forward);
        }
        final int out = l4 - Ipv6Header.LENGTH - (addFragmentHeader ? Ipv6FragmentHeader.LENGTH : 0);
        if (addFragmentHeader) {
            Ipv6Header.write(b, out, trafficClass, l4Length + Ipv6FragmentHeader.LENGTH, IpProtocol.FRAGMENT,
                hopLimit, srcHi, srcLo, dstHi, dstLo);
            // RFC 7915 §4.1: "Identification: The low-order 16 bits are copied from the Identification field in
            // the IPv4 header. The high-order 16 bits set to zero."
            Ipv6FragmentHeader.write(b, out + Ipv6Header.LENGTH, nextHeader, fragmentOffset, moreFragments,
                identification);
        } else {
            Ipv6Header.write(b, out, trafficClass, l4Length, nextHeader, hopLimit, srcHi, srcLo, dstHi, dstLo);
        }
        ctx.counters.translated46(total);
        forward.emit(b, out, outLength);
        return 1;
    }

    /** Flips the TCP checksum field between a checksum and the partial sum a super-packet carries. */
    static void complementTcpChecksum(MutableDirectBuffer b, int l4) {
        final int at = l4 + TransportHeader.TCP_CHECKSUM_OFFSET;
        b.putShort(at, (short) ~b.getShort(at, BIG_ENDIAN), BIG_ENDIAN);
    }

    /**
     * Updates the TCP/UDP checksum for the pseudo-header change, or turns an ICMPv4 echo into ICMPv6.
     *
     * @return null to go on, else why the packet must be dropped
     */
    private DropReason updateTransport(MutableDirectBuffer b, int l4, int l4Length, int protocol, boolean isFragment,
        long srcHi, long srcLo, long dstHi, long dstLo, int src, int dst) {
        final long removed;
        final long added;
        final long tenantDelta = ctx.tenant == null ? -1 : ctx.tenant.constantPseudoHeaderDelta();
        if (tenantDelta >= 0 && protocol != IpProtocol.ICMP && ctx.tenant.inPrefix(dstHi, dstLo)) {
            // The same prefix went in front of both addresses: the pseudo-header grew by a per-tenant constant.
            removed = 0;
            added = tenantDelta;
        } else {
            removed = Checksum.sumIpv4(src) + Checksum.sumIpv4(dst);
            added = Checksum.sumIpv6(srcHi, srcLo) + Checksum.sumIpv6(dstHi, dstLo);
        }
        switch (protocol) {
            case IpProtocol.TCP: {
                if (l4Length < TransportHeader.TCP_MIN_LENGTH) {
                    return DropReason.TRUNCATED;
                }
                if (ctx.segment > 0) {
                    // a partial sum is the complement of a checksum: update it as one, complemented (RFC 1624)
                    complementTcpChecksum(b, l4);
                    TransportChecksums.update46(b, l4, l4Length, protocol, l4Length, removed, added);
                    complementTcpChecksum(b, l4);
                } else {
                    TransportChecksums.update46(b, l4, l4Length, protocol, l4Length, removed, added);
                }
                return null;
            }
            case IpProtocol.UDP: {
                if (l4Length < TransportHeader.UDP_LENGTH) {
                    return DropReason.TRUNCATED;
                }
                final int at = l4 + TransportHeader.UDP_CHECKSUM_OFFSET;
                final int checksum = b.getShort(at, BIG_ENDIAN) & 0xFFFF;
                if (checksum == 0) {
                    // RFC 7915 §4.5: "... the translator MUST ... compute the UDP checksum ..." is optional per
                    // configuration; a fragment cannot be summed without reassembly.
                    if (isFragment) {
                        return DropReason.FRAGMENTED_UDP_ZERO_CHECKSUM;
                    }
                    if (!udpZeroCompute) {
                        return DropReason.UDP_ZERO_CHECKSUM;
                    }
                    final long pseudo = Checksum.sumIpv6(srcHi, srcLo) + Checksum.sumIpv6(dstHi, dstLo) + l4Length
                        + IpProtocol.UDP;
                    final int computed = Checksum.finish(Checksum.sum(b, l4, l4Length, pseudo));
                    b.putShort(at, (short) (computed == 0 ? 0xFFFF : computed), BIG_ENDIAN);
                    return null;
                }
                TransportChecksums.update46(b, l4, l4Length, protocol, l4Length, removed, added);
                return null;
            }
            case IpProtocol.ICMP:
                // RFC 7915 §4.2: "Echo and Echo Reply (Type 8 and Type 0): Adjust the Type values to 128 and 129,
                // respectively, and adjust the ICMP checksum both to take the type change into account and to
                // include the ICMPv6 pseudo-header."
                TransportChecksums.update46(b, l4, l4Length, protocol, l4Length, removed, added);
                return null;
            default:
                // RFC 7915 §4.1: "otherwise, the protocol field MUST be copied from the IPv4 header": unknown
                // protocols pass untouched.
                return null;
        }
    }

    /**
     * RFC 7915 §4: "... the translator MUST fragment the IPv4 packet so that it will result in IPv6 packets
     * (with Fragment Headers added to each fragment) that are less than or equal to lowest-ipv6-mtu bytes."
     */
    private int fragment(MutableDirectBuffer b, int payload, int payloadLength, int trafficClass, int nextHeader,
        int hopLimit, long srcHi, long srcLo, long dstHi, long dstLo, int fragmentOffset, boolean moreFragments,
        int identification, PacketSink forward) {
        final int perFragment = (fragmentMtu - Ipv6Header.LENGTH - Ipv6FragmentHeader.LENGTH) & ~7;
        int done = 0;
        int emitted = 0;
        while (done < payloadLength) {
            final int chunk = Math.min(perFragment, payloadLength - done);
            final boolean last = done + chunk == payloadLength;
            Ipv6Header.write(fragments, 0, trafficClass, Ipv6FragmentHeader.LENGTH + chunk, IpProtocol.FRAGMENT,
                hopLimit, srcHi, srcLo, dstHi, dstLo);
            Ipv6FragmentHeader.write(fragments, Ipv6Header.LENGTH, nextHeader, fragmentOffset + (done >> 3),
                !last || moreFragments, identification);
            fragments.putBytes(Ipv6Header.LENGTH + Ipv6FragmentHeader.LENGTH, b, payload + done, chunk);
            forward.emit(fragments, 0, Ipv6Header.LENGTH + Ipv6FragmentHeader.LENGTH + chunk);
            done += chunk;
            emitted++;
        }
        return emitted;
    }

    /**
     * RFC 7915 §4.4: "If the IPv4 packet is discarded, then the translator SHOULD be able to send back an ICMPv4
     * error message to the original sender of the packet, unless the discarded packet is itself an ICMPv4
     * error message." Destination Unreachable, Communication Administratively Prohibited (3/13).
     */
    private int cannotTranslate(DropReason reason, boolean mayReply, MutableDirectBuffer b, int off, int total,
        long nowNanos, PacketSink back) {
        return errors.dropAndReply4(reason, mayReply, b, off, total, IcmpHeader.V4_DEST_UNREACHABLE,
            IcmpHeader.V4_ADMINISTRATIVELY_PROHIBITED, 0, nowNanos, back);
    }

    /** The destination of the IPv4 packet inside an ICMPv4 error, or 0 when it is not there. */
    private static int innerDestination(MutableDirectBuffer b, int l4, int l4Length) {
        return l4Length >= IcmpHeader.LENGTH + Ipv4Header.MIN_LENGTH
            ? b.getInt(l4 + IcmpHeader.LENGTH + Ipv4Header.DESTINATION_OFFSET, BIG_ENDIAN) : 0;
    }


    private boolean ownIpv6(MutableDirectBuffer target, int offset) {
        if (!hasOwnIpv6) {
            return false;
        }
        target.putLong(offset, ownIpv6Hi, BIG_ENDIAN);
        target.putLong(offset + 8, ownIpv6Lo, BIG_ENDIAN);
        return true;
    }

    /** Walks the options (RFC 791 section 3.1) for an unexpired loose or strict source route. */
    static int sourceRouteStatus(MutableDirectBuffer b, int off, int ihl) {
        int pos = off + Ipv4Header.MIN_LENGTH;
        final int end = off + ihl;
        while (pos < end) {
            final int type = b.getByte(pos) & 0xFF;
            if (type == 0) {
                return SOURCE_ROUTE_NONE; // End of Option List
            }
            if (type == 1) {
                pos++; // No Operation
                continue;
            }
            if (pos + 1 >= end) {
                return OPTIONS_MALFORMED;
            }
            final int length = b.getByte(pos + 1) & 0xFF;
            if (length < 2 || pos + length > end) {
                return OPTIONS_MALFORMED;
            }
            if (type == OPTION_LSRR || type == OPTION_SSRR) {
                if (length < 3) {
                    return OPTIONS_MALFORMED;
                }
                // RFC 791: "If the pointer is greater than the length, the source route is empty ... and the
                // routing is to be based on the destination address field."
                if ((b.getByte(pos + 2) & 0xFF) <= length) {
                    return SOURCE_ROUTE_UNEXPIRED;
                }
            }
            pos += length;
        }
        return SOURCE_ROUTE_NONE;
    }

}
