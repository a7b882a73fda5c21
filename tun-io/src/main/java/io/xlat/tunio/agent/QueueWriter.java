package io.xlat.tunio.agent;

import io.xlat.core.translate.PacketSink;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sink that writes what the translator emits to a device queue and counts the outcome. With one device for
 * both families (plain SIIT), the translated packets and the ICMP errors sent back use the same writer. On a
 * queue with offloads each packet gets its {@link VirtioNetHeader} from the worker's {@link Offloads}, written in
 * front of it by one gathering write. With coalescing ({@link Coalescer}) consecutive UDP datagrams of one flow wait
 * until the worker's batch ends ({@link #flush}) or something else is written, and go out as one super-packet.
 */
final class QueueWriter implements PacketSink {

    private final PacketQueue queue;
    private final DeviceCounters counters;
    private final DeviceErrorHandler errors;
    private final int worker;
    private final ErrnoSet reported = new ErrnoSet();
    private final UnsafeBuffer header;
    private final UnsafeBuffer iov;
    private Offloads offloads;
    /** Null unless coalescing is on and the queue takes UDP super-packets. */
    private Coalescer coalescer;
    /** Where this writer signs up to be flushed at the end of the worker's batch. */
    private PendingWrites pendingWrites;
    /** Whether this writer is on {@link #pendingWrites}' list until its next flush there. */
    boolean listed;
    /** The kernel refused a super-packet (EINVAL): this writer writes one datagram at a time from then on. */
    private boolean refused;

    QueueWriter(PacketQueue queue, DeviceCounters counters, DeviceErrorHandler errors, int worker) {
        this.queue = queue;
        this.counters = counters;
        this.errors = errors;
        this.worker = worker;
        final boolean vnet = queue.offloads();
        this.header = vnet ? new UnsafeBuffer(BufferUtil.allocateDirectAligned(16, 16)) : null;
        this.iov = vnet ? new UnsafeBuffer(BufferUtil.allocateDirectAligned(2 * LinuxNative.IOVEC_LENGTH, 16)) : null;
    }

    /** The worker whose packets this writer carries: where the headers come from on a queue with offloads. */
    void offloads(Offloads workerOffloads) {
        this.offloads = workerOffloads;
    }

    /**
     * Coalescing on write: on when {@code on} and the queue takes UDP super-packets (a TUN device whose kernel
     * accepted USO), else off. A writer that holds datagrams signs up in {@code pending} to be flushed.
     */
    void coalesce(boolean on, PendingWrites pending) {
        if (on && header != null && queue.udpSegmentation() && !refused) {
            if (coalescer == null) {
                coalescer = new Coalescer();
            }
        } else {
            flush();
            coalescer = null;
        }
        pendingWrites = pending;
    }

    /** Writes the pending super-packet, if any. */
    void flush() {
        final Coalescer c = coalescer;
        if (c == null || !c.pending()) {
            return;
        }
        final int length = c.seal(header);
        final int n = queue.writeWithHeader(header, c.buffer(), 0, length, iov);
        final boolean several = c.datagrams() > 1;
        if (n == length && several) {
            counters.sentCoalesced(c.datagrams(), c.originalBytes());
        } else {
            outcome(n, length);
        }
        c.clear();
        if (several && n == -LinuxNative.EINVAL) {
            // a kernel that accepted USO but not this super-packet: lose it once (reported as a write error), not
            // every batch's
            refused = true;
            coalescer = null;
        }
    }

    /** Whether the queue takes a virtio-net header in front of each packet (a device opened with offloads). */
    boolean vnet() {
        return header != null;
    }

    @Override
    public void emit(DirectBuffer buffer, int offset, int length) {
        final Coalescer c = coalescer;
        if (c != null) {
            if (c.merge(buffer, offset, length)) {
                return;
            }
            flush();
            if (c.start(buffer, offset, length)) {
                if (!listed) {
                    listed = true;
                    pendingWrites.add(this);
                }
                return;
            }
        }
        final int n;
        if (header == null) {
            n = queue.write(buffer, offset, length);
        } else {
            if (offloads == null) {
                VirtioNetHeader.writeNone(header, 0);
            } else {
                offloads.header(header, buffer, offset, length);
            }
            n = queue.writeWithHeader(header, buffer, offset, length, iov);
        }
        outcome(n, length);
    }

    private void outcome(int n, int length) {
        if (n == length) {
            counters.sent(n);
        } else if (n >= 0) {
            // a TUN write is all or nothing; a partial one means a truncated packet reached the kernel
            counters.shortWrite();
        } else {
            counters.writeError();
            if (reported.add(-n)) {
                errors.onDeviceError(queue.deviceName(), worker, "write", -n, false);
            }
        }
    }
}
