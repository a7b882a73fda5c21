package io.xlat.tunio.trace;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The trace file of one running xlat: a header with the attach word and the filter, then an Agrona
 * {@link ManyToOneRingBuffer} that every worker writes into and one {@code xlat trace} reads. The daemon
 * {@link #create}s it next to its counters file ({@code <counters-file>.trace}, mode 0600: packets are private);
 * a tracer {@link #open}s it, {@link #attach}es with its filter and {@link #detach}es when done.
 *
 * <pre>
 * header (128 bytes, big-endian):
 *   0 magic "XLTR" | 4 layout version | 8 pid of xlat | 16 ring capacity
 *  64 session: the attached tracer's pid, 0 when none | 72 reason filter (stable id, -1 any)
 *  76 tenant filter name length (-1 any) | 80 tenant name (up to 32 bytes ASCII)
 * 120 records lost because the ring was full
 * 128 ring buffer (capacity + Agrona's trailer)
 * </pre>
 * Records are {@link TraceRecord}s. The session word is written last by an attach (a volatile store), so a worker
 * that reads it once per batch sees the filter that goes with it.
 */
public final class TraceBuffer implements AutoCloseable {

    public static final int MAGIC = 0x584C5452; // "XLTR"
    public static final int VERSION = 1;
    /** 8 MiB: about a second of a busy worker's 1500-byte packets at 5 kpps, and the largest record 64 KiB. */
    public static final int DEFAULT_CAPACITY = 8 * 1024 * 1024;
    public static final int MAX_TENANT_NAME = 32;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int PID_OFFSET = 8;
    static final int CAPACITY_OFFSET = 16;
    static final int SESSION_OFFSET = 64;
    static final int REASON_OFFSET = 72;
    static final int TENANT_LENGTH_OFFSET = 76;
    static final int TENANT_OFFSET = 80;
    static final int LOST_OFFSET = 120;
    static final int HEADER_LENGTH = 128;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final ManyToOneRingBuffer ring;
    private boolean closed;

    private TraceBuffer(Path path, MappedByteBuffer mapped, int capacity) {
        this.path = path;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.ring = new ManyToOneRingBuffer(
            new UnsafeBuffer(mapped, HEADER_LENGTH, capacity + RingBufferDescriptor.TRAILER_LENGTH));
    }

    /** Creates (or replaces) the trace file of the xlat with {@code pid}; nobody is attached. */
    public static TraceBuffer create(Path path, int capacity, long pid) throws IOException {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("trace ring capacity must be a power of two, got " + capacity);
        }
        final long length = (long) HEADER_LENGTH + capacity + RingBufferDescriptor.TRAILER_LENGTH;
        // a new file rather than the old one truncated: a tracer still mapping the old one sees no SIGBUS
        final Path temporary = path.resolveSibling(path.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(VERSION_OFFSET, VERSION, BIG_ENDIAN);
        header.putLong(PID_OFFSET, pid, BIG_ENDIAN);
        header.putInt(CAPACITY_OFFSET, capacity, BIG_ENDIAN);
        header.putInt(REASON_OFFSET, -1, BIG_ENDIAN);
        header.putInt(TENANT_LENGTH_OFFSET, -1, BIG_ENDIAN);
        VarHandle.storeStoreFence();
        header.putInt(MAGIC_OFFSET, MAGIC, BIG_ENDIAN);
        Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new TraceBuffer(path, mapped, capacity);
    }

    /** Opens the trace file of a running xlat, to attach to it. */
    public static TraceBuffer open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() < HEADER_LENGTH) {
                throw new IOException(path + ": not an xlat trace file (" + channel.size() + " bytes)");
            }
            final MappedByteBuffer head = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH);
            final UnsafeBuffer h = new UnsafeBuffer(head);
            final int magic = h.getInt(MAGIC_OFFSET, BIG_ENDIAN);
            final int version = h.getInt(VERSION_OFFSET, BIG_ENDIAN);
            final int capacity = h.getInt(CAPACITY_OFFSET, BIG_ENDIAN);
            IoUtil.unmap(head);
            if (magic != MAGIC) {
                throw new IOException(path + ": not an xlat trace file (magic " + Integer.toHexString(magic) + ")");
            }
            if (version != VERSION) {
                throw new IOException(path + ": trace layout version " + version + ", this xlat reads " + VERSION);
            }
            final long length = (long) HEADER_LENGTH + capacity + RingBufferDescriptor.TRAILER_LENGTH;
            if (Integer.bitCount(capacity) != 1 || channel.size() < length) {
                throw new IOException(path + ": trace file cut short (" + channel.size() + " of " + length + " bytes)");
            }
            return new TraceBuffer(path, channel.map(FileChannel.MapMode.READ_WRITE, 0, length), capacity);
        }
    }

    /** Where a daemon with counters file {@code countersFile} keeps its trace file. */
    public static Path besideCounters(Path countersFile) {
        return countersFile.resolveSibling(countersFile.getFileName() + ".trace");
    }

    public Path path() {
        return path;
    }

    public long xlatPid() {
        return header.getLong(PID_OFFSET, BIG_ENDIAN);
    }

    /** The pid of the attached tracer, 0 when none. */
    public long session() {
        return header.getLongVolatile(SESSION_OFFSET);
    }

    /**
     * Attaches tracer {@code pid} with its filter, unless another live tracer is attached (one that died attached
     * is taken over).
     *
     * @param reasonId   only packets dropped for this reason (stable id), or -1 for every packet
     * @param tenantName only packets of this tenant, or null for every packet
     * @return 0 when attached, else the pid of the tracer that is
     */
    public long attach(long pid, int reasonId, String tenantName) {
        final long holder = session();
        if (holder != 0 && holder != pid && ProcessHandle.of(holder).map(ProcessHandle::isAlive).orElse(false)) {
            return holder;
        }
        header.putInt(REASON_OFFSET, reasonId, BIG_ENDIAN);
        if (tenantName == null) {
            header.putInt(TENANT_LENGTH_OFFSET, -1, BIG_ENDIAN);
        } else {
            final byte[] name = tenantName.getBytes(StandardCharsets.US_ASCII);
            if (name.length > MAX_TENANT_NAME) {
                throw new IllegalArgumentException("tenant name longer than " + MAX_TENANT_NAME + " bytes");
            }
            header.putBytes(TENANT_OFFSET, name);
            header.putInt(TENANT_LENGTH_OFFSET, name.length, BIG_ENDIAN);
        }
        // the session last, by compare-and-set: two tracers racing cannot both attach, and workers see the filter
        return header.compareAndSetLong(SESSION_OFFSET, holder, pid) ? 0 : session();
    }

    /** Detaches tracer {@code pid}: the workers stop publishing at their next batch. */
    public void detach(long pid) {
        header.compareAndSetLong(SESSION_OFFSET, pid, 0);
    }

    /** Records the workers could not write because the ring was full, since the daemon started. */
    public long lost() {
        return header.getLongVolatile(LOST_OFFSET);
    }

    void recordLost() {
        header.getAndAddLong(LOST_OFFSET, 1);
    }

    int reasonFilter() {
        return header.getInt(REASON_OFFSET, BIG_ENDIAN);
    }

    /** The tenant filter's length in bytes, copied into {@code name}; -1 for none. */
    int tenantFilter(byte[] name) {
        final int length = header.getInt(TENANT_LENGTH_OFFSET, BIG_ENDIAN);
        if (length > 0) {
            header.getBytes(TENANT_OFFSET, name, 0, Math.min(length, name.length));
        }
        return Math.min(length, MAX_TENANT_NAME);
    }

    /** The ring: workers write, the attached tracer reads. */
    public ManyToOneRingBuffer ring() {
        return ring;
    }

    /** Unmaps the file (the daemon after its workers stopped, a tracer when done); the daemon also deletes it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IoUtil.unmap(mapped);
    }
}
