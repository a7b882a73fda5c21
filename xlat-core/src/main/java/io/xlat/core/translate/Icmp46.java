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
    /** RFC 4884 §4: the original datagram field, when an extension follows, is at least 128 bytes. */
    private static final int RFC4884_MIN_ORIGINAL = 128;

    private final AddressMapping global;
    private final Context ctx;
    private final MtuMath mtuMath;
    private final boolean trafficClassZero;
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
            return drop(DropReason.ICMP_BAD_CHECKSUM);
        }
        final int type = b.getByte(icmp) & 0xFF;
        final int code = b.getByte(icmp + 1) & 0xFF;
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
                    case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
                        newCode = 0;
                        break;
                    case 9: case 10: case 13: case 15:
                        newCode = 1;
                        break;
                    case 3:
                        newCode = 4;
                        break;
                    case 2:
                        newType = IcmpHeader.V6_PARAMETER_PROBLEM;
                        newCode = 1;
                        rest = Ipv6Header.NEXT_HEADER_OFFSET;
                        carriesLength = false;
                        break;
                    case 4:
                        newType = IcmpHeader.V6_PACKET_TOO_BIG;
                        newCode = 0;
                        carriesLength = false;
                        break;
                    default:
                        return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
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
                if (code != 0 && code != 2) {
                    return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                rest = ParameterProblemPointers.pointer46(b.getByte(icmp + IcmpHeader.REST_OFFSET) & 0xFF);
                if (rest < 0) {
                    return drop(DropReason.ICMP_PARAMETER_PROBLEM_POINTER);
                }
                newType = IcmpHeader.V6_PARAMETER_PROBLEM;
                newCode = 0;
                carriesLength = false;
                break;
            default:
                // RFC 7915 §4.2: "Source Quench (Type 4): Obsoleted in ICMPv6. Silently drop." Redirect (Type 5):
                // single-hop, "Silently drop." "Unknown ICMPv4 types: Silently drop."
                return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
        }

        // The original datagram, and an RFC 4884 extension after it when the length attribute says so.
        final int original = icmp + IcmpHeader.LENGTH;
        final int available = icmpLength - IcmpHeader.LENGTH;
        int originalLength = available;
        int extensionLength = 0;
        final int lengthWords = b.getByte(icmp + 5) & 0xFF;
        if (lengthWords != 0 && lengthWords * 4 <= available) {
            originalLength = lengthWords * 4;
            extensionLength = available - originalLength;
        }
        if (originalLength < Ipv4Header.MIN_LENGTH || (b.getByte(original) & 0xF0) != 0x40) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerIhl = (b.getByte(original) & 0xF) << 2;
        if (innerIhl < Ipv4Header.MIN_LENGTH || innerIhl > originalLength) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerTotal = b.getShort(original + Ipv4Header.TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int innerFlags = b.getShort(original + Ipv4Header.FLAGS_FRAGMENT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int innerFragmentOffset = innerFlags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean innerMore = (innerFlags & Ipv4Header.FLAG_MF) != 0;
        final boolean innerIsFragment = innerMore || innerFragmentOffset != 0;
        final int innerProtocol = b.getByte(original + Ipv4Header.PROTOCOL_OFFSET) & 0xFF;
        final int innerSrc = b.getInt(original + Ipv4Header.SOURCE_OFFSET, BIG_ENDIAN);
        final int innerDst = b.getInt(original + Ipv4Header.DESTINATION_OFFSET, BIG_ENDIAN);
        final int innerPayloadPresent = originalLength - innerIhl;
        if (innerProtocol == IpProtocol.ICMP && innerFragmentOffset == 0 && innerPayloadPresent > 0) {
            final int innerType = b.getByte(original + innerIhl) & 0xFF;
            // RFC 7915 §4.3: "This process MUST stop at the first embedded header and drop the packet if it
            // contains more embedded headers."
            if (IcmpHeader.isIcmpv4Error(innerType)) {
                return drop(DropReason.ICMP_NESTED_ERROR);
            }
            if (innerType != IcmpHeader.V4_ECHO_REQUEST && innerType != IcmpHeader.V4_ECHO_REPLY) {
                return drop(DropReason.ICMP_INNER_INVALID);
            }
        }
        if (innerProtocol == IpProtocol.ICMPV6) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final boolean innerDstMapped = hairpinRules ? global.map46Pool6(innerDst, inner, 16)
            : ctx.mapping.map46(innerDst, inner, 16);
        if (!ctx.mapping.map46(innerSrc, inner, 0) || !innerDstMapped) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        if (newType == IcmpHeader.V6_PACKET_TOO_BIG) {
            final int advertised = b.getShort(icmp + 6, BIG_ENDIAN) & 0xFFFF;
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
        final int maxInner = IcmpErrorSender.IPV6_ERROR_MAX - OUT_INNER;
        final int innerLength = Math.min(innerHeader + innerPayloadPresent, maxInner);
        final int copied = innerLength - innerHeader;
        out.putBytes(innerPayload, b, original + innerIhl, copied);
        if (innerFragmentOffset == 0) {
            TransportChecksums.update46(out, innerPayload, copied, innerProtocol, innerUpperLength,
                Checksum.sumIpv4(innerSrc) + Checksum.sumIpv4(innerDst),
                Checksum.sumIpv6(iSrcHi, iSrcLo) + Checksum.sumIpv6(iDstHi, iDstLo));
        }

        int messageLength = IcmpHeader.LENGTH + innerLength;
        int lengthAttribute = 0;
        if (extensionLength > 0 && carriesLength) {
            // RFC 4884 §4.1 / §5: the original datagram is zero-padded to a multiple of 8 bytes in ICMPv6 (of 4 in
            // ICMPv4) and the length attribute counts those units; when the extension no longer fits the 1280-byte
            // limit, the extension is dropped and the message sent without one.
            final int padded = Math.max(RFC4884_MIN_ORIGINAL, (innerLength + 7) & ~7);
            if (OUT_INNER + padded + extensionLength <= IcmpErrorSender.IPV6_ERROR_MAX && copied == innerPayloadPresent) {
                out.setMemory(OUT_INNER + innerLength, padded - innerLength, (byte) 0);
                out.putBytes(OUT_INNER + padded, b, original + originalLength, extensionLength);
                messageLength = IcmpHeader.LENGTH + padded + extensionLength;
                lengthAttribute = padded >> 3;
            }
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

    private int drop(DropReason reason) {
        ctx.counters.drop(reason);
        return 0;
    }
}
