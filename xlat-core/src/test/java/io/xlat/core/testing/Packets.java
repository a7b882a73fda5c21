package io.xlat.core.testing;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.checksum.Checksum;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Test-only packet construction and inspection: builds IPv4/IPv6 packets with correct checksums as byte arrays
 * so that tests read as "given this packet, expect that one". The one builder for every module's tests: tun-io
 * and control use it through xlat-core's test-jar, so a packet means the same bytes everywhere.
 */
public final class Packets {
    public static final int UDP = 17;

    private Packets() {
    }

    public static int v4(String text) {
        return Ipv4Addresses.parse(text);
    }

    public static byte[] v6(String text) {
        final long[] a = Ipv6Addresses.parse(text);
        return v6(a[0], a[1]);
    }

    public static byte[] v6(long hi, long lo) {
        final byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return out;
    }

    public static String formatV6(byte[] packet, int offset) {
        final UnsafeBuffer b = new UnsafeBuffer(packet);
        return Ipv6Addresses.format(b.getLong(offset, BIG_ENDIAN), b.getLong(offset + 8, BIG_ENDIAN));
    }

    /** A UDP header + payload with checksum left 0 (filled by the IP builders). */
    public static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
        final byte[] out = new byte[8 + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putShort(0, (short) sourcePort, BIG_ENDIAN);
        b.putShort(2, (short) destinationPort, BIG_ENDIAN);
        b.putShort(4, (short) out.length, BIG_ENDIAN);
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }

    /** A minimal TCP header (20 bytes, SYN) + payload, checksum 0. */
    public static byte[] tcp(int sourcePort, int destinationPort, byte[] payload) {
        final byte[] out = new byte[20 + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putShort(0, (short) sourcePort, BIG_ENDIAN);
        b.putShort(2, (short) destinationPort, BIG_ENDIAN);
        b.putInt(4, 0x01020304, BIG_ENDIAN);
        b.putByte(12, (byte) 0x50);
        b.putByte(13, (byte) 0x02);
        b.putShort(14, (short) 65535, BIG_ENDIAN);
        System.arraycopy(payload, 0, out, 20, payload.length);
        return out;
    }

    /** An ICMP/ICMPv6 message: type, code, checksum 0, the 4-byte rest field, body. */
    public static byte[] icmp(int type, int code, int rest, byte[] body) {
        final byte[] out = new byte[8 + body.length];
        final UnsafeBuffer b = new UnsafeBuffer(out);
        b.putByte(0, (byte) type);
        b.putByte(1, (byte) code);
        b.putInt(4, rest, BIG_ENDIAN);
        System.arraycopy(body, 0, out, 8, body.length);
        return out;
    }

    public static byte[] bytes(int length, int seed) {
        final byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (seed + i * 7);
        }
        return out;
    }

    /** 0, 1, 2, ...: a payload whose every byte says where it sits. */
    public static byte[] sequence(int length) {
        final byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    /** An IPv4 UDP packet (no options, DF) with correct header and UDP checksums. */
    public static byte[] ipv4Udp(String src, String dst, int ttl, int tos, int sport, int dport, byte[] payload) {
        return ipv4Udp(v4(src), v4(dst), ttl, tos, sport, dport, payload);
    }

    public static byte[] ipv4Udp(int src, int dst, int ttl, int tos, int sport, int dport, byte[] payload) {
        return ipv4().src(src).dst(dst).ttl(ttl).tos(tos).udp(udp(sport, dport, payload)).build();
    }

    /** An IPv6 UDP packet (no extension headers) with a correct UDP checksum. */
    public static byte[] ipv6Udp(String src, String dst, int hopLimit, int sport, int dport, byte[] payload) {
        return ipv6().src(src).dst(dst).hopLimit(hopLimit).udp(udp(sport, dport, payload)).build();
    }

    public static byte[] ipv6Udp(long srcHi, long srcLo, long dstHi, long dstLo, int hopLimit, int sport, int dport,
                                 byte[] payload) {
        return ipv6().src(srcHi, srcLo).dst(dstHi, dstLo).hopLimit(hopLimit).udp(udp(sport, dport, payload)).build();
    }

    /** Fluent IPv4 packet builder. */
    public static Ipv4 ipv4() {
        return new Ipv4();
    }

    /** Fluent IPv6 packet builder. */
    public static Ipv6 ipv6() {
        return new Ipv6();
    }

    public static final class Ipv4 {
        int tos;
        int id = 0x1234;
        int flags = 0x4000; // DF
        int ttl = 64;
        int protocol = 17;
        int src = v4("192.0.2.1");
        int dst = v4("198.51.100.2");
        byte[] options = new byte[0];
        byte[] payload = Packets.udp(1000, 2000, bytes(16, 1));
        boolean fillChecksum = true;
        boolean badHeaderChecksum;
        Integer totalLengthOverride;

        public Ipv4 tos(int v) { tos = v; return this; }
        public Ipv4 id(int v) { id = v; return this; }
        /** The whole flags + fragment offset word, e.g. 0x4000 for DF, 0x2000 | offset for MF. */
        public Ipv4 flags(int v) { flags = v; return this; }
        public Ipv4 ttl(int v) { ttl = v; return this; }
        public Ipv4 protocol(int v) { protocol = v; return this; }
        public Ipv4 src(String v) { src = v4(v); return this; }
        public Ipv4 dst(String v) { dst = v4(v); return this; }
        public Ipv4 src(int v) { src = v; return this; }
        public Ipv4 dst(int v) { dst = v; return this; }
        public Ipv4 options(byte[] v) { options = v; return this; }
        public Ipv4 udp(byte[] v) { protocol = 17; payload = v; return this; }
        public Ipv4 tcp(byte[] v) { protocol = 6; payload = v; return this; }
        public Ipv4 icmp(byte[] v) { protocol = 1; payload = v; return this; }
        public Ipv4 payload(int proto, byte[] v) { protocol = proto; payload = v; return this; }
        /** Leave the transport checksum as given in the payload bytes. */
        public Ipv4 rawTransportChecksum() { fillChecksum = false; return this; }
        public Ipv4 badHeaderChecksum() { badHeaderChecksum = true; return this; }
        public Ipv4 totalLength(int v) { totalLengthOverride = v; return this; }

        public byte[] build() {
            final int ihl = 20 + options.length;
            final byte[] out = new byte[ihl + payload.length];
            final UnsafeBuffer b = new UnsafeBuffer(out);
            b.putByte(0, (byte) (0x40 | (ihl / 4)));
            b.putByte(1, (byte) tos);
            b.putShort(2, (short) (totalLengthOverride != null ? totalLengthOverride : out.length), BIG_ENDIAN);
            b.putShort(4, (short) id, BIG_ENDIAN);
            b.putShort(6, (short) flags, BIG_ENDIAN);
            b.putByte(8, (byte) ttl);
            b.putByte(9, (byte) protocol);
            b.putInt(12, src, BIG_ENDIAN);
            b.putInt(16, dst, BIG_ENDIAN);
            System.arraycopy(options, 0, out, 20, options.length);
            System.arraycopy(payload, 0, out, ihl, payload.length);
            b.putShort(10, (short) (Checksum.compute(b, 0, ihl) ^ (badHeaderChecksum ? 0x0101 : 0)), BIG_ENDIAN);
            final boolean firstFragment = (flags & 0x1FFF) == 0;
            if (fillChecksum && firstFragment) {
                fillTransportChecksum4(b, ihl, payload.length, protocol, src, dst);
            }
            return out;
        }
    }

    static void fillTransportChecksum4(UnsafeBuffer b, int l4, int length, int protocol, int src, int dst) {
        final long pseudo = Checksum.sumIpv4(src) + Checksum.sumIpv4(dst) + length + protocol;
        switch (protocol) {
            case 17 -> {
                b.putShort(l4 + 6, (short) 0, BIG_ENDIAN);
                final int c = Checksum.finish(Checksum.sum(b, l4, length, pseudo));
                b.putShort(l4 + 6, (short) (c == 0 ? 0xFFFF : c), BIG_ENDIAN);
            }
            case 6 -> {
                b.putShort(l4 + 16, (short) 0, BIG_ENDIAN);
                b.putShort(l4 + 16, (short) Checksum.finish(Checksum.sum(b, l4, length, pseudo)), BIG_ENDIAN);
            }
            case 1 -> {
                b.putShort(l4 + 2, (short) 0, BIG_ENDIAN);
                b.putShort(l4 + 2, (short) Checksum.compute(b, l4, length), BIG_ENDIAN);
            }
            default -> { }
        }
    }

    public static final class Ipv6 {
        int trafficClass;
        int flowLabel;
        int hopLimit = 64;
        byte[] src = v6("2001:db8:64::c000:201");
        byte[] dst = v6("2001:db8:64::c633:6402");
        int protocol = 17;
        final ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        int firstNextHeader = -1;
        int lastExtensionNextHeaderIndex = -1;
        byte[] payload = Packets.udp(1000, 2000, bytes(16, 1));
        boolean fillChecksum = true;
        boolean nonFirstFragment;

        public Ipv6 trafficClass(int v) { trafficClass = v; return this; }
        public Ipv6 flowLabel(int v) { flowLabel = v; return this; }
        public Ipv6 hopLimit(int v) { hopLimit = v; return this; }
        public Ipv6 src(String v) { src = v6(v); return this; }
        public Ipv6 dst(String v) { dst = v6(v); return this; }
        public Ipv6 src(long hi, long lo) { src = v6(hi, lo); return this; }
        public Ipv6 dst(long hi, long lo) { dst = v6(hi, lo); return this; }
        public Ipv6 udp(byte[] v) { protocol = 17; payload = v; return this; }
        public Ipv6 tcp(byte[] v) { protocol = 6; payload = v; return this; }
        public Ipv6 icmpv6(byte[] v) { protocol = 58; payload = v; return this; }
        public Ipv6 payload(int proto, byte[] v) { protocol = proto; payload = v; return this; }
        public Ipv6 rawTransportChecksum() { fillChecksum = false; return this; }

        /** Appends an options-style extension header (HBH 0, routing 43, dest opts 60) of 8 bytes. */
        public Ipv6 extension(int type, int segmentsLeft) {
            final byte[] h = new byte[8];
            h[1] = 0;
            if (type == 43) {
                h[2] = 0; // routing type 0
                h[3] = (byte) segmentsLeft;
            } else {
                h[2] = 1; // PadN
                h[3] = 4;
            }
            appendExtension(type, h);
            return this;
        }

        public Ipv6 fragment(int offsetUnits, boolean more, int identification) {
            final byte[] h = new byte[8];
            final UnsafeBuffer b = new UnsafeBuffer(h);
            b.putShort(2, (short) ((offsetUnits << 3) | (more ? 1 : 0)), BIG_ENDIAN);
            b.putInt(4, identification, BIG_ENDIAN);
            appendExtension(44, h);
            nonFirstFragment = offsetUnits != 0;
            return this;
        }

        private void appendExtension(int type, byte[] header) {
            final byte[] sofar = extensions.toByteArray();
            if (firstNextHeader < 0) {
                firstNextHeader = type;
            } else {
                sofar[lastExtensionNextHeaderIndex] = (byte) type;
                extensions.reset();
                extensions.writeBytes(sofar);
            }
            lastExtensionNextHeaderIndex = sofar.length;
            extensions.writeBytes(header);
        }

        public byte[] build() {
            final byte[] ext = extensions.toByteArray();
            if (lastExtensionNextHeaderIndex >= 0) {
                ext[lastExtensionNextHeaderIndex] = (byte) protocol;
            }
            final byte[] out = new byte[40 + ext.length + payload.length];
            final UnsafeBuffer b = new UnsafeBuffer(out);
            b.putInt(0, 0x6000_0000 | (trafficClass << 20) | flowLabel, BIG_ENDIAN);
            b.putShort(4, (short) (ext.length + payload.length), BIG_ENDIAN);
            b.putByte(6, (byte) (firstNextHeader >= 0 ? firstNextHeader : protocol));
            b.putByte(7, (byte) hopLimit);
            System.arraycopy(src, 0, out, 8, 16);
            System.arraycopy(dst, 0, out, 24, 16);
            System.arraycopy(ext, 0, out, 40, ext.length);
            final int l4 = 40 + ext.length;
            System.arraycopy(payload, 0, out, l4, payload.length);
            if (fillChecksum && !nonFirstFragment) {
                fillTransportChecksum6(b, l4, payload.length, protocol);
            }
            return out;
        }
    }

    static void fillTransportChecksum6(UnsafeBuffer b, int l4, int length, int protocol) {
        final long pseudo = Checksum.sum(b, 8, 32, 0) + length + protocol;
        final int at = switch (protocol) {
            case 17 -> 6;
            case 6 -> 16;
            case 58 -> 2;
            default -> -1;
        };
        if (at < 0) {
            return;
        }
        b.putShort(l4 + at, (short) 0, BIG_ENDIAN);
        final int c = Checksum.finish(Checksum.sum(b, l4, length, pseudo));
        b.putShort(l4 + at, (short) (protocol == 17 && c == 0 ? 0xFFFF : c), BIG_ENDIAN);
    }

    /** True when the transport checksum of an unfragmented IPv6 packet (no extension headers) verifies. */
    public static boolean transportChecksumValid6(byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(packet);
        final int length = b.getShort(4, BIG_ENDIAN) & 0xFFFF;
        final int protocol = b.getByte(6) & 0xFF;
        final long pseudo = Checksum.sum(b, 8, 32, 0) + length + protocol;
        return Checksum.fold(Checksum.sum(b, 40, length, pseudo)) == 0xFFFF;
    }

    /** True when the transport checksum of an unfragmented IPv4 packet verifies (ICMP has no pseudo-header). */
    public static boolean transportChecksumValid4(byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(packet);
        final int ihl = (b.getByte(0) & 0xF) * 4;
        final int length = (b.getShort(2, BIG_ENDIAN) & 0xFFFF) - ihl;
        final int protocol = b.getByte(9) & 0xFF;
        final long pseudo = protocol == 1 ? 0 : Checksum.sumIpv4(b.getInt(12, BIG_ENDIAN))
            + Checksum.sumIpv4(b.getInt(16, BIG_ENDIAN)) + length + protocol;
        return Checksum.fold(Checksum.sum(b, ihl, length, pseudo)) == 0xFFFF;
    }

    public static boolean headerChecksumValid4(byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(packet);
        return Checksum.fold(Checksum.sum(b, 0, (b.getByte(0) & 0xF) * 4, 0)) == 0xFFFF;
    }

    /** The RFC 1071 checksum of a range starting from a partial sum: 0 over a range holding a correct checksum. */
    public static int checksum(byte[] p, int offset, int length, long initial) {
        return Checksum.finish(Checksum.sum(new UnsafeBuffer(p), offset, length, initial));
    }

    /** The IPv4 pseudo-header sum (RFC 768) of a packet without options, for its protocol and l4Length. */
    public static long ipv4PseudoHeaderSum(byte[] p, int l4Length) {
        return Checksum.sum(new UnsafeBuffer(p), 12, 8, 0) + u8(p, 9) + l4Length;
    }

    /** The IPv6 pseudo-header sum (RFC 8200 §8.1) of a packet without extension headers. */
    public static long ipv6PseudoHeaderSum(byte[] p, int l4Length) {
        return Checksum.sum(new UnsafeBuffer(p), 8, 32, 0) + u8(p, 6) + l4Length;
    }

    public static int u8(byte[] p, int i) {
        return p[i] & 0xFF;
    }

    public static int u16(byte[] p, int i) {
        return ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
    }

    public static long u32(byte[] p, int i) {
        return ((long) u16(p, i) << 16) | u16(p, i + 2);
    }

    public static long u64(byte[] p, int i) {
        return (u32(p, i) << 32) | u32(p, i + 4);
    }

    public static byte[] copy(DirectBuffer b, int offset, int length) {
        final byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    public static UnsafeBuffer direct(int capacity) {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
    }
}
