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

/** RFC 7915 sections 5.2 and 5.3: ICMPv6 error messages to ICMPv4, with the packet inside translated too. */
final class Icmp64 {
    /** Where the result starts in {@link #buffer()}: headroom for an intrinsic hairpin back to IPv6. */
    static final int BASE = 64;
    private static final int OUT_ICMP = BASE + Ipv4Header.MIN_LENGTH;
    private static final int OUT_INNER = OUT_ICMP + IcmpHeader.LENGTH;
    private static final int RFC4884_MIN_ORIGINAL = 128;

    private final Context ctx;
    private final MtuMath mtuMath;
    private final IdentificationGenerator ids;
    private final int fixedTos;
    private final ExtensionHeaders innerChain = new ExtensionHeaders();
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(BASE + 2048));

    Icmp64(Context ctx, MtuMath mtuMath, IdentificationGenerator ids, int fixedTos) {
        this.ctx = ctx;
        this.mtuMath = mtuMath;
        this.ids = ids;
        this.fixedTos = fixedTos;
    }

    /** The buffer holding the last translated error, at {@link #BASE}. */
    UnsafeBuffer buffer() {
        return out;
    }

    /** @return the length of the ICMPv4 packet written at {@link #BASE} of {@link #buffer()}, or 0 when dropped */
    int translateError(MutableDirectBuffer b, int off, int icmp, int icmpLength, int src4, int dst4, int ttl,
        int tos) {
        final long srcHi = b.getLong(off + Ipv6Header.SOURCE_OFFSET, BIG_ENDIAN);
        final long srcLo = b.getLong(off + Ipv6Header.SOURCE_OFFSET + 8, BIG_ENDIAN);
        final long dstHi = b.getLong(off + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN);
        final long dstLo = b.getLong(off + Ipv6Header.DESTINATION_OFFSET + 8, BIG_ENDIAN);
        final long pseudo = Checksum.sumIpv6(srcHi, srcLo) + Checksum.sumIpv6(dstHi, dstLo) + icmpLength
            + IpProtocol.ICMPV6;
        // The checksum is recomputed below, so verify it first: a corrupt error must not become a valid one.
        if (Checksum.fold(Checksum.sum(b, icmp, icmpLength, pseudo)) != 0xFFFF) {
            return drop(DropReason.ICMP_BAD_CHECKSUM);
        }
        final int type = b.getByte(icmp) & 0xFF;
        final int code = b.getByte(icmp + 1) & 0xFF;
        final int newType;
        final int newCode;
        int rest = 0;
        boolean sourceHasLength = false; // RFC 4884 length attribute in the ICMPv6 error (types 1 and 3)
        boolean targetHasLength = false; // ... and room for one in the ICMPv4 result (types 3 and 11)
        switch (type) {
            case IcmpHeader.V6_DEST_UNREACHABLE:
                // RFC 7915 §5.2: Code 0 (no route) -> 3/1 (host unreachable); Code 1 (administratively prohibited)
                // -> 3/10; Code 2 (beyond scope) -> 3/1; Code 3 (address unreachable) -> 3/1; Code 4 (port
                // unreachable) -> 3/3; "Other Code values: Silently drop."
                newType = IcmpHeader.V4_DEST_UNREACHABLE;
                switch (code) {
                    case 0: case 2: case 3:
                        newCode = 1;
                        break;
                    case 1:
                        newCode = 10;
                        break;
                    case 4:
                        newCode = 3;
                        break;
                    default:
                        return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                sourceHasLength = true;
                targetHasLength = true;
                break;
            case IcmpHeader.V6_PACKET_TOO_BIG:
                // RFC 7915 §5.2: "Packet Too Big (Type 2): Translate to an ICMPv4 Destination Unreachable (Type 3)
                // with Code 4, and adjust the ICMPv4 checksum both to take the type change into account and to
                // exclude the ICMPv6 pseudo-header."
                newType = IcmpHeader.V4_DEST_UNREACHABLE;
                newCode = 4;
                rest = -1; // computed below, once we know whether the packet in error carried a Fragment header
                break;
            case IcmpHeader.V6_TIME_EXCEEDED:
                // RFC 7915 §5.2: "Time Exceeded (Type 3): Set the Type to 11, and adjust the ICMPv4 checksum ...
                // The Code is unchanged."
                newType = IcmpHeader.V4_TIME_EXCEEDED;
                newCode = code;
                sourceHasLength = true;
                targetHasLength = true;
                break;
            case IcmpHeader.V6_PARAMETER_PROBLEM:
                // RFC 7915 §5.2: Code 0 -> 12/0 with the pointer translated by Figure 6; Code 1 (unrecognized Next
                // Header) -> 3/2 (protocol unreachable); "Code 2 (Unrecognized IPv6 Option Encountered): Silently
                // drop."
                if (code == 0) {
                    final int pointer = ParameterProblemPointers.pointer64(
                        b.getInt(icmp + IcmpHeader.REST_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL);
                    if (pointer < 0) {
                        return drop(DropReason.ICMP_PARAMETER_PROBLEM_POINTER);
                    }
                    newType = IcmpHeader.V4_PARAMETER_PROBLEM;
                    newCode = 0;
                    rest = pointer << 24;
                } else if (code == 1) {
                    newType = IcmpHeader.V4_DEST_UNREACHABLE;
                    newCode = 2;
                } else {
                    return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                break;
            default:
                // RFC 7915 §5.2: "Unknown error messages: Silently drop."
                return drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
        }

        final int original = icmp + IcmpHeader.LENGTH;
        final int available = icmpLength - IcmpHeader.LENGTH;
        int originalLength = available;
        int extensionLength = 0;
        if (sourceHasLength) {
            final int lengthWords = b.getByte(icmp + IcmpHeader.REST_OFFSET) & 0xFF;
            if (lengthWords != 0 && lengthWords * 8 <= available) {
                originalLength = lengthWords * 8;
                extensionLength = available - originalLength;
            }
        }
        if (originalLength < Ipv6Header.LENGTH || (b.getByte(original) & 0xF0) != 0x60) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerEnd = original + originalLength;
        if (innerChain.parse(b, original, innerEnd, b.getByte(original + Ipv6Header.NEXT_HEADER_OFFSET) & 0xFF)
            != null) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerProtocol = innerChain.protocol;
        final int innerL4 = innerChain.upperLayer;
        final boolean innerHasFragment = innerChain.fragmentHeader >= 0;
        final int innerFragmentOffset = innerHasFragment ? Ipv6FragmentHeader.fragmentOffset(b, innerChain.fragmentHeader) : 0;
        final boolean innerMore = innerHasFragment && Ipv6FragmentHeader.moreFragments(b, innerChain.fragmentHeader);
        final int innerPresent = innerEnd - innerL4;
        if (newType == IcmpHeader.V4_DEST_UNREACHABLE && newCode == 4) {
            rest = mtuMath.fragmentationNeededMtu64(b.getInt(icmp + IcmpHeader.REST_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL,
                innerHasFragment);
        }
        if (innerProtocol == IpProtocol.ICMPV6 && innerFragmentOffset == 0 && innerPresent > 0) {
            final int innerType = b.getByte(innerL4) & 0xFF;
            // RFC 7915 §5.3: "... translate the IPv6 header inside the ICMPv6 packet ... MUST stop at the first
            // embedded header and drop the packet if it contains more embedded headers."
            if (IcmpHeader.isIcmpv6Error(innerType)) {
                return drop(DropReason.ICMP_NESTED_ERROR);
            }
            if (innerType != IcmpHeader.V6_ECHO_REQUEST && innerType != IcmpHeader.V6_ECHO_REPLY) {
                return drop(DropReason.ICMP_INNER_INVALID);
            }
        }
        if (innerProtocol == IpProtocol.ICMP) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }
        final long iSrcHi = b.getLong(original + Ipv6Header.SOURCE_OFFSET, BIG_ENDIAN);
        final long iSrcLo = b.getLong(original + Ipv6Header.SOURCE_OFFSET + 8, BIG_ENDIAN);
        final long iDstHi = b.getLong(original + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN);
        final long iDstLo = b.getLong(original + Ipv6Header.DESTINATION_OFFSET + 8, BIG_ENDIAN);
        final long iSrc4 = ctx.mapping.map64(iSrcHi, iSrcLo);
        final long iDst4 = ctx.mapping.map64(iDstHi, iDstLo);
        if (iSrc4 == AddressMapping.NO_MAPPING || iDst4 == AddressMapping.NO_MAPPING) {
            return drop(DropReason.ICMP_INNER_INVALID);
        }

        // The inner IPv4 header, built as §5.1 builds an outer one but with the hop limit as it was sent.
        final int innerPayloadLength = b.getShort(original + Ipv6Header.PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int innerUpperLength = Math.max(0, innerPayloadLength - (innerL4 - original - Ipv6Header.LENGTH));
        final int innerTotal = Ipv4Header.MIN_LENGTH + innerUpperLength;
        final int innerFlags;
        final int innerId;
        if (innerHasFragment) {
            innerFlags = (innerMore ? Ipv4Header.FLAG_MF : 0) | innerFragmentOffset;
            innerId = Ipv6FragmentHeader.identification(b, innerChain.fragmentHeader) & 0xFFFF;
        } else {
            // The original IPv4 datagram's id is not recoverable; 0 with the §5.1 DF rule.
            innerFlags = innerTotal > Translator64.DF_THRESHOLD ? Ipv4Header.FLAG_DF : 0;
            innerId = 0;
        }
        final int innerTos = fixedTos < 0 ? (b.getShort(original, BIG_ENDIAN) >> 4) & 0xFF : fixedTos;
        Ipv4Header.writeWithChecksum(out, OUT_INNER, innerTos, innerTotal, innerId, innerFlags,
            b.getByte(original + Ipv6Header.HOP_LIMIT_OFFSET) & 0xFF,
            innerProtocol == IpProtocol.ICMPV6 ? IpProtocol.ICMP : innerProtocol, (int) iSrc4, (int) iDst4);
        final int innerPayload = OUT_INNER + Ipv4Header.MIN_LENGTH;
        final int maxInner = IcmpErrorSender.IPV4_ERROR_MAX - (OUT_INNER - BASE);
        final int innerLength = Math.min(Ipv4Header.MIN_LENGTH + innerPresent, maxInner);
        final int copied = innerLength - Ipv4Header.MIN_LENGTH;
        out.putBytes(innerPayload, b, innerL4, copied);
        if (innerFragmentOffset == 0) {
            TransportChecksums.update64(out, innerPayload, copied, innerProtocol, innerUpperLength,
                Checksum.sumIpv6(iSrcHi, iSrcLo) + Checksum.sumIpv6(iDstHi, iDstLo),
                Checksum.sumIpv4((int) iSrc4) + Checksum.sumIpv4((int) iDst4));
        }

        int messageLength = IcmpHeader.LENGTH + innerLength;
        int lengthAttribute = 0;
        if (extensionLength > 0 && targetHasLength) {
            // RFC 4884 §5: the ICMPv4 original datagram field is padded to a 32-bit boundary (and at least 128
            // bytes); without room under 576 bytes the extension is dropped.
            final int padded = Math.max(RFC4884_MIN_ORIGINAL, (innerLength + 3) & ~3);
            if (OUT_INNER - BASE + padded + extensionLength <= IcmpErrorSender.IPV4_ERROR_MAX && copied == innerPresent) {
                out.setMemory(OUT_INNER + innerLength, padded - innerLength, (byte) 0);
                out.putBytes(OUT_INNER + padded, b, innerEnd, extensionLength);
                messageLength = IcmpHeader.LENGTH + padded + extensionLength;
                lengthAttribute = padded >> 2;
            }
        }
        out.putByte(OUT_ICMP + IcmpHeader.TYPE_OFFSET, (byte) newType);
        out.putByte(OUT_ICMP + IcmpHeader.CODE_OFFSET, (byte) newCode);
        out.putShort(OUT_ICMP + IcmpHeader.CHECKSUM_OFFSET, (short) 0, BIG_ENDIAN); // filled below
        out.putInt(OUT_ICMP + IcmpHeader.REST_OFFSET, rest | (lengthAttribute << 16), BIG_ENDIAN);
        out.putShort(OUT_ICMP + IcmpHeader.CHECKSUM_OFFSET,
            (short) Checksum.compute(out, OUT_ICMP, messageLength), BIG_ENDIAN);
        final int total = Ipv4Header.MIN_LENGTH + messageLength;
        Ipv4Header.writeWithChecksum(out, BASE, tos, total, ids.next(src4, dst4), 0, ttl, IpProtocol.ICMP, src4, dst4);
        ctx.counters.translated64(icmp - off + icmpLength);
        return total;
    }

    private int drop(DropReason reason) {
        ctx.counters.drop(reason);
        return 0;
    }
}
