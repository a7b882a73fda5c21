package io.xlat.tunio.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.xlat.tunio.tun.LinuxNative.EINTR;
import static io.xlat.tunio.tun.LinuxNative.EIO;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.POLLERR;
import static io.xlat.tunio.tun.LinuxNative.POLLFD_EVENTS_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.POLLFD_FD_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.POLLFD_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.POLLFD_REVENTS_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.POLLHUP;
import static io.xlat.tunio.tun.LinuxNative.POLLIN;
import static io.xlat.tunio.tun.LinuxNative.POLLNVAL;
import static java.nio.ByteOrder.nativeOrder;

/**
 * One {@code poll(2)} over every queue a worker reads: an idle worker that serves several devices sleeps in the
 * kernel until any of them has a packet, instead of waking up to look at each in turn. Built when the worker's
 * set of queues changes (start, reload), used by that worker's thread only; {@link #await} allocates nothing.
 *
 * <p>A descriptor that reports an error (the device was deleted, the queue detached) is taken out of the set
 * after the first report, so that one broken device neither turns the wait into a busy loop nor keeps the others'
 * packets waiting: the set then sleeps on the remaining ones.
 */
public final class PollSet {

    private final UnsafeBuffer fds;
    private final int count;
    /** Queues without a descriptor (in-memory fakes in tests): asked in turn, the first with the timeout. */
    private final PacketQueue[] others;

    /** The set's one queue when it waits by itself ({@link PacketQueue#waitsItself()}), else null. */
    private final PacketQueue alone;

    private PollSet(UnsafeBuffer fds, int count, PacketQueue[] others, PacketQueue alone) {
        this.alone = alone;
        this.fds = fds;
        this.count = count;
        this.others = others;
    }

    /**
     * The set of {@code queues}: their {@link PacketQueue#pollDescriptor()}s; a queue without one is asked through
     * its own wait.
     */
    public static PollSet of(List<? extends PacketQueue> queues) {
        final List<PacketQueue> withFd = new ArrayList<>();
        final List<PacketQueue> others = new ArrayList<>();
        for (final PacketQueue q : queues) {
            if (q.pollDescriptor() >= 0) {
                withFd.add(q);
            } else {
                others.add(q);
            }
        }
        final UnsafeBuffer fds = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Math.max(1, withFd.size()) * POLLFD_LENGTH, 8));
        for (int i = 0; i < withFd.size(); i++) {
            fds.putInt(i * POLLFD_LENGTH + POLLFD_FD_OFFSET, withFd.get(i).pollDescriptor(), nativeOrder());
            fds.putShort(i * POLLFD_LENGTH + POLLFD_EVENTS_OFFSET, (short) POLLIN, nativeOrder());
        }
        final PacketQueue alone = withFd.size() == 1 && others.isEmpty() && withFd.get(0).waitsItself()
            ? withFd.get(0) : null;
        return new PollSet(fds, withFd.size(), others.toArray(new PacketQueue[0]), alone);
    }

    /** The number of queues in the set. */
    public int size() {
        return count + others.length;
    }

    /**
     * Waits until a packet can be read from any queue of the set, or {@code timeoutMillis} pass.
     *
     * @return a positive value when one is readable, 0 on timeout, {@code -errno} when the wait itself failed or
     *         only errors were reported (the caller then sleeps rather than calling again at once)
     */
    public int await(int timeoutMillis) {
        if (alone != null) {
            return alone.awaitReadable(timeoutMillis);
        }
        if (count == 0) {
            return awaitOthers(timeoutMillis);
        }
        for (int i = 0; i < count; i++) {
            fds.putShort(i * POLLFD_LENGTH + POLLFD_REVENTS_OFFSET, (short) 0, nativeOrder());
        }
        final int n = LIBC.poll(fds.addressOffset(), count, timeoutMillis);
        if (n < 0) {
            final int errno = LinuxNative.errno();
            return errno == EINTR ? 0 : -errno;
        }
        if (n == 0) {
            return 0;
        }
        boolean readable = false;
        boolean failed = false;
        for (int i = 0; i < count; i++) {
            final int at = i * POLLFD_LENGTH;
            final int revents = fds.getShort(at + POLLFD_REVENTS_OFFSET, nativeOrder());
            if ((revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
                // a negative descriptor is skipped by poll(2): the broken queue stops waking the worker
                final int fd = fds.getInt(at + POLLFD_FD_OFFSET, nativeOrder());
                fds.putInt(at + POLLFD_FD_OFFSET, -fd - 1, nativeOrder());
                failed = true;
            } else if ((revents & POLLIN) != 0) {
                readable = true;
            }
        }
        return readable ? 1 : failed ? -EIO : 0;
    }

    /** One pollfd that waits for {@code fd} to be readable, for {@link #awaitOne}. */
    static UnsafeBuffer pollFd(int fd) {
        final UnsafeBuffer pollFd = new UnsafeBuffer(BufferUtil.allocateDirectAligned(POLLFD_LENGTH, 8));
        pollFd.putInt(POLLFD_FD_OFFSET, fd, nativeOrder());
        pollFd.putShort(POLLFD_EVENTS_OFFSET, (short) POLLIN, nativeOrder());
        return pollFd;
    }

    /**
     * Waits on one {@link #pollFd}: a positive value when readable, 0 on timeout, {@code -EIO} when the descriptor
     * reports an error (the device was deleted, the queue detached, the descriptor closed), {@code -errno} when the
     * wait failed.
     */
    static int awaitOne(UnsafeBuffer pollFd, int timeoutMillis) {
        pollFd.putShort(POLLFD_REVENTS_OFFSET, (short) 0, nativeOrder());
        final int n = LIBC.poll(pollFd.addressOffset(), 1, timeoutMillis);
        if (n < 0) {
            final int errno = LinuxNative.errno();
            return errno == EINTR ? 0 : -errno;
        }
        if (n == 0) {
            return 0;
        }
        final int revents = pollFd.getShort(POLLFD_REVENTS_OFFSET, nativeOrder());
        return (revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 ? -EIO : 1;
    }

    private int awaitOthers(int timeoutMillis) {
        int result = 0;
        for (int i = 0; i < others.length; i++) {
            final int r = others[i].awaitReadable(i == 0 ? timeoutMillis : 0);
            if (r > 0) {
                return r;
            }
            if (r < 0) {
                result = r;
            }
        }
        return result;
    }
}
