package io.xlat.control.replay;

import io.xlat.control.cli.IoErrors;
import io.xlat.core.testing.Packets;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapFormatException;
import io.xlat.tunio.pcap.PcapReader;
import io.xlat.tunio.pcap.PcapWriter;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay loop with fake translators: framing, ordering, timestamps, counting and failures. */
class PcapReplayTest {

    private static final byte[] MACS = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    private static final byte[] ERROR = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};

    @TempDir
    Path dir;

    /** Forwards every packet unchanged, except that a TTL of 1 yields a fixed "ICMP error" on the back sink. */
    private static final PcapReplay.Step ECHO = (buffer, offset, length, now, forward, back) -> {
        if ((buffer.getByte(offset) >> 4) == 4 && buffer.getByte(offset + 8) == 1) {
            back.emit(new UnsafeBuffer(ERROR), 0, ERROR.length);
            return 1;
        }
        forward.emit(buffer, offset, length);
        return 1;
    };

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (final byte[] p : parts) {
            n += p.length;
        }
        final byte[] all = new byte[n];
        int at = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static byte[] bytes(int... values) {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private Path write(String name, int linkType, boolean nanos, long[] timestamps, byte[]... records) throws IOException {
        final Path file = dir.resolve(name);
        try (PcapWriter writer = PcapWriter.create(file, linkType, nanos)) {
            for (int i = 0; i < records.length; i++) {
                writer.write(new UnsafeBuffer(records[i]), 0, records[i].length, timestamps[i]);
            }
        }
        return file;
    }

    private record Rec(long timestamp, byte[] bytes) {
    }

    private static List<Rec> read(Path file) throws IOException {
        final List<Rec> records = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(LinkType.RAW, reader.linkType());
            while (reader.next() >= 0) {
                final byte[] b = new byte[reader.length()];
                reader.buffer().getBytes(reader.offset(), b);
                records.add(new Rec(reader.timestampNanos(), b));
            }
        }
        return records;
    }

    @Test
    void shouldWriteEmittedPacketsInOrderAsRawIpWithTheInputTimestamps() throws IOException {
        final byte[] a = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 64, 0, 1000, 53, new byte[] {1, 2, 3});
        final byte[] b = Packets.ipv6Udp("2001:db8::1", "2001:db8::2", 64, 1000, 53, new byte[] {4, 5});
        final byte[] c = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 1, 0, 1000, 53, new byte[0]);
        final byte[] arp = concat(MACS, bytes(0x08, 0x06), new byte[28]);
        final byte[] padding = new byte[60 - 14 - a.length];
        final Path in = write("in.pcap", LinkType.ETHERNET, true, new long[] {11, 12, 13, 14},
            concat(MACS, bytes(0x08, 0x00), a, padding),
            arp,
            concat(MACS, bytes(0x81, 0x00, 0x00, 0x07, 0x86, 0xDD), b),
            concat(MACS, bytes(0x08, 0x00), c));
        final Path out = dir.resolve("out.pcap");

        final PcapReplay.Summary s = PcapReplay.replay(in, out, ECHO);

        assertEquals(4, s.packetsIn);
        assertEquals(2, s.translatedOut);
        assertEquals(1, s.backOut);
        assertEquals(3, s.packetsOut());
        assertEquals(1, s.skippedNotIp);
        assertEquals(1, s.skipped());
        final List<Rec> records = read(out);
        assertEquals(3, records.size());
        assertArrayEquals(a, records.get(0).bytes());   // Ethernet header and padding gone
        assertEquals(11, records.get(0).timestamp());
        assertArrayEquals(b, records.get(1).bytes());   // VLAN tag gone
        assertEquals(13, records.get(1).timestamp());
        assertArrayEquals(ERROR, records.get(2).bytes());
        assertEquals(14, records.get(2).timestamp());
        try (PcapReader reader = PcapReader.open(out)) {
            assertTrue(reader.nanosecondPrecision(), "keeps the input's timestamp precision");
        }
    }

    @Test
    void shouldGiveTheTranslatorHeadroomInFrontAndAFullIpPacketOfRoomBehind() throws IOException {
        final byte[] a = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 64, 0, 1000, 53, new byte[10]);
        final Path in = write("in.pcap", LinkType.RAW, false, new long[] {5_000_000_000L}, a);
        final Path out = dir.resolve("out.pcap");
        final int[] seen = new int[3];
        final PcapReplay.Step grow = (buffer, offset, length, now, forward, back) -> {
            seen[0] = offset;
            seen[1] = buffer.capacity() - offset;
            seen[2] = (int) (now / 1_000_000L);
            // like IPv4 to IPv6: the header grows by 20 bytes into the headroom
            buffer.setMemory(offset - 20, 20, (byte) 0x66);
            forward.emit(buffer, offset - 20, length + 20);
            return 1;
        };
        PcapReplay.replay(in, out, grow);
        assertEquals(Translator.HEADROOM, seen[0]);
        assertTrue(seen[1] >= 65536 + Translator.HEADROOM, "room behind the packet: " + seen[1]);
        assertEquals(5000, seen[2], "nowNanos is the pcap timestamp");
        final byte[] written = read(out).get(0).bytes();
        assertEquals(a.length + 20, written.length);
        assertEquals(0x66, written[0]);
        assertArrayEquals(a, java.util.Arrays.copyOfRange(written, 20, written.length));
    }

    @Test
    void shouldCountTruncatedLinkHeadersAsSkipped() throws IOException {
        final Path in = write("in.pcap", LinkType.LINUX_SLL, false, new long[] {0}, new byte[] {0, 0, 0, 1, 0, 6});
        final PcapReplay.Summary s = PcapReplay.replay(in, dir.resolve("out.pcap"), ECHO);
        assertEquals(1, s.skippedTruncatedLinkHeader);
        assertEquals(0, s.packetsOut());
    }

    @Test
    void shouldNameTheRecordAndRemoveTheOutputWhenTheTranslatorThrows() throws IOException {
        final byte[] a = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 64, 0, 1000, 53, new byte[0]);
        final Path in = write("in.pcap", LinkType.RAW, false, new long[] {0, 0}, a, a);
        final int[] calls = new int[1];
        final PcapReplay.Step failSecond = (buffer, offset, length, now, forward, back) -> {
            if (++calls[0] == 2) {
                throw new IllegalStateException("boom");
            }
            return 0;
        };
        final Path out = dir.resolve("out.pcap");
        final PcapReplay.ReplayException e = assertThrows(PcapReplay.ReplayException.class,
            () -> PcapReplay.replay(in, out, failSecond));
        assertEquals(in + ": record 2: translator failed: java.lang.IllegalStateException: boom", e.getMessage());
        assertFalse(Files.exists(out), "a half-written output is removed");
    }

    @Test
    void shouldRefuseLinkTypesItCannotDecode() throws IOException {
        final Path in = write("wifi.pcap", 105, false, new long[0]);
        final PcapFormatException e = assertThrows(PcapFormatException.class,
            () -> PcapReplay.replay(in, dir.resolve("out.pcap"), ECHO));
        assertTrue(e.getMessage().contains("link type 105 is not supported"), e.getMessage());
    }

    @Test
    void shouldReportAClearMessageWhenOutputCannotBeCreated() throws IOException {
        final Path in = write("in.pcap", LinkType.RAW, false, new long[0]);
        final Path out = dir.resolve("no-such-dir").resolve("out.pcap");
        final NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PcapReplay.replay(in, out, ECHO));
        assertEquals(out + ": no such file or directory", IoErrors.describe(e));
    }

    @Test
    void shouldCarryEveryPacketOfALargeCaptureThrough() throws IOException {
        final int count = 200_000; // speed is measured in BENCHMARKS.md, not here
        final Path in = dir.resolve("million.pcap");
        final byte[] p = Packets.ipv4Udp("192.0.2.1", "192.0.2.2", 64, 0, 1000, 53, new byte[18]);
        final UnsafeBuffer packet = new UnsafeBuffer(p);
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            for (int i = 0; i < count; i++) {
                writer.write(packet, 0, p.length, i * 1000L);
            }
        }
        final long[] bytes = new long[1];
        final PcapReplay.Step touch = new PcapReplay.Step() {
            @Override
            public int translate(MutableDirectBuffer buffer, int offset, int length, long now, PacketSink forward,
                PacketSink back) {
                bytes[0] += length;
                forward.emit(buffer, offset, length);
                return 1;
            }
        };
        final PcapReplay.Summary s = PcapReplay.replay(in, dir.resolve("out.pcap"), touch);
        assertEquals(count, s.packetsIn);
        assertEquals(count, s.translatedOut);
        assertEquals((long) count * p.length, bytes[0]);
        assertEquals(Files.size(in), Files.size(dir.resolve("out.pcap")), "every record written back");
    }
}
