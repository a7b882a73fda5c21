package io.xlat.core.translate;

import io.xlat.core.checksum.Checksum;
import io.xlat.core.packet.IcmpHeader;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.packet.TransportHeader;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Incremental (RFC 1624) updates of TCP, UDP and ICMP echo checksums when the IP header under them changes
 * family. The update needs only the header bytes, never the payload, so it serves both whole packets and the
 * truncated packet inside an ICMP error; a field that was cut off is left alone. A wrong checksum stays wrong.
 */
final class TransportChecksums {
    private TransportChecksums() {
    }

    /** Inner IPv4 to IPv6: addresses change, and an inner ICMPv4 echo becomes ICMPv6 with its pseudo-header. */
    static void update46(MutableDirectBuffer b, int l4, int present, int protocol, int upperLength,
        long removedAddresses, long addedAddresses) {
        switch (protocol) {
            case IpProtocol.TCP:
                if (present >= TransportHeader.TCP_CHECKSUM_OFFSET + 2) {
                    final int at = l4 + TransportHeader.TCP_CHECKSUM_OFFSET;
                    b.putShort(at, (short) Checksum.update(b.getShort(at, BIG_ENDIAN) & 0xFFFF, removedAddresses,
                        addedAddresses), BIG_ENDIAN);
                }
                break;
            case IpProtocol.UDP:
                if (present >= TransportHeader.UDP_CHECKSUM_OFFSET + 2) {
                    final int at = l4 + TransportHeader.UDP_CHECKSUM_OFFSET;
                    final int checksum = b.getShort(at, BIG_ENDIAN) & 0xFFFF;
                    // Zero means "no checksum": an IPv4 one is left for the caller's udp-zero-checksum policy, and
                    // an IPv6 one (RFC 6935 tunnels) stays zero, which IPv4 reads the same way.
                    if (checksum != 0) {
                        // RFC 768: a computed zero is sent as all ones; in IPv6 zero means "no checksum" (invalid).
                        final int updated = Checksum.update(checksum, removedAddresses, addedAddresses);
                        b.putShort(at, (short) (updated == 0 ? 0xFFFF : updated), BIG_ENDIAN);
                    }
                }
                break;
            case IpProtocol.ICMP:
                if (present >= IcmpHeader.CHECKSUM_OFFSET + 2) {
                    final int oldType = b.getByte(l4) & 0xFF;
                    final int newType = oldType == IcmpHeader.V4_ECHO_REQUEST ? IcmpHeader.V6_ECHO_REQUEST
                        : IcmpHeader.V6_ECHO_REPLY;
                    final int code = b.getByte(l4 + 1) & 0xFF;
                    final int at = l4 + IcmpHeader.CHECKSUM_OFFSET;
                    b.putByte(l4, (byte) newType);
                    b.putShort(at, (short) Checksum.update(b.getShort(at, BIG_ENDIAN) & 0xFFFF, (oldType << 8) | code,
                        ((newType << 8) | code) + addedAddresses + upperLength + IpProtocol.ICMPV6), BIG_ENDIAN);
                } else if (present >= 1) {
                    final int oldType = b.getByte(l4) & 0xFF;
                    b.putByte(l4, (byte) (oldType == IcmpHeader.V4_ECHO_REQUEST ? IcmpHeader.V6_ECHO_REQUEST
                        : IcmpHeader.V6_ECHO_REPLY));
                }
                break;
            default:
                break;
        }
    }

    /** Inner IPv6 to IPv4: addresses change, and an inner ICMPv6 echo becomes ICMPv4 without a pseudo-header. */
    static void update64(MutableDirectBuffer b, int l4, int present, int protocol, int upperLength,
        long removedAddresses, long addedAddresses) {
        switch (protocol) {
            case IpProtocol.TCP:
            case IpProtocol.UDP:
                update46(b, l4, present, protocol, upperLength, removedAddresses, addedAddresses);
                break;
            case IpProtocol.ICMPV6:
                if (present >= IcmpHeader.CHECKSUM_OFFSET + 2) {
                    final int oldType = b.getByte(l4) & 0xFF;
                    final int newType = oldType == IcmpHeader.V6_ECHO_REQUEST ? IcmpHeader.V4_ECHO_REQUEST
                        : IcmpHeader.V4_ECHO_REPLY;
                    final int code = b.getByte(l4 + 1) & 0xFF;
                    final int at = l4 + IcmpHeader.CHECKSUM_OFFSET;
                    b.putByte(l4, (byte) newType);
                    final int updated = Checksum.update(b.getShort(at, BIG_ENDIAN) & 0xFFFF,
                        ((oldType << 8) | code) + removedAddresses + upperLength + IpProtocol.ICMPV6,
                        (newType << 8) | code);
                    // The update yields 0x0000 where the sum of the other words is one's-complement zero; an
                    // ICMPv4 message has no pseudo-header, so that sum is 0 exactly when every other byte is zero
                    // (an Echo Reply with id 0, seq 0 and no data), and then only 0xFFFF verifies: RFC 1071, every word summed, checksum included, must fold to 0xFFFF.
                    b.putShort(at, (short) (updated == 0 && Checksum.isZeroExcept(b, l4, present, at) ? 0xFFFF
                        : updated), BIG_ENDIAN);
                } else if (present >= 1) {
                    final int oldType = b.getByte(l4) & 0xFF;
                    b.putByte(l4, (byte) (oldType == IcmpHeader.V6_ECHO_REQUEST ? IcmpHeader.V4_ECHO_REQUEST
                        : IcmpHeader.V4_ECHO_REPLY));
                }
                break;
            default:
                break;
        }
    }
}
