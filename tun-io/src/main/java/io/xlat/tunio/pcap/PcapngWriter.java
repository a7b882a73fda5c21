package io.xlat.tunio.pcap;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a pcapng file (little-endian, one section): Interface Description Blocks added as needed, and Enhanced
 * Packet Blocks that may carry a comment ({@code opt_comment}), which Wireshark shows with the packet. That is what
 * classic pcap cannot do, and why annotated replay output is pcapng. Records reach the file on {@link #flush()} or
 * {@link #close()}.
 */
public final class PcapngWriter implements AutoCloseable {

    private static final int WRITE_BUFFER_LENGTH = 1024 * 1024;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int SHB_USERAPPL = 4;
    /** A comment longer than this is cut: it must fit the write buffer next to the largest record. */
    static final int MAX_COMMENT_BYTES = 4096;

    private final FileChannel channel;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final boolean nanosecondPrecision;
    private int position;
    private int interfaceCount;
    private long recordCount;

    private PcapngWriter(FileChannel channel, boolean nanosecondPrecision, String application) {
        this.channel = channel;
        this.nanosecondPrecision = nanosecondPrecision;
        this.byteBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_LENGTH);
        this.buffer = new UnsafeBuffer(byteBuffer);
        final byte[] app = application.getBytes(StandardCharsets.UTF_8);
        final int total = 28 + option(app.length) + 4;
        buffer.putInt(0, PcapngReader.SECTION_HEADER_BLOCK, ORDER);
        buffer.putInt(4, total, ORDER);
        buffer.putInt(8, PcapngReader.BYTE_ORDER_MAGIC, ORDER);
        buffer.putShort(12, (short) 1, ORDER);                 // version 1.0
        buffer.putShort(14, (short) 0, ORDER);
        buffer.putLong(16, -1L, ORDER);                        // section length: not given
        int o = putOption(24, SHB_USERAPPL, app, app.length);
        buffer.putInt(o, 0, ORDER);                            // opt_endofopt
        buffer.putInt(o + 4, total, ORDER);
        position = total;
    }

    /** Creates (or truncates) {@code path} and writes the section header naming {@code application}. */
    public static PcapngWriter create(Path path, boolean nanosecondPrecision, String application) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        return new PcapngWriter(channel, nanosecondPrecision, application);
    }

    /** Describes one more interface with {@code linkType}; returns its id for {@link #write}. */
    public int addInterface(int linkType) throws IOException {
        final int total = 20 + (nanosecondPrecision ? 8 + 4 : 0);
        room(total);
        final int p = position;
        buffer.putInt(p, PcapngReader.INTERFACE_DESCRIPTION_BLOCK, ORDER);
        buffer.putInt(p + 4, total, ORDER);
        buffer.putShort(p + 8, (short) linkType, ORDER);
        buffer.putShort(p + 10, (short) 0, ORDER);             // reserved
        buffer.putInt(p + 12, PcapWriter.SNAP_LENGTH, ORDER);
        int o = p + 16;
        if (nanosecondPrecision) {
            buffer.putShort(o, (short) PcapngReader.IF_TSRESOL, ORDER);
            buffer.putShort(o + 2, (short) 1, ORDER);
            buffer.putInt(o + 4, 9, ORDER);                    // 10^-9, then three bytes of padding
            buffer.putInt(o + 8, 0, ORDER);                    // opt_endofopt
            o += 12;
        }
        buffer.putInt(o, total, ORDER);
        position += total;
        return interfaceCount++;
    }

    /**
     * Appends one Enhanced Packet Block whose captured and original lengths are both {@code length}.
     *
     * @param comment shown by Wireshark with the packet; null for none (then nothing is allocated)
     */
    public void write(int interfaceId, DirectBuffer source, int offset, int length, long timestampNanos,
        String comment) throws IOException {
        if (length < 0 || length > PcapReader.MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record length " + length + " outside 0.." + PcapReader.MAX_RECORD_LENGTH);
        }
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface " + interfaceId + " not added (" + interfaceCount + " are)");
        }
        byte[] text = comment == null ? null : comment.getBytes(StandardCharsets.UTF_8);
        if (text != null && text.length > MAX_COMMENT_BYTES) {
            text = Arrays.copyOf(text, MAX_COMMENT_BYTES);
        }
        final int options = text == null ? 0 : option(text.length) + 4;
        final int total = PcapngReader.ENHANCED_PACKET_HEADER_LENGTH + padded(length) + options + 4;
        room(total);
        final int p = position;
        final long ticks = nanosecondPrecision ? timestampNanos : Math.floorDiv(timestampNanos, 1000L);
        buffer.putInt(p, PcapngReader.ENHANCED_PACKET_BLOCK, ORDER);
        buffer.putInt(p + 4, total, ORDER);
        buffer.putInt(p + 8, interfaceId, ORDER);
        buffer.putInt(p + 12, (int) (ticks >>> 32), ORDER);
        buffer.putInt(p + 16, (int) ticks, ORDER);
        buffer.putInt(p + 20, length, ORDER);
        buffer.putInt(p + 24, length, ORDER);
        buffer.putBytes(p + 28, source, offset, length);
        int o = p + 28 + length;
        while (o < p + 28 + padded(length)) {
            buffer.putByte(o++, (byte) 0);
        }
        if (text != null) {
            o = putOption(o, PcapngReader.OPTION_COMMENT, text, text.length);
            buffer.putInt(o, 0, ORDER);                        // opt_endofopt
            o += 4;
        }
        buffer.putInt(o, total, ORDER);
        position += total;
        recordCount++;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    private static int option(int valueLength) {
        return 4 + padded(valueLength);
    }

    private int putOption(int o, int code, byte[] value, int length) {
        buffer.putShort(o, (short) code, ORDER);
        buffer.putShort(o + 2, (short) length, ORDER);
        buffer.putBytes(o + 4, value, 0, length);
        for (int k = o + 4 + length; k < o + option(length); k++) {
            buffer.putByte(k, (byte) 0);
        }
        return o + option(length);
    }

    private void room(int length) throws IOException {
        if (position + length > WRITE_BUFFER_LENGTH) {
            flush();
        }
    }

    /** Writes buffered blocks to the file. */
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

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
