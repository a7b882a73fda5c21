package io.xlat.tunio.agent;

import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One worker's side of TUN offloads ({@code dataplane.offload}): reads the {@link VirtioNetHeader} in front of a
 * packet, finishes a checksum the kernel left for later or tells the translator that the packet is a TCP
 * super-packet, and gives each packet the translator emits for it the header the kernel needs to cut it into
 * segments again. A super-packet goes through the translator once instead of once per segment, and through two
 * system calls instead of two per segment. Single-threaded; allocates nothing.
 */
final class Offloads {
    private static final int TCP_CHECKSUM_OFFSET = 16;
    private static final int UDP_CHECKSUM_OFFSET = 6;

    /** Whether the packet being translated is a super-packet. */
    private boolean superPacket;
    private int ecn;
    /** The translator of the packet being translated: it says how big the output's segments are. */
    private Translator translator;

    /**
     * Takes the header in the {@link VirtioNetHeader#LENGTH} bytes before {@code packet}.
     *
     * @return null to translate the packet, else why to drop it
     */
    DropReason accept(MutableDirectBuffer slot, int packet, int length, Translator translator) {
        final int at = packet - VirtioNetHeader.LENGTH;
        final int type = VirtioNetHeader.gsoType(slot, at);
        superPacket = false;
        this.translator = translator;
        translator.nextIsSuperPacket(0);
        // the checksum must lie behind the smallest IP header: never let the kernel's offsets reach into it
        final int minimalL3 = length > 0 && ((slot.getByte(packet) >> 4) & 0xF) == 6 ? 40 : 20;
        final int start = VirtioNetHeader.csumStart(slot, at);
        final int field = start + VirtioNetHeader.csumOffset(slot, at);
        final boolean partial = (VirtioNetHeader.flags(slot, at) & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        if (type == VirtioNetHeader.GSO_NONE) {
            if (partial) {
                if (field + 2 > length || start < minimalL3) {
                    return DropReason.TRUNCATED;
                }
                // what the kernel does before a device that cannot (skb_checksum_help): one pass, the field
                // holding the pseudo-header sum; the translator then sees an ordinary packet
                int checksum = Checksum.finish(Checksum.sum(slot, packet + start, length - start, 0));
                if (checksum == 0 && field - start == UDP_CHECKSUM_OFFSET) {
                    checksum = 0xFFFF; // RFC 768: zero would mean "no checksum"
                }
                slot.putShort(packet + field, (short) checksum, BIG_ENDIAN);
            }
            return null;
        }
        final int base = type & ~VirtioNetHeader.GSO_ECN;
        if ((base != VirtioNetHeader.GSO_TCPV4 && base != VirtioNetHeader.GSO_TCPV6) || !partial
            || field - start != TCP_CHECKSUM_OFFSET) {
            return DropReason.GSO_NOT_TCP;
        }
        final int gsoSize = VirtioNetHeader.gsoSize(slot, at);
        if (start + 20 > length || start < minimalL3 || gsoSize == 0) {
            return DropReason.GSO_NOT_TCP;
        }
        final int tcpHeader = ((slot.getByte(packet + start + 12) >> 4) & 0xF) * 4;
        ecn = type & VirtioNetHeader.GSO_ECN;
        superPacket = true;
        translator.nextIsSuperPacket(tcpHeader + gsoSize);
        return null;
    }

    /** The packet accepted last is done with (also when it was dropped before the translator saw it). */
    void done(Translator translator) {
        superPacket = false;
        translator.nextIsSuperPacket(0);
    }

    /**
     * Writes into {@code header} what goes in front of a packet the translator emitted for the packet accepted
     * last: a super-packet's TCP packet (translated or hairpinned) keeps its partial checksum and, when longer than
     * one segment, its segmentation; anything else (an ICMP error about it, an ordinary packet) is complete.
     */
    void header(MutableDirectBuffer header, DirectBuffer b, int offset, int length) {
        final int segment = superPacket ? translator.superPacketSegment() : 0;
        if (segment == 0 || length < 1) {
            VirtioNetHeader.writeNone(header, 0);
            return;
        }
        final int version = (b.getByte(offset) >> 4) & 0xF;
        final int l3;
        final int protocol;
        if (version == 4) {
            l3 = (b.getByte(offset) & 0xF) * 4;
            protocol = b.getByte(offset + 9) & 0xFF;
        } else {
            l3 = 40;
            protocol = length > 6 ? b.getByte(offset + 6) & 0xFF : -1;
        }
        if (protocol != IpProtocol.TCP || length < l3 + 20) {
            VirtioNetHeader.writeNone(header, 0);
            return;
        }
        final int tcpHeader = ((b.getByte(offset + l3 + 12) >> 4) & 0xF) * 4;
        final int headers = l3 + tcpHeader;
        final int gsoSize = segment - tcpHeader;
        final boolean segmented = length - headers > gsoSize;
        final int type = !segmented ? VirtioNetHeader.GSO_NONE
            : (version == 4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6) | ecn;
        VirtioNetHeader.write(header, 0, type, headers, segmented ? gsoSize : 0, l3, TCP_CHECKSUM_OFFSET);
    }
}
