package io.xlat.tunio.tun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * {@code struct virtio_net_hdr} (linux/virtio_net.h), the 10 bytes in front of every packet read from or written
 * to a TUN queue opened with {@code IFF_VNET_HDR}: how the kernel hands over a TCP super-packet (GSO) and a
 * checksum it left for later. Little-endian: a legacy virtio header is in the host's order, and xlat runs on
 * x86-64 and AArch64 only (see {@link LinuxNative}). Static accessors over a buffer offset, no instances.
 */
public final class VirtioNetHeader {
    public static final int LENGTH = 10;

    /** flags: the checksum at csum_start + csum_offset holds the pseudo-header sum; complete it over the rest. */
    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation (USO, Linux 6.2+): gso_size payload bytes per datagram, each with its own UDP header. */
    public static final int GSO_UDP_L4 = 5;
    /** Or-ed into gso_type: the segments carry ECN marks (CWR on the first only). */
    public static final int GSO_ECN = 0x80;

    private static final int FLAGS = 0;
    private static final int GSO_TYPE = 1;
    private static final int HDR_LEN = 2;
    private static final int GSO_SIZE = 4;
    private static final int CSUM_START = 6;
    private static final int CSUM_OFFSET = 8;

    private VirtioNetHeader() {
    }

    public static int flags(DirectBuffer b, int at) {
        return b.getByte(at + FLAGS) & 0xFF;
    }

    public static int gsoType(DirectBuffer b, int at) {
        return b.getByte(at + GSO_TYPE) & 0xFF;
    }

    public static int gsoSize(DirectBuffer b, int at) {
        return b.getShort(at + GSO_SIZE, LITTLE_ENDIAN) & 0xFFFF;
    }

    public static int csumStart(DirectBuffer b, int at) {
        return b.getShort(at + CSUM_START, LITTLE_ENDIAN) & 0xFFFF;
    }

    public static int csumOffset(DirectBuffer b, int at) {
        return b.getShort(at + CSUM_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** A header for an ordinary packet: no GSO, checksums complete. */
    public static void writeNone(MutableDirectBuffer b, int at) {
        b.putLong(at, 0L);
        b.putShort(at + 8, (short) 0);
    }

    /**
     * A header for a packet whose transport checksum field holds the pseudo-header sum, cut into segments of
     * {@code gsoSize} bytes of payload when {@code gsoType} is not {@link #GSO_NONE}.
     */
    public static void write(MutableDirectBuffer b, int at, int gsoType, int headerLength, int gsoSize, int csumStart,
        int csumOffset) {
        b.putByte(at + FLAGS, (byte) F_NEEDS_CSUM);
        b.putByte(at + GSO_TYPE, (byte) gsoType);
        b.putShort(at + HDR_LEN, (short) headerLength, LITTLE_ENDIAN);
        b.putShort(at + GSO_SIZE, (short) gsoSize, LITTLE_ENDIAN);
        b.putShort(at + CSUM_START, (short) csumStart, LITTLE_ENDIAN);
        b.putShort(at + CSUM_OFFSET, (short) csumOffset, LITTLE_ENDIAN);
    }
}
