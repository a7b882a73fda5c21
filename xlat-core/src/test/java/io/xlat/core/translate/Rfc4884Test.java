package io.xlat.core.translate;

import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.icmp;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u8;
import static io.xlat.core.testing.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4884 extensions across the translation: units, padding, and what gives way to the size limits. */
class Rfc4884Test {
    private final Harness harness = new Harness();
    private final Rfc4884 layout = new Rfc4884();

    @Test
    void shouldKeepEverythingAndPadToTheNewUnitWhenItFits() {
        layout.plan(148, 16, 1232, Rfc4884.ICMPV6_UNIT);
        assertEquals(148, layout.inner);
        assertEquals(152, layout.original, "148 padded to 64-bit words");
        assertEquals(16, layout.extension);
    }

    @Test
    void shouldPadAShortOriginalDatagramTo128Bytes() {
        layout.plan(80, 8, 548, Rfc4884.ICMPV4_UNIT);
        assertEquals(80, layout.inner);
        assertEquals(128, layout.original);
    }

    @Test
    void shouldCutTheInnerPacketBeforeTheExtensionDownToExactlyTheLimit() {
        layout.plan(1220, 40, 1232, Rfc4884.ICMPV6_UNIT);
        assertEquals(1192, layout.inner);
        assertEquals(1192, layout.original);
        assertEquals(40, layout.extension);
        assertEquals(1232, layout.original + layout.extension, "exactly the limit");
    }

    @Test
    void shouldDropTheExtensionWholeOnlyWhenItCannotSitNextTo128Bytes() {
        layout.plan(1220, 1150, 1232, Rfc4884.ICMPV6_UNIT);
        assertEquals(0, layout.extension);
        assertEquals(0, layout.original, "no length attribute without an extension");
        assertEquals(1220, layout.inner, "the inner packet gets the room back");
        layout.plan(600, 1104, 1232, Rfc4884.ICMPV6_UNIT);
        assertEquals(1104, layout.extension, "1232 - 1104 = 128: still fits next to 128 bytes");
        assertEquals(128, layout.inner);
    }

    @Test
    void shouldReadAnInconsistentLengthAsNoExtension() {
        layout.read(200, Rfc4884.ICMPV4_UNIT, 300);
        assertTrue(layout.inconsistent, "800 bytes claimed, 300 there");
        assertEquals(300, layout.originalLength);
        assertEquals(0, layout.extensionLength);
        layout.read(8, Rfc4884.ICMPV6_UNIT, 300);
        assertTrue(layout.inconsistent, "64 bytes is below the 128 RFC 4884 requires");
        layout.read(16, Rfc4884.ICMPV6_UNIT, 300);
        assertEquals(128, layout.originalLength);
        assertEquals(172, layout.extensionLength);
    }

    /** An ICMPv4 Time Exceeded whose original datagram field is {@code original} bytes, then {@code extension}. */
    private static byte[] timeExceeded4(byte[] original, byte[] extension) {
        final byte[] body = new byte[original.length + extension.length];
        System.arraycopy(original, 0, body, 0, original.length);
        System.arraycopy(extension, 0, body, original.length, extension.length);
        return ipv4().src("192.0.2.1").dst("198.51.100.2").flags(0)
            .icmp(icmp(11, 0, (original.length / 4) << 16, body)).build();
    }

    private static byte[] quoted4(int payload) {
        return ipv4().src("198.51.100.2").dst("192.0.2.1").ttl(1).udp(udp(5000, 33434, bytes(payload, 4))).build();
    }

    @Test
    void shouldCutTheQuoteToFitTheExtensionIn1280Bytes46() {
        final byte[] extension = bytes(240, 9);
        final byte[] out = harness.one(timeExceeded4(quoted4(972), extension)); // 1000-byte original field
        assertEquals(1280, out.length, "exactly the ICMPv6 limit");
        assertEquals(992 / 8, u8(out, 44), "length attribute: what is kept, in 64-bit words");
        assertArrayEquals(extension, Arrays.copyOfRange(out, 48 + 992, 1280), "extension whole, at its place");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldDropAnExtensionThatCannotSitNextTo128Bytes46() {
        final byte[] out = harness.one(timeExceeded4(quoted4(972), bytes(1152, 9)));
        assertEquals(0, u8(out, 44), "no extension kept: length 0");
        assertEquals(48 + 1020, out.length, "the whole quote, translated, in the room the extension left");
        assertTrue(Packets.transportChecksumValid6(out));
    }

    @Test
    void shouldNotCarryTheSendersPaddingOver46() {
        final byte[] original = Arrays.copyOf(quoted4(20), 128); // a 48-byte datagram, zero-padded to 128
        final byte[] extension = bytes(8, 3);
        final byte[] out = harness.one(timeExceeded4(original, extension));
        assertEquals(128 / 8, u8(out, 44), "68 translated bytes padded to 128, not 148 to 152");
        assertEquals(48 + 128 + 8, out.length);
        assertArrayEquals(extension, Arrays.copyOfRange(out, 48 + 128, out.length));
    }

    @Test
    void shouldTranslateAnInconsistentLengthAsNoExtensionAndCountIt46() {
        final byte[] in = timeExceeded4(quoted4(100), new byte[0]);
        in[20 + 5] = (byte) 200; // 800 bytes claimed
        in[20 + 2] = 0;
        in[20 + 3] = 0;
        final int sum = io.xlat.core.checksum.Checksum.compute(new org.agrona.concurrent.UnsafeBuffer(in), 20,
            in.length - 20);
        in[20 + 2] = (byte) (sum >> 8);
        in[20 + 3] = (byte) sum;
        final byte[] out = harness.one(in);
        assertEquals(0, u8(out, 44));
        assertEquals(48 + 148, out.length, "the whole payload translated as the original datagram");
        assertEquals(1, harness.counters.icmpExtensionsIgnoredCount());
        assertEquals(0, harness.counters.totalDrops(), "lenient: nothing dropped");
    }

    @Test
    void shouldCutTheQuoteToFitTheExtensionIn576Bytes64() {
        final byte[] quoted = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").hopLimit(1)
            .udp(udp(5000, 33434, bytes(952, 4))).build(); // 1000 bytes: 125 words
        final byte[] extension = bytes(32, 7);
        final byte[] body = new byte[1000 + 32];
        System.arraycopy(quoted, 0, body, 0, 1000);
        System.arraycopy(extension, 0, body, 1000, 32);
        final byte[] out = harness.one(ipv6().icmpv6(icmp(3, 0, 125 << 24, body)).build());
        assertEquals(576, out.length, "exactly the ICMPv4 limit");
        assertEquals(516 / 4, u8(out, 25), "length attribute in 32-bit words");
        assertArrayEquals(extension, Arrays.copyOfRange(out, 28 + 516, 576));
        assertEquals(11, u8(out, 20));
        assertTrue(Packets.transportChecksumValid4(out));
        assertEquals(0, harness.counters.drops(DropReason.ICMP_INNER_INVALID));
        assertEquals(1000 - 20, u16(out, 28 + 2), "inner Total Length: the whole datagram, not the quote");
    }
}
