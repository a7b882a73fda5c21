package io.xlat.tunio.agent;

import io.xlat.core.translate.PacketSink;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.tun.PacketQueue;
import org.agrona.DirectBuffer;

/**
 * The sink that writes what the translator emits to a device queue and counts the outcome. With one device for
 * both families (plain SIIT), the translated packets and the ICMP errors sent back use the same writer.
 */
final class QueueWriter implements PacketSink {

    private final PacketQueue queue;
    private final DeviceCounters counters;
    private final DeviceErrorHandler errors;
    private final int worker;
    private final ErrnoSet reported = new ErrnoSet();

    QueueWriter(PacketQueue queue, DeviceCounters counters, DeviceErrorHandler errors, int worker) {
        this.queue = queue;
        this.counters = counters;
        this.errors = errors;
        this.worker = worker;
    }

    @Override
    public void emit(DirectBuffer buffer, int offset, int length) {
        final int n = queue.write(buffer, offset, length);
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
