package io.xlat.core.translate;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.icmp;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u8;
import static io.xlat.core.testing.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7915 sections 4.2/4.3 and 5.2/5.3: ICMP error translation, inner packets, RFC 4884, size caps. */
class IcmpErrorTranslationTest {
    private final Harness harness = new Harness();

    /** The UDP packet the IPv6 node sent (as IPv4 after translation), quoted back in an ICMPv4 error. */
    private static byte[] quotedIpv4(int payload) {
        return ipv4().src("198.51.100.2").dst("192.0.2.1").ttl(3).udp(udp(5000, 53, bytes(payload, 4))).build();
    }

    private static byte[] icmpv4Error(int type, int code, int rest, byte[] quoted) {
        return ipv4().src("192.0.2.1").dst("198.51.100.2").icmp(icmp(type, code, rest, quoted)).build();
    }

    private static byte[] quotedIpv6(int payload) {
        return ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").hopLimit(3)
            .udp(udp(5000, 53, bytes(payload, 4))).build();
    }

    private static byte[] icmpv6Error(int type, int code, int rest, byte[] quoted) {
        return ipv6().icmpv6(icmp(type, code, rest, quoted)).build();
    }

    @ParameterizedTest(name = "ICMPv4 {0}/{1} -> ICMPv6 {2}/{3}")
    @CsvSource({
        "3,0,1,0", "3,1,1,0", "3,3,1,4", "3,5,1,0", "3,6,1,0", "3,7,1,0", "3,8,1,0", "3,9,1,1", "3,10,1,1",
        "3,11,1,0", "3,12,1,0", "3,13,1,1", "3,15,1,1", "11,0,3,0", "11,1,3,1", "11,5,3,5",
    })
    void shouldMapIcmpv4ErrorTypeAndCode46(int type, int code, int newType, int newCode) {
        final byte[] out = harness.one(icmpv4Error(type, code, 0, quotedIpv4(20)));
        assertEquals(newType, u8(out, 40));
        assertEquals(newCode, u8(out, 41));
        assertTrue(Packets.transportChecksumValid6(out), "ICMPv6 checksum with pseudo-header");
    }

    @ParameterizedTest(name = "ICMPv4 {0}/{1} dropped")
    @CsvSource({"3,14", "3,16", "4,0", "5,0", "5,1", "12,1", "12,3", "30,0"})
    void shouldSilentlyDropIcmpv4ErrorsWithoutCounterpart46(int type, int code) {
        harness.nothing(icmpv4Error(type, code, 0, quotedIpv4(20)));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_UNTRANSLATABLE_TYPE));
    }

    @Test
    void shouldTranslateProtocolUnreachableToParameterProblemAtNextHeader46() {
        final byte[] out = harness.one(icmpv4Error(3, 2, 0, quotedIpv4(20)));
        assertEquals(4, u8(out, 40));
        assertEquals(1, u8(out, 41));
        assertEquals(6, u32(out, 44), "pointer at the IPv6 Next Header field");
    }

    @ParameterizedTest(name = "IPv4 pointer {0} -> IPv6 pointer {1}")
    @CsvSource({"0,0", "1,1", "2,4", "3,4", "8,7", "9,6", "12,8", "15,8", "16,24", "19,24"})
    void shouldTranslateParameterProblemPointer46(int pointer, int expected) {
        final byte[] out = harness.one(icmpv4Error(12, 0, pointer << 24, quotedIpv4(20)));
        assertEquals(4, u8(out, 40));
        assertEquals(0, u8(out, 41));
        assertEquals(expected, u32(out, 44));
    }

    @ParameterizedTest(name = "IPv4 pointer {0} has no IPv6 counterpart")
    @CsvSource({"4", "5", "6", "7", "10", "11", "20"})
    void shouldDropParameterProblemWithoutCounterpartPointer46(int pointer) {
        harness.nothing(icmpv4Error(12, 0, pointer << 24, quotedIpv4(20)));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_PARAMETER_PROBLEM_POINTER));
    }

    @Test
    void shouldTranslateInnerPacketWithoutTouchingItsTtl46() {
        final byte[] out = harness.one(icmpv4Error(11, 0, 0, quotedIpv4(20)));
        final int inner = 48;
        assertEquals(6, u8(out, inner) >> 4);
        assertEquals(3, u8(out, inner + 7), "inner hop limit = inner TTL, not decremented");
        assertEquals("2001:db8:64::c633:6402", Packets.formatV6(out, inner + 8));
        assertEquals("2001:db8:64::c000:201", Packets.formatV6(out, inner + 24));
        assertEquals(28, u16(out, inner + 4), "inner payload length");
        final byte[] innerPacket = java.util.Arrays.copyOfRange(out, inner, out.length);
        assertTrue(Packets.transportChecksumValid6(innerPacket), "inner UDP checksum follows its new addresses");
    }

    @Test
    void shouldComputePacketTooBigMtuFromFragmentationNeeded46() {
        final byte[] out = harness.one(icmpv4Error(3, 4, 1400, quotedIpv4(20)));
        assertEquals(2, u8(out, 40));
        assertEquals(1420, u32(out, 44), "min(1400 + 20, ipv6-mtu 1500, ipv4-mtu 1500 + 20)");
        assertEquals(1280, u32(harness.one(icmpv4Error(3, 4, 1000, quotedIpv4(20))), 44), "never below 1280");
        final Harness smallV6 = new Harness(Harness.config().ipv6Mtu(1400).build());
        assertEquals(1400, u32(smallV6.one(icmpv4Error(3, 4, 1450, quotedIpv4(20))), 44), "capped by ipv6-mtu");
    }

    @Test
    void shouldUsePlateauWhenFragmentationNeededCarriesNoMtu46() {
        final byte[] quoted = quotedIpv4(1400); // total length 1428: plateau below is 1006
        final byte[] out = harness.one(icmpv4Error(3, 4, 0, java.util.Arrays.copyOf(quoted, 28)));
        assertEquals(1280, u32(out, 44), "plateau 1006 + 20, raised to the IPv6 minimum (RFC 7915 5)");
    }

    @Test
    void shouldDropNestedIcmpError46() {
        final byte[] innerError = ipv4().src("198.51.100.2").dst("192.0.2.1").icmp(icmp(3, 1, 0, quotedIpv4(8))).build();
        harness.nothing(icmpv4Error(11, 0, 0, innerError));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_NESTED_ERROR));
    }

    @Test
    void shouldTranslateEchoInsideAnError46() {
        final byte[] echo = ipv4().src("198.51.100.2").dst("192.0.2.1").icmp(icmp(8, 0, 0x10001, bytes(16, 1))).build();
        final byte[] out = harness.one(icmpv4Error(3, 1, 0, echo));
        assertEquals(58, u8(out, 48 + 6));
        assertEquals(128, u8(out, 88));
        assertTrue(Packets.transportChecksumValid6(java.util.Arrays.copyOfRange(out, 48, out.length)));
    }

    @Test
    void shouldDropIcmpErrorWithBadChecksum46() {
        final byte[] in = icmpv4Error(3, 1, 0, quotedIpv4(20));
        in[22] ^= 0x40;
        harness.nothing(in);
        assertEquals(1, harness.counters.drops(DropReason.ICMP_BAD_CHECKSUM));
    }

    @Test
    void shouldCapTranslatedIcmpv6ErrorAt1280Bytes46() {
        final byte[] quoted = quotedIpv4(1400);
        final byte[] in = ipv4().src("192.0.2.1").dst("198.51.100.2").flags(0).icmp(icmp(11, 0, 0, quoted)).build();
        assertEquals(1280, harness.one(in).length);
    }

    @Test
    void shouldKeepRfc4884ExtensionAndRescaleLength46() {
        final byte[] quoted = java.util.Arrays.copyOf(quotedIpv4(120), 128); // 128 bytes = 32 words
        final byte[] extension = bytes(16, 9);
        final byte[] body = new byte[128 + 16];
        System.arraycopy(quoted, 0, body, 0, 128);
        System.arraycopy(extension, 0, body, 128, 16);
        final byte[] out = harness.one(icmpv4Error(11, 0, 32 << 16, body));
        final int padded = 152; // 128 + 20 = 148, rounded up to a multiple of 8
        assertEquals(padded / 8, u8(out, 44), "length in 64-bit words");
        assertEquals(40 + 8 + padded + 16, out.length);
        assertEquals(java.util.Arrays.toString(extension),
            java.util.Arrays.toString(java.util.Arrays.copyOfRange(out, 48 + padded, out.length)));
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldUseRfc6791PoolForErrorsFromUnmappedRouters64() {
        final Harness pool = new Harness(Harness.config().pool6791v4(List.of(Ipv4Prefix.parse("203.0.113.8/32"))).build());
        final byte[] in = ipv6().src("2001:db8:aaaa::1").icmpv6(icmp(3, 0, 0, quotedIpv6(20))).build();
        final byte[] out = pool.one(in);
        assertEquals(Packets.v4("203.0.113.8"), (int) u32(out, 12));
        assertEquals(11, u8(out, 20));
    }

    @ParameterizedTest(name = "ICMPv6 {0}/{1} -> ICMPv4 {2}/{3}")
    @CsvSource({"1,0,3,1", "1,1,3,10", "1,2,3,1", "1,3,3,1", "1,4,3,3", "3,0,11,0", "3,1,11,1", "3,7,11,7", "4,1,3,2"})
    void shouldMapIcmpv6ErrorTypeAndCode64(int type, int code, int newType, int newCode) {
        final byte[] out = harness.one(icmpv6Error(type, code, 0, quotedIpv6(20)));
        assertEquals(newType, u8(out, 20));
        assertEquals(newCode, u8(out, 21));
        assertTrue(Packets.headerChecksumValid4(out));
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @ParameterizedTest(name = "ICMPv6 {0}/{1} dropped")
    @CsvSource({"1,5", "1,6", "4,2", "100,0"})
    void shouldSilentlyDropIcmpv6ErrorsWithoutCounterpart64(int type, int code) {
        harness.nothing(icmpv6Error(type, code, 0, quotedIpv6(20)));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_UNTRANSLATABLE_TYPE));
    }

    @ParameterizedTest(name = "IPv6 pointer {0} -> IPv4 pointer {1}")
    @CsvSource({"0,0", "1,1", "4,2", "5,2", "6,9", "7,8", "8,12", "23,12", "24,16", "39,16"})
    void shouldTranslateParameterProblemPointer64(int pointer, int expected) {
        final byte[] out = harness.one(icmpv6Error(4, 0, pointer, quotedIpv6(20)));
        assertEquals(12, u8(out, 20));
        assertEquals(expected, u8(out, 24));
    }

    @ParameterizedTest(name = "IPv6 pointer {0} has no IPv4 counterpart")
    @CsvSource({"2", "3", "40", "1000"})
    void shouldDropParameterProblemWithoutCounterpartPointer64(int pointer) {
        harness.nothing(icmpv6Error(4, 0, pointer, quotedIpv6(20)));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_PARAMETER_PROBLEM_POINTER));
    }

    @Test
    void shouldComputeFragmentationNeededMtuFromPacketTooBig64() {
        final byte[] out = harness.one(icmpv6Error(2, 0, 1400, quotedIpv6(20)));
        assertEquals(3, u8(out, 20));
        assertEquals(4, u8(out, 21));
        assertEquals(1380, u16(out, 26), "min(1400 - 20, ipv4-mtu 1500, ipv6-mtu 1500 - 20)");
        assertEquals(1480, u16(harness.one(icmpv6Error(2, 0, 9000, quotedIpv6(20))), 26), "capped by ipv6-mtu - 20");
        final byte[] fragment = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201")
            .fragment(0, true, 9).udp(udp(5000, 53, bytes(20, 4))).build();
        assertEquals(1372, u16(harness.one(icmpv6Error(2, 0, 1400, fragment)), 26), "28 when the packet had a Fragment header");
    }

    @Test
    void shouldTranslateInnerPacketAndCapAt576Bytes64() {
        final byte[] out = harness.one(icmpv6Error(1, 4, 0, quotedIpv6(1000)));
        assertEquals(576, out.length);
        final int inner = 28;
        assertEquals(0x45, u8(out, inner));
        assertEquals(3, u8(out, inner + 8), "inner TTL = inner hop limit");
        assertEquals(20 + 1008, u16(out, inner + 2), "inner total length is the original's, not the quoted part's");
        assertEquals(Packets.v4("198.51.100.2"), (int) u32(out, inner + 12));
        assertTrue(Packets.transportChecksumValid4(out), "outer ICMPv4 checksum");
    }

    @Test
    void shouldDropNestedIcmpv6Error64() {
        final byte[] innerError = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201")
            .icmpv6(icmp(1, 0, 0, quotedIpv6(8))).build();
        harness.nothing(icmpv6Error(3, 0, 0, innerError));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_NESTED_ERROR));
    }

    @Test
    void shouldDropIcmpv6ErrorWithBadChecksum64() {
        final byte[] in = icmpv6Error(1, 0, 0, quotedIpv6(20));
        in[43] ^= 0x01;
        harness.nothing(in);
        assertEquals(1, harness.counters.drops(DropReason.ICMP_BAD_CHECKSUM));
    }

    /** A = 2001:db8:a::1 is 192.0.2.10, B = 2001:db8:b::1 is 192.0.2.20. */
    private static Harness twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin mode) {
        return new Harness(Harness.config().hairpin(mode).eamt(List.of(
            new EamEntry(Ipv4Prefix.parse("192.0.2.10/32"), Ipv6Prefix.parse("2001:db8:a::1/128")),
            new EamEntry(Ipv4Prefix.parse("192.0.2.20/32"), Ipv6Prefix.parse("2001:db8:b::1/128")))).build());
    }

    @Test
    void shouldHairpinIntrinsicallyBetweenTwoEamNodes() {
        // A = 2001:db8:a::1 is 192.0.2.10, B = 2001:db8:b::1 is 192.0.2.20; A writes to B's IPv4 form.
        final Harness hairpin = twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin.INTRINSIC);
        final byte[] in = ipv6().src("2001:db8:a::1").dst("2001:db8:64::c000:214").hopLimit(10).build();
        hairpin.forward.clear();
        hairpin.back.clear();
        hairpin.send(in);
        assertEquals(0, hairpin.forward.size(), "nothing leaves towards IPv4");
        assertEquals(1, hairpin.back.size(), "the packet goes back to IPv6");
        final byte[] out = hairpin.back.get(0);
        assertEquals(6, u8(out, 0) >> 4);
        assertEquals("2001:db8:64::c000:20a", Packets.formatV6(out, 8), "source: A's IPv4 form in pool6");
        assertEquals("2001:db8:b::1", Packets.formatV6(out, 24), "destination: B through its EAM");
        assertEquals(9, u8(out, 7), "two translations, one router hop (RFC 7757 4.2)");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldHairpinAnErrorAboutAHairpinnedPacketBackToItsSender() {
        // B's side answers A's hairpinned packet (A as pool6(192.0.2.10) -> B) with Time Exceeded from a router.
        final Harness hairpin = twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin.INTRINSIC);
        final byte[] sent = ipv6().src("2001:db8:64::c000:20a").dst("2001:db8:b::1").hopLimit(1).build();
        final byte[] error = ipv6().src("2001:db8:ffff::fe").dst("2001:db8:64::c000:20a")
            .icmpv6(icmp(3, 0, 0, sent)).build();
        hairpin.forward.clear();
        hairpin.back.clear();
        hairpin.send(error);
        assertEquals(0, hairpin.forward.size(), hairpin.dropSummary());
        final byte[] out = hairpin.back.get(0);
        assertEquals("2001:db8:a::1", Packets.formatV6(out, 24), "to A itself");
        assertEquals(3, u8(out, 40), "Time Exceeded");
        assertEquals("2001:db8:a::1", Packets.formatV6(out, 48 + 8), "inner: what A sent, from A");
        assertEquals("2001:db8:64::c000:214", Packets.formatV6(out, 48 + 24), "to B's IPv4 form, as A addressed it");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldMapTheSourceByPool6OnlyInSimpleHairpinMode() {
        final Harness simple = twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin.SIMPLE);
        final byte[] out = simple.one(ipv4().src("192.0.2.10").dst("192.0.2.20").build());
        assertEquals("2001:db8:64::c000:20a", Packets.formatV6(out, 8), "A's IPv4 form, not A's EAM");
        assertEquals("2001:db8:b::1", Packets.formatV6(out, 24));
        assertEquals(4, u8(simple.one(ipv6().src("2001:db8:a::1").dst("2001:db8:64::c000:214").build()), 0) >> 4,
            "simple mode loops nothing itself");
    }

    @Test
    void shouldNotHairpinWhenOff() {
        final Harness off = new Harness(Harness.config().hairpin(io.xlat.core.config.TranslatorConfig.Hairpin.OFF)
            .eamt(List.of(new EamEntry(Ipv4Prefix.parse("192.0.2.20/32"), Ipv6Prefix.parse("2001:db8:b::1/128"))))
            .build());
        final byte[] out = off.one(ipv6().dst("2001:db8:64::c000:214").build());
        assertEquals(4, u8(out, 0) >> 4, "goes out as IPv4");
    }
    @Test
    void shouldDecrementTheHopLimitOnceForASimpleHairpinComingBackFromIpv4() {
        final Harness simple = twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin.SIMPLE);
        final byte[] first = simple.one(ipv6().src("2001:db8:a::1").dst("2001:db8:64::c000:214").hopLimit(10).build());
        assertEquals(9, u8(first, 8), "first half: one hop");
        final byte[] second = simple.one(first);
        assertEquals(9, u8(second, 7), "second half of the same hop: not decremented again");
        final byte[] fromIpv4Host = simple.one(ipv4().src("198.51.100.2").dst("192.0.2.20").ttl(10).build());
        assertEquals(9, u8(fromIpv4Host, 7), "an IPv4 source outside the EAMT is an ordinary hop");
    }

    @Test
    void shouldDecrementTheHopLimitOnceForAnIcmpv6ErrorThatHairpins() {
        final Harness hairpin = twoEamNodes(io.xlat.core.config.TranslatorConfig.Hairpin.INTRINSIC);
        final byte[] quoted = ipv6().src("2001:db8:64::c000:20a").dst("2001:db8:b::1").hopLimit(7).build();
        final byte[] error = ipv6().src("2001:db8:b::1").dst("2001:db8:64::c000:20a").hopLimit(30)
            .icmpv6(icmp(1, 4, 0, quoted)).build();
        hairpin.send(error);
        assertEquals(1, hairpin.back.size(), "the error goes back to IPv6");
        assertEquals(29, u8(hairpin.back.get(0), 7), "one router hop");
    }

    @Test
    void shouldTranslateAnIcmpv4ErrorFromLoopbackOrUnspecifiedSourcesThroughPool6() {
        final byte[] fromLoopback = ipv4().src("127.0.0.1").dst("198.51.100.2").icmp(icmp(3, 3, 0, quotedIpv4(20)))
            .build();
        final byte[] out = harness.one(fromLoopback);
        assertEquals("2001:db8:64::7f00:1", Packets.formatV6(out, 8), "the router's address as traceroute shows it");
        final byte[] fromZero = ipv4().src("0.0.0.0").dst("198.51.100.2").icmp(icmp(11, 0, 0, quotedIpv4(20))).build();
        assertEquals("2001:db8:64::", Packets.formatV6(harness.one(fromZero), 8));
        harness.nothing(ipv4().src("127.0.0.1").dst("198.51.100.2").build());
        harness.nothing(ipv4().src("127.0.0.1").dst("198.51.100.2").icmp(icmp(8, 0, 0, bytes(8, 1))).build());
        assertEquals(2, harness.counters.drops(DropReason.ILLEGAL_SOURCE), "not an error: still dropped");
    }

    @Test
    void shouldCopyTheInnerFragmentIdentificationIntoTheInnerIpv4Header64() {
        final byte[] quoted = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").hopLimit(3)
            .fragment(0, true, 0x1234_ABCD).udp(udp(5000, 53, bytes(40, 4))).build();
        final byte[] out = harness.one(icmpv6Error(1, 4, 0, quoted));
        assertEquals(0xABCD, u16(out, 28 + 4), "low 16 bits of the Fragment header's Identification");
        assertEquals(0x2000, u16(out, 28 + 6), "MF, offset 0, DF clear");
    }

    @Test
    void shouldDropAnIcmpv6ErrorQuotingAPayloadTooLongForIpv4() {
        final byte[] quoted = quotedIpv6(40);
        quoted[4] = (byte) 0xFF; // payload length 65535: 65555 bytes as IPv4
        quoted[5] = (byte) 0xFF;
        harness.nothing(icmpv6Error(1, 4, 0, quoted));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_INNER_INVALID));
        quoted[5] = (byte) 0xEB; // 65515: exactly 65535 as IPv4
        final byte[] out = harness.one(icmpv6Error(1, 4, 0, quoted));
        assertEquals(65535, u16(out, 28 + 2), "inner Total Length does not wrap");
    }

    @Test
    void shouldSendEchoReplyChecksumAsAllOnesWhenEverythingElseIsZero64() {
        final byte[] in = ipv6().icmpv6(icmp(129, 0, 0, new byte[0])).build();
        final byte[] out = harness.one(in);
        assertEquals(0, u8(out, 20), "Echo Reply");
        assertEquals(0xFFFF, u16(out, 22), "one's-complement zero that verifies");
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @Test
    void shouldSendAllOnesForAnEchoReplyOfZerosInsideAnError64() {
        final byte[] echo = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").hopLimit(3)
            .icmpv6(icmp(129, 0, 0, new byte[0])).build();
        final byte[] out = harness.one(icmpv6Error(1, 4, 0, echo));
        assertEquals(0xFFFF, u16(out, 48 + 2), "inner ICMPv4 checksum");
        assertTrue(Packets.transportChecksumValid4(out));
    }

    @Test
    void shouldDropIcmpv4ErrorsQuotingAnIpv6OnlyProtocol46() {
        final byte[] quoted = ipv4().src("198.51.100.2").dst("192.0.2.1").payload(43, bytes(16, 2)).build();
        harness.nothing(icmpv4Error(3, 3, 0, quoted));
        assertEquals(1, harness.counters.drops(DropReason.ICMP_INNER_INVALID));
    }
}
