package io.xlat.core.translate;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.IcmpHeader;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.packet.Ipv4Header;
import io.xlat.core.packet.Ipv6FragmentHeader;
import io.xlat.core.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * RFC 7915 sections 4.2 and 4.3: ICMPv4 error messages to ICMPv6, with the packet inside translated too. The
 * output is built in a scratch buffer because the inner header grows in the middle of the packet.
 */
final class Icmp46 {
    private static final int OUT_ICMP = Ipv6Header.LENGTH;
    private static final int OUT_INNER = Ipv6Header.LENGTH + IcmpHeader.LENGTH;

    private final AddressMapping global;
    private final Context ctx;
    private final MtuMath mtuMath;
    private final boolean trafficClassZero;
    private final Rfc4884 rfc4884 = new Rfc4884();
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    /** Mapped inner addresses: source at 0, destination at 16. */
    private final UnsafeBuffer inner = new UnsafeBuffer(ByteBuffer.allocateDirect(32));

    Icmp46(AddressMapping global, Context ctx, MtuMath mtuMath, boolean trafficClassZero) {
        this.global = global;
        this.ctx = ctx;
        this.mtuMath = mtuMath;
        this.trafficClassZero = trafficClassZero;
    }

    /**
     * @param outerAddresses the mapped outer source (0) and destination (16)
     * @param hairpinRules   map the inner destination with pool6 only (RFC 7757 §4.2, see AddressMapping)
     * @return packets emitted (0 or 1)
     */
    int translateError(MutableDirectBuffer b, int off, int ihl, int total, MutableDirectBuffer outerAddresses,
        int hopLimit, int trafficClass, boolean hairpinRules, PacketSink forward) {
        final int icmp = off + ihl;
        final int icmpLength = total - ihl;
        // The checksum is recomputed below, so verify it first: a corrupt error must not become a valid one.
        if (Checksum.fold(Checksum.sum(b, icmp, icmpLength, 0)) != 0xFFFF) {
            return ctx.drop(DropReason.ICMP_BAD_CHECKSUM);
        }
        final int type = b.getByte(icmp) & 0xFF;
        final int code = b.getByte(icmp + IcmpHeader.CODE_OFFSET) & 0xFF;
        int newType;
        int newCode;
        int rest = 0;
        boolean carriesLength = true; // RFC 4884 length attribute in the ICMPv6 result (types 1 and 3)
        switch (type) {
            case IcmpHeader.V4_DEST_UNREACHABLE:
                // RFC 7915 §4.2, Destination Unreachable: codes 0, 1, 5-8, 11, 12 -> 1/0 (no route); 9, 10, 13, 15
                // -> 1/1 (administratively prohibited); 3 -> 1/4 (port unreachable); 2 -> Parameter Problem 4/1
                // pointing at Next Header; 4 -> Packet Too Big; 14 and the rest: "Silently drop".
                newType = IcmpHeader.V6_DEST_UNREACHABLE;
                switch (code) {
                    case IcmpHeader.V4_NET_UNREACHABLE:
                    case IcmpHeader.V4_HOST_UNREACHABLE:
                    case IcmpHeader.V4_SOURCE_ROUTE_FAILED:
                    case IcmpHeader.V4_NET_UNKNOWN:
                    case IcmpHeader.V4_HOST_UNKNOWN:
                    case IcmpHeader.V4_SOURCE_HOST_ISOLATED:
                    case IcmpHeader.V4_NET_UNREACHABLE_FOR_TOS:
                    case IcmpHeader.V4_HOST_UNREACHABLE_FOR_TOS:
                        newCode = IcmpHeader.V6_NO_ROUTE;
                        break;
                    case IcmpHeader.V4_NET_PROHIBITED:
                    case IcmpHeader.V4_HOST_PROHIBITED:
                    case IcmpHeader.V4_ADMINISTRATIVELY_PROHIBITED:
                    case IcmpHeader.V4_PRECEDENCE_CUTOFF:
                        newCode = IcmpHeader.V6_ADMINISTRATIVELY_PROHIBITED;
                        break;
                    case IcmpHeader.V4_PORT_UNREACHABLE:
                        newCode = IcmpHeader.V6_PORT_UNREACHABLE;
                        break;
                    case IcmpHeader.V4_PROTOCOL_UNREACHABLE:
                        newType = IcmpHeader.V6_PARAMETER_PROBLEM;
                        newCode = IcmpHeader.V6_UNRECOGNIZED_NEXT_HEADER;
                        rest = Ipv6Header.NEXT_HEADER_OFFSET;
                        carriesLength = false;
                        break;
                    case IcmpHeader.V4_FRAGMENTATION_NEEDED:
                        newType = IcmpHeader.V6_PACKET_TOO_BIG;
                        newCode = 0;
                        carriesLength = false;
                        break;
                    default:
                        return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                break;
            case IcmpHeader.V4_TIME_EXCEEDED:
                // RFC 7915 §4.2: "Time Exceeded (Type 11): Set the Type to 3, and adjust the ICMP checksum both to
                // take the type change into account and to include the ICMPv6 pseudo-header. The Code is unchanged."
                newType = IcmpHeader.V6_TIME_EXCEEDED;
                newCode = code;
                break;
            case IcmpHeader.V4_PARAMETER_PROBLEM:
                // RFC 7915 §4.2: Code 0 and Code 2 -> Type 4 Code 0 with the pointer translated by Figure 3;
                // "Code 1 (Missing a Required Option): Silently drop."; "Other Code values: Silently drop."
                if (code != IcmpHeader.V4_POINTER_INDICATES_ERROR && code != IcmpHeader.V4_BAD_LENGTH) {
                    return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                rest = ParameterProblemPointers.pointer46(b.getByte(icmp + IcmpHeader.REST_OFFSET) & 0xFF);
                if (rest < 0) {
                    return ctx.drop(DropReason.ICMP_PARAMETER_PROBLEM_POINTER);
                }
                newType = IcmpHeader.V6_PARAMETER_PROBLEM;
                newCode = IcmpHeader.V6_ERRONEOUS_HEADER_FIELD;
                carriesLength = false;
                break;
            default:
                // RFC 7915 §4.2: "Source Quench (Type 4): Obsoleted in ICMPv6. Silently drop." Redirect (Type 5):
                // single-hop, "Silently drop." "Unknown ICMPv4 types: Silently drop."
                return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
        }

        // The original datagram, and an RFC 4884 extension after it when the length attribute says so.
        final int original = icmp + IcmpHeader.LENGTH;
        rfc4884.read(b.getByte(icmp + IcmpHeader.V4_LENGTH_OFFSET) & 0xFF, Rfc4884.ICMPV4_UNIT,
            icmpLength - IcmpHeader.LENGTH);
        if (rfc4884.inconsistent) {
            ctx.counters.icmpExtensionIgnored();
        }
        final int originalLength = rfc4884.originalLength;
        final int extensionLength = rfc4884.extensionLength;
        if (originalLength < Ipv4Header.MIN_LENGTH || (b.getByte(original) & 0xF0) != 0x40) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerIhl = (b.getByte(original) & 0xF) << 2;
        if (innerIhl < Ipv4Header.MIN_LENGTH || innerIhl > originalLength) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerTotal = b.getShort(original + Ipv4Header.TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int innerFlags = b.getShort(original + Ipv4Header.FLAGS_FRAGMENT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int innerFragmentOffset = innerFlags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean innerMore = (innerFlags & Ipv4Header.FLAG_MF) != 0;
        final boolean innerIsFragment = innerMore || innerFragmentOffset != 0;
        final int innerProtocol = b.getByte(original + Ipv4Header.PROTOCOL_OFFSET) & 0xFF;
        final int innerSrc = b.getInt(original + Ipv4Header.SOURCE_OFFSET, BIG_ENDIAN);
        final int innerDst = b.getInt(original + Ipv4Header.DESTINATION_OFFSET, BIG_ENDIAN);
        // With an extension, the original datagram field ends in zero padding when the datagram was shorter than
        // it: that is no part of the packet, and the translation pads to its own unit (RFC 4884 §4: the padding is not data).
        final int innerPayloadPresent = extensionLength > 0
            ? Math.min(originalLength, Math.max(innerIhl, innerTotal)) - innerIhl : originalLength - innerIhl;
        if (innerProtocol == IpProtocol.ICMP && innerFragmentOffset == 0 && innerPayloadPresent > 0) {
            final int innerType = b.getByte(original + innerIhl) & 0xFF;
            // RFC 7915 §4.3: "This process MUST stop at the first embedded header and drop the packet if it
            // contains more embedded headers."
            if (IcmpHeader.isIcmpv4Error(innerType)) {
                return ctx.drop(DropReason.ICMP_NESTED_ERROR);
            }
            if (innerType != IcmpHeader.V4_ECHO_REQUEST && innerType != IcmpHeader.V4_ECHO_REPLY) {
                return ctx.drop(DropReason.ICMP_INNER_INVALID);
            }
        }
        // The outer rules would not have translated such a packet (ICMPv6 in IPv4, an IPv6-only protocol number),
        // so no error about it can concern an IPv6 node, and copied it would forge headers inside the quote.
        if (innerProtocol == IpProtocol.ICMPV6 || IpProtocol.isIpv6Only(innerProtocol)) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final boolean innerDstMapped = hairpinRules ? global.map46Pool6(innerDst, inner, 16)
            : ctx.mapping.map46(innerDst, inner, 16);
        if (!ctx.mapping.map46(innerSrc, inner, 0) || !innerDstMapped) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        if (newType == IcmpHeader.V6_PACKET_TOO_BIG) {
            final int advertised = b.getShort(icmp + IcmpHeader.V4_MTU_OFFSET, BIG_ENDIAN) & 0xFFFF;
            rest = mtuMath.packetTooBigMtu46(advertised, innerTotal, innerIsFragment);
        }

        // RFC 7915 §4.3: "The translation of the inner IP header can be done by invoking the function that
        // translated the outer IP headers." Except that the inner TTL is not decremented: it is what was sent.
        final long iSrcHi = inner.getLong(0, BIG_ENDIAN);
        final long iSrcLo = inner.getLong(8, BIG_ENDIAN);
        final long iDstHi = inner.getLong(16, BIG_ENDIAN);
        final long iDstLo = inner.getLong(24, BIG_ENDIAN);
        final int innerNext = innerProtocol == IpProtocol.ICMP ? IpProtocol.ICMPV6 : innerProtocol;
        final int innerHeader = Ipv6Header.LENGTH + (innerIsFragment ? Ipv6FragmentHeader.LENGTH : 0);
        final int innerTrafficClass = trafficClassZero ? 0 : b.getByte(original + Ipv4Header.TOS_OFFSET) & 0xFF;
        final int innerUpperLength = Math.max(0, innerTotal - innerIhl);
        Ipv6Header.write(out, OUT_INNER, innerTrafficClass, innerUpperLength + innerHeader - Ipv6Header.LENGTH,
            innerIsFragment ? IpProtocol.FRAGMENT : innerNext, b.getByte(original + Ipv4Header.TTL_OFFSET) & 0xFF,
            iSrcHi, iSrcLo, iDstHi, iDstLo);
        if (innerIsFragment) {
            Ipv6FragmentHeader.write(out, OUT_INNER + Ipv6Header.LENGTH, innerNext, innerFragmentOffset, innerMore,
                b.getShort(original + Ipv4Header.IDENTIFICATION_OFFSET, BIG_ENDIAN) & 0xFFFF);
        }
        final int innerPayload = OUT_INNER + innerHeader;
        // RFC 7915 §4.3 and RFC 4443 §2.4 (c): the result fits 1280 bytes; RFC 4884 decides what goes first.
        rfc4884.plan(innerHeader + innerPayloadPresent, carriesLength ? extensionLength : 0,
            IcmpErrorSender.IPV6_ERROR_MAX - OUT_INNER, Rfc4884.ICMPV6_UNIT);
        final int innerLength = rfc4884.inner;
        final int copied = innerLength - innerHeader;
        out.putBytes(innerPayload, b, original + innerIhl, copied);
        if (innerFragmentOffset == 0) {
            TransportChecksums.update46(out, innerPayload, copied, innerProtocol, innerUpperLength,
                Checksum.sumIpv4(innerSrc) + Checksum.sumIpv4(innerDst),
                Checksum.sumIpv6(iSrcHi, iSrcLo) + Checksum.sumIpv6(iDstHi, iDstLo));
        }

        int messageLength = IcmpHeader.LENGTH + innerLength;
        int lengthAttribute = 0;
        if (rfc4884.extension > 0) {
            // RFC 4884 §4.2: the original datagram field is zero-padded to a 64-bit boundary (at least 128 bytes)
            // and the length attribute counts 64-bit words; the extension follows unchanged.
            out.setMemory(OUT_INNER + innerLength, rfc4884.original - innerLength, (byte) 0);
            out.putBytes(OUT_INNER + rfc4884.original, b, original + originalLength, rfc4884.extension);
            messageLength = IcmpHeader.LENGTH + rfc4884.original + rfc4884.extension;
            lengthAttribute = rfc4884.original / Rfc4884.ICMPV6_UNIT;
        }
        out.putByte(OUT_ICMP + IcmpHeader.TYPE_OFFSET, (byte) newType);
        out.putByte(OUT_ICMP + IcmpHeader.CODE_OFFSET, (byte) newCode);
        out.putShort(OUT_ICMP + IcmpHeader.CHECKSUM_OFFSET, (short) 0, BIG_ENDIAN); // filled below
        if (carriesLength) {
            out.putInt(OUT_ICMP + IcmpHeader.REST_OFFSET, lengthAttribute << 24, BIG_ENDIAN);
        } else {
            out.putInt(OUT_ICMP + IcmpHeader.REST_OFFSET, rest, BIG_ENDIAN);
        }
        final long srcHi = outerAddresses.getLong(0, BIG_ENDIAN);
        final long srcLo = outerAddresses.getLong(8, BIG_ENDIAN);
        final long dstHi = outerAddresses.getLong(16, BIG_ENDIAN);
        final long dstLo = outerAddresses.getLong(24, BIG_ENDIAN);
        Ipv6Header.write(out, 0, trafficClass, messageLength, IpProtocol.ICMPV6, hopLimit, srcHi, srcLo, dstHi, dstLo);
        final long pseudo = Checksum.sumIpv6(srcHi, srcLo) + Checksum.sumIpv6(dstHi, dstLo) + messageLength
            + IpProtocol.ICMPV6;
        out.putShort(OUT_ICMP + IcmpHeader.CHECKSUM_OFFSET,
            (short) Checksum.finish(Checksum.sum(out, OUT_ICMP, messageLength, pseudo)), BIG_ENDIAN);
        ctx.counters.translated46(total);
        forward.emit(out, 0, Ipv6Header.LENGTH + messageLength);
        return 1;
    }

}
