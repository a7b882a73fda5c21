package io.xlat.control.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;

/** Hex helpers and EmbeddedChannel round trips shared by the codec tests. */
final class WireTestSupport {

    static final String MARKER = "ffffffffffffffffffffffffffffffff";

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private WireTestSupport() {
    }

    static byte[] hex(String text) {
        return ByteBufUtil.decodeHexDump(text.replaceAll("[\\s_]", ""));
    }

    /** A whole message: marker, the right length, type, body. */
    static byte[] frame(int type, String bodyHex) {
        final byte[] body = hex(bodyHex);
        final int length = Bgp.HEADER_LENGTH + body.length;
        return hex(MARKER + String.format("%04x%02x", length, type) + ByteBufUtil.hexDump(body));
    }

    static EmbeddedChannel channel(boolean fourOctetAs) {
        return new EmbeddedChannel(new BgpDecoder(fourOctetAs), new BgpEncoder());
    }

    /** Encodes through the pipeline and returns the octets written. */
    static byte[] encode(BgpMessage message) {
        final EmbeddedChannel ch = channel(true);
        ch.writeOutbound(message);
        final ByteBuf out = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
    }

    /** Feeds octets to a fresh decoder and returns the single message it produced. */
    static BgpMessage decode(byte[] bytes, boolean fourOctetAs) {
        final EmbeddedChannel ch = channel(fourOctetAs);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        final BgpMessage message = ch.readInbound();
        assertNull(ch.readInbound(), "exactly one message expected");
        ch.finishAndReleaseAll();
        return message;
    }

    static BgpMessage decode(byte[] bytes) {
        return decode(bytes, true);
    }

    static BgpMessage roundTrip(BgpMessage message, boolean fourOctetAs) {
        return decode(encode(message), fourOctetAs);
    }

    /** Asserts that decoding fails with the NOTIFICATION (code, subcode) and returns it. */
    static NotificationMessage decodeError(byte[] bytes, int code, int subcode) {
        final EmbeddedChannel ch = channel(true);
        final BgpProtocolException e = assertThrows(BgpProtocolException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes)));
        ch.finishAndReleaseAll();
        assertEquals(code, e.notification().code(), () -> "code of " + e.getMessage());
        assertEquals(subcode, e.notification().subcode(), () -> "subcode of " + e.getMessage());
        return e.notification();
    }
}
