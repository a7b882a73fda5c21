package io.xlat.tunio.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.xlat.tunio.tun.LinuxNative.EINTR;
import static io.xlat.tunio.tun.LinuxNative.EINVAL;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static java.nio.ByteOrder.nativeOrder;

/**
 * One io_uring instance (linux/io_uring.h) through the raw system calls: the submission ring, the completion ring
 * and the SQE array mapped into this process and read and written as {@link UnsafeBuffer}s, without liburing.
 * One thread uses it. Nothing here allocates after {@link #open}.
 *
 * <p>The rings are shared with the kernel, so each index is published with the ordering the kernel expects
 * (io_uring.h, "the application must use a memory barrier"): the SQ tail is a store-release after the SQEs are
 * written, the CQ tail and the SQ head are load-acquires before the entries they cover are read, and the CQ head
 * is a store-release after the CQEs are read. The indexes are free-running 32-bit counters: {@code tail - head}
 * is the number of entries even across the wrap, and {@code index & mask} the entry.
 */
public final class IoUring implements AutoCloseable {

    // ---- asm-generic/unistd.h: the same numbers on x86-64 and AArch64 --------------------------------
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;

    // ---- opcodes (enum io_uring_op) ----------------------------------------------------------------
    public static final int OP_NOP = 0;
    public static final int OP_WRITEV = 2;
    public static final int OP_READ = 22;
    public static final int OP_WRITE = 23;
    static final int OP_TIMEOUT = 11;
    /**
     * The user data of the ring's own timer (see {@link #submitAndWait}): a caller that reads completions hands a
     * completion with it to {@link #timerFired()} and otherwise ignores it. No caller's user data may equal it.
     */
    public static final long TIMER = -1L;

    // ---- io_uring_setup(2) flags and features --------------------------------------------------------
    /** Completions of armed requests wait for this thread's next system call instead of interrupting it. */
    static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** ... and the kernel says so in the SQ flags ({@link #SQ_TASKRUN}), so that a poll knows when to enter. */
    static final int SETUP_TASKRUN_FLAG = 1 << 9;
    /**
     * One thread submits (Linux 6.1+), and completions run only when it asks for them in io_uring_enter(2): a
     * waiting thread is woken once its completion is there, with no task work interrupting it in between. The
     * ring starts disabled so that the thread that uses it, not the one that made it, is its submitter.
     */
    static final int SETUP_SINGLE_ISSUER = 1 << 12;
    static final int SETUP_DEFER_TASKRUN = 1 << 13;
    static final int SETUP_R_DISABLED = 1 << 6;
    static final long SYS_IO_URING_REGISTER = 427;
    static final int REGISTER_ENABLE_RINGS = 12;
    static final int FEAT_SINGLE_MMAP = 1;

    // ---- io_uring_enter(2) flags, SQ ring flags ------------------------------------------------------
    public static final int ENTER_GETEVENTS = 1;
    /** A feature bit of Linux 5.11+, where timed waits are taken to work (see {@link #timedWaits}). */
    static final int FEAT_EXT_ARG = 1 << 8;
    /** struct __kernel_timespec: seconds and nanoseconds, 64 bits each. */
    static final int TIMESPEC_LENGTH = 16;
    static final int SQ_TASKRUN = 1 << 2;

    // ---- mmap offsets ----------------------------------------------------------------------------------
    static final long OFF_SQ_RING = 0L;
    static final long OFF_CQ_RING = 0x8000000L;
    static final long OFF_SQES = 0x10000000L;

    // ---- struct io_uring_params (120 bytes) ------------------------------------------------------------
    static final int PARAMS_LENGTH = 120;
    static final int PARAMS_SQ_ENTRIES = 0;
    static final int PARAMS_CQ_ENTRIES = 4;
    static final int PARAMS_FLAGS = 8;
    static final int PARAMS_FEATURES = 20;
    /** struct io_sqring_offsets: head, tail, ring_mask, ring_entries, flags, dropped, array, resv1, user_addr. */
    static final int PARAMS_SQ_OFF = 40;
    /** struct io_cqring_offsets: head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1, user_addr. */
    static final int PARAMS_CQ_OFF = 80;

    // ---- struct io_uring_sqe (64 bytes) and struct io_uring_cqe (16 bytes) -----------------------------
    public static final int SQE_LENGTH = 64;
    static final int SQE_OPCODE = 0;
    static final int SQE_FD = 4;
    static final int SQE_OFF = 8;
    static final int SQE_ADDR = 16;
    static final int SQE_LEN = 24;
    static final int SQE_USER_DATA = 32;
    public static final int CQE_LENGTH = 16;
    static final int CQE_USER_DATA = 0;
    static final int CQE_RES = 8;

    private final int fd;
    private final long sqMapAddress;
    private final long sqMapLength;
    private final long cqMapAddress;
    private final long cqMapLength;
    private final long sqesAddress;
    private final long sqesLength;
    private final UnsafeBuffer sq;
    private final UnsafeBuffer cq;
    private final UnsafeBuffer sqes;
    private final int sqHead;
    private final int sqTail;
    private final int sqFlags;
    private final int sqMask;
    private final int sqEntries;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    /** Made disabled (single issuer): the first thread to {@link #enable()} it becomes its submitter. */
    private boolean disabled;
    /**
     * Whether waits can time out in the ring: taken from {@link #FEAT_EXT_ARG} (Linux 5.11+), a kernel well past
     * the one that brought the timeout operation (5.4); else waits go through poll(2).
     */
    private final boolean timedWaits;
    /** The timespec of the ring's timer; whether a timer is in flight. */
    private final UnsafeBuffer timer;
    private boolean timerArmed;
    /** Local copies: the SQ tail this thread has filled up to, the CQ head it has read up to. */
    private int tail;
    private int head;
    /** SQEs prepared but not yet handed to the kernel by {@link #submit}. */
    private int unsubmitted;
    private boolean closed;

    private IoUring(int fd, UnsafeBuffer params, long sqMapAddress, long sqMapLength, long cqMapAddress,
        long cqMapLength, long sqesAddress, long sqesLength, boolean deferred) {
        this.fd = fd;
        this.disabled = deferred;
        this.sqMapAddress = sqMapAddress;
        this.sqMapLength = sqMapLength;
        this.cqMapAddress = cqMapAddress;
        this.cqMapLength = cqMapLength;
        this.sqesAddress = sqesAddress;
        this.sqesLength = sqesLength;
        this.sq = new UnsafeBuffer(sqMapAddress, (int) sqMapLength);
        // one mapping for both rings when the kernel offers it: the CQ ring is then inside the SQ ring's mapping
        this.cq = new UnsafeBuffer(cqMapAddress, (int) (cqMapLength > 0 ? cqMapLength : sqMapLength));
        this.sqes = new UnsafeBuffer(sqesAddress, (int) sqesLength);
        this.sqHead = params.getInt(PARAMS_SQ_OFF, nativeOrder());
        this.sqTail = params.getInt(PARAMS_SQ_OFF + 4, nativeOrder());
        this.sqMask = sq.getInt(params.getInt(PARAMS_SQ_OFF + 8, nativeOrder()), nativeOrder());
        this.sqEntries = sq.getInt(params.getInt(PARAMS_SQ_OFF + 12, nativeOrder()), nativeOrder());
        this.sqFlags = params.getInt(PARAMS_SQ_OFF + 16, nativeOrder());
        final int array = params.getInt(PARAMS_SQ_OFF + 24, nativeOrder());
        this.cqHead = params.getInt(PARAMS_CQ_OFF, nativeOrder());
        this.cqTail = params.getInt(PARAMS_CQ_OFF + 4, nativeOrder());
        this.cqMask = cq.getInt(params.getInt(PARAMS_CQ_OFF + 8, nativeOrder()), nativeOrder());
        this.cqes = params.getInt(PARAMS_CQ_OFF + 20, nativeOrder());
        // the SQ array maps ring slot i to SQE i once and for all: an SQE is always prepared in the slot its
        // index falls on, so nothing is written to the array per operation
        for (int i = 0; i < sqEntries; i++) {
            sq.putInt(array + i * 4, i, nativeOrder());
        }
        this.timedWaits = (params.getInt(PARAMS_FEATURES, nativeOrder()) & FEAT_EXT_ARG) != 0;
        this.timer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TIMESPEC_LENGTH, 8));
        this.tail = sq.getIntVolatile(sqTail);
        this.head = cq.getIntVolatile(cqHead);
    }

    /**
     * Sets up a ring of at least {@code entries} submission entries (the kernel rounds up to a power of two) and
     * twice as many completion entries.
     */
    public static IoUring open(int entries) throws NativeException {
        final UnsafeBuffer params = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PARAMS_LENGTH, 8));
        boolean deferred = true;
        int fd = setup(entries, params, SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_R_DISABLED
            | SETUP_TASKRUN_FLAG);
        if (fd == -EINVAL) {
            // before Linux 6.1: no deferred task running
            deferred = false;
            fd = setup(entries, params, SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG);
        }
        if (fd == -EINVAL) {
            // before Linux 5.19: no cooperative task running; completions then interrupt the thread instead
            fd = setup(entries, params, 0);
        }
        if (fd < 0) {
            throw new NativeException("io_uring_setup: " + LinuxNative.describe(-fd) + disabledHint(-fd), -fd);
        }
        final int sqEntries = params.getInt(PARAMS_SQ_ENTRIES, nativeOrder());
        final int cqEntries = params.getInt(PARAMS_CQ_ENTRIES, nativeOrder());
        final long sqLength = params.getInt(PARAMS_SQ_OFF + 24, nativeOrder()) + 4L * sqEntries;
        final long cqLength = params.getInt(PARAMS_CQ_OFF + 20, nativeOrder()) + (long) CQE_LENGTH * cqEntries;
        final boolean single = (params.getInt(PARAMS_FEATURES, nativeOrder()) & FEAT_SINGLE_MMAP) != 0;
        long sqAddress = LinuxNative.MAP_FAILED;
        long cqAddress = LinuxNative.MAP_FAILED;
        final long sqMapLength = single ? Math.max(sqLength, cqLength) : sqLength;
        try {
            sqAddress = map(fd, sqMapLength, OFF_SQ_RING, "the SQ ring");
            cqAddress = single ? sqAddress : map(fd, cqLength, OFF_CQ_RING, "the CQ ring");
            final long sqesLength = (long) SQE_LENGTH * sqEntries;
            final long sqesAddress = map(fd, sqesLength, OFF_SQES, "the SQE array");
            return new IoUring(fd, params, sqAddress, sqMapLength, cqAddress, single ? 0 : cqLength, sqesAddress,
                sqesLength, deferred);
        } catch (NativeException e) {
            if (cqAddress != LinuxNative.MAP_FAILED && cqAddress != sqAddress) {
                LinuxNative.munmap(cqAddress, cqLength);
            }
            if (sqAddress != LinuxNative.MAP_FAILED) {
                LinuxNative.munmap(sqAddress, sqMapLength);
            }
            LIBC.close(fd);
            throw e;
        }
    }

    /**
     * Why io_uring cannot be used here, or null when it can: sets up and closes a ring of one entry. ENOSYS for a
     * kernel without it, EPERM when {@code kernel.io_uring_disabled} forbids it.
     */
    public static String unavailable() {
        try {
            open(1).close();
            return null;
        } catch (NativeException e) {
            return e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "io_uring_setup: " + e;
        }
    }

    /** {@link #unavailable()}, asked once: the kernel's answer does not change while the process runs. */
    public static String refusal() {
        String why = refusal;
        if (why == null) {
            final String asked = unavailable();
            why = asked == null ? "" : asked;
            refusal = why;
        }
        return why.isEmpty() ? null : why;
    }

    private static volatile String refusal;

    private static int setup(int entries, UnsafeBuffer params, int flags) {
        params.setMemory(0, PARAMS_LENGTH, (byte) 0);
        params.putInt(PARAMS_FLAGS, flags, nativeOrder());
        final long fd = LIBC.syscall(SYS_IO_URING_SETUP, entries, params.addressOffset(), 0, 0, 0, 0);
        return fd < 0 ? -LinuxNative.errno() : (int) fd;
    }

    private static long map(int fd, long length, long offset, String what) throws NativeException {
        final long address = LinuxNative.mmapShared(fd, length, offset);
        if (address < 0) {
            throw new NativeException("io_uring: cannot map " + what + " (" + LinuxNative.describe((int) -address)
                + ")", (int) -address);
        }
        return address;
    }

    /** What {@code kernel.io_uring_disabled} says when it is the reason for EPERM. */
    static String disabledHint(int errno) {
        if (errno == LinuxNative.ENOSYS) {
            return " (this kernel has no io_uring)";
        }
        if (errno != LinuxNative.EPERM) {
            return "";
        }
        try {
            final String value = Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
            return " (kernel.io_uring_disabled = " + value + (value.equals("1")
                ? ": only processes in kernel.io_uring_group may use it)" : ")");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Makes the calling thread the ring's one submitter, where it was made for one (Linux 6.1+): call it on the
     * thread that uses the ring, before its first {@link #submit}. Later calls do nothing.
     *
     * @return 0, or {@code -errno}
     */
    public int enable() {
        if (!disabled) {
            return 0;
        }
        final long n = LIBC.syscall(SYS_IO_URING_REGISTER, fd, REGISTER_ENABLE_RINGS, 0, 0, 0, 0);
        if (n < 0) {
            return -LinuxNative.errno();
        }
        disabled = false;
        return 0;
    }

    /** The ring's own descriptor: poll(2) reports it readable when completions wait. */
    public int fd() {
        return fd;
    }

    /** The number of submission entries (a power of two). */
    public int entries() {
        return sqEntries;
    }

    /** Submission entries free to prepare: those the kernel has consumed are free again. */
    public int free() {
        return sqEntries - (tail - sq.getIntVolatile(sqHead));
    }

    /** SQEs prepared since the last {@link #submit}. */
    public int unsubmitted() {
        return unsubmitted;
    }

    /**
     * Prepares one SQE; it goes to the kernel with the next {@link #submit}.
     *
     * @return false when the submission ring is full (nothing was prepared)
     */
    public boolean prepare(int opcode, int targetFd, long address, int length, long offset, long userData) {
        if (free() == 0) {
            return false;
        }
        final int at = (tail & sqMask) * SQE_LENGTH;
        // the whole SQE is written: the fields this class does not set (flags, ioprio, rw_flags, buf_index,
        // personality, splice_fd_in, addr3) must be zero, and the slot holds a previous request's values
        sqes.putLong(at, 0L);
        sqes.putByte(at + SQE_OPCODE, (byte) opcode);
        sqes.putInt(at + SQE_FD, targetFd, nativeOrder());
        sqes.putLong(at + SQE_OFF, offset, nativeOrder());
        sqes.putLong(at + SQE_ADDR, address, nativeOrder());
        sqes.putInt(at + SQE_LEN, length, nativeOrder());
        sqes.putInt(at + SQE_LEN + 4, 0, nativeOrder());
        sqes.putLong(at + SQE_USER_DATA, userData, nativeOrder());
        sqes.putLong(at + 40, 0L);
        sqes.putLong(at + 48, 0L);
        sqes.putLong(at + 56, 0L);
        tail++;
        unsubmitted++;
        return true;
    }

    /**
     * Publishes the prepared SQEs and enters the kernel once: it consumes them, and with
     * {@link #ENTER_GETEVENTS} also runs the completions waiting for this thread and waits for
     * {@code minComplete} of them.
     *
     * @return the SQEs the kernel consumed, or {@code -errno}
     */
    public int submit(int minComplete, int flags) {
        if (disabled) {
            final int enabled = enable();
            if (enabled < 0) {
                return enabled;
            }
        }
        // store-release: the kernel must see the SQE contents before the tail that covers them
        sq.putIntOrdered(sqTail, tail);
        // no signal mask (0): the kernel then reads no sixth argument
        final long n = LinuxNative.syscall5(SYS_IO_URING_ENTER, fd, unsubmitted, minComplete, flags, 0);
        if (n < 0) {
            final int errno = LinuxNative.errno();
            return errno == EINTR ? 0 : -errno;
        }
        unsubmitted -= (int) n;
        return (int) n;
    }

    /** Whether {@link #submitAndWait} can time out in the kernel (Linux 5.11+). */
    public boolean timedWaits() {
        return timedWaits;
    }

    /**
     * Publishes the prepared SQEs and waits in the kernel for one completion, running the completions that wait for
     * this thread meanwhile: an idle worker's sleep on one ring, without the poll(2) wake-up, signal and restart
     * that a completion run as task work costs a thread sleeping in poll(2). The wait ends after
     * {@code timeoutMillis} at the latest: unless one is in flight, it arms the ring's own timer (a timeout
     * operation, whose completion carries {@link #TIMER}), which fires once, {@code timeoutMillis} after the wait
     * that armed it. A timeout in the wait itself (IORING_ENTER_EXT_ARG) needs io_uring_enter's sixth argument, which
     * {@link LinuxNative#syscall5} cannot pass. Needs {@link #timedWaits()}.
     *
     * @return the SQEs the kernel consumed (0 also when interrupted), or {@code -errno}
     */
    public int submitAndWait(int timeoutMillis) {
        if (disabled) {
            final int enabled = enable();
            if (enabled < 0) {
                return enabled;
            }
        }
        if (!timerArmed) {
            if (free() == 0) {
                final int n = submit(0, 0);
                if (n < 0) {
                    return n;
                }
            }
            timer.putLong(0, timeoutMillis / 1000, nativeOrder());
            timer.putLong(8, (timeoutMillis % 1000) * 1_000_000L, nativeOrder());
            // a count of 0 and no flags: a relative timeout that only time completes
            timerArmed = prepare(OP_TIMEOUT, -1, timer.addressOffset(), 1, 0, TIMER);
        }
        sq.putIntOrdered(sqTail, tail);
        final long n = LinuxNative.syscall5(SYS_IO_URING_ENTER, fd, unsubmitted, 1, ENTER_GETEVENTS, 0);
        if (n < 0) {
            final int errno = LinuxNative.errno();
            return errno == EINTR ? 0 : -errno;
        }
        unsubmitted -= (int) n;
        return (int) n;
    }

    /** The ring's timer completed (its completion carried {@link #TIMER}): the next timed wait arms it again. */
    public void timerFired() {
        timerArmed = false;
    }

    /** Whether completions are waiting for this thread to enter the kernel (cooperative task running). */
    public boolean completionsPending() {
        return (sq.getIntVolatile(sqFlags) & SQ_TASKRUN) != 0;
    }

    /** Completions ready to read (a load-acquire of the CQ tail). */
    public int ready() {
        return cq.getIntVolatile(cqTail) - head;
    }

    /** The user data of the {@code i}-th ready completion (0 is the oldest). */
    public long userData(int i) {
        return cq.getLong(cqes + ((head + i) & cqMask) * CQE_LENGTH + CQE_USER_DATA, nativeOrder());
    }

    /** The result of the {@code i}-th ready completion: what the system call would have returned, or -errno. */
    public int result(int i) {
        return cq.getInt(cqes + ((head + i) & cqMask) * CQE_LENGTH + CQE_RES, nativeOrder());
    }

    /** Hands {@code n} read completions back to the kernel (a store-release of the CQ head). */
    public void advance(int n) {
        head += n;
        cq.putIntOrdered(cqHead, head);
    }

    /** Unmaps the rings and closes the ring: requests still in flight are cancelled. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LinuxNative.munmap(sqesAddress, sqesLength);
        if (cqMapLength > 0) {
            LinuxNative.munmap(cqMapAddress, cqMapLength);
        }
        LinuxNative.munmap(sqMapAddress, sqMapLength);
        LIBC.close(fd);
    }
}
