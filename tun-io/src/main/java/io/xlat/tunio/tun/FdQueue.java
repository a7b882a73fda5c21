package io.xlat.tunio.tun;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.xlat.tunio.tun.LinuxNative.EAGAIN;
import static io.xlat.tunio.tun.LinuxNative.EINTR;
import static io.xlat.tunio.tun.LinuxNative.EIO;
import static io.xlat.tunio.tun.LinuxNative.IOVEC_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static java.nio.ByteOrder.nativeOrder;

/**
 * A {@link PacketQueue} over a non-blocking, packet-oriented file descriptor: a TUN queue in production, a
 * {@code SOCK_SEQPACKET} socket pair in tests. One thread uses it; {@link #close()} must wait until that thread
 * stopped, since the kernel reuses a closed descriptor number at once.
 *
 * <p>Non-blocking reads plus {@code poll(2)} with a short timeout when idle, rather than blocking reads: a worker
 * under load drains the queue without a wake-up per packet, an idle worker sleeps in the kernel and wakes on the
 * first packet, and every timeout gives it a chance to see that it was asked to stop (a blocked {@code read(2)}
 * does not notice a Java interrupt).
 */
public final class FdQueue implements PacketQueue, AutoCloseable {

    private final int fd;
    private final String deviceName;
    private final UnsafeBuffer pollFd;
    /** Where packets from heap buffers are copied before a write; created on first use, which production never needs. */
    private UnsafeBuffer staging;
    private volatile boolean closed;
    private final boolean offloads;
    private final boolean udpSegmentation;

    FdQueue(int fd, String deviceName) {
        this(fd, deviceName, false, false);
    }

    /**
     * @param offloads        whether the descriptor was attached with IFF_VNET_HDR
     * @param udpSegmentation whether the kernel takes UDP super-packets on it (it accepted TUN_F_USO4/6)
     */
    FdQueue(int fd, String deviceName, boolean offloads, boolean udpSegmentation) {
        this.fd = fd;
        this.deviceName = deviceName;
        this.offloads = offloads;
        this.udpSegmentation = offloads && udpSegmentation;
        this.pollFd = PollSet.pollFd(fd);
    }

    /**
     * Two connected queues that keep packet boundaries as a TUN queue does (a non-blocking {@code AF_UNIX}
     * {@code SOCK_SEQPACKET} pair): what is written to one is read from the other. The data plane's warm-up runs
     * its workers' code over such a pair before real traffic needs it compiled.
     *
     * @param offloads whether both ends carry a virtio-net header in front of each packet, as a queue with offloads
     */
    public static FdQueue[] pair(String name, boolean offloads) throws NativeException {
        final int[] fds = new int[2];
        if (LIBC.socketpair(LinuxNative.AF_UNIX,
            LinuxNative.SOCK_SEQPACKET | LinuxNative.SOCK_NONBLOCK | LinuxNative.SOCK_CLOEXEC, 0, fds) != 0) {
            throw new NativeException("socketpair", LinuxNative.errno());
        }
        // a socket pair carries any header: with offloads it stands for a kernel that takes UDP super-packets too
        return new FdQueue[] {new FdQueue(fds[0], name, offloads, offloads),
            new FdQueue(fds[1], name, offloads, offloads)};
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    /** The file descriptor (for messages and tests). */
    public int fd() {
        return fd;
    }

    @Override
    public int read(MutableDirectBuffer buffer, int offset, int capacity) {
        buffer.boundsCheck(offset, capacity); // the kernel would write past the buffer otherwise
        final long address = address(buffer, offset);
        while (true) {
            final long n = LIBC.read(fd, address, capacity);
            if (n >= 0) {
                return (int) n;
            }
            final int errno = LinuxNative.errno();
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 0 : -errno;
        }
    }

    @Override
    public int write(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        long address;
        if (buffer.byteArray() != null) {
            final UnsafeBuffer copy = staging(length);
            copy.putBytes(0, buffer, offset, length);
            address = copy.addressOffset();
        } else {
            address = buffer.addressOffset() + offset;
        }
        while (true) {
            final long n = LIBC.write(fd, address, length);
            if (n >= 0) {
                return (int) n;
            }
            final int errno = LinuxNative.errno();
            if (errno != EINTR) {
                return -errno;
            }
        }
    }

    @Override
    public boolean offloads() {
        return offloads;
    }

    @Override
    public boolean udpSegmentation() {
        return udpSegmentation;
    }

    /** One writev(2): the header from its own memory, the packet from where it lies, no copy. */
    @Override
    public int writeWithHeader(DirectBuffer header, DirectBuffer buffer, int offset, int length,
        MutableDirectBuffer iov) {
        if (header.byteArray() != null || buffer.byteArray() != null) {
            return PacketQueue.super.writeWithHeader(header, buffer, offset, length, iov);
        }
        buffer.boundsCheck(offset, length);
        iov.putLong(0, header.addressOffset(), nativeOrder());
        iov.putLong(8, VirtioNetHeader.LENGTH, nativeOrder());
        iov.putLong(IOVEC_LENGTH, buffer.addressOffset() + offset, nativeOrder());
        iov.putLong(IOVEC_LENGTH + 8, length, nativeOrder());
        while (true) {
            final long n = LIBC.writev(fd, iov.addressOffset(), 2);
            if (n >= 0) {
                return (int) Math.max(0, n - VirtioNetHeader.LENGTH);
            }
            final int errno = LinuxNative.errno();
            if (errno != EINTR) {
                return -errno;
            }
        }
    }

    @Override
    public int awaitReadable(int timeoutMillis) {
        // POLLERR/POLLHUP: the device was deleted or the queue detached; POLLNVAL: the descriptor is closed
        return PollSet.awaitOne(pollFd, timeoutMillis);
    }

    @Override
    public int pollDescriptor() {
        return fd;
    }

    /** Closes the descriptor once; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LIBC.close(fd);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private static long address(MutableDirectBuffer buffer, int offset) {
        if (buffer.byteArray() != null) {
            throw new IllegalArgumentException("reads need a buffer in native memory (a direct ByteBuffer)");
        }
        return buffer.addressOffset() + offset;
    }

    private UnsafeBuffer staging(int length) {
        if (staging == null || staging.capacity() < length) {
            staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(length, 65536), 64));
        }
        return staging;
    }
}
