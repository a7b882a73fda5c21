package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.WireTestSupport.MARKER;
import static io.xlat.control.bgp.wire.WireTestSupport.decode;
import static io.xlat.control.bgp.wire.WireTestSupport.decodeError;
import static io.xlat.control.bgp.wire.WireTestSupport.encode;
import static io.xlat.control.bgp.wire.WireTestSupport.frame;
import static io.xlat.control.bgp.wire.WireTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4271 sections 4.1, 4.4, 4.5, 6.1; RFC 2918; RFC 8203/9003. */
class MessageHeaderCodecTest {

    @Test
    void shouldEncodeKeepaliveAsBareHeader() {
        assertArrayEquals(hex(MARKER + "0013 04"), encode(KeepaliveMessage.INSTANCE));
        assertEquals(KeepaliveMessage.INSTANCE, decode(hex(MARKER + "0013 04")));
    }

    @Test
    void shouldEncodeRouteRefreshWithAfiReservedSafi() {
        assertArrayEquals(hex(MARKER + "0017 05 0002 00 01"), encode(new RouteRefreshMessage(2, 1)));
        assertEquals(new RouteRefreshMessage(1, 1), decode(hex(MARKER + "0017 05 0001 00 01")));
    }

    @Test
    void shouldRoundTripNotificationWithData() {
        final NotificationMessage n = new NotificationMessage(3, 2, hex("400501ff"));
        assertArrayEquals(hex(MARKER + "0019 03 03 02 400501ff"), encode(n));
        assertEquals(n, decode(encode(n)));
    }

    @Test
    void shouldCarryShutdownCommunicationInAdministrativeShutdown() {
        final NotificationMessage n = NotificationMessage.cease(2, "maintenance, ticket 42");
        final NotificationMessage decoded = (NotificationMessage) decode(encode(n));
        assertEquals(6, decoded.code());
        assertEquals(2, decoded.subcode());
        assertEquals(22, decoded.data()[0]);
        assertEquals("maintenance, ticket 42", decoded.shutdownCommunication());
    }

    @Test
    void shouldTruncateShutdownCommunicationAt255OctetsOnACharacterBoundary() {
        // 'é' is two octets in UTF-8: 200 of them are 400 octets, cut to 254 so that no character is split
        final NotificationMessage n = NotificationMessage.cease(4, "é".repeat(200));
        assertEquals(254, n.data()[0] & 0xFF);
        assertEquals("é".repeat(127), n.shutdownCommunication());
    }

    @Test
    void shouldIgnoreShutdownCommunicationWhoseLengthOverrunsTheData() {
        final NotificationMessage n = new NotificationMessage(6, 2, hex("05 6869"));
        assertNull(n.shutdownCommunication());
        assertNull(new NotificationMessage(6, 2, hex("02 c328")).shutdownCommunication(), "invalid UTF-8");
        assertNull(new NotificationMessage(6, 3, hex("02 6869")).shutdownCommunication(), "not subcode 2/4");
    }

    @Test
    void shouldDecodeMessagesSplitAcrossReadsAndBatchedInOneRead() {
        final EmbeddedChannel ch = WireTestSupport.channel(true);
        final byte[] two = concat(frame(4, ""), frame(5, "0002 00 01"));
        for (final byte b : two) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ch.writeInbound(Unpooled.wrappedBuffer(two));
        final List<Object> got = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            got.add(o);
        }
        assertEquals(List.of(KeepaliveMessage.INSTANCE, new RouteRefreshMessage(2, 1), KeepaliveMessage.INSTANCE,
            new RouteRefreshMessage(2, 1)), got);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void shouldSendConnectionNotSynchronizedWhenMarkerIsWrong() {
        decodeError(hex("ffffffffffffffffffffffffffff00ff 0013 04"), 1, 1);
    }

    @Test
    void shouldSendBadMessageLengthWithTheLengthFieldWhenBelow19OrAbove4096() {
        assertArrayEquals(hex("0012"), decodeError(hex(MARKER + "0012 04"), 1, 2).data());
        assertArrayEquals(hex("1001"), decodeError(hex(MARKER + "1001 02"), 1, 2).data());
    }

    @Test
    void shouldSendBadMessageLengthBeforeTheBodyArrivesWhenBelowTheTypeMinimum() {
        decodeError(hex(MARKER + "0014 04"), 1, 2);          // KEEPALIVE must be 19
        decodeError(hex(MARKER + "001c 01"), 1, 2);          // OPEN minimum 29
        decodeError(hex(MARKER + "0016 02"), 1, 2);          // UPDATE minimum 23
        decodeError(hex(MARKER + "0014 03"), 1, 2);          // NOTIFICATION minimum 21
        decodeError(hex(MARKER + "0018 05"), 1, 2);          // ROUTE-REFRESH is 23
    }

    @Test
    void shouldSendBadMessageTypeWithTheTypeField() {
        assertArrayEquals(hex("06"), decodeError(frame(6, ""), 1, 3).data());
        assertArrayEquals(hex("00"), decodeError(frame(0, ""), 1, 3).data());
    }

    @Test
    void shouldDiscardEverythingAfterTheFirstError() {
        final EmbeddedChannel ch = WireTestSupport.channel(true);
        assertThrows(BgpProtocolException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(concat(hex(MARKER + "0012 04"), frame(4, "")))));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(4, "")));
        assertNull(ch.readInbound(), "a failed stream yields nothing more");
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseToEncodeAMessageOver4096Octets() {
        final List<IpPrefix> many = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            many.add(IpPrefix.parse("10." + (i >> 8) + "." + (i & 0xFF) + ".0/24"));
        }
        final EmbeddedChannel ch = WireTestSupport.channel(true);
        final UpdateMessage tooBig = new UpdateMessage(many, List.of(), List.of());
        assertTrue(tooBig.encodedLength() > 4096);
        assertThrows(EncoderException.class, () -> ch.writeOutbound(tooBig));
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldEncodeExactly4096OctetsAndDecodeThem() {
        // 23 fixed + 4073 octets of /32 withdrawals would not divide evenly; use /24s (4 octets) plus one /0
        final List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = 0; i < 1018; i++) {
            prefixes.add(IpPrefix.parse("10." + (i >> 8) + "." + (i & 0xFF) + ".0/24"));
        }
        prefixes.add(IpPrefix.parse("0.0.0.0/0"));
        final UpdateMessage max = new UpdateMessage(prefixes, List.of(), List.of());
        assertEquals(4096, max.encodedLength());
        final byte[] bytes = encode(max);
        assertEquals(4096, bytes.length);
        assertEquals(max, decode(bytes));
    }

    @Test
    void shouldNotEncodeAReceiveSideVerdict() {
        final EmbeddedChannel ch = WireTestSupport.channel(true);
        assertThrows(EncoderException.class, () -> ch.writeOutbound(new MalformedUpdateMessage(1, "x")));
        ch.finishAndReleaseAll();
        assertInstanceOf(BgpMessage.class, new MalformedUpdateMessage(1, "x"));
    }

    static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
