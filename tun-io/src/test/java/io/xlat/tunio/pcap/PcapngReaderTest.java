package io.xlat.tunio.pcap;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pcapng as the tools write it: files made by the real editcap and mergecap (Wireshark's, Debian package
 * wireshark-common), hand-built files for what those tools do not write on this machine (big-endian sections,
 * Simple and obsolete Packet Blocks, unknown blocks), and broken files, which must be refused with the byte offset.
 */
class PcapngReaderTest {

    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    private static byte[] packet(int length, int seed) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        bytes[0] = 0x45;
        return bytes;
    }

    private record Rec(int linkType, long timestampNanos, byte[] data, int originalLength) {
    }

    private static List<Rec> readAll(Path file) throws IOException {
        final List<Rec> records = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next() >= 0) {
                final byte[] data = new byte[reader.length()];
                reader.buffer().getBytes(reader.offset(), data);
                records.add(new Rec(reader.linkType(), reader.timestampNanos(), data, reader.originalLength()));
            }
        }
        return records;
    }

    private Path classic(String name, int linkType, boolean nanos, byte[]... packets) throws IOException {
        final Path file = dir.resolve(name);
        try (PcapWriter writer = PcapWriter.create(file, linkType, nanos)) {
            for (int i = 0; i < packets.length; i++) {
                writer.write(new UnsafeBuffer(packets[i]), 0, packets[i].length, T0 + i * 1_000_000_000L);
            }
        }
        return file;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    }

    @Test
    void shouldReadWhatEditcapWritesWhenConvertingClassicPcap() throws Exception {
        final Path in = classic("in.pcap", LinkType.RAW, false, packet(20, 1), packet(1500, 2), packet(61, 3));
        final Path out = dir.resolve("out.pcapng");
        // -a adds a packet comment: an Enhanced Packet Block with options must still read as the same packet
        run("editcap", "-F", "pcapng", "-a", "2:a comment from editcap", in.toString(), out.toString());
        assertEquals(PcapngReader.SECTION_HEADER_BLOCK, ByteBuffer.wrap(Files.readAllBytes(out)).getInt(0));
        final List<Rec> records = readAll(out);
        assertEquals(3, records.size());
        assertArrayEquals(packet(1500, 2), records.get(1).data());
        assertEquals(LinkType.RAW, records.get(2).linkType());
        assertEquals((T0 + 2_000_000_000L) / 1000 * 1000, records.get(2).timestampNanos(),
            "microsecond resolution, the default if_tsresol");
        try (CaptureReader reader = CaptureReader.open(out)) {
            assertFalse(reader.nanosecondPrecision());
        }
    }

    @Test
    void shouldKeepNanosecondsOfACaptureEditcapConvertedWithNanosecondResolution() throws Exception {
        final Path in = classic("in-ns.pcap", LinkType.ETHERNET, true, packet(60, 1), packet(60, 2));
        final Path out = dir.resolve("out-ns.pcapng");
        run("editcap", "-F", "pcapng", in.toString(), out.toString());
        final List<Rec> records = readAll(out);
        assertEquals(2, records.size());
        assertEquals(T0 + 1_000_000_000L, records.get(1).timestampNanos());
        assertEquals(LinkType.ETHERNET, records.get(0).linkType());
        try (CaptureReader reader = CaptureReader.open(out)) {
            assertTrue(reader.nanosecondPrecision());
        }
    }

    @Test
    void shouldGiveEachPacketTheLinkTypeOfItsInterfaceInAMergecapFile() throws Exception {
        final Path raw = classic("raw.pcap", LinkType.RAW, false, packet(40, 1));
        final Path ethernet = classic("eth.pcap", LinkType.ETHERNET, false, packet(74, 2), packet(74, 3));
        final Path merged = dir.resolve("merged.pcapng");
        // mergecap writes pcapng by default, one Interface Description Block per input
        run("mergecap", "-w", merged.toString(), raw.toString(), ethernet.toString());
        final List<Rec> records = readAll(merged);
        assertEquals(3, records.size());
        for (final Rec r : records) {
            final boolean fromRaw = Arrays.equals(packet(40, 1), r.data());
            assertEquals(fromRaw ? LinkType.RAW : LinkType.ETHERNET, r.linkType(), "each packet with its interface's");
        }
        assertEquals(1, records.stream().filter(r -> r.linkType() == LinkType.RAW).count());
        assertArrayEquals(packet(74, 3), records.get(2).data());
    }

    @Test
    void shouldReadBackOurOwnPcapngWithCommentsAndSeveralInterfaces() throws IOException {
        final Path file = dir.resolve("ours.pcapng");
        try (PcapngWriter writer = PcapngWriter.create(file, true, "xlat test")) {
            final int raw = writer.addInterface(LinkType.RAW);
            final int ethernet = writer.addInterface(LinkType.ETHERNET);
            writer.write(raw, new UnsafeBuffer(packet(21, 1)), 0, 21, T0, "input packet 1; tenant blue");
            writer.write(ethernet, new UnsafeBuffer(packet(64, 2)), 0, 64, T0 + 7, null);
            assertEquals(2, writer.recordCount());
        }
        final List<Rec> records = readAll(file);
        assertEquals(2, records.size());
        assertArrayEquals(packet(21, 1), records.get(0).data());
        assertEquals(T0, records.get(0).timestampNanos());
        assertEquals(LinkType.ETHERNET, records.get(1).linkType());
        assertEquals(T0 + 7, records.get(1).timestampNanos());
    }

    /** Builds pcapng blocks by hand in either byte order (the tools here only write little-endian). */
    private static final class Blocks {
        private final ByteBuffer out = ByteBuffer.allocate(1 << 16);

        Blocks order(ByteOrder order) {
            out.order(order);
            return this;
        }

        Blocks block(int type, byte[] body) {
            final int total = 12 + ((body.length + 3) & ~3);
            out.putInt(type).putInt(total).put(body);
            for (int k = body.length; k < ((body.length + 3) & ~3); k++) {
                out.put((byte) 0);
            }
            out.putInt(total);
            return this;
        }

        Blocks section() {
            final ByteBuffer body = ByteBuffer.allocate(16).order(out.order());
            body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(PcapngReader.SECTION_HEADER_BLOCK, body.array());
        }

        Blocks iface(int linkType, int snapLength, int tsresol) {
            final ByteBuffer body = ByteBuffer.allocate(tsresol < 0 ? 8 : 20).order(out.order());
            body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
            if (tsresol >= 0) {
                body.putShort((short) PcapngReader.IF_TSRESOL).putShort((short) 1).put((byte) tsresol)
                    .put(new byte[3]).putInt(0);
            }
            return block(PcapngReader.INTERFACE_DESCRIPTION_BLOCK, body.array());
        }

        Blocks enhanced(int iface, long ticks, byte[] data) {
            final ByteBuffer body = ByteBuffer.allocate(20 + data.length).order(out.order());
            body.putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length)
                .putInt(data.length).put(data);
            return block(PcapngReader.ENHANCED_PACKET_BLOCK, body.array());
        }

        Blocks simple(int originalLength, byte[] data) {
            final ByteBuffer body = ByteBuffer.allocate(4 + data.length).order(out.order());
            body.putInt(originalLength).put(data);
            return block(PcapngReader.SIMPLE_PACKET_BLOCK, body.array());
        }

        Blocks obsolete(int iface, long ticks, byte[] data) {
            final ByteBuffer body = ByteBuffer.allocate(20 + data.length).order(out.order());
            body.putShort((short) iface).putShort((short) 0).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                .putInt(data.length).putInt(data.length).put(data);
            return block(PcapngReader.PACKET_BLOCK, body.array());
        }

        byte[] bytes() {
            return Arrays.copyOf(out.array(), out.position());
        }
    }

    @Test
    void shouldReadBigEndianSectionsSimpleAndObsoletePacketBlocksAndSkipUnknownBlocks() throws IOException {
        final byte[] first = new Blocks().order(ByteOrder.BIG_ENDIAN).section()
            .iface(LinkType.IPV4, 0, 3)                       // milliseconds
            .block(0x0000_0BAD, new byte[] {1, 2, 3, 4, 5})   // a block type nobody defined: skipped
            .enhanced(0, 1_700_000_000_123L, packet(33, 1))
            .simple(60, packet(28, 2))                        // 60 on the wire, 28 captured: snaplen 0 = none
            .block(5, new byte[16])                           // Interface Statistics Block: skipped
            .bytes();
        final byte[] second = new Blocks().order(ByteOrder.LITTLE_ENDIAN).section()
            .iface(LinkType.IPV6, 0, 0x80 | 10)               // 2^-10 s
            .obsolete(0, 1024L * 5 + 512, packet(40, 3))
            .bytes();
        final Path file = dir.resolve("mixed.pcapng");
        final byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Files.write(file, both);

        final List<Rec> records = readAll(file);
        assertEquals(3, records.size());
        assertEquals(LinkType.IPV4, records.get(0).linkType());
        assertEquals(1_700_000_000_123_000_000L, records.get(0).timestampNanos());
        assertArrayEquals(packet(28, 2), records.get(1).data());
        assertEquals(60, records.get(1).originalLength());
        assertEquals(records.get(0).timestampNanos(), records.get(1).timestampNanos(),
            "a Simple Packet Block has no timestamp: the previous one holds");
        assertEquals(LinkType.IPV6, records.get(2).linkType());
        assertEquals(5_500_000_000L, records.get(2).timestampNanos());
        assertArrayEquals(packet(40, 3), records.get(2).data());
        try (PcapngReader reader = PcapngReader.open(file)) {
            while (reader.next() >= 0) {
                assertTrue(reader.sectionCount() >= 1);
            }
            assertEquals(2, reader.sectionCount());
            assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
        }
    }

    private String failureOf(byte[] file) throws IOException {
        final Path path = dir.resolve("broken.pcapng");
        Files.write(path, file);
        final PcapFormatException e = assertThrows(PcapFormatException.class, () -> readAll(path));
        assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void shouldReadASimplePacketOfAnInterfaceWhoseSnapLengthHasTheTopBitSet() throws IOException {
        // an unsigned SnapLen of 0xFFFFFF00 limits nothing; read as a signed int it made the captured length
        // negative, which next() returned as the end of the file after counting the record
        final Path file = Files.write(dir.resolve("large-snaplen.pcapng"), new Blocks().order(ByteOrder.BIG_ENDIAN)
            .section().iface(LinkType.IPV4, 0xFFFF_FF00, 6).simple(28, packet(28, 4)).bytes());

        final List<Rec> records = readAll(file);

        assertEquals(1, records.size());
        assertArrayEquals(packet(28, 4), records.get(0).data());
    }

    @Test
    void shouldRefuseBrokenFilesNamingTheByteOffset() throws IOException {
        final byte[] good = new Blocks().order(ByteOrder.LITTLE_ENDIAN).section().iface(LinkType.RAW, 0, -1)
            .enhanced(0, 1, packet(20, 1)).enhanced(0, 2, packet(20, 2)).bytes();
        final int second = 28 + 20 + 52;                      // section, interface, first packet block

        final String cut = failureOf(Arrays.copyOf(good, good.length - 6));
        assertTrue(cut.contains("block at byte " + second) && cut.contains("ends inside"), cut);

        final byte[] trailer = good.clone();
        trailer[second + 48] = 9;                              // the second block's trailing length
        final String mismatch = failureOf(trailer);
        assertTrue(mismatch.contains("block at byte " + second) && mismatch.contains("at its end"), mismatch);

        final byte[] odd = good.clone();
        odd[second + 4] = 47;                                  // not a multiple of 4
        assertTrue(failureOf(odd).contains("block at byte " + second), failureOf(odd));

        final byte[] interfaceId = good.clone();
        interfaceId[second + 8] = 3;
        final String noInterface = failureOf(interfaceId);
        assertTrue(noInterface.contains("block at byte " + second) && noInterface.contains("interface 3"), noInterface);

        final byte[] magic = good.clone();
        magic[8] = 0x55;
        final String bom = failureOf(magic);
        assertTrue(bom.contains("block at byte 0") && bom.contains("byte-order magic"), bom);

        final byte[] captured = good.clone();
        captured[second + 20] = 100;                           // captured length beyond the block
        assertTrue(failureOf(captured).contains("does not fit"), failureOf(captured));
    }
}
