package io.xlat.tunio.agent;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Agrona's back-off (spin, then yield) with {@code poll(2)} on all of the worker's queues at once as the last
 * step instead of a timed park: under load a worker never makes a system call to wait, and once idle it sleeps in
 * the kernel until the next packet arrives on any of its devices (no park-length latency added to the first packet
 * of a burst, no CPU burnt while idle). The poll timeout bounds how long a stop request waits. When the wait
 * reports an error it parks instead, so that a broken device does not turn the wait into a busy loop.
 */
public final class PollIdleStrategy implements IdleStrategy {

    public static final int DEFAULT_SPINS = 100;
    public static final int DEFAULT_YIELDS = 10;
    public static final int DEFAULT_POLL_TIMEOUT_MILLIS = 10;

    /** What the strategy waits on: {@link WorkerAgent#awaitReadable} in production. */
    @FunctionalInterface
    public interface Readiness {
        /** Positive when readable, 0 on timeout, {@code -errno} on failure. */
        int awaitReadable(int timeoutMillis);
    }

    private final Readiness readiness;
    private final int maxSpins;
    private final int maxYields;
    private final int pollTimeoutMillis;
    private int spins;
    private int yields;

    public PollIdleStrategy(Readiness readiness) {
        this(readiness, DEFAULT_SPINS, DEFAULT_YIELDS, DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    public PollIdleStrategy(Readiness readiness, int maxSpins, int maxYields, int pollTimeoutMillis) {
        this.readiness = readiness;
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
        } else if (readiness.awaitReadable(pollTimeoutMillis) < 0) {
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
        return "poll";
    }
}
