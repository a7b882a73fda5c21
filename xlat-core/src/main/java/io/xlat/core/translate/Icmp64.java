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

    private final Context ctx;
    private final MtuMath mtuMath;
    private final IdentificationGenerator ids;
    private final int fixedTos;
    private final ExtensionHeaders innerChain = new ExtensionHeaders();
    private final Rfc4884 rfc4884 = new Rfc4884();
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
            return ctx.drop(DropReason.ICMP_BAD_CHECKSUM);
        }
        final int type = b.getByte(icmp) & 0xFF;
        final int code = b.getByte(icmp + IcmpHeader.CODE_OFFSET) & 0xFF;
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
                    case IcmpHeader.V6_NO_ROUTE:
                    case IcmpHeader.V6_BEYOND_SCOPE:
                    case IcmpHeader.V6_ADDRESS_UNREACHABLE:
                        newCode = IcmpHeader.V4_HOST_UNREACHABLE;
                        break;
                    case IcmpHeader.V6_ADMINISTRATIVELY_PROHIBITED:
                        newCode = IcmpHeader.V4_HOST_PROHIBITED;
                        break;
                    case IcmpHeader.V6_PORT_UNREACHABLE:
                        newCode = IcmpHeader.V4_PORT_UNREACHABLE;
                        break;
                    default:
                        return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                sourceHasLength = true;
                targetHasLength = true;
                break;
            case IcmpHeader.V6_PACKET_TOO_BIG:
                // RFC 7915 §5.2: "Packet Too Big (Type 2): Translate to an ICMPv4 Destination Unreachable (Type 3)
                // with Code 4, and adjust the ICMPv4 checksum both to take the type change into account and to
                // exclude the ICMPv6 pseudo-header."
                newType = IcmpHeader.V4_DEST_UNREACHABLE;
                newCode = IcmpHeader.V4_FRAGMENTATION_NEEDED;
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
                if (code == IcmpHeader.V6_ERRONEOUS_HEADER_FIELD) {
                    final int pointer = ParameterProblemPointers.pointer64(
                        b.getInt(icmp + IcmpHeader.REST_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL);
                    if (pointer < 0) {
                        return ctx.drop(DropReason.ICMP_PARAMETER_PROBLEM_POINTER);
                    }
                    newType = IcmpHeader.V4_PARAMETER_PROBLEM;
                    newCode = IcmpHeader.V4_POINTER_INDICATES_ERROR;
                    rest = pointer << 24;
                } else if (code == IcmpHeader.V6_UNRECOGNIZED_NEXT_HEADER) {
                    newType = IcmpHeader.V4_DEST_UNREACHABLE;
                    newCode = IcmpHeader.V4_PROTOCOL_UNREACHABLE;
                } else {
                    return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
                }
                break;
            default:
                // RFC 7915 §5.2: "Unknown error messages: Silently drop."
                return ctx.drop(DropReason.ICMP_UNTRANSLATABLE_TYPE);
        }

        final int original = icmp + IcmpHeader.LENGTH;
        rfc4884.read(sourceHasLength ? b.getByte(icmp + IcmpHeader.V6_LENGTH_OFFSET) & 0xFF : 0,
            Rfc4884.ICMPV6_UNIT, icmpLength - IcmpHeader.LENGTH);
        if (rfc4884.inconsistent) {
            ctx.counters.icmpExtensionIgnored();
        }
        final int originalLength = rfc4884.originalLength;
        final int extensionLength = rfc4884.extensionLength;
        if (originalLength < Ipv6Header.LENGTH || (b.getByte(original) & 0xF0) != 0x60) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerEnd = original + originalLength;
        if (innerChain.parse(b, original, innerEnd, b.getByte(original + Ipv6Header.NEXT_HEADER_OFFSET) & 0xFF)
            != null) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final int innerProtocol = innerChain.protocol;
        final int innerL4 = innerChain.upperLayer;
        final boolean innerHasFragment = innerChain.fragmentHeader >= 0;
        final int innerFragmentOffset = innerHasFragment ? Ipv6FragmentHeader.fragmentOffset(b, innerChain.fragmentHeader) : 0;
        final boolean innerMore = innerHasFragment && Ipv6FragmentHeader.moreFragments(b, innerChain.fragmentHeader);
        final int innerPayloadLength = b.getShort(original + Ipv6Header.PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        // With an extension, the original datagram field ends in zero padding when the datagram was shorter than
        // it: that is no part of the packet, and the translation pads to its own unit (RFC 4884 §4: the padding
        // is not data).
        final int innerPresent = extensionLength > 0
            ? Math.max(0, Math.min(innerEnd, original + Ipv6Header.LENGTH + innerPayloadLength) - innerL4)
            : innerEnd - innerL4;
        if (newType == IcmpHeader.V4_DEST_UNREACHABLE && newCode == 4) {
            rest = mtuMath.fragmentationNeededMtu64(b.getInt(icmp + IcmpHeader.REST_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL,
                innerHasFragment);
        }
        if (innerProtocol == IpProtocol.ICMPV6 && innerFragmentOffset == 0 && innerPresent > 0) {
            final int innerType = b.getByte(innerL4) & 0xFF;
            // RFC 7915 §5.3: "... translate the IPv6 header inside the ICMPv6 packet ... MUST stop at the first
            // embedded header and drop the packet if it contains more embedded headers."
            if (IcmpHeader.isIcmpv6Error(innerType)) {
                return ctx.drop(DropReason.ICMP_NESTED_ERROR);
            }
            if (innerType != IcmpHeader.V6_ECHO_REQUEST && innerType != IcmpHeader.V6_ECHO_REPLY) {
                return ctx.drop(DropReason.ICMP_INNER_INVALID);
            }
        }
        if (innerProtocol == IpProtocol.ICMP) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
        final long iSrcHi = b.getLong(original + Ipv6Header.SOURCE_OFFSET, BIG_ENDIAN);
        final long iSrcLo = b.getLong(original + Ipv6Header.SOURCE_OFFSET + 8, BIG_ENDIAN);
        final long iDstHi = b.getLong(original + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN);
        final long iDstLo = b.getLong(original + Ipv6Header.DESTINATION_OFFSET + 8, BIG_ENDIAN);
        final long iSrc4 = ctx.mapping.map64(iSrcHi, iSrcLo);
        final long iDst4 = ctx.mapping.map64(iDstHi, iDstLo);
        if (iSrc4 == AddressMapping.NO_MAPPING || iDst4 == AddressMapping.NO_MAPPING) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }

        // The inner IPv4 header, built as §5.1 builds an outer one but with the hop limit as it was sent.
        final int innerUpperLength = Math.max(0, innerPayloadLength - (innerL4 - original - Ipv6Header.LENGTH));
        final int innerTotal = Ipv4Header.MIN_LENGTH + innerUpperLength;
        // An IPv6 packet whose payload has no room in an IPv4 Total Length (16 bits) was never translated to
        // IPv4, so no IPv4 node sent it: the error cannot be about an IPv4 flow, and the field would wrap.
        if (innerTotal > Ipv4Header.MAX_TOTAL_LENGTH) {
            return ctx.drop(DropReason.ICMP_INNER_INVALID);
        }
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
        // RFC 7915 §5.3 and RFC 1812 §4.3.2.3: the result fits 576 bytes; RFC 4884 decides what goes first.
        rfc4884.plan(Ipv4Header.MIN_LENGTH + innerPresent, targetHasLength ? extensionLength : 0,
            IcmpErrorSender.IPV4_ERROR_MAX - (OUT_INNER - BASE), Rfc4884.ICMPV4_UNIT);
        final int innerLength = rfc4884.inner;
        final int copied = innerLength - Ipv4Header.MIN_LENGTH;
        out.putBytes(innerPayload, b, innerL4, copied);
        if (innerFragmentOffset == 0) {
            TransportChecksums.update64(out, innerPayload, copied, innerProtocol, innerUpperLength,
                Checksum.sumIpv6(iSrcHi, iSrcLo) + Checksum.sumIpv6(iDstHi, iDstLo),
                Checksum.sumIpv4((int) iSrc4) + Checksum.sumIpv4((int) iDst4));
        }

        int messageLength = IcmpHeader.LENGTH + innerLength;
        int lengthAttribute = 0;
        if (rfc4884.extension > 0) {
            // RFC 4884 §4.1: the original datagram field is zero-padded to a 32-bit boundary (at least 128 bytes)
            // and the length attribute counts 32-bit words; the extension follows unchanged.
            out.setMemory(OUT_INNER + innerLength, rfc4884.original - innerLength, (byte) 0);
            out.putBytes(OUT_INNER + rfc4884.original, b, innerEnd, rfc4884.extension);
            messageLength = IcmpHeader.LENGTH + rfc4884.original + rfc4884.extension;
            lengthAttribute = rfc4884.original / Rfc4884.ICMPV4_UNIT;
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

}
