package io.xlat.tunio.tun;

import io.xlat.tunio.counters.DeviceCounters;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One queue of a packet device: each read returns one whole IP packet, each write sends one. The data path sees
 * devices only through this interface, so that agents are tested with fakes. Implementations allocate nothing
 * per call and never throw for I/O failures: they return {@code -errno}.
 */
public interface PacketQueue {

    /** The device name, for counters and messages. */
    String deviceName();

    /**
     * Reads one packet into {@code buffer} at {@code offset}.
     *
     * @return its length; 0 when no packet is waiting; {@code -errno} on failure
     */
    int read(MutableDirectBuffer buffer, int offset, int capacity);

    /**
     * Writes one packet.
     *
     * @return the bytes written ({@code length} unless the write was short); {@code -errno} on failure
     */
    int write(DirectBuffer buffer, int offset, int length);

    /**
     * Waits until a packet can be read or {@code timeoutMillis} pass: what an idle worker does instead of spinning.
     *
     * @return a positive value when readable, 0 on timeout, {@code -errno} when the queue is broken (the caller
     *         must then not call this in a loop without sleeping)
     */
    int awaitReadable(int timeoutMillis);

    /**
     * The descriptor {@code poll(2)} waits on for this queue's packets, or -1 when it has none (an in-memory fake):
     * a worker sleeps on all of its queues' at once ({@link PollSet}).
     */
    default int pollDescriptor() {
        return -1;
    }

    /**
     * Whether a worker that reads this queue alone should wait through {@link #awaitReadable} rather than
     * {@code poll(2)} on {@link #pollDescriptor()} (an io_uring queue waits in the ring).
     */
    default boolean waitsItself() {
        return false;
    }

    /**
     * Hands the kernel what this queue holds back (queued writes, re-posted reads) and takes in what completed: the
     * worker calls it for each of its queues at the end of every round. A queue that writes at once does nothing.
     *
     * @return whether a packet is ready to read, so that the worker must not sleep
     */
    default boolean flush() {
        return false;
    }

    /**
     * Where this queue counts the outcomes it learns after a write returned (a write queued to the kernel and
     * refused later): the counters of the port that writes to it. A queue that writes at once learns nothing later.
     */
    default void reportInto(DeviceCounters counters) {
    }

    /**
     * Whether every packet read from and written to this queue has a {@link VirtioNetHeader} in front (a TUN device
     * opened with offloads): a read then returns the header and the packet, and writes go through
     * {@link #writeWithHeader}.
     */
    default boolean offloads() {
        return false;
    }

    /**
     * Whether writes may carry UDP super-packets ({@link VirtioNetHeader#GSO_UDP_L4}): a queue with
     * {@link #offloads()} on a kernel that knows UDP segmentation offload (Linux 6.2+).
     */
    default boolean udpSegmentation() {
        return false;
    }

    /**
     * Writes {@link VirtioNetHeader#LENGTH} bytes of {@code header} and then the packet, as one packet.
     *
     * @param iov {@link LinuxNative#IOVEC_LENGTH} * 2 bytes of native memory the caller owns (one per writing thread)
     * @return the packet bytes written (without the header), or {@code -errno}
     */
    default int writeWithHeader(DirectBuffer header, DirectBuffer buffer, int offset, int length,
        MutableDirectBuffer iov) {
        final byte[] joined = new byte[VirtioNetHeader.LENGTH + length];
        header.getBytes(0, joined, 0, VirtioNetHeader.LENGTH);
        buffer.getBytes(offset, joined, VirtioNetHeader.LENGTH, length);
        final int n = write(new org.agrona.concurrent.UnsafeBuffer(joined), 0, joined.length);
        return n < 0 ? n : Math.max(0, n - VirtioNetHeader.LENGTH);
    }
}
