package io.xlat.control.cli;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.testing.Packets;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapReader;
import io.xlat.tunio.pcap.PcapWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat replay} through the real core translator: one UDP packet each way with an RFC 6052 prefix. */
class ReplayEndToEndTest {

    private static final byte[] PAYLOAD = "hello, translator".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void shouldTranslateUdpBothWaysWithPool6WhenReplayingAPcap() throws IOException {
        final Path config = dir.resolve("xlat.yaml");
        Files.writeString(config, "translator:\n  pool6: 2001:db8:64::/96\n");
        final byte[] v4 = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 64, 0x28, 40000, 53, PAYLOAD);
        final byte[] v6 = Packets.ipv6Udp("2001:db8:64::c000:202", "2001:db8:64::c000:201", 64, 53, 40000, PAYLOAD);
        final Path in = dir.resolve("in.pcap");
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            writer.write(new UnsafeBuffer(v4), 0, v4.length, 1_600_000_000_000_001_000L);
            writer.write(new UnsafeBuffer(v6), 0, v6.length, 1_600_000_000_000_002_000L);
        }
        final Path out = dir.resolve("out.pcap");

        final CliRun run = CliRun.of("replay", "--config", config.toString(), in.toString(), out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s)packets in +2\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*\npackets out +2\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*\ndropped +0\n.*"), run.out());
        final List<byte[]> records = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(out)) {
            assertEquals(LinkType.RAW, reader.linkType());
            while (reader.next() >= 0) {
                final byte[] b = new byte[reader.length()];
                reader.buffer().getBytes(reader.offset(), b);
                records.add(b);
                timestamps.add(reader.timestampNanos());
            }
        }
        assertEquals(2, records.size());
        assertEquals(List.of(1_600_000_000_000_001_000L, 1_600_000_000_000_002_000L), timestamps);
        assertTranslated46(records.get(0));
        assertTranslated64(records.get(1));
    }

    /** RFC 7915 section 4.1 header, addresses per RFC 6052 /96, UDP payload intact with a valid checksum. */
    private static void assertTranslated46(byte[] p) {
        final ByteBuffer b = ByteBuffer.wrap(p);
        assertEquals(40 + 8 + PAYLOAD.length, p.length);
        assertEquals(6, (p[0] >> 4) & 0xF, "version");
        assertEquals(0x28, (b.getInt(0) >>> 20) & 0xFF, "traffic class copied from TOS");
        assertEquals(0, b.getInt(0) & 0xFFFFF, "flow label");
        assertEquals(8 + PAYLOAD.length, Packets.u16(p, 4), "payload length");
        assertEquals(Packets.UDP, p[6], "next header");
        assertEquals(63, p[7] & 0xFF, "hop limit is the TTL minus one");
        assertEquals("2001:db8:64::c000:201", Ipv6Addresses.format(b.getLong(8), b.getLong(16)));
        assertEquals("2001:db8:64::c000:202", Ipv6Addresses.format(b.getLong(24), b.getLong(32)));
        assertEquals(40000, Packets.u16(p, 40));
        assertEquals(53, Packets.u16(p, 42));
        assertEquals(0, Packets.checksum(p, 40, 8 + PAYLOAD.length, Packets.ipv6PseudoHeaderSum(p, 8 + PAYLOAD.length)),
            "UDP checksum verifies over the IPv6 pseudo-header");
        assertArrayEquals(PAYLOAD, Arrays.copyOfRange(p, 48, p.length));
    }

    /** RFC 7915 section 5.1 header, IPv4 addresses extracted from the /96, UDP payload intact. */
    private static void assertTranslated64(byte[] p) {
        final ByteBuffer b = ByteBuffer.wrap(p);
        assertEquals(20 + 8 + PAYLOAD.length, p.length);
        assertEquals(0x45, p[0] & 0xFF, "version 4, no options");
        assertEquals(p.length, Packets.u16(p, 2), "total length");
        assertEquals(63, p[8] & 0xFF, "TTL is the hop limit minus one");
        assertEquals(Packets.UDP, p[9], "protocol");
        assertEquals(0, Packets.checksum(p, 0, 20, 0), "header checksum verifies");
        assertEquals("192.0.2.2", Ipv4Addresses.format(b.getInt(12)));
        assertEquals("192.0.2.1", Ipv4Addresses.format(b.getInt(16)));
        assertEquals(53, Packets.u16(p, 20));
        assertEquals(40000, Packets.u16(p, 22));
        assertEquals(0, Packets.checksum(p, 20, 8 + PAYLOAD.length, Packets.ipv4PseudoHeaderSum(p, 8 + PAYLOAD.length)),
            "UDP checksum verifies over the IPv4 pseudo-header");
        assertArrayEquals(PAYLOAD, Arrays.copyOfRange(p, 28, p.length));
    }
}
