package io.xlat.tunio.pcap;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapRoundTripTest {

    @TempDir
    Path dir;

    private static byte[] packet(int length, int seed) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    private static byte[] recordBytes(PcapReader reader) {
        final byte[] bytes = new byte[reader.length()];
        reader.buffer().getBytes(reader.offset(), bytes);
        return bytes;
    }

    @Test
    void shouldReadBackRecordsAndNanosecondTimestampsWhenWrittenWithNanosecondPrecision() throws IOException {
        final Path file = dir.resolve("nanos.pcap");
        final long t0 = 1_700_000_000_123_456_789L;
        try (PcapWriter writer = PcapWriter.create(file, LinkType.RAW, true)) {
            writer.write(new UnsafeBuffer(packet(28, 1)), 0, 28, t0);
            writer.write(new UnsafeBuffer(packet(1500, 2)), 0, 1500, t0 + 1);
            writer.write(new UnsafeBuffer(new byte[0]), 0, 0, t0 + 2);
            assertEquals(3, writer.recordCount());
        }
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(LinkType.RAW, reader.linkType());
            assertTrue(reader.nanosecondPrecision());
            assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
            assertEquals(2, reader.versionMajor());
            assertEquals(4, reader.versionMinor());
            assertEquals(PcapWriter.SNAP_LENGTH, reader.snapLength());

            assertEquals(28, reader.next());
            assertArrayEquals(packet(28, 1), recordBytes(reader));
            assertEquals(t0, reader.timestampNanos());
            assertEquals(28, reader.originalLength());

            assertEquals(1500, reader.next());
            assertArrayEquals(packet(1500, 2), recordBytes(reader));
            assertEquals(t0 + 1, reader.timestampNanos());

            assertEquals(0, reader.next());
            assertEquals(t0 + 2, reader.timestampNanos());
            assertEquals(3, reader.recordCount());

            assertEquals(-1, reader.next());
            assertEquals(-1, reader.next());
        }
    }

    @Test
    void shouldTruncateTimestampsToMicrosecondsWhenWrittenWithMicrosecondPrecision() throws IOException {
        final Path file = dir.resolve("micros.pcap");
        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, false)) {
            writer.write(new UnsafeBuffer(packet(60, 3)), 0, 60, 1_000_000_001_999L);
        }
        final byte[] raw = Files.readAllBytes(file);
        assertEquals(24 + 16 + 60, raw.length);
        assertEquals(PcapReader.MAGIC_MICROS, ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        try (PcapReader reader = PcapReader.open(file)) {
            assertFalse(reader.nanosecondPrecision());
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(60, reader.next());
            assertEquals(1_000_000_001_000L, reader.timestampNanos());
        }
    }

    @Test
    void shouldReadBigEndianFilesWithBothMagics() throws IOException {
        for (final int magic : new int[] {PcapReader.MAGIC_MICROS, PcapReader.MAGIC_NANOS}) {
            final ByteBuffer bb = ByteBuffer.allocate(24 + 16 + 4).order(ByteOrder.BIG_ENDIAN);
            bb.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LinkType.LINUX_SLL2);
            bb.putInt(7).putInt(250).putInt(4).putInt(100);
            bb.put(new byte[] {1, 2, 3, 4});
            final Path file = dir.resolve("big-" + Integer.toHexString(magic) + ".pcap");
            Files.write(file, bb.array());
            try (PcapReader reader = PcapReader.open(file)) {
                assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
                assertEquals(LinkType.LINUX_SLL2, reader.linkType());
                assertEquals(65535, reader.snapLength());
                assertEquals(4, reader.next());
                assertEquals(100, reader.originalLength());
                assertArrayEquals(new byte[] {1, 2, 3, 4}, recordBytes(reader));
                final long fraction = magic == PcapReader.MAGIC_NANOS ? 250L : 250_000L;
                assertEquals(7_000_000_000L + fraction, reader.timestampNanos());
                assertEquals(-1, reader.next());
            }
        }
    }

    @Test
    void shouldReadUnsignedSecondsBeyond2038() throws IOException {
        final ByteBuffer bb = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(PcapReader.MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
            .putInt(LinkType.RAW);
        bb.putInt(0x9000_0000).putInt(5).putInt(0).putInt(0);
        final Path file = dir.resolve("y2038.pcap");
        Files.write(file, bb.array());
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(0, reader.next());
            assertEquals(0x9000_0000L * 1_000_000_000L + 5, reader.timestampNanos());
        }
    }

    @Test
    void shouldKeepRecordsIntactAcrossReadBufferRefills() throws IOException {
        final Path file = dir.resolve("many.pcap");
        final int count = 20_000; // about 2.5 MiB: several refills of the 1 MiB read buffer, records straddle them
        try (PcapWriter writer = PcapWriter.create(file, LinkType.RAW, true)) {
            for (int i = 0; i < count; i++) {
                final byte[] p = packet(20 + (i * 7919) % 230, i);
                writer.write(new UnsafeBuffer(p), 0, p.length, i);
            }
        }
        try (PcapReader reader = PcapReader.open(file)) {
            for (int i = 0; i < count; i++) {
                final byte[] expected = packet(20 + (i * 7919) % 230, i);
                assertEquals(expected.length, reader.next(), "record " + i);
                assertArrayEquals(expected, recordBytes(reader), "record " + i);
                assertEquals(i, reader.timestampNanos());
            }
            assertEquals(-1, reader.next());
        }
    }

    @Test
    void shouldReadMaximumLengthRecordsThatSpanTheBufferEnd() throws IOException {
        final Path file = dir.resolve("huge.pcap");
        final byte[] p = packet(PcapReader.MAX_RECORD_LENGTH, 9);
        try (PcapWriter writer = PcapWriter.create(file, LinkType.RAW, false)) {
            for (int i = 0; i < 9; i++) {
                writer.write(new UnsafeBuffer(p), 0, p.length, 0);
            }
        }
        try (PcapReader reader = PcapReader.open(file)) {
            for (int i = 0; i < 9; i++) {
                assertEquals(p.length, reader.next());
                assertArrayEquals(p, recordBytes(reader));
            }
            assertEquals(-1, reader.next());
        }
    }

    @Test
    void shouldReportTruncationWhenTheFileEndsInsideARecord() throws IOException {
        final Path file = dir.resolve("cut.pcap");
        try (PcapWriter writer = PcapWriter.create(file, LinkType.RAW, false)) {
            writer.write(new UnsafeBuffer(packet(40, 1)), 0, 40, 0);
            writer.write(new UnsafeBuffer(packet(40, 2)), 0, 40, 0);
        }
        final byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 10));
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(40, reader.next());
            final PcapFormatException e = assertThrows(PcapFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("record data of record 2"), e.getMessage());
        }
        Files.write(file, Arrays.copyOf(whole, 24 + 56 + 5));
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(40, reader.next());
            final PcapFormatException e = assertThrows(PcapFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("record header of record 2"), e.getMessage());
        }
    }

    @Test
    void shouldRejectImplausibleCapturedLengths() throws IOException {
        final ByteBuffer bb = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(PcapReader.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
            .putInt(65535).putInt(LinkType.RAW);
        bb.putInt(0).putInt(0).putInt(0x7FFF_0000).putInt(0);
        final Path file = dir.resolve("corrupt.pcap");
        Files.write(file, bb.array());
        try (PcapReader reader = PcapReader.open(file)) {
            final PcapFormatException e = assertThrows(PcapFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void shouldRefusePcapngAndOtherFilesWithAClearMessage() throws IOException {
        final Path ng = dir.resolve("x.pcapng");
        final ByteBuffer bb = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D);
        Files.write(ng, bb.array());
        final PcapFormatException ngError = assertThrows(PcapFormatException.class, () -> PcapReader.open(ng));
        assertTrue(ngError.getMessage().contains("pcapng"), ngError.getMessage());

        final Path text = dir.resolve("x.txt");
        Files.writeString(text, "this is certainly not a capture file");
        final PcapFormatException textError = assertThrows(PcapFormatException.class, () -> PcapReader.open(text));
        assertTrue(textError.getMessage().contains("not a pcap file"), textError.getMessage());

        final Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        final PcapFormatException emptyError = assertThrows(PcapFormatException.class, () -> PcapReader.open(empty));
        assertTrue(emptyError.getMessage().contains("shorter than"), emptyError.getMessage());
    }

    @Test
    void shouldReadAHeaderOnlyFileAsEmpty() throws IOException {
        final Path file = dir.resolve("header-only.pcap");
        PcapWriter.create(file, LinkType.IPV6, false).close();
        assertEquals(24, Files.size(file));
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(LinkType.IPV6, reader.linkType());
            assertEquals(-1, reader.next());
            assertEquals(0, reader.recordCount());
        }
    }
}
