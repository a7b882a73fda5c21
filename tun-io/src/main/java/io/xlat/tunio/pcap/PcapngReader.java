package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a pcapng file (the format dumpcap, Wireshark and editcap write by default) packet by packet: several
 * sections, either byte order per section, several interfaces with their own link type, timestamp resolution
 * ({@code if_tsresol}) and offset ({@code if_tsoffset}); Enhanced, Simple and the obsolete Packet blocks. Every
 * other block (name resolution, statistics, decryption secrets, custom, future types) is skipped, as the format
 * asks of readers that do not know a block type.
 *
 * <p>Block layout: draft-ietf-opsawg-pcapng, section 3.1 ("Block Type", "Block Total Length", body, "Block Total
 * Length" again). Both length fields are checked, so a cut or corrupt file is reported with the byte offset of the
 * block instead of being read as garbage packets.
 */
public final class PcapngReader implements CaptureReader {

    /** Block type of the Section Header Block; also the file's first four bytes, the same in both byte orders. */
    public static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    public static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    /** The obsolete Packet Block, still read: old Wireshark versions wrote it. */
    public static final int PACKET_BLOCK = 2;
    public static final int SIMPLE_PACKET_BLOCK = 3;
    public static final int ENHANCED_PACKET_BLOCK = 6;
    /** The byte-order magic of a Section Header Block, as written in the section's own byte order. */
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    static final int OPTION_END = 0;
    static final int OPTION_COMMENT = 1;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    /** Type, total length, and the trailing total length: the smallest block. */
    static final int MIN_BLOCK_LENGTH = 12;
    static final int SECTION_HEADER_MIN_LENGTH = 28;
    static final int INTERFACE_DESCRIPTION_MIN_LENGTH = 20;
    static final int ENHANCED_PACKET_HEADER_LENGTH = 28;
    static final int SIMPLE_PACKET_HEADER_LENGTH = 12;

    /** Blocks a reader must buffer (packets, interfaces) may be at most this long: room for the largest record. */
    private static final int READ_BUFFER_LENGTH = 1024 * 1024;
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path path;
    private final SeekableByteChannel channel;
    private final ReadWindow window;
    private final UnsafeBuffer buffer;

    private ByteOrder order;
    private int sectionCount;
    private int interfaceCount;
    private int[] interfaceLinkType = new int[4];
    private int[] interfaceSnapLength = new int[4];
    private long[] interfaceUnitsPerSecond = new long[4];
    private long[] interfaceOffsetSeconds = new long[4];
    private boolean nanosecondPrecision;

    private int currentBlockLength;
    private long recordCount;
    private long recordFileOffset;
    private int recordOffset;
    private int recordLength;
    private int originalLength;
    private int recordInterface;
    private long timestampNanos;

    private PcapngReader(Path path, SeekableByteChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.window = new ReadWindow(channel, READ_BUFFER_LENGTH);
        this.buffer = window.buffer;
        if (!window.ensure(MIN_BLOCK_LENGTH) || buffer.getInt(0, ByteOrder.BIG_ENDIAN) != SECTION_HEADER_BLOCK) {
            throw new PcapFormatException(path + ": not a pcapng file (it must begin with a Section Header Block)");
        }
        // read the interfaces before the first packet, so that callers know the link types and the precision
        advanceToPacketBlock();
    }

    /** Opens a pcapng file and reads up to its first packet; throws {@link PcapFormatException} when it is broken. */
    public static PcapngReader open(Path path) throws IOException {
        return open(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    /** {@link #open(Path)} from any seekable channel, as {@link PcapReader#open(Path, SeekableByteChannel)}. */
    public static PcapngReader open(Path name, SeekableByteChannel channel) throws IOException {
        try {
            return new PcapngReader(name, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public int next() throws IOException {
        window.position += currentBlockLength;
        currentBlockLength = 0;
        recordLength = 0;
        if (!advanceToPacketBlock()) {
            return -1;
        }
        final int p = window.position;
        final int type = buffer.getInt(p, order);
        final int total = buffer.getInt(p + 4, order);
        final int dataOffset;
        final int capturedLength;
        final long units;
        final long offsetSeconds;
        if (type == SIMPLE_PACKET_BLOCK) {
            if (interfaceCount == 0) {
                throw broken(p, "Simple Packet Block before any Interface Description Block");
            }
            originalLength = buffer.getInt(p + 8, order);
            final int room = total - SIMPLE_PACKET_HEADER_LENGTH - 4;
            // SnapLen is an unsigned 32-bit field: one with its top bit set is a large limit, not a negative one
            final long snap = interfaceSnapLength[0] & 0xFFFF_FFFFL;
            // the captured length is not stored: the smaller of the original length and the snapshot length
            capturedLength = (int) Math.min(originalLength & 0xFFFF_FFFFL, Math.min(room, snap == 0 ? room : snap));
            dataOffset = p + SIMPLE_PACKET_HEADER_LENGTH;
            recordInterface = 0;
            // no timestamp of its own: keep the previous one, so that a rate limit driven by time sees no jump
            units = 0;
            offsetSeconds = 0;
        } else {
            final int interfaceId = type == PACKET_BLOCK ? buffer.getShort(p + 8, order) & 0xFFFF
                : buffer.getInt(p + 8, order);
            if (interfaceId < 0 || interfaceId >= interfaceCount) {
                throw broken(p, "packet of interface " + (interfaceId & 0xFFFF_FFFFL) + ", but the section describes "
                    + interfaceCount + (interfaceCount == 1 ? " interface" : " interfaces"));
            }
            recordInterface = interfaceId;
            capturedLength = buffer.getInt(p + 20, order);
            originalLength = buffer.getInt(p + 24, order);
            if (capturedLength < 0 || capturedLength > total - ENHANCED_PACKET_HEADER_LENGTH - 4) {
                throw broken(p, "captured length " + (capturedLength & 0xFFFF_FFFFL) + " does not fit the "
                    + total + "-byte block");
            }
            dataOffset = p + ENHANCED_PACKET_HEADER_LENGTH;
            units = interfaceUnitsPerSecond[interfaceId];
            offsetSeconds = interfaceOffsetSeconds[interfaceId];
        }
        if (units != 0) {
            final long ticks = ((buffer.getInt(p + 12, order) & 0xFFFF_FFFFL) << 32)
                | (buffer.getInt(p + 16, order) & 0xFFFF_FFFFL);
            timestampNanos = toNanos(ticks, units) + offsetSeconds * NANOS_PER_SECOND;
        }
        recordFileOffset = window.fileOffset(p);
        recordOffset = dataOffset;
        recordLength = capturedLength;
        currentBlockLength = total;
        recordCount++;
        return capturedLength;
    }

    /** Timestamp ticks of {@code unitsPerSecond} to nanoseconds, without overflow for any resolution. */
    static long toNanos(long ticks, long unitsPerSecond) {
        final long seconds = Long.divideUnsigned(ticks, unitsPerSecond);
        final long fraction = Long.remainderUnsigned(ticks, unitsPerSecond);
        final long nanos;
        if (unitsPerSecond <= NANOS_PER_SECOND) {
            nanos = fraction * NANOS_PER_SECOND / unitsPerSecond;
        } else {
            nanos = (long) (fraction * ((double) NANOS_PER_SECOND / unitsPerSecond));
        }
        return seconds * NANOS_PER_SECOND + nanos;
    }

    /**
     * Reads section headers, interface descriptions and skips other blocks until a packet block starts at
     * {@code window.position} (left unconsumed and wholly buffered) or the file ends.
     */
    private boolean advanceToPacketBlock() throws IOException {
        while (true) {
            if (!window.ensure(8)) {
                if (window.remaining() > 0) {
                    throw broken(window.position, "the file ends inside a block header (cut short while being "
                        + "written?)");
                }
                return false;
            }
            final int p = window.position;
            final int type = buffer.getInt(p, order == null ? ByteOrder.BIG_ENDIAN : order);
            if (type == SECTION_HEADER_BLOCK) {
                readSectionHeader();
                continue;
            }
            final long total = buffer.getInt(p + 4, order) & 0xFFFF_FFFFL;
            if (total < MIN_BLOCK_LENGTH || total % 4 != 0) {
                throw broken(p, "block of type 0x" + Integer.toHexString(type) + " claims a total length of "
                    + total + " (a multiple of 4, at least 12): the file is corrupt");
            }
            final boolean packet = type == ENHANCED_PACKET_BLOCK || type == SIMPLE_PACKET_BLOCK
                || type == PACKET_BLOCK;
            if (!packet && type != INTERFACE_DESCRIPTION_BLOCK) {
                if (!window.skip(total)) {
                    throw broken(p, "the file ends inside a " + total + "-byte block of type 0x"
                        + Integer.toHexString(type) + " (cut short while being written?)");
                }
                continue;
            }
            final int start = buffer(p, (int) Math.min(total, Integer.MAX_VALUE), type);
            if (packet) {
                final int min = type == SIMPLE_PACKET_BLOCK ? SIMPLE_PACKET_HEADER_LENGTH + 4
                    : ENHANCED_PACKET_HEADER_LENGTH + 4;
                if (total < min) {
                    throw broken(start, "packet block of " + total + " bytes, shorter than its fixed fields ("
                        + min + ")");
                }
                return true;
            }
            readInterfaceDescription(start, (int) total);
            window.position += (int) total;
        }
    }

    /**
     * Buffers the whole block at {@code p} and checks its trailing length; returns where it now starts.
     */
    private int buffer(int p, int total, int type) throws IOException {
        final long at = window.fileOffset(p);
        if (total < 0 || total > READ_BUFFER_LENGTH) {
            throw new PcapFormatException(path + ": block at byte " + at + " (type 0x" + Integer.toHexString(type)
                + ") claims " + (total & 0xFFFF_FFFFL) + " bytes, more than " + READ_BUFFER_LENGTH
                + ": the file is corrupt");
        }
        if (!window.ensure(total)) {
            throw new PcapFormatException(path + ": block at byte " + at + ": the file ends inside this "
                + total + "-byte block of type 0x" + Integer.toHexString(type) + " (cut short while being written?)");
        }
        final int start = window.position;
        final int trailer = buffer.getInt(start + total - 4, order);
        if (trailer != total) {
            throw broken(start, "block of type 0x" + Integer.toHexString(type) + " says " + total
                + " bytes at its start and " + (trailer & 0xFFFF_FFFFL) + " at its end: the file is corrupt");
        }
        return start;
    }

    private void readSectionHeader() throws IOException {
        final int p0 = window.position;
        if (!window.ensure(12)) {
            throw broken(p0, "the file ends inside a Section Header Block");
        }
        final int p = window.position;
        final int magicBig = buffer.getInt(p + 8, ByteOrder.BIG_ENDIAN);
        if (magicBig == BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (buffer.getInt(p + 8, ByteOrder.LITTLE_ENDIAN) == BYTE_ORDER_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            throw broken(p, "Section Header Block with byte-order magic 0x" + Integer.toHexString(magicBig)
                + " (expected 1a2b3c4d in either byte order): not a pcapng file, or a corrupt one");
        }
        final int total = buffer.getInt(p + 4, order);
        if (total < SECTION_HEADER_MIN_LENGTH || total % 4 != 0) {
            throw broken(p, "Section Header Block claims a total length of " + (total & 0xFFFF_FFFFL)
                + " (a multiple of 4, at least " + SECTION_HEADER_MIN_LENGTH + "): the file is corrupt");
        }
        final int start = buffer(p, total, SECTION_HEADER_BLOCK);
        final int major = buffer.getShort(start + 12, order) & 0xFFFF;
        if (major != 1) {
            throw broken(start, "pcapng version " + major + "." + (buffer.getShort(start + 14, order) & 0xFFFF)
                + " (only major version 1 exists)");
        }
        // interface ids count from 0 again in every section
        interfaceCount = 0;
        sectionCount++;
        window.position = start + total;
    }

    private void readInterfaceDescription(int p, int total) throws PcapFormatException {
        if (total < INTERFACE_DESCRIPTION_MIN_LENGTH) {
            throw broken(p, "Interface Description Block of " + total + " bytes (at least "
                + INTERFACE_DESCRIPTION_MIN_LENGTH + ")");
        }
        if (interfaceCount == interfaceLinkType.length) {
            final int n = interfaceCount * 2;
            interfaceLinkType = Arrays.copyOf(interfaceLinkType, n);
            interfaceSnapLength = Arrays.copyOf(interfaceSnapLength, n);
            interfaceUnitsPerSecond = Arrays.copyOf(interfaceUnitsPerSecond, n);
            interfaceOffsetSeconds = Arrays.copyOf(interfaceOffsetSeconds, n);
        }
        final int i = interfaceCount;
        interfaceLinkType[i] = buffer.getShort(p + 8, order) & 0xFFFF;
        interfaceSnapLength[i] = buffer.getInt(p + 12, order);
        interfaceUnitsPerSecond[i] = MICROS_PER_SECOND;
        interfaceOffsetSeconds[i] = 0;
        final int end = p + total - 4;
        int o = p + 16;
        while (o + 4 <= end) {
            final int code = buffer.getShort(o, order) & 0xFFFF;
            final int length = buffer.getShort(o + 2, order) & 0xFFFF;
            if (code == OPTION_END) {
                break;
            }
            if (o + 4 + length > end) {
                throw broken(p, "option " + code + " of interface " + i + " runs past the end of its block");
            }
            if (code == IF_TSRESOL && length >= 1) {
                interfaceUnitsPerSecond[i] = unitsPerSecond(buffer.getByte(o + 4), p);
            } else if (code == IF_TSOFFSET && length >= 8) {
                interfaceOffsetSeconds[i] = buffer.getLong(o + 4, order);
            }
            o += 4 + ((length + 3) & ~3);
        }
        if (interfaceUnitsPerSecond[i] > MICROS_PER_SECOND) {
            nanosecondPrecision = true;
        }
        interfaceCount++;
    }

    /** {@code if_tsresol}: the high bit chooses powers of 2 or of 10, the rest is the negative exponent. */
    private long unitsPerSecond(byte resolution, int p) throws PcapFormatException {
        final int exponent = resolution & 0x7F;
        final boolean binary = (resolution & 0x80) != 0;
        if (binary ? exponent > 62 : exponent > 18) {
            throw broken(p, "if_tsresol " + (binary ? "2^-" : "10^-") + exponent + " is beyond what a 64-bit "
                + "timestamp can hold");
        }
        if (binary) {
            return 1L << exponent;
        }
        long units = 1;
        for (int k = 0; k < exponent; k++) {
            units *= 10;
        }
        return units;
    }

    private PcapFormatException broken(int bufferIndex, String what) {
        return new PcapFormatException(path + ": block at byte " + window.fileOffset(bufferIndex) + ": " + what);
    }

    @Override
    public DirectBuffer buffer() {
        return buffer;
    }

    @Override
    public int offset() {
        return recordOffset;
    }

    @Override
    public int length() {
        return recordLength;
    }

    @Override
    public int originalLength() {
        return originalLength;
    }

    @Override
    public long timestampNanos() {
        return timestampNanos;
    }

    @Override
    public long recordCount() {
        return recordCount;
    }

    @Override
    public long recordFileOffset() {
        return recordFileOffset;
    }

    @Override
    public int linkType() {
        return interfaceCount == 0 ? -1 : interfaceLinkType[recordCount == 0 ? 0 : recordInterface];
    }

    /** The interface (within its section) of the current record. */
    public int interfaceId() {
        return recordInterface;
    }

    /** Interfaces described so far in the current section. */
    public int interfaceCount() {
        return interfaceCount;
    }

    public int interfaceLinkType(int interfaceId) {
        return interfaceLinkType[interfaceId];
    }

    /** Section Header Blocks read so far (a file made by concatenating captures has several). */
    public int sectionCount() {
        return sectionCount;
    }

    /** The byte order of the current section. */
    public ByteOrder byteOrder() {
        return order;
    }

    @Override
    public boolean nanosecondPrecision() {
        return nanosecondPrecision;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
