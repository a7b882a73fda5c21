package io.xlat.tunio.pcap;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A window onto a file (or any seekable channel) read front to back through one direct buffer: {@link #ensure} makes the next bytes
 * available without allocating, so that readers can expose records as views into {@link #buffer}. Keeps the file
 * offset of every buffer position, for error messages that say where a file is broken.
 */
final class ReadWindow {

    private final SeekableByteChannel channel;
    private final ByteBuffer byteBuffer;
    final UnsafeBuffer buffer;

    /** The next unread byte in {@link #buffer}. */
    int position;
    private int limit;
    private boolean endOfFile;
    private long fileOffsetOfBuffer;

    /**
     * @param capacity the most a reader needs buffered at once; a smaller file gets a buffer of its own size, so
     *                 that a thousand small captures in one process (xlat test) do not each take a megabyte
     */
    ReadWindow(SeekableByteChannel channel, int capacity) throws IOException {
        this.channel = channel;
        this.byteBuffer = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(capacity, channel.size())));
        this.buffer = new UnsafeBuffer(byteBuffer);
    }

    /** The file offset of buffer index {@code index}. */
    long fileOffset(int index) {
        return fileOffsetOfBuffer + index;
    }

    /** Bytes buffered after {@link #position}: non-zero at the end of a file means it was cut short. */
    int remaining() {
        return limit - position;
    }

    /** Makes at least {@code length} bytes available from {@code position}; false when the file ends first. */
    boolean ensure(int length) throws IOException {
        if (limit - position >= length) {
            return true;
        }
        if (endOfFile || length > byteBuffer.capacity()) {
            // the buffer holds the whole file when it is smaller than the capacity asked for: more is not there
            return false;
        }
        byteBuffer.limit(limit).position(position);
        byteBuffer.compact();
        fileOffsetOfBuffer += position;
        while (byteBuffer.position() < length) {
            if (channel.read(byteBuffer) < 0) {
                endOfFile = true;
                break;
            }
        }
        // fill the rest of the buffer too while the file lasts, so that small records need few reads
        while (!endOfFile && byteBuffer.hasRemaining()) {
            final int read = channel.read(byteBuffer);
            if (read < 0) {
                endOfFile = true;
            } else if (read == 0) {
                break;
            }
        }
        limit = byteBuffer.position();
        position = 0;
        return limit >= length;
    }

    /**
     * Skips {@code length} bytes from {@code position}, also beyond what the buffer holds (large blocks a reader
     * does not need are never buffered); false when the file ends first.
     */
    boolean skip(long length) throws IOException {
        if (limit - position >= length) {
            position += (int) length;
            return true;
        }
        final long target = fileOffset(position) + length;
        if (target > channel.size()) {
            return false;
        }
        channel.position(target);
        fileOffsetOfBuffer = target;
        position = 0;
        limit = 0;
        endOfFile = false;
        return true;
    }
}
