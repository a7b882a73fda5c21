package io.xlat.core.translate;

import io.xlat.core.drop.DropReason;
import io.xlat.core.drop.SentIcmpError;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.icmp;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u8;
import static io.xlat.core.testing.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7915 section 5.1 (IPv6 header to IPv4 header) and 5.1.1 (Fragment header). */
class Translator64Test {
    private final Harness harness = new Harness();

    @Test
    void shouldTranslateEveryHeaderFieldOfAnUnfragmentedPacket64() {
        final byte[] in = ipv6().trafficClass(0x28).flowLabel(0x12345).hopLimit(30).udp(udp(7, 8, bytes(20, 2))).build();
        final byte[] out = harness.one(in);

        assertEquals(20 + 28, out.length);
        assertEquals(0x45, u8(out, 0), "version 4, IHL 5 (no options)");
        assertEquals(0x28, u8(out, 1), "TOS copied from traffic class");
        assertEquals(48, u16(out, 2), "total length = payload length + 20");
        assertEquals(0, u16(out, 6), "DF clear for a packet <= 1260 bytes, MF clear, offset 0");
        assertEquals(29, u8(out, 8), "TTL = hop limit - 1");
        assertEquals(17, u8(out, 9));
        assertEquals(Packets.v4("192.0.2.1"), (int) u32(out, 12));
        assertEquals(Packets.v4("198.51.100.2"), (int) u32(out, 16));
        assertTrue(Packets.headerChecksumValid4(out));
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @Test
    void shouldGenerateIdentificationForSmallPacketsAndSetDfForLargeOnes64() {
        final byte[] small = harness.one(ipv6().build());
        final IdentificationGenerator expected = new IdentificationGenerator(0, 0);
        assertEquals(expected.next(Packets.v4("192.0.2.1"), Packets.v4("198.51.100.2")), u16(small, 4),
            "id from the documented generator");
        final byte[] second = harness.one(ipv6().build());
        assertNotEquals(u16(small, 4), u16(second, 4), "the counter advances");

        final byte[] large = harness.one(ipv6().udp(udp(7, 8, bytes(1300, 2))).build());
        assertEquals(0x4000, u16(large, 6), "DF set above 1260 bytes");
        assertEquals(0, u16(large, 4), "atomic datagram id 0");
    }

    @Test
    void shouldUseFixedTosWhenConfigured64() {
        final Harness fixed = new Harness(Harness.config().tos(0x10).build());
        assertEquals(0x10, u8(fixed.one(ipv6().trafficClass(0xFF).build()), 1));
    }

    @Test
    void shouldTranslateTcpAndKeepWrongChecksumsWrong64() {
        assertTrue(Packets.transportChecksumValid4(harness.one(ipv6().tcp(Packets.tcp(1, 2, bytes(50, 1))).build())));
        final byte[] bad = ipv6().tcp(Packets.tcp(1, 2, bytes(50, 1))).build();
        bad[40 + 17] ^= 0x11;
        assertFalse(Packets.transportChecksumValid4(harness.one(bad)));
    }

    @Test
    void shouldKeepAZeroUdpChecksumZero64() {
        final byte[] in = ipv6().udp(udp(7, 8, bytes(20, 2))).rawTransportChecksum().build();
        assertEquals(0, u16(harness.one(in), 26), "IPv4 reads zero as no checksum too");
    }

    @Test
    void shouldSendHopLimitExceededWhenHopLimitExpires64() {
        final byte[] in = ipv6().hopLimit(1).build();
        final byte[] err = harness.error(in);
        assertEquals(6, u8(err, 0) >> 4);
        assertEquals(58, u8(err, 6));
        assertEquals(3, u8(err, 40));
        assertEquals(0, u8(err, 41));
        assertEquals("2001:db8:ffff::1", Packets.formatV6(err, 8), "from ipv6-address");
        assertEquals("2001:db8:64::c000:201", Packets.formatV6(err, 24), "to the sender");
        assertTrue(Packets.transportChecksumValid6(err));
        assertEquals(1, harness.counters.drops(DropReason.TTL_EXPIRED));
    }

    @Test
    void shouldSkipHopByHopDestinationAndRoutingHeaders64() {
        final byte[] in = ipv6().extension(0, 0).extension(60, 0).extension(43, 0).udp(udp(3, 4, bytes(8, 1))).build();
        final byte[] out = harness.one(in);
        assertEquals(17, u8(out, 9), "protocol from the last header");
        assertEquals(20 + 16, u16(out, 2), "extension headers are not counted");
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @Test
    void shouldRejectRoutingHeaderWithSegmentsLeftPointingAtIt64() {
        final byte[] in = ipv6().extension(60, 0).extension(43, 2).build();
        final byte[] err = harness.error(in);
        assertEquals(4, u8(err, 40), "Parameter Problem");
        assertEquals(0, u8(err, 41), "erroneous header field");
        assertEquals(40 + 8 + 3, u32(err, 44), "pointer at Segments Left");
        assertEquals(1, harness.counters.drops(DropReason.ROUTING_HEADER));
    }

    @Test
    void shouldAnswerAnExtensionHeaderAfterTheFragmentHeaderWithAdministrativelyProhibited64() {
        final byte[] in = ipv6().fragment(0, true, 1).extension(60, 0).build();
        final byte[] err = harness.error(in);
        assertEquals(1, u8(err, 40), "Destination Unreachable");
        assertEquals(1, u8(err, 41), "administratively prohibited");
        assertEquals(64, u8(err, 7), "hop limit of the host default");
        assertEquals("2001:db8:ffff::1", Packets.formatV6(err, 8), "from the translator's own address");
        assertArrayEquals(in, Arrays.copyOfRange(err, 48, err.length), "the whole packet quoted");
        assertEquals(1, harness.counters.drops(DropReason.EXTENSION_AFTER_FRAGMENT));
    }

    @Test
    void shouldAnswerHopByHopAndRoutingHeadersAfterTheFragmentHeaderToo64() {
        assertEquals(1, u8(harness.error(ipv6().fragment(0, true, 2).extension(0, 0).build()), 40));
        assertEquals(1, u8(harness.error(ipv6().fragment(0, true, 3).extension(43, 0).build()), 40));
        assertEquals(2, harness.counters.drops(DropReason.EXTENSION_AFTER_FRAGMENT));
    }

    @Test
    void shouldNotAnswerAnExtensionAfterTheFragmentHeaderOfANonFirstFragmentOrAnIcmpv6Error64() {
        harness.nothing(ipv6().fragment(185, false, 4).extension(60, 0).build());
        final byte[] error = ipv6().fragment(0, true, 5).extension(60, 0)
            .icmpv6(icmp(1, 4, 0, bytes(48, 1))).build();
        harness.nothing(error);
        assertEquals(2, harness.counters.drops(DropReason.EXTENSION_AFTER_FRAGMENT));
    }

    @Test
    void shouldNotAnswerAnIcmpv6MessageItCannotTranslate64() {
        harness.nothing(ipv6().dst("2001:db8:99::1").icmpv6(Packets.icmp(128, 0, 1, bytes(8, 1))).build());
        assertEquals(1, harness.counters.drops(DropReason.NO_MAPPING_DESTINATION));
    }

    @Test
    void shouldDropHopByHopThatIsNotFirst64() {
        harness.nothing(ipv6().extension(60, 0).extension(0, 0).build());
        assertEquals(1, harness.counters.drops(DropReason.BAD_EXTENSION_HEADER));
    }

    @Test
    void shouldTranslateFragmentHeaderToIpv4FragmentFields64() {
        final byte[] in = ipv6().fragment(0, true, 0xCAFEBABE).udp(udp(3, 4, bytes(40, 1))).build();
        final byte[] out = harness.one(in);
        assertEquals(0xBABE, u16(out, 4), "low 16 bits of the fragment id");
        assertEquals(0x2000, u16(out, 6), "MF copied, DF clear, offset 0");
        assertEquals(20 + 48, u16(out, 2));
    }

    @Test
    void shouldCopyOffsetOfNonFirstFragment64() {
        final byte[] in = ipv6().fragment(100, false, 5).payload(17, bytes(40, 1)).build();
        final byte[] out = harness.one(in);
        assertEquals(100, u16(out, 6), "offset copied, MF and DF clear");
        assertEquals(17, u8(out, 9));
    }

    @Test
    void shouldSendPacketTooBigWhenIpv4MtuIsSmaller64() {
        final Harness small = new Harness(Harness.config().ipv4Mtu(1400).build());
        final byte[] err = small.error(ipv6().udp(udp(1, 2, bytes(1400, 1))).build());
        assertEquals(2, u8(err, 40));
        assertEquals(1420, u32(err, 44), "MTU = ipv4-mtu + 20");
        assertEquals(1280, err.length, "capped at the IPv6 minimum MTU");
        assertEquals(1, small.counters.icmpErrorsSentCount(SentIcmpError.ICMPV6_PACKET_TOO_BIG), "counted by type");
        assertEquals(0, small.counters.icmpErrorsSentCount(SentIcmpError.ICMPV6_TIME_EXCEEDED));
    }

    @Test
    void shouldDropIllegalAndUnmappableAddresses64() {
        harness.nothing(ipv6().src("::1").build());
        harness.nothing(ipv6().src("ff02::1").build());
        assertEquals(2, harness.counters.drops(DropReason.ILLEGAL_SOURCE));
        final byte[] err = harness.error(ipv6().dst("2001:db8:99::1").build());
        assertEquals(1, u8(err, 40));
        assertEquals(1, u8(err, 41), "administratively prohibited (RFC 7915 5.4)");
        assertEquals(1, harness.counters.drops(DropReason.NO_MAPPING_DESTINATION));
        harness.error(ipv6().src("2001:db8:99::1").build());
        assertEquals(1, harness.counters.drops(DropReason.NO_MAPPING_SOURCE));
    }

    @Test
    void shouldTranslateEchoReplyTo0WithoutPseudoHeader64() {
        final byte[] out = harness.one(ipv6().icmpv6(Packets.icmp(129, 0, 0x00050006, bytes(24, 1))).build());
        assertEquals(1, u8(out, 9));
        assertEquals(0, u8(out, 20));
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @Test
    void shouldDropSingleHopAndUnknownInformationalIcmpv6() {
        for (final int type : new int[] {130, 131, 132, 133, 134, 135, 136, 137, 200}) {
            harness.nothing(ipv6().icmpv6(Packets.icmp(type, 0, 0, bytes(16, 1))).build());
        }
        assertEquals(9, harness.counters.drops(DropReason.ICMP_UNTRANSLATABLE_TYPE));
    }

    @Test
    void shouldDropFragmentedIcmpv6AndIcmpv4InIpv6() {
        harness.nothing(ipv6().fragment(0, true, 1).icmpv6(Packets.icmp(128, 0, 0, bytes(16, 1))).build());
        harness.nothing(ipv6().payload(1, bytes(16, 1)).build());
        assertEquals(1, harness.counters.drops(DropReason.FRAGMENTED_ICMP));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_IN_WRONG_FAMILY));
    }

    @Test
    void shouldDropTruncatedPackets64() {
        final byte[] in = ipv6().build();
        harness.nothing(java.util.Arrays.copyOf(in, 30));
        harness.nothing(java.util.Arrays.copyOf(in, in.length - 1));
        assertEquals(2, harness.counters.drops(DropReason.TRUNCATED));
    }
    @Test
    void shouldNeverTranslateToLinkLocalIpv4UnderAnyPrefix64() {
        harness.nothing(ipv6().dst("2001:db8:64::a9fe:101").build());
        harness.nothing(ipv6().src("2001:db8:64::a9fe:101").build());
        final Harness eam = new Harness(Harness.config().eamt(java.util.List.of(new io.xlat.core.addr.EamEntry(
            io.xlat.core.addr.Ipv4Prefix.parse("169.254.0.0/16"), io.xlat.core.addr.Ipv6Prefix.parse(
                "2001:db8:169::/112")))).build());
        eam.nothing(ipv6().dst("2001:db8:169::101").build());
        assertEquals(2, harness.counters.drops(DropReason.IPV4_LINK_LOCAL));
        assertEquals(1, eam.counters.drops(DropReason.IPV4_LINK_LOCAL));
    }

    @Test
    void shouldDropAFragmentWhoseIpv4FormWouldPass65535Bytes64() {
        // offset 8189 units = 65512 bytes plus 20 of IPv4 header: 8 bytes of data still fit, 16 do not
        harness.nothing(ipv6().fragment(8189, false, 9).payload(47, bytes(16, 2)).build());
        assertEquals(1, harness.counters.drops(DropReason.FRAGMENT_BEYOND_65535));
        final byte[] out = harness.one(ipv6().fragment(8189, false, 9).payload(47, bytes(0, 2)).build());
        assertEquals(8189, u16(out, 6) & 0x1FFF);
    }
}
