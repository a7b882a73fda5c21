package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic pcap file (little-endian, microsecond or nanosecond timestamps) through a write-behind buffer;
 * {@link #write} allocates nothing. Records reach the file on {@link #flush()} or {@link #close()}.
 */
public final class PcapWriter implements AutoCloseable {

    /** The snapshot length written in the header: tcpdump's default, above any IP packet length. */
    public static final int SNAP_LENGTH = 262_144;

    private static final int WRITE_BUFFER_LENGTH = 1024 * 1024;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final FileChannel channel;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final boolean nanosecondPrecision;
    private int position;
    private long recordCount;

    private PcapWriter(FileChannel channel, int linkType, boolean nanosecondPrecision) throws IOException {
        this.channel = channel;
        this.nanosecondPrecision = nanosecondPrecision;
        this.byteBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_LENGTH);
        this.buffer = new UnsafeBuffer(byteBuffer);
        buffer.putInt(0, nanosecondPrecision ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS, ORDER);
        buffer.putShort(4, (short) 2, ORDER);            // version 2.4, the only one in use
        buffer.putShort(6, (short) 4, ORDER);
        buffer.putInt(8, 0, ORDER);                      // thiszone: timestamps are UTC
        buffer.putInt(12, 0, ORDER);                     // sigfigs: always 0
        buffer.putInt(16, SNAP_LENGTH, ORDER);
        buffer.putInt(20, linkType, ORDER);
        position = PcapReader.FILE_HEADER_LENGTH;
    }

    /** Creates (or truncates) {@code path} and writes the file header. */
    public static PcapWriter create(Path path, int linkType, boolean nanosecondPrecision) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        return new PcapWriter(channel, linkType, nanosecondPrecision);
    }

    /**
     * Appends one record whose captured and original lengths are both {@code length}.
     *
     * @param timestampNanos nanoseconds since the epoch; truncated to microseconds in a microsecond file
     */
    public void write(DirectBuffer source, int offset, int length, long timestampNanos) throws IOException {
        if (length < 0 || length > PcapReader.MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record length " + length + " outside 0.." + PcapReader.MAX_RECORD_LENGTH);
        }
        if (position + PcapReader.RECORD_HEADER_LENGTH + length > WRITE_BUFFER_LENGTH) {
            flush();
        }
        final long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
        final long nanos = Math.floorMod(timestampNanos, 1_000_000_000L);
        buffer.putInt(position, (int) seconds, ORDER);
        buffer.putInt(position + 4, (int) (nanosecondPrecision ? nanos : nanos / 1000L), ORDER);
        buffer.putInt(position + 8, length, ORDER);
        buffer.putInt(position + 12, length, ORDER);
        buffer.putBytes(position + PcapReader.RECORD_HEADER_LENGTH, source, offset, length);
        position += PcapReader.RECORD_HEADER_LENGTH + length;
        recordCount++;
    }

    /** Writes buffered records to the file. */
    public void flush() throws IOException {
        byteBuffer.limit(position).position(0);
        while (byteBuffer.hasRemaining()) {
            channel.write(byteBuffer);
        }
        byteBuffer.clear();
        position = 0;
    }

    public long recordCount() {
        return recordCount;
    }

    public boolean nanosecondPrecision() {
        return nanosecondPrecision;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
