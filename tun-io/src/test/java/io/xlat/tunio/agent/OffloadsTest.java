package io.xlat.tunio.agent;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The virtio-net header both ways: what a read's header makes of the packet, and what each output gets. */
class OffloadsTest {
    private static final int CLIENT = Ipv4Addresses.parse("192.0.2.1");
    private static final int SERVER = Ipv4Addresses.parse("198.51.100.2");
    private static final int AT = Translator.HEADROOM;
    private static final int MSS = 1460;

    private final TranslatorConfig config = TranslatorConfig.builder()
        .pool6(Ipv6Prefix.parse("2001:db8:64::/96")).ipv4Mtu(1500).ipv6Mtu(1520).build();
    private final DropCounters drops = new DropCounters();
    private final Translator translator = new Translator(config, drops);
    private final Offloads offloads = new Offloads();
    private final UnsafeBuffer slot = new UnsafeBuffer(BufferUtil.allocateDirectAligned(AT + 70_000, 64));
    private final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16, 16));
    private final List<byte[]> out = new ArrayList<>();

    /** An IPv4 TCP packet at {@link #AT} with DF, its checksum field holding the pseudo-header's partial sum. */
    private int tcp4(int payload) {
        final int length = 20 + 20 + payload;
        slot.setMemory(AT, length, (byte) 0x5A);
        slot.putByte(AT, (byte) 0x45);
        slot.putByte(AT + 1, (byte) 0);
        slot.putShort(AT + 2, (short) length, BIG_ENDIAN);
        slot.putShort(AT + 4, (short) 7, BIG_ENDIAN);
        slot.putShort(AT + 6, (short) 0x4000, BIG_ENDIAN);
        slot.putByte(AT + 8, (byte) 64);
        slot.putByte(AT + 9, (byte) 6);
        slot.putShort(AT + 10, (short) 0);
        slot.putInt(AT + 12, CLIENT, BIG_ENDIAN);
        slot.putInt(AT + 16, SERVER, BIG_ENDIAN);
        slot.putShort(AT + 10, (short) Checksum.compute(slot, AT, 20), BIG_ENDIAN);
        slot.putShort(AT + 20, (short) 40000, BIG_ENDIAN);
        slot.putShort(AT + 22, (short) 443, BIG_ENDIAN);
        slot.putByte(AT + 32, (byte) 0x50);
        slot.putByte(AT + 33, (byte) 0x10);
        final long pseudo = Checksum.sumIpv4(CLIENT) + Checksum.sumIpv4(SERVER) + 6 + 20 + payload;
        slot.putShort(AT + 36, (short) Checksum.fold(pseudo), BIG_ENDIAN);
        return length;
    }

    /** Keeps each emitted packet behind the header {@link Offloads#header} gives it. */
    private final io.xlat.core.translate.PacketSink capture = (b, o, l) -> {
        offloads.header(header, b, o, l);
        final byte[] copy = new byte[VirtioNetHeader.LENGTH + l];
        header.getBytes(0, copy, 0, VirtioNetHeader.LENGTH);
        b.getBytes(o, copy, VirtioNetHeader.LENGTH, l);
        out.add(copy);
    };

    private int translate(int length) {
        return translator.translate(slot, AT, length, 0, capture, capture);
    }

    private static int le16(byte[] p, int i) {
        return (p[i] & 0xFF) | (p[i + 1] & 0xFF) << 8;
    }

    @Test
    void shouldTurnATcpv4SuperPacketIntoATcpv6OneWithItsSegmentSizeAndHeaderOffsets() {
        final int length = tcp4(8 * MSS);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_TCPV4, 40, MSS, 20, 16);

        assertNull(offloads.accept(slot, AT, length, translator));
        assertEquals(1, translate(length));
        offloads.done(translator);

        final byte[] p = out.get(0);
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, p[0]);
        assertEquals(VirtioNetHeader.GSO_TCPV6, p[1]);
        assertEquals(60, le16(p, 2), "hdr_len: IPv6 and TCP headers");
        assertEquals(MSS, le16(p, 4), "gso_size: the segments stay as big");
        assertEquals(40, le16(p, 6), "csum_start: the TCP header behind IPv6");
        assertEquals(16, le16(p, 8));
        assertEquals(10 + 40 + 20 + 8 * MSS, p.length);
    }

    @Test
    void shouldFinishAChecksumTheKernelLeftForLaterOnAnOrdinaryPacket() {
        final int length = tcp4(100);
        final int partial = slot.getShort(AT + 36, BIG_ENDIAN) & 0xFFFF;
        slot.putShort(AT + 36, (short) 0);
        final long pseudo = Checksum.sumIpv4(CLIENT) + Checksum.sumIpv4(SERVER) + 6 + 120;
        final int full = Checksum.finish(Checksum.sum(slot, AT + 20, 120, pseudo));
        slot.putShort(AT + 36, (short) partial, BIG_ENDIAN);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_NONE, 0, 0, 20, 16);

        assertNull(offloads.accept(slot, AT, length, translator));

        assertEquals(full, slot.getShort(AT + 36, BIG_ENDIAN) & 0xFFFF);
        translate(length);
        offloads.done(translator);
        assertEquals(0, out.get(0)[0], "complete now: no flags");
        assertEquals(VirtioNetHeader.GSO_NONE, out.get(0)[1]);
    }

    @Test
    void shouldGiveAnIcmpErrorAboutASuperPacketAPlainHeader() {
        final Translator narrow = new Translator(TranslatorConfig.builder()
            .pool6(Ipv6Prefix.parse("2001:db8:64::/96")).ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
            .ipv6Mtu(1280).build(), drops);
        final int length = tcp4(8 * MSS);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_TCPV4, 40, MSS, 20, 16);
        assertNull(offloads.accept(slot, AT, length, narrow));
        narrow.translate(slot, AT, length, 0, (b, o, l) -> out.add(null), (b, o, l) -> {
            offloads.header(header, b, o, l);
            out.add(new byte[] {header.getByte(0), header.getByte(1)});
        });
        offloads.done(narrow);
        assertEquals(1, drops.drops(DropReason.PACKET_TOO_BIG));
        assertEquals(0, out.get(0)[0], "Fragmentation Needed is complete, no offload flags");
        assertEquals(0, out.get(0)[1]);
    }

    @Test
    void shouldAskForSegmentsThatFitLowestIpv6MtuWhenDontFragmentIsClear() {
        final int length = tcp4(8 * MSS);
        slot.putShort(AT + 6, (short) 0, BIG_ENDIAN); // DF clear
        slot.putShort(AT + 10, (short) 0);
        slot.putShort(AT + 10, (short) Checksum.compute(slot, AT, 20), BIG_ENDIAN);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_TCPV4, 40, MSS, 20, 16);

        assertNull(offloads.accept(slot, AT, length, translator));
        assertEquals(1, translate(length));
        offloads.done(translator);

        assertEquals(VirtioNetHeader.GSO_TCPV6, out.get(0)[1]);
        assertEquals(1280 - 40 - 20, le16(out.get(0), 4), "gso_size: 1280-byte IPv6 segments, no fragments");
    }

    @Test
    void shouldRefuseOffsetsThatPointIntoTheIpHeader() {
        final int length = tcp4(100);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_NONE, 0, 0, 0, 10);
        assertEquals(DropReason.TRUNCATED, offloads.accept(slot, AT, length, translator),
            "a checksum over the IPv4 header checksum field must not be written");
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_TCPV4, 40, 0, 20, 16);
        assertEquals(DropReason.GSO_NOT_TCP, offloads.accept(slot, AT, length, translator), "gso_size 0");
    }

    @Test
    void shouldRefuseASuperPacketOfAnotherKindThanTcp() {
        final int length = tcp4(4 * MSS);
        VirtioNetHeader.write(slot, AT - VirtioNetHeader.LENGTH, VirtioNetHeader.GSO_UDP, 28, MSS, 20, 6);
        assertEquals(DropReason.GSO_NOT_TCP, offloads.accept(slot, AT, length, translator));
    }
}
