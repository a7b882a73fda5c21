package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a classic pcap file record by record: either byte order, microsecond or nanosecond timestamps.
 * pcapng is recognised and refused: {@link CaptureReader#open} chooses between this and {@link PcapngReader}.
 *
 * <p>Pure Java rather than pcap4j: reading a file needs no libpcap, and {@link #next()} allocates nothing (pcap4j
 * returns a new byte[] per packet). A record is exposed as a view into the read buffer, valid until the next call.
 */
public final class PcapReader implements CaptureReader {

    /** Magic of a file with microsecond timestamps, as read in the writer's byte order. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** Magic of a file with nanosecond timestamps. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** First word of a pcapng Section Header Block (the same in both byte orders). */
    static final int PCAPNG_MAGIC = 0x0A0D0D0A;
    public static final int FILE_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Larger captured lengths are taken as corruption: tcpdump's own maximum snapshot length is 262144. */
    public static final int MAX_RECORD_LENGTH = 262_144;

    private static final int READ_BUFFER_LENGTH = 1024 * 1024;

    private final Path path;
    private final SeekableByteChannel channel;
    private final ReadWindow window;
    private final UnsafeBuffer buffer;
    private final ByteOrder order;
    private final boolean nanosecondPrecision;
    private final int versionMajor;
    private final int versionMinor;
    private final int snapLength;
    private final int linkType;
    private final int linkTypeFlags;

    private long recordCount;
    private long recordFileOffset;
    private int recordOffset;
    private int recordLength;
    private int originalLength;
    private long timestampNanos;

    private PcapReader(Path path, SeekableByteChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.window = new ReadWindow(channel, READ_BUFFER_LENGTH);
        this.buffer = window.buffer;
        if (!window.ensure(FILE_HEADER_LENGTH)) {
            throw new PcapFormatException(path + ": not a pcap file (shorter than the 24-byte file header)");
        }
        final int magicBig = buffer.getInt(0, ByteOrder.BIG_ENDIAN);
        final int magicLittle = buffer.getInt(0, ByteOrder.LITTLE_ENDIAN);
        if (magicBig == PCAPNG_MAGIC) {
            throw new PcapFormatException(path + ": pcapng, not classic pcap (CaptureReader.open reads both)");
        }
        if (magicBig == MAGIC_MICROS || magicBig == MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            nanosecondPrecision = magicBig == MAGIC_NANOS;
        } else if (magicLittle == MAGIC_MICROS || magicLittle == MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanosecondPrecision = magicLittle == MAGIC_NANOS;
        } else {
            throw new PcapFormatException(path + ": not a pcap file (magic 0x" + Integer.toHexString(magicBig) + ")");
        }
        versionMajor = buffer.getShort(4, order) & 0xFFFF;
        versionMinor = buffer.getShort(6, order) & 0xFFFF;
        snapLength = buffer.getInt(16, order);
        final int linkTypeField = buffer.getInt(20, order);
        // the low 16 bits are the link type; the high ones may say how long a trailing FCS is. Frames are
        // trimmed to their IP length later, so a trailing FCS needs no handling of its own.
        linkType = linkTypeField & 0xFFFF;
        linkTypeFlags = linkTypeField >>> 16;
        window.position = FILE_HEADER_LENGTH;
    }

    /** Opens a file and reads its header; throws {@link PcapFormatException} when it is not classic pcap. */
    public static PcapReader open(Path path) throws IOException {
        return open(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    /**
     * Reads a capture from {@code channel}, from its first byte (position 0), named {@code name} in messages; the reader
     * owns the channel: closing it (or a failure to open) closes the channel.
     */
    public static PcapReader open(Path name, SeekableByteChannel channel) throws IOException {
        try {
            return new PcapReader(name, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Advances to the next record.
     *
     * @return the captured length of the record, or -1 at the end of the file
     * @throws PcapFormatException when the file ends inside a record or a record is implausibly long
     */
    @Override
    public int next() throws IOException {
        window.position += recordLength;
        recordLength = 0;
        if (!window.ensure(RECORD_HEADER_LENGTH)) {
            if (window.remaining() > 0) {
                throw truncated("record header");
            }
            return -1;
        }
        final int position = window.position;
        final long seconds = buffer.getInt(position, order) & 0xFFFF_FFFFL;
        final long fraction = buffer.getInt(position + 4, order) & 0xFFFF_FFFFL;
        final int capturedLength = buffer.getInt(position + 8, order);
        final int wireLength = buffer.getInt(position + 12, order);
        if (capturedLength < 0 || capturedLength > MAX_RECORD_LENGTH) {
            throw new PcapFormatException(path + ": record " + (recordCount + 1) + " at byte "
                + window.fileOffset(position) + " claims " + (capturedLength & 0xFFFF_FFFFL)
                + " captured bytes (more than " + MAX_RECORD_LENGTH + "): the file is corrupt");
        }
        if (!window.ensure(RECORD_HEADER_LENGTH + capturedLength)) {
            throw truncated("record data");
        }
        recordFileOffset = window.fileOffset(window.position);
        window.position += RECORD_HEADER_LENGTH;
        recordOffset = window.position;
        recordLength = capturedLength;
        originalLength = wireLength;
        timestampNanos = seconds * 1_000_000_000L + (nanosecondPrecision ? fraction : fraction * 1000L);
        recordCount++;
        return capturedLength;
    }

    private PcapFormatException truncated(String what) {
        return new PcapFormatException(path + ": file ends inside the " + what + " of record " + (recordCount + 1)
            + " at byte " + window.fileOffset(window.position) + " (cut short while being written?)");
    }

    /** The buffer holding the current record; valid until the next call to {@link #next()}. */
    @Override
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Offset of the current record's first captured byte in {@link #buffer()}. */
    @Override
    public int offset() {
        return recordOffset;
    }

    /** Captured length of the current record. */
    @Override
    public int length() {
        return recordLength;
    }

    /** Length of the packet on the wire (larger than {@link #length()} when the capture was truncated). */
    @Override
    public int originalLength() {
        return originalLength;
    }

    /** Timestamp of the current record in nanoseconds since the epoch. */
    @Override
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Number of records read so far: the 1-based number of the current record. */
    @Override
    public long recordCount() {
        return recordCount;
    }

    @Override
    public long recordFileOffset() {
        return recordFileOffset;
    }

    /** The file's link type: every record has it. */
    @Override
    public int linkType() {
        return linkType;
    }

    /** The high 16 bits of the link type field (FCS information), normally 0. */
    public int linkTypeFlags() {
        return linkTypeFlags;
    }

    @Override
    public boolean nanosecondPrecision() {
        return nanosecondPrecision;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    public int snapLength() {
        return snapLength;
    }

    public int versionMajor() {
        return versionMajor;
    }

    public int versionMinor() {
        return versionMinor;
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
