package io.xlat.core.translate;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropReason;
import io.xlat.core.drop.SentIcmpError;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.formatV6;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u8;
import static io.xlat.core.testing.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7915 section 4.1 (IPv4 header to IPv6 header) and the section 4 fragmentation rules. */
class Translator46Test {
    private final Harness harness = new Harness();

    @Test
    void shouldTranslateEveryHeaderFieldOfAnUnfragmentedDatagram46() {
        final byte[] in = ipv4().tos(0xB8).ttl(64).udp(udp(1000, 2000, bytes(16, 1))).build();
        final byte[] out = harness.one(in);

        assertEquals(40 + 24, out.length);
        assertEquals(6, u8(out, 0) >> 4, "version");
        assertEquals(0xB8, (u16(out, 0) >> 4) & 0xFF, "traffic class copied from TOS");
        assertEquals(0, u32(out, 0) & 0xFFFFF, "flow label zero");
        assertEquals(24, u16(out, 4), "payload length = total length - IHL");
        assertEquals(17, u8(out, 6), "next header copied from protocol");
        assertEquals(63, u8(out, 7), "hop limit = TTL - 1");
        assertEquals("2001:db8:64::c000:201", formatV6(out, 8));
        assertEquals("2001:db8:64::c633:6402", formatV6(out, 24));
        assertTrue(Packets.transportChecksumValid6(out), "UDP checksum valid after the pseudo-header change");
        assertEquals(1, harness.counters.translated46Count());
    }

    @Test
    void shouldZeroTrafficClassWhenConfigured46() {
        final Harness zero = new Harness(Harness.config().trafficClass(TranslatorConfig.TrafficClass.ZERO).build());
        final byte[] out = zero.one(ipv4().tos(0xB8).build());
        assertEquals(0, (u16(out, 0) >> 4) & 0xFF);
    }

    @Test
    void shouldUpdateTcpChecksumIncrementally46() {
        final byte[] out = harness.one(ipv4().tcp(Packets.tcp(40000, 443, bytes(100, 3))).build());
        assertEquals(6, u8(out, 6));
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldKeepAWrongChecksumWrong46() {
        final byte[] in = ipv4().udp(udp(1, 2, bytes(10, 9))).build();
        in[20 + 6] ^= 0x55; // corrupt the UDP checksum
        final byte[] out = harness.one(in);
        assertFalse(Packets.transportChecksumValid6(out), "a bad checksum must not be fixed");
    }

    @Test
    void shouldSendTimeExceededWhenTtlExpires46() {
        final byte[] in = ipv4().ttl(1).build();
        final byte[] err = harness.error(in);
        assertEquals(4, u8(err, 0) >> 4);
        assertEquals(1, u8(err, 9), "ICMP");
        assertEquals(11, u8(err, 20), "Time Exceeded");
        assertEquals(0, u8(err, 21), "TTL exceeded in transit");
        assertEquals(Packets.v4("203.0.113.1"), (int) u32(err, 12), "from the translator's ipv4-address");
        assertEquals(Packets.v4("192.0.2.1"), (int) u32(err, 16), "to the sender");
        assertTrue(Packets.headerChecksumValid4(err));
        assertTrue(Packets.transportChecksumValid4(err));
        assertEquals(in.length, err.length - 28, "quotes the whole short packet");
        assertEquals(1, harness.counters.drops(DropReason.TTL_EXPIRED));
        assertEquals(1, harness.counters.icmpErrorsSentCount(SentIcmpError.ICMPV4_TIME_EXCEEDED), "counted by type");
        assertEquals(harness.counters.icmpErrorsSentCount(),
            harness.counters.icmpErrorsSentCount(SentIcmpError.ICMPV4_TIME_EXCEEDED), "and in the total");
    }

    @Test
    void shouldNotSendTimeExceededForAnExpiringIcmpError46() {
        final byte[] inner = ipv4().src("198.51.100.2").dst("192.0.2.1").build();
        final byte[] in = ipv4().ttl(1).icmp(Packets.icmp(3, 3, 0, inner)).build();
        harness.nothing(in);
        assertEquals(1, harness.counters.drops(DropReason.TTL_EXPIRED));
    }

    @Test
    void shouldIgnoreIpv4Options46() {
        final byte[] options = {(byte) 0x94, 4, 0, 0}; // Router Alert
        final byte[] out = harness.one(ipv4().options(options).build());
        assertEquals(24, u16(out, 4), "payload length excludes the options");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldRejectUnexpiredSourceRouteWithIcmpSourceRouteFailed46() {
        final byte[] lsrr = {(byte) 131, 7, 4, (byte) 198, 51, 100, 9, 0}; // pointer 4 <= length 7, then EOL
        final byte[] err = harness.error(ipv4().options(lsrr).build());
        assertEquals(3, u8(err, 20));
        assertEquals(5, u8(err, 21));
        assertEquals(1, harness.counters.drops(DropReason.SOURCE_ROUTE));
    }

    @Test
    void shouldIgnoreExpiredSourceRoute46() {
        final byte[] ssrr = {(byte) 137, 7, 8, (byte) 198, 51, 100, 9, 0}; // pointer 8 > length 7: route done
        harness.one(ipv4().options(ssrr).build());
    }

    @Test
    void shouldDropIllegalSourceSilently46() {
        harness.nothing(ipv4().src("127.0.0.1").build());
        harness.nothing(ipv4().src("0.1.2.3").build());
        harness.nothing(ipv4().src("224.0.0.1").build());
        assertEquals(3, harness.counters.drops(DropReason.ILLEGAL_SOURCE));
    }

    @Test
    void shouldDropBadHeaderChecksum46() {
        harness.nothing(ipv4().badHeaderChecksum().build());
        assertEquals(1, harness.counters.drops(DropReason.BAD_IPV4_CHECKSUM));
    }

    @Test
    void shouldDropTruncatedAndMalformedHeaders46() {
        harness.nothing(new byte[] {0x45, 0, 0});
        harness.nothing(ipv4().totalLength(200).build());
        final byte[] badIhl = ipv4().build();
        badIhl[0] = 0x44;
        harness.nothing(badIhl);
        assertEquals(2, harness.counters.drops(DropReason.TRUNCATED));
        assertEquals(1, harness.counters.drops(DropReason.BAD_IPV4_HEADER));
    }

    @Test
    void shouldCopyUnknownProtocol46() {
        final byte[] out = harness.one(ipv4().payload(253, bytes(30, 5)).build());
        assertEquals(253, u8(out, 6));
        assertEquals(30, u16(out, 4));
    }

    @Test
    void shouldSilentlyDropIgmp46() {
        harness.nothing(ipv4().payload(2, bytes(8, 0)).build());
        assertEquals(1, harness.counters.drops(DropReason.IGMP));
    }

    @Test
    void shouldDropIcmpv6CarriedInIpv4() {
        harness.nothing(ipv4().payload(58, bytes(8, 0)).build());
        assertEquals(1, harness.counters.drops(DropReason.ICMP_IN_WRONG_FAMILY));
    }

    @Test
    void shouldAddFragmentHeaderToIpv4Fragment46() {
        final byte[] in = ipv4().id(0xBEEF).flags(0x2000).udp(udp(1, 2, bytes(40, 2))).build(); // MF, offset 0
        final byte[] out = harness.one(in);
        assertEquals(44, u8(out, 6), "fragment header follows");
        assertEquals(8 + 48, u16(out, 4));
        assertEquals(17, u8(out, 40), "fragment header next header");
        assertEquals(1, u16(out, 42) & 1, "M flag copied");
        assertEquals(0, u16(out, 42) >> 3, "offset");
        assertEquals(0xBEEFL, u32(out, 44), "id: low 16 bits copied, high 16 zero");
    }

    @Test
    void shouldCopyFragmentOffsetOfNonFirstFragment46() {
        final byte[] in = ipv4().id(7).flags(0x0000 | 185).payload(17, bytes(40, 2)).build();
        final byte[] out = harness.one(in);
        assertEquals(185, u16(out, 42) >> 3);
        assertEquals(0, u16(out, 42) & 1, "last fragment");
        final byte[] payload = java.util.Arrays.copyOfRange(out, 48, out.length);
        assertEquals(java.util.Arrays.toString(bytes(40, 2)), java.util.Arrays.toString(payload), "non-first fragment untouched");
    }

    @Test
    void shouldNotAddFragmentHeaderToSmallDfZeroPacket46() {
        final byte[] out = harness.one(ipv4().flags(0).build());
        assertEquals(17, u8(out, 6), "no atomic fragment (RFC 8021)");
    }

    @Test
    void shouldFragmentDfZeroPacketLargerThanLowestIpv6Mtu46() {
        final byte[] in = ipv4().flags(0).id(0x4242).udp(udp(5, 6, bytes(2000, 4))).build();
        harness.forward.clear();
        harness.send(in);
        assertEquals(2, harness.forward.size());
        final byte[] first = harness.forward.get(0);
        final byte[] second = harness.forward.get(1);
        assertEquals(1280, first.length, "fits lowest-ipv6-mtu");
        assertEquals(1, u16(first, 42) & 1, "M set on the first");
        assertEquals(0, u16(second, 42) & 1, "M clear on the last");
        assertEquals((1280 - 48) / 8, u16(second, 42) >> 3, "second offset follows the first's payload");
        assertEquals(0x4242L, u32(first, 44));
        assertEquals(0x4242L, u32(second, 44));
        assertEquals(2008, (first.length - 48) + (second.length - 48), "all payload carried");
    }

    @Test
    void shouldSendFragmentationNeededWhenDfPacketDoesNotFit46() {
        final byte[] in = ipv4().udp(udp(5, 6, bytes(1472, 4))).build(); // 1500 bytes, DF
        final byte[] err = harness.error(in);
        assertEquals(3, u8(err, 20));
        assertEquals(4, u8(err, 21));
        assertEquals(1480, u16(err, 26), "next-hop MTU = ipv6-mtu - 20");
        assertEquals(576, err.length, "error capped at 576 bytes");
        assertEquals(1, harness.counters.drops(DropReason.PACKET_TOO_BIG));
    }

    @Test
    void shouldHandleUdpZeroChecksumPerConfiguration46() {
        final byte[] zero = ipv4().udp(udp(1, 2, bytes(12, 3))).rawTransportChecksum().build();
        final byte[] err = harness.error(zero);
        assertEquals(3, u8(err, 20), "Destination Unreachable");
        assertEquals(13, u8(err, 21), "administratively prohibited, not silence");
        assertEquals(1, harness.counters.drops(DropReason.UDP_ZERO_CHECKSUM));

        final Harness compute = new Harness(Harness.config()
            .udpZeroChecksum(TranslatorConfig.UdpZeroChecksum.COMPUTE).build());
        final byte[] out = compute.one(zero);
        assertTrue(Packets.transportChecksumValid6(out), "computed checksum verifies");
    }

    @Test
    void shouldAlwaysDropFragmentedZeroChecksumUdp46() {
        final Harness compute = new Harness(Harness.config()
            .udpZeroChecksum(TranslatorConfig.UdpZeroChecksum.COMPUTE).build());
        final byte[] first = ipv4().flags(0x2000).udp(udp(1, 2, bytes(16, 3))).rawTransportChecksum().build();
        final byte[] err = compute.error(first);
        assertEquals(3, u8(err, 20), "Destination Unreachable");
        assertEquals(13, u8(err, 21), "administratively prohibited");
        assertEquals(64, u8(err, 8), "TTL of the host default");
        assertArrayEquals(first, Arrays.copyOfRange(err, 28, err.length), "the whole packet quoted");
        assertEquals(1, compute.counters.drops(DropReason.FRAGMENTED_UDP_ZERO_CHECKSUM));
    }

    @Test
    void shouldReplyAdministrativelyProhibitedWhenDestinationHasNoMapping46() {
        final Harness noPool = new Harness(Harness.config().pool6(null).build());
        final byte[] err = noPool.error(ipv4().build());
        assertEquals(3, u8(err, 20));
        assertEquals(13, u8(err, 21));
        assertEquals(1, noPool.counters.drops(DropReason.NO_MAPPING_DESTINATION));
    }

    @Test
    void shouldRefuseNonGlobalIpv4WithWellKnownPrefix46() {
        final Harness wkp = new Harness(Harness.config()
            .pool6(io.xlat.core.addr.Ipv6Prefix.parse("64:ff9b::/96")).build());
        wkp.error(ipv4().src("8.8.8.8").dst("10.1.2.3").build());
        assertEquals(1, wkp.counters.drops(DropReason.NON_GLOBAL_WKP));
        final byte[] out = wkp.one(ipv4().src("8.8.8.8").dst("9.9.9.9").build());
        assertEquals("64:ff9b::909:909", formatV6(out, 24));
    }

    @Test
    void shouldTranslateEchoRequestTo128WithPseudoHeaderChecksum46() {
        final byte[] in = ipv4().icmp(Packets.icmp(8, 0, 0x00010002, bytes(32, 6))).build();
        final byte[] out = harness.one(in);
        assertEquals(58, u8(out, 6));
        assertEquals(128, u8(out, 40));
        assertEquals(0x00010002L, u32(out, 44), "identifier and sequence unchanged");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldDropObsoleteIcmpInformationalTypes46() {
        for (final int type : new int[] {13, 14, 15, 16, 17, 18, 9, 10, 42}) {
            harness.nothing(ipv4().icmp(Packets.icmp(type, 0, 0, bytes(12, 1))).build());
        }
        assertEquals(9, harness.counters.drops(DropReason.ICMP_UNTRANSLATABLE_TYPE));
    }

    @Test
    void shouldDropFragmentedIcmp46() {
        harness.nothing(ipv4().flags(0x2000).icmp(Packets.icmp(8, 0, 0, bytes(32, 6))).build());
        assertEquals(1, harness.counters.drops(DropReason.FRAGMENTED_ICMP));
    }

    @Test
    void shouldRateLimitTranslatorIcmpErrors() {
        final Harness limited = new Harness(Harness.config().icmpRate(2).build());
        for (int i = 0; i < 5; i++) {
            limited.send(ipv4().ttl(1).build());
        }
        assertEquals(2, limited.counters.icmpErrorsSentCount());
        assertEquals(3, limited.counters.icmpErrorsRateLimitedCount());
        limited.now += 1_000_000_000L;
        limited.send(ipv4().ttl(1).build());
        assertEquals(3, limited.counters.icmpErrorsSentCount(), "refilled after a second");
    }
    private static Harness withEam(String ipv4, String ipv6) {
        return new Harness(Harness.config().eamt(java.util.List.of(new io.xlat.core.addr.EamEntry(
            io.xlat.core.addr.Ipv4Prefix.parse(ipv4), io.xlat.core.addr.Ipv6Prefix.parse(ipv6)))).build());
    }

    @Test
    void shouldNeverTranslateLinkLocalIpv4UnderAnyPrefix46() {
        harness.nothing(ipv4().src("169.254.1.1").build());
        harness.nothing(ipv4().dst("169.254.255.254").build());
        final Harness eam = withEam("169.254.0.0/16", "2001:db8:169::/112");
        eam.nothing(ipv4().src("169.254.1.1").build());
        eam.nothing(ipv4().dst("169.254.1.1").build());
        assertEquals(2, harness.counters.drops(DropReason.IPV4_LINK_LOCAL));
        assertEquals(2, eam.counters.drops(DropReason.IPV4_LINK_LOCAL));
        final byte[] error = ipv4().src("169.254.7.7").icmp(Packets.icmp(11, 0, 0,
            ipv4().src("198.51.100.2").dst("192.0.2.1").build())).build();
        harness.nothing(error);
        assertEquals(3, harness.counters.drops(DropReason.IPV4_LINK_LOCAL), "not even as the source of an error");
    }

    @Test
    void shouldTranslateLinkLocalIpv4InsideAnIcmpErrorPayload46() {
        final byte[] quoted = ipv4().src("198.51.100.2").dst("169.254.9.9").build();
        final byte[] out = harness.one(ipv4().src("192.0.2.1").dst("198.51.100.2")
            .icmp(Packets.icmp(3, 1, 0, quoted)).build());
        assertEquals("2001:db8:64::a9fe:909", formatV6(out, 48 + 24), "the quote is only translated");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "protocol {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 43, 44, 59, 60, 135, 140})
    void shouldDropIpv4WhoseProtocolIsAnIpv6OnlyNextHeader46(int protocol) {
        harness.nothing(ipv4().payload(protocol, bytes(24, 5)).build());
        assertEquals(1, harness.counters.drops(DropReason.IPV6_ONLY_PROTOCOL));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "protocol {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 41, 47, 50, 51, 132, 139, 253, 254})
    void shouldCopyProtocolsThatIpv4HasToo46(int protocol) {
        assertEquals(protocol, u8(harness.one(ipv4().payload(protocol, bytes(24, 5)).build()), 6));
    }

    @Test
    void shouldDropAFragmentReachingPast65535Bytes46() {
        // offset 8189 units = 65512 bytes, 40 bytes of data: the datagram would end at 65552
        harness.nothing(ipv4().flags(8189).payload(253, bytes(40, 6)).build());
        assertEquals(1, harness.counters.drops(DropReason.FRAGMENT_BEYOND_65535));
        final byte[] last = harness.one(ipv4().flags(8189).payload(253, bytes(16, 6)).build());
        assertEquals(8189, u16(last, 42) >> 3, "ends at 65528: still a fragment IPv6 can reassemble");
    }

    @Test
    void shouldFragmentDfZeroPacketsToIpv6MtuWhenLowestIpv6MtuIsLarger46() {
        final Harness h = new Harness(Harness.config().ipv6Mtu(1400).lowestIpv6Mtu(1500).build());
        h.forward.clear();
        h.send(ipv4().flags(0).udp(udp(5, 6, bytes(1452, 4))).build()); // 1480 bytes: 1500 as IPv6
        assertEquals(2, h.forward.size(), "cut to fit ipv6-mtu, the smaller of the two");
        for (final byte[] fragment : h.forward) {
            assertTrue(fragment.length <= 1400, "fragment of " + fragment.length + " bytes");
        }
        final byte[] err = h.error(ipv4().udp(udp(5, 6, bytes(1452, 4))).build());
        assertEquals(1380, u16(err, 26), "DF=1: Fragmentation Needed with ipv6-mtu - 20");
        assertEquals(1380, h.one(ipv4().flags(0).udp(udp(5, 6, bytes(1332, 4))).build()).length,
            "DF=0 that fits ipv6-mtu goes whole, without a Fragment header");
    }
}
