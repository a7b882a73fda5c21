package io.xlat.tunio.agent;

import java.util.Arrays;

/**
 * One worker's writers that hold coalesced datagrams ({@link Coalescer}): each signs up when it starts holding
 * some, and the worker flushes them all when a port's batch is done, so that a datagram waits at most until the
 * end of the batch it was read in, and no time goes into the writers that hold nothing. Single-threaded.
 */
final class PendingWrites {
    private QueueWriter[] writers = new QueueWriter[8];
    private int count;

    void add(QueueWriter writer) {
        if (count == writers.length) {
            // only when a worker first writes to more queues at once than ever before, not per packet
            writers = Arrays.copyOf(writers, count * 2);
        }
        writers[count++] = writer;
    }

    /** Writes what every signed-up writer holds. */
    void flush() {
        for (int i = 0; i < count; i++) {
            final QueueWriter w = writers[i];
            writers[i] = null;
            w.listed = false;
            w.flush();
        }
        count = 0;
    }
}
