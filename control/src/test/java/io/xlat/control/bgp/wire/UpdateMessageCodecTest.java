package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.WireTestSupport.MARKER;
import static io.xlat.control.bgp.wire.WireTestSupport.decode;
import static io.xlat.control.bgp.wire.WireTestSupport.encode;
import static io.xlat.control.bgp.wire.WireTestSupport.hex;
import static io.xlat.control.bgp.wire.WireTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import io.xlat.control.bgp.wire.PathAttribute.Origin;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4271 section 4.3, RFC 4760, RFC 2545, RFC 8950, RFC 6793, RFC 1997, RFC 8092, RFC 4724 End-of-RIB. */
class UpdateMessageCodecTest {

    private static final PathAttribute ORIGIN_IGP = new PathAttribute.OriginAttribute(Origin.IGP);

    private static Inet6Address v6(String text) throws Exception {
        return (Inet6Address) InetAddress.getByName(text);
    }

    private static PathAttribute.AsPathAttribute sequence(boolean fourOctet, Long... asns) {
        return new PathAttribute.AsPathAttribute(
            List.of(new PathAttribute.Segment(PathAttribute.AS_SEQUENCE, List.of(asns))), fourOctet);
    }

    @Test
    void shouldEncodeIpv6RouteInMpReachNlriFirstWithSixteenOctetNextHop() throws Exception {
        final UpdateMessage update = new UpdateMessage(List.of(), List.of(
            new PathAttribute.MpReachAttribute(2, 1, NextHop.of(v6("2001:db8::1")),
                List.of(IpPrefix.parse("2001:db8:100::/40"))),
            ORIGIN_IGP, sequence(true, 4_200_000_001L)), List.of());
        final byte[] expected = hex(MARKER + "0042 02" + "0000 002b"
            + "80 0e 1b 0002 01 10 20010db8000000000000000000000001 00 28 20010db801"
            + "40 01 01 00"
            + "40 02 06 02 01 fa56ea01");
        assertArrayEquals(expected, encode(update));
        assertEquals(update, decode(expected));
    }

    @Test
    void shouldCarryGlobalAndLinkLocalNextHopIn32Octets() throws Exception {
        final NextHop nh = NextHop.of(v6("2001:db8::1"), v6("fe80::1"));
        assertEquals(32, nh.length());
        assertEquals(v6("fe80::1"), nh.linkLocal());
        final UpdateMessage update = new UpdateMessage(List.of(), List.of(
            new PathAttribute.MpReachAttribute(2, 1, nh, List.of(IpPrefix.parse("64:ff9b::/96"))),
            ORIGIN_IGP, sequence(true, 65001L)), List.of());
        final UpdateMessage decoded = (UpdateMessage) roundTrip(update, true);
        assertEquals(update, decoded);
        assertEquals(v6("2001:db8::1"), decoded.attribute(PathAttribute.MpReachAttribute.class).nextHop().global());
    }

    @Test
    void shouldRefuseALinkLocalSlotHoldingAGlobalAddress() {
        assertThrows(IllegalArgumentException.class, () -> NextHop.of(v6("2001:db8::1"), v6("2001:db8::2")));
    }

    @Test
    void shouldCarryIpv4NlriWithIpv6NextHopPerRfc8950() throws Exception {
        final UpdateMessage update = new UpdateMessage(List.of(), List.of(
            new PathAttribute.MpReachAttribute(1, 1, NextHop.of(v6("2001:db8::7")),
                List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("203.0.113.128/25"))),
            ORIGIN_IGP, sequence(true, 65001L)), List.of());
        final String dump = ByteBufUtil.hexDump(encode(update));
        // AFI 1, SAFI 1, next hop length 16
        assertEquals(true, dump.contains("800e" + "1e" + "0001" + "01" + "10" + "20010db8000000000000000000000007" + "00"
            + "18c63364" + "19cb007180"), dump);
        assertEquals(update, roundTrip(update, true));
    }

    @Test
    void shouldRoundTripPlainIpv4WithEveryAttributeWeSend() {
        final UpdateMessage update = new UpdateMessage(List.of(IpPrefix.parse("192.0.2.0/24")), List.of(
            new PathAttribute.OriginAttribute(Origin.INCOMPLETE),
            sequence(true, 4_200_000_001L, 4_200_000_001L, 64496L),
            new PathAttribute.NextHopAttribute(0xC0000201),
            new PathAttribute.MultiExitDiscAttribute(0xFFFF_FFFFL),
            new PathAttribute.LocalPrefAttribute(200),
            new PathAttribute.AtomicAggregateAttribute(),
            new PathAttribute.AggregatorAttribute(4_200_000_001L, 0x0A000001, true),
            new PathAttribute.CommunitiesAttribute(List.of(Community.parse("64496:100"), Community.NO_EXPORT)),
            new PathAttribute.LargeCommunitiesAttribute(List.of(LargeCommunity.parse("4200000001:1:1"))),
            new PathAttribute.UnknownAttribute(0xC0, 99, hex("0102"))),
            List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("10.1.2.3/32")));
        assertEquals(update, roundTrip(update, true));
    }

    @Test
    void shouldEncodeCommunitiesAndLargeCommunitiesOctetByOctet() {
        final byte[] communities = encodeAttribute(
            new PathAttribute.CommunitiesAttribute(List.of(Community.parse("64496:100"))));
        assertArrayEquals(hex("c0 08 04 fbf00064"), communities);
        final byte[] large = encodeAttribute(
            new PathAttribute.LargeCommunitiesAttribute(List.of(LargeCommunity.parse("4200000001:1:2"))));
        assertArrayEquals(hex("c0 20 0c fa56ea01 00000001 00000002"), large);
        assertArrayEquals(hex("80 04 04 00000064"), encodeAttribute(new PathAttribute.MultiExitDiscAttribute(100)));
        assertArrayEquals(hex("40 05 04 00000064"), encodeAttribute(new PathAttribute.LocalPrefAttribute(100)));
        assertArrayEquals(hex("40 03 04 c0000201"), encodeAttribute(new PathAttribute.NextHopAttribute(0xC0000201)));
    }

    @Test
    void shouldWriteTwoOctetAsPathWithAsTransAndTheRealPathInAs4Path() {
        final List<PathAttribute.Segment> path = List.of(
            new PathAttribute.Segment(PathAttribute.AS_SEQUENCE, List.of(4_200_000_001L, 64496L)));
        assertArrayEquals(hex("40 02 06 02 02 5ba0 fbf0"),
            encodeAttribute(new PathAttribute.AsPathAttribute(path, false)));
        assertArrayEquals(hex("c0 11 0a 02 02 fa56ea01 0000fbf0"),
            encodeAttribute(new PathAttribute.As4PathAttribute(path)));
        final UpdateMessage update = new UpdateMessage(List.of(), List.of(ORIGIN_IGP,
            new PathAttribute.AsPathAttribute(path, false), new PathAttribute.NextHopAttribute(1),
            new PathAttribute.As4PathAttribute(path)), List.of(IpPrefix.parse("192.0.2.0/24")));
        final UpdateMessage decoded = (UpdateMessage) roundTrip(update, false);
        assertEquals(List.of(23456L, 64496L),
            decoded.attribute(PathAttribute.AsPathAttribute.class).segments().get(0).asns());
        assertEquals(path, decoded.attribute(PathAttribute.As4PathAttribute.class).segments());
    }

    @Test
    void shouldUseExtendedLengthForAttributesOver255Octets() {
        final List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            prefixes.add(IpPrefix.parse("2001:db8:" + Integer.toHexString(i) + "::/48"));
        }
        final PathAttribute.MpUnreachAttribute unreach = new PathAttribute.MpUnreachAttribute(2, 1, prefixes);
        final byte[] bytes = encodeAttribute(unreach);
        assertEquals(0x90, bytes[0] & 0xFF, "optional + extended length");
        assertEquals(3 + 100 * 7, ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF));
        assertEquals(bytes.length, unreach.encodedLength());
        final UpdateMessage update = new UpdateMessage(List.of(), List.of(unreach), List.of());
        assertEquals(update, roundTrip(update, true));
    }

    @Test
    void shouldEncodeEndOfRibMarkers() {
        assertArrayEquals(hex(MARKER + "0017 02 0000 0000"), encode(UpdateMessage.endOfRibIpv4()));
        assertArrayEquals(hex(MARKER + "001d 02 0000 0006 80 0f 03 0002 01"), encode(UpdateMessage.endOfRib(2, 1)));
        assertEquals(UpdateMessage.endOfRib(2, 1), decode(encode(UpdateMessage.endOfRib(2, 1))));
    }

    @Test
    void shouldWriteOnlyTheSignificantOctetsOfAPrefixAndClearTrailingBitsOnRead() {
        assertArrayEquals(hex("00"), encodePrefix(IpPrefix.parse("0.0.0.0/0")));
        assertArrayEquals(hex("11 c00080"), encodePrefix(IpPrefix.parse("192.0.128.0/17")));
        assertArrayEquals(hex("80 20010db8000000000000000000000001"), encodePrefix(IpPrefix.parse("2001:db8::1/128")));
        // withdrawn 192.0.2.0/23 sent with a stray trailing bit (192.0.3.0): read as 192.0.2.0/23
        final UpdateMessage update = (UpdateMessage) decode(WireTestSupport.frame(2, "0004 17 c00003 0000"));
        assertEquals(List.of(IpPrefix.parse("192.0.2.0/23")), update.withdrawn());
    }

    @Test
    void shouldParseAndPrintPrefixesCommunitiesAndLargeCommunities() {
        assertEquals("2001:db8::/32", IpPrefix.parse("2001:db8::/32").toString());
        assertEquals("198.51.100.0/24", IpPrefix.parse("198.51.100.0/24").toString());
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("198.51.100.1/24"));
        assertEquals(0xFBF00064, Community.parse("64496:100").value());
        assertEquals("64496:100", Community.parse("64496:100").toString());
        assertEquals(Community.GRACEFUL_SHUTDOWN, Community.parse("graceful-shutdown"));
        assertThrows(IllegalArgumentException.class, () -> Community.parse("65536:1"));
        assertThrows(IllegalArgumentException.class, () -> Community.parse("1:2:3"));
        assertEquals(new LargeCommunity(4_200_000_001L, 1, 1), LargeCommunity.parse("4200000001:1:1"));
        assertThrows(IllegalArgumentException.class, () -> LargeCommunity.parse("4294967296:1:1"));
        assertNull(NextHop.wrap(new byte[7]).global());
    }

    private static byte[] encodeAttribute(PathAttribute attribute) {
        final io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        try {
            MessageWriter.writeAttribute(attribute, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] encodePrefix(IpPrefix prefix) {
        final io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        try {
            prefix.write(buf);
            assertEquals(prefix.wireLength(), buf.readableBytes());
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
