package io.xlat.tunio.agent;

import io.xlat.tunio.tun.PacketQueue;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Agrona's back-off (spin, then yield) with {@code poll(2)} on the worker's queue as the last step instead of a
 * timed park: under load a worker never makes a system call to wait, and once idle it sleeps in the kernel until
 * the next packet arrives (no park-length latency added to the first packet of a burst, no CPU burnt while
 * idle). The poll timeout bounds how long a stop request waits. A queue that reports an error is parked on
 * instead, so that a broken device does not turn the wait into a busy loop.
 */
public final class QueuePollIdleStrategy implements IdleStrategy {

    public static final int DEFAULT_SPINS = 100;
    public static final int DEFAULT_YIELDS = 10;
    public static final int DEFAULT_POLL_TIMEOUT_MILLIS = 10;

    private final PacketQueue queue;
    private final int maxSpins;
    private final int maxYields;
    private final int pollTimeoutMillis;
    private int spins;
    private int yields;

    public QueuePollIdleStrategy(PacketQueue queue) {
        this(queue, DEFAULT_SPINS, DEFAULT_YIELDS, DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    public QueuePollIdleStrategy(PacketQueue queue, int maxSpins, int maxYields, int pollTimeoutMillis) {
        this.queue = queue;
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.pollTimeoutMillis = pollTimeoutMillis;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else if (queue.awaitReadable(pollTimeoutMillis) < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollTimeoutMillis));
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias() {
        return "queue-poll";
    }
}
