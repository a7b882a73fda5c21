package io.xlat.core.translate;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
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

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * RFC 7915 section 5: IPv6 to IPv4. The IPv4 header is written in place just before the upper-layer header,
 * over the end of the IPv6 header chain; ICMPv6 errors are handed to {@link Icmp64}. Hairpinned packets (RFC
 * 7757 §4.2) leave through the {@code back} sink: they are IPv6 again, bound for the side they came from.
 */
final class Translator64 {
    /** RFC 7915 §5.1: DF is set only when the IPv4 packet is larger than 1260 bytes. */
    static final int DF_THRESHOLD = 1260;

    private final AddressMapping global;
    private final Context ctx;
    private final IcmpErrorSender errors;
    private final IdentificationGenerator ids;
    private final Icmp64 icmp;
    private final int ipv4Mtu;
    private final int fixedTos;
    private final boolean hasOwnIpv4;
    private final int ownIpv4;
    private final ExtensionHeaders chain = new ExtensionHeaders();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Translator46 translator46;
    private final boolean intrinsicHairpin;

    Translator64(TranslatorConfig config, AddressMapping global, Context ctx, IcmpErrorSender errors,
        IdentificationGenerator ids, MtuMath mtuMath, Translator46 translator46) {
        this.global = global;
        this.ctx = ctx;
        this.errors = errors;
        this.ids = ids;
        this.ipv4Mtu = config.ipv4Mtu();
        this.fixedTos = config.tos();
        this.hasOwnIpv4 = config.ipv4Address() != null;
        this.ownIpv4 = hasOwnIpv4 ? config.ipv4Address() : 0;
        this.icmp = new Icmp64(ctx, mtuMath, ids, fixedTos);
        this.translator46 = translator46;
        this.intrinsicHairpin = config.hairpin() == TranslatorConfig.Hairpin.INTRINSIC;
    }

    int translate(MutableDirectBuffer b, int off, int len, long nowNanos, PacketSink forward, PacketSink back) {
        if (len < Ipv6Header.LENGTH) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        final Ipv6Header ip = ipv6.wrap(b, off);
        final int payloadLength = ip.payloadLength();
        final int end = off + Ipv6Header.LENGTH + payloadLength;
        if (end > off + len) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        final long srcHi = ip.sourceHi();
        final long srcLo = ip.sourceLo();
        final long dstHi = ip.destinationHi();
        final long dstLo = ip.destinationLo();
        if (Ipv6Addresses.isIllegalSource(srcHi, srcLo)) {
            return ctx.drop(DropReason.ILLEGAL_SOURCE);
        }
        if (Ipv6Addresses.isIllegalSource(dstHi, dstLo)) {
            return ctx.drop(DropReason.ILLEGAL_DESTINATION);
        }
        final DropReason malformed = chain.parse(b, off, end, ip.nextHeader());
        if (malformed == DropReason.EXTENSION_AFTER_FRAGMENT) {
            // RFC 7915 §5.1.1 says drop; §5.4 says answer a discarded packet with 1/1 unless it is ICMPv6 (the
            // parser walked the rest of the chain to tell). Only the first fragment carries what is quoted.
            return cannotTranslate(malformed, Ipv6FragmentHeader.fragmentOffset(b, chain.fragmentHeader) == 0, b,
                off, end - off, nowNanos, back);
        }
        if (malformed != null) {
            return ctx.drop(malformed);
        }
        final int protocol = chain.protocol;
        final int l4 = chain.upperLayer;
        final int l4Length = end - l4;
        final boolean hasFragmentHeader = chain.fragmentHeader >= 0;
        final int fragmentOffset = hasFragmentHeader ? Ipv6FragmentHeader.fragmentOffset(b, chain.fragmentHeader) : 0;
        final boolean moreFragments = hasFragmentHeader && Ipv6FragmentHeader.moreFragments(b, chain.fragmentHeader);
        final boolean isFragment = fragmentOffset != 0 || moreFragments;
        final boolean icmpError = protocol == IpProtocol.ICMPV6 && fragmentOffset == 0 && l4Length > 0
            && IcmpHeader.isIcmpv6Error(b.getByte(l4) & 0xFF);
        // RFC 4443 §2.4 (e): no ICMPv6 error in reply to an ICMPv6 error (and none about a non-initial fragment).
        final boolean mayReply = !icmpError && fragmentOffset == 0;
        final int totalLength = end - off;

        // RFC 7915 §5.1 Hop Limit -> TTL: the translator "MUST check for zero and send the ICMPv4 "TTL Exceeded"
        // or ICMPv6 "Hop Limit Exceeded" error" (as in §4.1).
        final int hopLimit = ip.hopLimit();
        if (hopLimit <= 1) {
            return errors.dropAndReply6(DropReason.TTL_EXPIRED, mayReply, b, off, totalLength,
                IcmpHeader.V6_TIME_EXCEEDED, IcmpHeader.TIME_EXCEEDED_IN_TRANSIT, 0, nowNanos, back);
        }
        // RFC 7915 §5.1: "If a Routing header with a non-zero Segments Left field is present, then the packet MUST
        // NOT be translated, and an ICMPv6 "parameter problem/erroneous header field encountered" (Type 4, Code 0)
        // error message, with the Pointer field indicating the first byte of the Segments Left field, SHOULD be
        // returned to the sender."
        if (chain.segmentsLeftPointer >= 0) {
            return errors.dropAndReply6(DropReason.ROUTING_HEADER, mayReply, b, off, totalLength,
                IcmpHeader.V6_PARAMETER_PROBLEM, IcmpHeader.V6_ERRONEOUS_HEADER_FIELD, chain.segmentsLeftPointer - off,
                nowNanos, back);
        }
        if (protocol == IpProtocol.ICMP) {
            return ctx.drop(DropReason.ICMP_IN_WRONG_FAMILY);
        }

        final long dst4 = ctx.mapping.map64(dstHi, dstLo);
        if (dst4 == AddressMapping.NO_MAPPING && ctx.tenant != null) {
            // Inside a tenant's prefix but not an RFC 6052 address of it (u-octet set): as silent as every other
            // tenant drop, nothing answers a probe into a tenant.
            return ctx.drop(DropReason.NO_MAPPING_DESTINATION);
        }
        if (dst4 == AddressMapping.NO_MAPPING) {
            return cannotTranslate(DropReason.NO_MAPPING_DESTINATION, mayReply, b, off, totalLength, nowNanos, back);
        }
        if (Ipv4Addresses.isIllegalSource((int) dst4)) {
            return ctx.drop(DropReason.ILLEGAL_DESTINATION);
        }
        // RFC 3927 §7: "A router MUST NOT forward a packet with an IPv4 Link-Local source or destination address",
        // whichever prefix (pool6, EAM, tenant) the IPv6 address was in.
        if (Ipv4Addresses.isLinkLocal((int) dst4)) {
            return ctx.drop(DropReason.IPV4_LINK_LOCAL);
        }
        if (ctx.tenant != null && !ctx.tenant.isLocal((int) dst4)) {
            return ctx.drop(DropReason.TENANT_DESTINATION_NOT_LOCAL);
        }
        long src4 = ctx.mapping.map64(srcHi, srcLo);
        if (src4 == AddressMapping.NO_MAPPING) {
            // RFC 6791 §4: "... the translator SHOULD use an IPv4 address from a pool ... as the source of the
            // translated ICMP error"; without a pool, the translator's own IPv4 address.
            // Only a router of the fabric, never another tenant: an error "from" another tenant's prefix would let
            // it inject Port Unreachable or Packet Too Big into this tenant's flows.
            if (icmpError && (ctx.tenant == null || ctx.tenants.lookup(srcHi, srcLo) == null)) {
                src4 = global.pool6791v4(Hashing.hash(srcHi, srcLo));
                if (src4 == AddressMapping.NO_MAPPING && hasOwnIpv4) {
                    src4 = ownIpv4 & 0xFFFF_FFFFL;
                }
            }
            if (src4 == AddressMapping.NO_MAPPING && ctx.tenant != null) {
                // Tenants never leak into each other: a source in another tenant's prefix (or anywhere but this
                // tenant's prefix and services) is dropped silently, without even an error that would answer it.
                return ctx.drop(DropReason.TENANT_FOREIGN_SOURCE);
            }
            if (src4 == AddressMapping.NO_MAPPING) {
                return cannotTranslate(DropReason.NO_MAPPING_SOURCE, mayReply, b, off, totalLength, nowNanos, back);
            }
        } else if (Ipv4Addresses.isIllegalSource((int) src4)) {
            return ctx.drop(DropReason.ILLEGAL_SOURCE);
        } else if (Ipv4Addresses.isLinkLocal((int) src4)) {
            return ctx.drop(DropReason.IPV4_LINK_LOCAL);
        }
        // RFC 791 §3.1: an IPv4 datagram, reassembled, is at most 65,535 octets with its header; a fragment that
        // reaches past that has no IPv4 form (an IPv6 one may carry up to 20 bytes more).
        if (hasFragmentHeader && (fragmentOffset << 3) + Ipv4Header.MIN_LENGTH + l4Length > Ipv4Header.MAX_TOTAL_LENGTH) {
            return ctx.drop(DropReason.FRAGMENT_BEYOND_65535);
        }
        final int ttl = hopLimit - 1;
        final int tos = fixedTos < 0 ? ip.trafficClass() : fixedTos;

        int ipv4Protocol = protocol;
        if (protocol == IpProtocol.ICMPV6) {
            if (isFragment) {
                return ctx.drop(DropReason.FRAGMENTED_ICMP);
            }
            if (l4Length < IcmpHeader.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (icmpError) {
                final int length = icmp.translateError(b, off, l4, l4Length, (int) src4, (int) dst4, ttl, tos);
                if (length == 0) {
                    return 0;
                }
                // RFC 7757 §4.2 intrinsic hairpinning, condition B: the packet inside the error came from an IPv6
                // node reached through an EAM'd IPv4 address, so the error goes back to IPv6.
                if (intrinsicHairpin && ctx.tenant == null && l4Length >= IcmpHeader.LENGTH + Ipv6Header.LENGTH
                    && global.isHairpinTarget64(b.getLong(l4 + IcmpHeader.LENGTH + Ipv6Header.SOURCE_OFFSET, BIG_ENDIAN),
                        b.getLong(l4 + IcmpHeader.LENGTH + Ipv6Header.SOURCE_OFFSET + 8, BIG_ENDIAN))) {
                    return translator46.translateHairpin(icmp.buffer(), Icmp64.BASE, length, nowNanos, back);
                }
                forward.emit(icmp.buffer(), Icmp64.BASE, length, ctx.tenant);
                return 1;
            }
            final int type = b.getByte(l4) & 0xFF;
            if (type != IcmpHeader.V6_ECHO_REQUEST && type != IcmpHeader.V6_ECHO_REPLY) {
                // RFC 7915 §5.2: MLD and Neighbor Discovery are single-hop, "Silently drop"; "Unknown
                // informational messages ... Silently drop."
                return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
            }
            ipv4Protocol = IpProtocol.ICMP;
        }

        // A super-packet (TUN offloads) stands for segments of ctx.segment TCP bytes: sizes are judged per segment.
        final boolean superPacket = ctx.segment > 0;
        if (superPacket && (protocol != IpProtocol.TCP || hasFragmentHeader)) {
            return ctx.drop(DropReason.GSO_NOT_TCP);
        }
        final int ipv4Length = Ipv4Header.MIN_LENGTH + l4Length;
        if (superPacket && ipv4Length > Ipv4Header.MAX_TOTAL_LENGTH) {
            return ctx.drop(DropReason.GSO_TOO_LONG_FOR_IPV4);
        }
        final int sizedLength = superPacket ? Ipv4Header.MIN_LENGTH + Math.min(l4Length, ctx.segment) : ipv4Length;
        if (sizedLength > ipv4Mtu) {
            // RFC 7915 §5: the IPv6 sender learns the IPv4 path limit through Packet Too Big; the MTU it may use
            // is the IPv4 MTU plus the header growth, and never below the IPv6 minimum.
            return errors.dropAndReply6(DropReason.PACKET_TOO_BIG, mayReply, b, off, totalLength,
                IcmpHeader.V6_PACKET_TOO_BIG, 0, Math.max(MtuMath.IPV6_MINIMUM_MTU,
                    ipv4Mtu + Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH), nowNanos, back);
        }
        if (fragmentOffset == 0) {
            final DropReason refused = updateTransport(b, l4, l4Length, protocol, srcHi, srcLo, dstHi, dstLo,
                (int) src4, (int) dst4);
            if (refused != null) {
                return ctx.drop(refused);
            }
        }
        final int identification;
        final int flags;
        if (hasFragmentHeader) {
            // RFC 7915 §5.1.1: Identification "Copied from the low-order 16 bits in the Identification field in
            // the Fragment Header"; MF "copied from the M flag"; "The IPv4 Don't Fragment (DF) flag is cleared".
            identification = Ipv6FragmentHeader.identification(b, chain.fragmentHeader) & 0xFFFF;
            flags = (moreFragments ? Ipv4Header.FLAG_MF : 0) | fragmentOffset;
        } else if (sizedLength > DF_THRESHOLD) {
            // RFC 7915 §5.1: "If the size of the translated IPv4 packet is less than or equal to 1260 bytes, it
            // is set to zero; otherwise, it is set to one." RFC 6864 §4.1: atomic datagrams may carry any id.
            identification = 0;
            flags = Ipv4Header.FLAG_DF;
        } else {
            identification = ids.next((int) src4, (int) dst4);
            flags = 0;
        }
        final int out = l4 - Ipv4Header.MIN_LENGTH;
        Ipv4Header.writeWithChecksum(b, out, tos, ipv4Length, identification, flags, ttl, ipv4Protocol, (int) src4,
            (int) dst4);
        ctx.counters.translated64(totalLength);
        // RFC 7757 §4.2 intrinsic hairpinning, condition A: an IPv6 node talking to another IPv6 node through its
        // EAM'd IPv4 address; the IPv4 packet would only route back in, so it goes back to IPv6 at once.
        if (intrinsicHairpin && ctx.tenant == null && global.isHairpinTarget64(dstHi, dstLo)) {
            return translator46.translateHairpin(b, out, ipv4Length, nowNanos, back);
        }
        forward.emit(b, out, ipv4Length, ctx.tenant);
        return 1;
    }

    private DropReason updateTransport(MutableDirectBuffer b, int l4, int l4Length, int protocol, long srcHi,
        long srcLo, long dstHi, long dstLo, int src4, int dst4) {
        final long removed;
        final long added;
        final long tenantDelta = ctx.tenant == null ? -1 : ctx.tenant.constantPseudoHeaderDelta();
        if (tenantDelta >= 0 && protocol != IpProtocol.ICMPV6 && ctx.tenant.inPrefix(srcHi, srcLo)) {
            // Both addresses lose the same tenant prefix: the pseudo-header shrinks by a per-tenant constant.
            removed = tenantDelta;
            added = 0;
        } else {
            removed = Checksum.sumIpv6(srcHi, srcLo) + Checksum.sumIpv6(dstHi, dstLo);
            added = Checksum.sumIpv4(src4) + Checksum.sumIpv4(dst4);
        }
        switch (protocol) {
            case IpProtocol.TCP:
                if (l4Length < TransportHeader.TCP_MIN_LENGTH) {
                    return DropReason.TRUNCATED;
                }
                if (ctx.segment > 0) {
                    // a partial sum is the complement of a checksum: update it as one, complemented (RFC 1624)
                    Translator46.complementTcpChecksum(b, l4);
                    TransportChecksums.update64(b, l4, l4Length, protocol, l4Length, removed, added);
                    Translator46.complementTcpChecksum(b, l4);
                    return null;
                }
                break;
            case IpProtocol.UDP:
                if (l4Length < TransportHeader.UDP_LENGTH) {
                    return DropReason.TRUNCATED;
                }
                break;
            case IpProtocol.ICMPV6:
                // RFC 7915 §5.2: "Echo Request and Echo Reply (Type 128 and 129): Adjust the Type values to 8 and
                // 0, respectively, and adjust the ICMP checksum both to take the type change into account and to
                // exclude the ICMPv6 pseudo-header."
                break;
            default:
                // RFC 7915 §5.1: the Protocol is "copied from the Next Header field": unknown protocols pass.
                return null;
        }
        TransportChecksums.update64(b, l4, l4Length, protocol, l4Length, removed, added);
        return null;
    }

    /**
     * RFC 7915 §5.4: "If the IPv6 packet is discarded, then the translator SHOULD send back an ICMPv6 error
     * message to the original sender of the packet, unless the discarded packet is itself an ICMPv6 message."
     * Destination Unreachable, Communication Administratively Prohibited (1/1). Errors a router owes anyway (Time
     * Exceeded, Packet Too Big, Parameter Problem) still answer ICMPv6 echo: traceroute -I and mtr rely on them.
     */
    private int cannotTranslate(DropReason reason, boolean mayReply, MutableDirectBuffer b, int off, int total,
        long nowNanos, PacketSink back) {
        return errors.dropAndReply6(reason, mayReply && chain.protocol != IpProtocol.ICMPV6, b, off, total,
            IcmpHeader.V6_DEST_UNREACHABLE, IcmpHeader.V6_ADMINISTRATIVELY_PROHIBITED, 0, nowNanos, back);
    }
}
