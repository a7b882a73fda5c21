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
 * front of it by one gathering write.
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

    /** Whether the queue takes a virtio-net header in front of each packet (a device opened with offloads). */
    boolean vnet() {
        return header != null;
    }

    @Override
    public void emit(DirectBuffer buffer, int offset, int length) {
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
