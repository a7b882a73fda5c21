package io.xlat.tunio.tun;

import io.xlat.tunio.counters.DeviceCounters;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.xlat.tunio.tun.LinuxNative.EAGAIN;
import static io.xlat.tunio.tun.LinuxNative.EBADF;
import static io.xlat.tunio.tun.LinuxNative.EBADFD;
import static io.xlat.tunio.tun.LinuxNative.ECANCELED;
import static io.xlat.tunio.tun.LinuxNative.EFAULT;
import static io.xlat.tunio.tun.LinuxNative.EINTR;
import static io.xlat.tunio.tun.LinuxNative.EINVAL;
import static io.xlat.tunio.tun.LinuxNative.EIO;
import static io.xlat.tunio.tun.LinuxNative.ENOBUFS;
import static io.xlat.tunio.tun.LinuxNative.ENODEV;

/**
 * A {@link PacketQueue} over one queue of a device (an {@link FdQueue}: a TUN queue; a socket pair in tests) through
 * an {@link IoUring} of its own: a read stays posted ({@link #POSTED_READS}), so that a packet arrives while the
 * worker translates and a busy worker takes it without a system call of its own; writes are copied into
 * {@link #depth} slots of their own and go to the kernel in batches. A packet read then costs one
 * {@code io_uring_enter(2)}, which also hands over the writes queued since, where {@link FdQueue} makes one
 * {@code read(2)} and one {@code writev(2)} per packet and one more empty read per round.
 *
 * <p>One thread (the worker whose queue it is) makes every call. The reads are posted at the first {@link #read},
 * from that thread, because the kernel cancels a thread's requests when the thread exits and runs their
 * completions in it ({@link IoUring}'s cooperative task running). A queue that is only written (a worker writing
 * to a single-queue device that another worker reads) never posts a read and holds no read slots.
 *
 * <p>The descriptor stays non-blocking: a read on it that finds no packet is armed on the device's poll and
 * completes when one arrives (the kernel retries it for files that support non-blocking reads, as TUN and sockets
 * do), rather than failing with EAGAIN.
 *
 * <p>When the prepared SQEs go to the kernel: when a read finds no packet (the worker is about to look elsewhere or
 * sleep), when {@link #depth} of them wait, when a write finds no free slot, and in {@link #flush()}, which the
 * worker calls for every queue at the end of its round. A packet written while another device is drained thus goes
 * out within the round.
 *
 * <p>A write returns the packet's length as soon as it is queued: the kernel's answer comes later. A write the
 * kernel then refuses is counted as a write error (and a partial one as a short write) in the
 * {@link DeviceCounters} given to {@link #reportInto}, the worker's counters of this device; its packet was
 * counted as sent when queued.
 */
public final class UringQueue implements PacketQueue, AutoCloseable {

    /** Write slots (and the most reads that may be posted): a worker's batch of 64 packets takes two submissions. */
    public static final int DEFAULT_DEPTH = 32;
    /**
     * Reads kept posted: one. With several, a packet wakes every read armed on the device's poll, one of them takes
     * it, and each of the others that finds the queue empty again is handed to an io-wq thread (the kernel re-arms
     * a request's poll only once), where it blocks until a packet comes and completes later than reads made after
     * it: packets of one flow then came out of order (seen in the 464 data-path test, with an iou-wrk thread in
     * the translator under load). One read never races another: the packets come in their order.
     */
    public static final int POSTED_READS = 1;
    /** A slot takes the largest packet with its virtio-net header, aligned for the IP header behind it. */
    static final int SLOT = BitUtil.align(VirtioNetHeader.LENGTH + 65535, 64);
    /** User data of a write: its slot with this bit; a read's is its slot alone. */
    static final long WRITE = 1L << 32;

    private final FdQueue queue;
    private final int fd;
    private final int depth;
    private final IoUring ring;
    /** Slots of the posted reads and of the writes in flight; allocated on first use. */
    private UnsafeBuffer reads;
    private UnsafeBuffer writes;
    /** Completed reads, oldest first, not yet returned: a ring of slot and result. */
    private final int[] readySlot;
    private final int[] readyResult;
    private int readyHead;
    private int readyCount;
    /** Write slots free for {@link #write}, as a stack; the length each slot in flight was asked to write. */
    private final int[] freeWrites;
    private int freeCount;
    private final int[] writeLength;
    /** One pollfd on the ring, for {@link #awaitReadable} (a worker waits on its {@link PollSet} instead). */
    private final UnsafeBuffer pollFd;
    private DeviceCounters counters;
    /** Read slots in use (posted, or completed and not returned yet): all of them until a fatal error. */
    private int posted;
    private boolean started;
    private boolean broken;
    private long writeErrors;
    private long shortWrites;
    private int lastWriteErrno;
    private volatile boolean closed;

    /**
     * @param queue the device queue: its descriptor, name and offloads; it stays its owner's to close
     */
    public UringQueue(FdQueue queue, int depth) throws NativeException {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        this.queue = queue;
        this.fd = queue.fd();
        this.depth = depth;
        // every read and every write in flight has its SQE until submitted and its CQE until reaped, and so has
        // the ring's timer: 2 * depth + 1 submission entries never run out, and the kernel's 2 * entries
        // completion entries never overflow
        this.ring = IoUring.open(2 * depth + 1);
        this.readySlot = new int[depth];
        this.readyResult = new int[depth];
        this.freeWrites = new int[depth];
        this.writeLength = new int[depth];
        for (int i = 0; i < depth; i++) {
            freeWrites[i] = depth - 1 - i;
        }
        freeCount = depth;
        this.pollFd = PollSet.pollFd(ring.fd());
    }

    /** Where write failures the kernel reports after {@link #write} returned are counted. */
    @Override
    public void reportInto(DeviceCounters deviceCounters) {
        this.counters = deviceCounters;
    }

    @Override
    public String deviceName() {
        return queue.deviceName();
    }

    /** The queue's descriptor (for messages and tests). */
    public int fd() {
        return fd;
    }

    /** The ring's descriptor: readable when completions wait, so it is what {@link PollSet} sleeps on. */
    @Override
    public int pollDescriptor() {
        return ring.fd();
    }

    public int depth() {
        return depth;
    }

    @Override
    public boolean offloads() {
        return queue.offloads();
    }

    @Override
    public boolean udpSegmentation() {
        return queue.udpSegmentation();
    }

    /** Writes the kernel refused after they were queued (also counted into {@link #countInto}'s counters). */
    public long writeErrors() {
        return writeErrors;
    }

    public long shortWrites() {
        return shortWrites;
    }

    /** The errno of the last refused write, 0 if none was. */
    public int lastWriteErrno() {
        return lastWriteErrno;
    }

    /** Whether every posted read failed with an error reading again cannot mend (the device is gone). */
    public boolean broken() {
        return broken;
    }

    @Override
    public int read(MutableDirectBuffer buffer, int offset, int capacity) {
        buffer.boundsCheck(offset, capacity);
        if (!started) {
            start();
        }
        while (true) {
            if (readyCount == 0) {
                reap();
                if (readyCount == 0) {
                    // nothing here: hand the round's writes and re-posted reads over, and run the completions
                    // that wait for this thread, in one system call; no call at all when neither waits
                    if (ring.unsubmitted() == 0 && !ring.completionsPending()) {
                        return broken ? -EIO : 0;
                    }
                    ring.submit(0, IoUring.ENTER_GETEVENTS);
                    reap();
                    if (readyCount == 0) {
                        return broken ? -EIO : 0;
                    }
                }
            }
            final int slot = readySlot[readyHead];
            final int result = readyResult[readyHead];
            readyHead = readyHead + 1 == depth ? 0 : readyHead + 1;
            readyCount--;
            if (result >= 0) {
                final int n = Math.min(result, capacity);
                buffer.putBytes(offset, reads, slot * SLOT, n);
                post(slot);
                return n;
            }
            final int errno = -result;
            if (errno == EAGAIN || errno == EINTR) {
                post(slot);
                continue;
            }
            if (isFatal(errno)) {
                // reading again cannot succeed: the slot stays idle, so that a deleted device does not keep
                // failing reads (and waking the worker) in a loop
                posted--;
                broken = posted == 0;
            } else {
                post(slot);
            }
            return -errno;
        }
    }

    @Override
    public int write(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        if (length > SLOT) {
            return -EINVAL;
        }
        final int slot = writeSlot();
        if (slot < 0) {
            return slot;
        }
        writes.putBytes(slot * SLOT, buffer, offset, length);
        queueWrite(slot, length);
        return length;
    }

    /** The header and the packet copied together into one slot: one WRITE, no iovec to keep alive. */
    @Override
    public int writeWithHeader(DirectBuffer header, DirectBuffer buffer, int offset, int length,
        MutableDirectBuffer iov) {
        buffer.boundsCheck(offset, length);
        if (VirtioNetHeader.LENGTH + length > SLOT) {
            return -EINVAL;
        }
        final int slot = writeSlot();
        if (slot < 0) {
            return slot;
        }
        writes.putBytes(slot * SLOT, header, 0, VirtioNetHeader.LENGTH);
        writes.putBytes(slot * SLOT + VirtioNetHeader.LENGTH, buffer, offset, length);
        queueWrite(slot, VirtioNetHeader.LENGTH + length);
        return length;
    }

    /**
     * Hands every prepared SQE to the kernel and takes in what completed: at the end of the worker's round.
     *
     * @return whether a packet was read that {@link #read} has not returned yet: the worker must not sleep
     */
    @Override
    public boolean flush() {
        if (ring.unsubmitted() > 0 || ring.completionsPending()) {
            ring.submit(0, IoUring.ENTER_GETEVENTS);
        }
        reap();
        return readyCount > 0;
    }

    @Override
    public int awaitReadable(int timeoutMillis) {
        if (!started) {
            start();
        }
        if (flush()) {
            return 1;
        }
        if (broken) {
            return -EIO;
        }
        if (!ring.timedWaits()) {
            return PollSet.awaitOne(pollFd, timeoutMillis);
        }
        final int n = ring.submitAndWait(timeoutMillis);
        if (n < 0) {
            return n;
        }
        reap();
        return readyCount > 0 ? 1 : 0;
    }

    /** A worker whose only queue this is waits in the ring itself rather than in poll(2): see {@link #awaitReadable}. */
    @Override
    public boolean waitsItself() {
        return true;
    }

    /**
     * Closes the ring, which cancels the posted reads, once; the descriptor is its queue's. Call it after the worker
     * stopped, before the queue's descriptor is closed.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ring.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void start() {
        started = true;
        final int readSlots = Math.min(depth, POSTED_READS);
        reads = new UnsafeBuffer(BufferUtil.allocateDirectAligned(readSlots * SLOT, 64));
        posted = readSlots;
        for (int slot = 0; slot < readSlots; slot++) {
            post(slot);
        }
        ring.submit(0, 0);
    }

    private void post(int slot) {
        // never full: see the constructor
        ring.prepare(IoUring.OP_READ, fd, reads.addressOffset() + (long) slot * SLOT, SLOT, 0, slot);
        submitWhenFull();
    }

    private int writeSlot() {
        if (freeCount == 0) {
            // every slot is in flight: what the kernel has written by now frees them
            ring.submit(0, IoUring.ENTER_GETEVENTS);
            reap();
            if (freeCount == 0) {
                return -ENOBUFS; // the caller counts it as a write error
            }
        }
        if (writes == null) {
            writes = new UnsafeBuffer(BufferUtil.allocateDirectAligned(depth * SLOT, 64));
        }
        return freeWrites[--freeCount];
    }

    private void queueWrite(int slot, int bytes) {
        writeLength[slot] = bytes;
        ring.prepare(IoUring.OP_WRITE, fd, writes.addressOffset() + (long) slot * SLOT, bytes, 0, WRITE | slot);
        submitWhenFull();
    }

    private void submitWhenFull() {
        if (ring.unsubmitted() >= depth) {
            ring.submit(0, 0);
        }
    }

    /** Takes every completion off the ring: writes free their slots, reads join the ready ones in order. */
    private void reap() {
        final int n = ring.ready();
        for (int i = 0; i < n; i++) {
            final long userData = ring.userData(i);
            final int result = ring.result(i);
            final int slot = (int) userData;
            if (userData == IoUring.TIMER) {
                ring.timerFired();
            } else if ((userData & WRITE) != 0) {
                freeWrites[freeCount++] = slot;
                if (result < 0) {
                    counted(result);
                } else if (result != writeLength[slot]) {
                    shortWrites++;
                    if (counters != null) {
                        counters.shortWrite();
                    }
                }
            } else {
                int at = readyHead + readyCount;
                if (at >= depth) {
                    at -= depth;
                }
                readySlot[at] = slot;
                readyResult[at] = result;
                readyCount++;
            }
        }
        if (n > 0) {
            ring.advance(n);
        }
    }

    private void counted(int result) {
        writeErrors++;
        lastWriteErrno = -result;
        if (counters != null) {
            counters.writeError();
        }
    }

    /** The read errors after which reading again cannot succeed (as the worker judges them). */
    static boolean isFatal(int errno) {
        return errno == EBADFD || errno == EBADF || errno == ENODEV || errno == EIO || errno == EFAULT
            || errno == EINVAL || errno == ECANCELED;
    }
}
