package io.xlat.tunio.counters;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The live counters of one running xlat in a memory-mapped file: a header, then Agrona's counters metadata and
 * values buffers. The daemon {@link #create}s it and holds an advisory lock on it while it runs; {@code xlat
 * stats} {@link #read}s it from another process at any time.
 *
 * <pre>
 * header (128 bytes, big-endian):
 *   0 magic "XLCT" | 4 layout version | 8 metadata length | 12 values length
 *  16 pid | 24 start time (ms since the epoch) | 32 state (1 running, 2 stopped)
 *  40 I/O path of the workers (0 not said yet, 1 read/write system calls, 2 io_uring)
 * 128 metadata (Agrona CountersReader layout) | 128 + metadata length: values
 * </pre>
 */
public final class CountersFile implements AutoCloseable {

    public static final int MAGIC = 0x584C4354; // "XLCT"
    public static final int VERSION = 1;
    public static final long STATE_RUNNING = 1;
    public static final long STATE_STOPPED = 2;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int METADATA_LENGTH_OFFSET = 8;
    static final int VALUES_LENGTH_OFFSET = 12;
    static final int PID_OFFSET = 16;
    static final int START_TIME_OFFSET = 24;
    static final int STATE_OFFSET = 32;
    static final int IO_PATH_OFFSET = 40;
    /** The workers' I/O path as the header records it: {@link #ioPath}. */
    public static final int IO_UNKNOWN = 0;
    public static final int IO_SYSCALLS = 1;
    public static final int IO_URING = 2;
    static final int HEADER_LENGTH = 128;

    /** rw-r--r--: readable by {@code xlat stats} as any user, written by the daemon alone. */
    static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> READABLE_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final CountersManager manager;
    private boolean closed;

    private CountersFile(Path path, FileChannel channel, FileLock lock, MappedByteBuffer mapped, UnsafeBuffer header,
        CountersManager manager) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.mapped = mapped;
        this.header = header;
        this.manager = manager;
    }

    /**
     * Creates (or replaces) the counters file with room for {@code capacity} counters and locks it.
     *
     * @throws InUseException when another live process holds the file
     */
    public static CountersFile create(Path path, int capacity, long pid, long startTimeMillis) throws IOException {
        try {
            return createOrFail(path, capacity, pid, startTimeMillis);
        } catch (InUseException e) {
            throw e;
        } catch (IOException e) {
            // the JDK's messages are often the bare path: say what the file is and what went wrong with it
            throw new IOException("cannot create the counters file " + path + " (dataplane.counters-file, "
                + "--counters-file): " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static CountersFile createOrFail(Path path, int capacity, long pid, long startTimeMillis)
        throws IOException {
        final Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            // whatever the umask: other users read the counters (xlat stats), nobody else writes them
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(READABLE_DIRECTORY));
        }
        final int valuesLength = capacity * CountersReader.COUNTER_LENGTH;
        final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
        final long fileLength = (long) HEADER_LENGTH + metadataLength + valuesLength;
        final FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(READABLE_FILE));
        try {
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new InUseException(path, ownerPid(channel));
            }
            if (lock == null) {
                throw new InUseException(path, ownerPid(channel));
            }
            // a file left by an older run may have other modes: the one this run writes is never world-writable
            try {
                Files.setPosixFilePermissions(path, READABLE_FILE);
            } catch (IOException notOwner) {
                // another user's file that we may write: its owner chose its mode
            }
            if (channel.size() > fileLength) {
                channel.truncate(fileLength);
            }
            // Zeros written through the file, in place, before it is mapped: the file system gives every block now, so
            // a full disk is an IOException here and not a SIGBUS when a worker first touches a page of the mapping
            // (which kills the JVM); and in place rather than truncated to nothing, so that a reader that still has
            // the file mapped sees zeros, not SIGBUS, too.
            writeZeros(channel, fileLength);
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final UnsafeBuffer metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
            final UnsafeBuffer values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
            header.putInt(VERSION_OFFSET, VERSION, BIG_ENDIAN);
            header.putInt(METADATA_LENGTH_OFFSET, metadataLength, BIG_ENDIAN);
            header.putInt(VALUES_LENGTH_OFFSET, valuesLength, BIG_ENDIAN);
            header.putLong(PID_OFFSET, pid, BIG_ENDIAN);
            header.putLong(START_TIME_OFFSET, startTimeMillis, BIG_ENDIAN);
            header.putLong(STATE_OFFSET, STATE_RUNNING, BIG_ENDIAN);
            // the magic last, after a fence: a reader that sees it sees a complete header
            VarHandle.storeStoreFence();
            header.putInt(MAGIC_OFFSET, MAGIC, BIG_ENDIAN);
            final CountersManager manager = new CountersManager(metadata, values, StandardCharsets.US_ASCII);
            return new CountersFile(path, channel, lock, mapped, header, manager);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void writeZeros(FileChannel channel, long length) throws IOException {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
        long at = 0;
        while (at < length) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), length - at));
            at += channel.write(zeros, at);
        }
    }

    private static long ownerPid(FileChannel channel) {
        try {
            if (channel.size() >= HEADER_LENGTH) {
                final MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH);
                final long pid = new UnsafeBuffer(m).getLong(PID_OFFSET, BIG_ENDIAN);
                IoUtil.unmap(m);
                return pid;
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** Where the counters are allocated (at start-up, before the workers run). */
    /** Records the workers' I/O path ({@link #IO_SYSCALLS} or {@link #IO_URING}) for {@code xlat stats}. */
    public void ioPath(int path) {
        header.putLong(IO_PATH_OFFSET, path, BIG_ENDIAN);
    }

    public CountersManager manager() {
        return manager;
    }

    public Path path() {
        return path;
    }

    /**
     * Marks the file stopped and releases it; the counters stay readable as the last values. Call it after the
     * workers that publish into it stopped: the mapping goes away.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        VarHandle.storeStoreFence(); // the workers' last values before the state that says they are final
        header.putLong(STATE_OFFSET, STATE_STOPPED, BIG_ENDIAN);
        mapped.force();
        IoUtil.unmap(mapped);
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Maps an existing counters file read-only, as another process does. */
    public static Snapshot read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no counters file (is xlat running? "
                + "it is created by 'xlat run')");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            final long size = channel.size();
            if (size < HEADER_LENGTH) {
                throw new IOException(path + ": not an xlat counters file (" + size + " bytes)");
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final int magic = header.getInt(MAGIC_OFFSET, BIG_ENDIAN);
            VarHandle.loadLoadFence();
            if (magic != MAGIC) {
                throw new IOException(path + ": not an xlat counters file (bad magic)");
            }
            final int version = header.getInt(VERSION_OFFSET, BIG_ENDIAN);
            if (version != VERSION) {
                throw new IOException(path + ": counters file layout " + version + ", this xlat reads " + VERSION);
            }
            final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET, BIG_ENDIAN);
            final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET, BIG_ENDIAN);
            if (metadataLength < 0 || valuesLength < 0 || HEADER_LENGTH + (long) metadataLength + valuesLength > size) {
                throw new IOException(path + ": counters file is truncated or corrupt");
            }
            final CountersReader reader = new CountersReader(
                new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength), StandardCharsets.US_ASCII);
            return new Snapshot(path, header.getLong(PID_OFFSET, BIG_ENDIAN), header.getLong(START_TIME_OFFSET, BIG_ENDIAN),
                header.getLong(STATE_OFFSET, BIG_ENDIAN), writerHoldsLock(channel), reader,
                (int) header.getLong(IO_PATH_OFFSET, BIG_ENDIAN));
        }
    }

    /**
     * Whether a process holds the writer's lock: a shared lock is refused while it does. The kernel drops the lock
     * of a process that dies, so a file left "running" by a {@code kill -9} is told apart from a live one.
     */
    private static boolean writerHoldsLock(FileChannel channel) throws IOException {
        try {
            final FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // the writer is this JVM
        }
    }

    /**
     * A read-only view of a counters file: the header's values as read, the counters live (each read of the
     * reader sees the current value).
     *
     * @param locked whether the writer's lock was held when read: false with state running means it was killed
     */
    public record Snapshot(Path path, long pid, long startTimeMillis, long state, boolean locked,
        CountersReader reader, int ioPath) {

        /** The workers' I/O path as {@code xlat stats} names it: "syscalls", "io_uring", or null when not said. */
        public String ioPathName() {
            return ioPath == IO_SYSCALLS ? "syscalls" : ioPath == IO_URING ? "io_uring" : null;
        }

        /** Running: not stopped, and its process still holds the file (a killed one does not). */
        public boolean running() {
            return state == STATE_RUNNING && locked;
        }

        /** Marked running by a process that died without stopping (kill -9, a crash): its values are its last. */
        public boolean abandoned() {
            return state == STATE_RUNNING && !locked;
        }
    }

    /** The counters file is locked by another process: two instances must not share one. */
    public static final class InUseException extends IOException {

        private static final long serialVersionUID = 1L;

        private final long ownerPid;

        InUseException(Path path, long ownerPid) {
            super(path + ": in use by another running xlat" + (ownerPid > 0 ? " (pid " + ownerPid + ")" : ""));
            this.ownerPid = ownerPid;
        }

        public long ownerPid() {
            return ownerPid;
        }
    }
}
