package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A capture file read record by record, whatever its format: classic pcap ({@link PcapReader}) or pcapng
 * ({@link PcapngReader}). A record is a view into the reader's buffer, valid until the next call to {@link #next()};
 * reading allocates nothing per record.
 */
public interface CaptureReader extends AutoCloseable {

    /**
     * Opens {@code path} as classic pcap or pcapng, chosen by its first four bytes (tcpdump writes the first by
     * default, dumpcap, Wireshark and editcap the second).
     *
     * @throws PcapFormatException when the file is neither, or its header is broken (the message says where)
     */
    static CaptureReader open(Path path) throws IOException {
        return open(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    /**
     * {@link #open(Path)} from any seekable channel whose first byte is the capture's first (a file, or bytes in
     * memory), named {@code name} in messages; the reader owns the channel: closing it, or a refusal, closes it.
     */
    static CaptureReader open(Path name, SeekableByteChannel channel) throws IOException {
        final ByteBuffer magic = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
        try {
            while (magic.hasRemaining() && channel.read(magic) >= 0) {
                // a file shorter than four bytes is refused by PcapReader with its own message
            }
            channel.position(0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (magic.position() == 4 && magic.getInt(0) == PcapngReader.SECTION_HEADER_BLOCK) {
            return PcapngReader.open(name, channel);
        }
        return PcapReader.open(name, channel);
    }

    /**
     * Advances to the next packet record, skipping blocks that carry none.
     *
     * @return the captured length of the record, or -1 at the end of the file
     * @throws PcapFormatException when the file is broken at this point (the message names the byte offset)
     */
    int next() throws IOException;

    /** The buffer holding the current record. */
    DirectBuffer buffer();

    /** Offset of the current record's first captured byte in {@link #buffer()}. */
    int offset();

    /** Captured length of the current record. */
    int length();

    /** Length of the packet on the wire (larger than {@link #length()} when the capture was truncated). */
    int originalLength();

    /** Timestamp of the current record in nanoseconds since the epoch. */
    long timestampNanos();

    /** Number of packet records read so far: the 1-based number of the current one, as Wireshark counts. */
    long recordCount();

    /** Where the current record (its record header or block) starts in the file. */
    long recordFileOffset();

    /** The LINKTYPE_* of the current record (pcapng: of its interface; before the first record: the first known). */
    int linkType();

    /** Whether timestamps are finer than microseconds, so that a copy should keep nanoseconds. */
    boolean nanosecondPrecision();

    Path path();

    @Override
    void close() throws IOException;
}
