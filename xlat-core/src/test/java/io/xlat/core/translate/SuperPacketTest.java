package io.xlat.core.translate;

import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u8;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP super-packets from a TUN device with offloads (virtio-net GSO): judged by their segment size, their partial
 * checksum carried over to the new pseudo-header, and anything that cannot be one super-packet on the other side
 * dropped with a reason of its own.
 */
class SuperPacketTest {
    /** 1460 bytes of payload per segment behind a 20-byte TCP header: what GRO merges from 1500-byte IPv4. */
    private static final int SEGMENT = 20 + 1460;
    private static final int PAYLOAD = 6 * 1460;

    private final Harness harness = new Harness(Harness.config().ipv6Mtu(1520).ipv4Mtu(1500).build());

    /** A TCP segment whose checksum field holds the IPv4 pseudo-header's partial sum, as the kernel hands it over. */
    private static byte[] superPacket4(int flags) {
        final byte[] tcp = Packets.tcp(40000, 443, bytes(PAYLOAD, 5));
        final byte[] packet = ipv4().flags(flags).tcp(tcp).rawTransportChecksum().build();
        final long pseudo = Checksum.sumIpv4(Packets.v4("192.0.2.1")) + Checksum.sumIpv4(Packets.v4("198.51.100.2"))
            + 6 + tcp.length;
        new UnsafeBuffer(packet).putShort(20 + 16, (short) Checksum.fold(pseudo), BIG_ENDIAN);
        return packet;
    }

    @Test
    void shouldTranslateADontFragmentSuperPacketWhoseSegmentsFitTheIpv6Mtu46() {
        harness.translator.nextIsSuperPacket(SEGMENT);
        final byte[] out = harness.one(superPacket4(0x4000));

        assertEquals(40 + 20 + PAYLOAD, out.length, "one super-packet out, not fragments");
        assertEquals(6, u8(out, 6), "TCP, no Fragment Header");
        final long pseudo6 = Checksum.sumIpv6(0x2001_0db8_0064_0000L, 0xc000_0201L)
            + Checksum.sumIpv6(0x2001_0db8_0064_0000L, 0xc633_6402L) + 6 + 20 + PAYLOAD;
        assertEquals(Checksum.fold(pseudo6), u16(out, 40 + 16), "the partial sum of the IPv6 pseudo-header");
    }

    @Test
    void shouldAnswerFragmentationNeededForTheSamePacketWhenItIsNotASuperPacket46() {
        harness.error(superPacket4(0x4000));
        assertEquals(1, harness.counters.drops(DropReason.PACKET_TOO_BIG));
    }

    @Test
    void shouldAnswerFragmentationNeededWhenOneSegmentIsTooBigForTheIpv6Mtu46() {
        final Harness narrow = new Harness(Harness.config().ipv6Mtu(1400).build());
        narrow.translator.nextIsSuperPacket(SEGMENT);
        final byte[] error = narrow.error(superPacket4(0x4000));
        assertEquals(3, u8(error, 20), "Destination Unreachable");
        assertEquals(4, u8(error, 21), "Fragmentation Needed");
        assertEquals(1380, u16(error, 26), "the IPv4 MTU one segment would fit in");
    }

    @Test
    void shouldCutADontFragmentClearSuperPacketIntoSegmentsThatFitLowestIpv6MtuInsteadOfFragmenting46() {
        final byte[] in = superPacket4(0);
        final UnsafeBuffer buffer = Packets.direct(70_000);
        buffer.putBytes(Translator.HEADROOM, in);
        final java.util.List<int[]> emitted = new java.util.ArrayList<>();
        harness.translator.nextIsSuperPacket(SEGMENT);
        harness.translator.translate(buffer, Translator.HEADROOM, in.length, 0,
            (b, o, l) -> emitted.add(new int[] {l, b.getByte(o + 6) & 0xFF, harness.translator.superPacketSegment()}),
            (b, o, l) -> emitted.add(null));

        assertEquals(1, emitted.size(), "one super-packet, no fragments, no error");
        assertEquals(40 + 20 + PAYLOAD, emitted.get(0)[0]);
        assertEquals(6, emitted.get(0)[1], "TCP right behind IPv6: no Fragment Header");
        assertEquals(1280 - 40, emitted.get(0)[2], "segments of 1280 bytes of IPv6, the default lowest-ipv6-mtu");
        assertEquals(0, harness.translator.superPacketSegment(), "forgotten after the packet");
    }

    @Test
    void shouldDropASuperPacketThatIsNotTcp46() {
        harness.translator.nextIsSuperPacket(SEGMENT);
        harness.nothing(ipv4().udp(Packets.udp(1, 2, bytes(3000, 1))).build());
        assertEquals(1, harness.counters.drops(DropReason.GSO_NOT_TCP));
    }

    @Test
    void shouldForgetTheSuperPacketHintAfterOnePacket() {
        harness.translator.nextIsSuperPacket(SEGMENT);
        harness.one(superPacket4(0x4000));
        harness.error(superPacket4(0x4000));
        assertEquals(1, harness.counters.drops(DropReason.PACKET_TOO_BIG), "the second one is an ordinary packet");
    }

    @Test
    void shouldTranslateAnIpv6SuperPacketIntoOneIpv4SuperPacketWithDontFragment64() {
        final byte[] tcp = Packets.tcp(443, 40000, bytes(PAYLOAD, 7));
        final byte[] in = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").tcp(tcp)
            .rawTransportChecksum().build();
        final long pseudo6 = Checksum.sumIpv6(0x2001_0db8_0064_0000L, 0xc633_6402L)
            + Checksum.sumIpv6(0x2001_0db8_0064_0000L, 0xc000_0201L) + 6 + tcp.length;
        new UnsafeBuffer(in).putShort(40 + 16, (short) Checksum.fold(pseudo6), BIG_ENDIAN);

        harness.translator.nextIsSuperPacket(SEGMENT);
        final byte[] out = harness.one(in);

        assertEquals(20 + tcp.length, out.length);
        assertEquals(20 + tcp.length, u16(out, 2), "Total Length of the whole super-packet");
        assertEquals(0x4000, u16(out, 6) & 0xE000, "DF: one segment is larger than 1260 bytes");
        assertTrue(Packets.headerChecksumValid4(out));
        final long pseudo4 = Checksum.sumIpv4(Packets.v4("198.51.100.2")) + Checksum.sumIpv4(Packets.v4("192.0.2.1"))
            + 6 + tcp.length;
        assertEquals(Checksum.fold(pseudo4), u16(out, 20 + 16), "the partial sum of the IPv4 pseudo-header");
    }

    @Test
    void shouldAnswerPacketTooBigWhenOneSegmentIsTooBigForTheIpv4Mtu64() {
        final Harness narrow = new Harness(Harness.config().ipv4Mtu(1280).build());
        final byte[] in = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201")
            .tcp(Packets.tcp(443, 40000, bytes(PAYLOAD, 7))).build();
        narrow.translator.nextIsSuperPacket(SEGMENT);
        final byte[] error = narrow.error(in);
        assertEquals(2, u8(error, 40), "Packet Too Big");
    }
}
