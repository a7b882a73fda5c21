package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Finds the IP packet inside a captured frame of one of the {@link LinkType}s. Reusable and allocation-free:
 * {@link #decode} returns a verdict and leaves the packet's place in {@link #ipOffset()} / {@link #ipLength()}.
 *
 * <p>Frames from Ethernet and the Linux cooked headers are trimmed to the length the IP header states, because
 * Ethernet pads short frames to 60 bytes and may keep a trailing FCS; raw IP records are passed on untouched so
 * that whatever the capture holds reaches the translator's own checks.
 */
public final class LinkLayerDecoder {

    /** The record holds an IPv4 or IPv6 packet (not checked further for the raw link types). */
    public static final int IP = 0;
    /** Another protocol (ARP, LLDP, an 802.3 length frame...): skipped. */
    public static final int NOT_IP = 1;
    /** The link-layer header itself is cut short. */
    public static final int TRUNCATED = 2;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88A8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;

    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int VLAN_TAG_LENGTH = 4;
    static final int SLL_HEADER_LENGTH = 16;
    static final int SLL_PROTOCOL_OFFSET = 14;
    static final int SLL2_HEADER_LENGTH = 20;
    static final int SLL2_PROTOCOL_OFFSET = 0;
    /** Linux ARPHRD_NETLINK: the cooked protocol field then holds a netlink family, not an EtherType. */
    static final int ARPHRD_NETLINK = 824;
    static final int SLL_ARPHRD_OFFSET = 2;
    static final int SLL2_ARPHRD_OFFSET = 8;

    private int ipOffset;
    private int ipLength;

    /**
     * @return {@link #IP}, {@link #NOT_IP} or {@link #TRUNCATED}; unsupported link types give NOT_IP
     */
    public int decode(int linkType, DirectBuffer buffer, int offset, int length) {
        switch (linkType) {
            case LinkType.RAW:
            case LinkType.IPV4:
            case LinkType.IPV6:
                ipOffset = offset;
                ipLength = length;
                return IP;
            case LinkType.ETHERNET:
                if (length < ETHERNET_HEADER_LENGTH) {
                    return TRUNCATED;
                }
                return etherType(buffer, offset + ETHERNET_HEADER_LENGTH - 2, offset + length);
            case LinkType.LINUX_SLL:
                if (length < SLL_HEADER_LENGTH) {
                    return TRUNCATED;
                }
                if (u16(buffer, offset + SLL_ARPHRD_OFFSET) == ARPHRD_NETLINK) {
                    return NOT_IP;
                }
                return etherType(buffer, offset + SLL_PROTOCOL_OFFSET, offset + length);
            case LinkType.LINUX_SLL2:
                if (length < SLL2_HEADER_LENGTH) {
                    return TRUNCATED;
                }
                if (u16(buffer, offset + SLL2_ARPHRD_OFFSET) == ARPHRD_NETLINK) {
                    return NOT_IP;
                }
                return etherTypeAt(buffer, u16(buffer, offset + SLL2_PROTOCOL_OFFSET), offset + SLL2_HEADER_LENGTH,
                    offset + length);
            default:
                return NOT_IP;
        }
    }

    /** Reads the EtherType at {@code typeOffset}; the payload follows it directly. */
    private int etherType(DirectBuffer buffer, int typeOffset, int end) {
        return etherTypeAt(buffer, u16(buffer, typeOffset), typeOffset + 2, end);
    }

    private int etherTypeAt(DirectBuffer buffer, int etherType, int payloadOffset, int end) {
        int type = etherType;
        int p = payloadOffset;
        // each 802.1Q / 802.1ad tag is TCI (2 bytes) then the next EtherType (2 bytes)
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (end - p < VLAN_TAG_LENGTH) {
                return TRUNCATED;
            }
            type = u16(buffer, p + 2);
            p += VLAN_TAG_LENGTH;
        }
        if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
            return NOT_IP;
        }
        ipOffset = p;
        ipLength = trimmedLength(buffer, p, end - p);
        return IP;
    }

    /** The length stated by the IP header when it is plausible and shorter than what was captured. */
    private static int trimmedLength(DirectBuffer buffer, int offset, int available) {
        if (available < 1) {
            return available;
        }
        final int version = (buffer.getByte(offset) >> 4) & 0xF;
        if (version == 4 && available >= 20) {
            final int totalLength = u16(buffer, offset + 2);
            return totalLength >= 20 && totalLength < available ? totalLength : available;
        }
        if (version == 6 && available >= 40) {
            final int payloadLength = u16(buffer, offset + 4);
            // payload length 0 may mean a jumbogram: leave it to the translator
            return payloadLength != 0 && 40 + payloadLength < available ? 40 + payloadLength : available;
        }
        return available;
    }

    private static int u16(DirectBuffer buffer, int offset) {
        return buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Offset of the IP header after a successful {@link #decode}. */
    public int ipOffset() {
        return ipOffset;
    }

    /** Length of the IP packet after a successful {@link #decode}. */
    public int ipLength() {
        return ipLength;
    }
}
