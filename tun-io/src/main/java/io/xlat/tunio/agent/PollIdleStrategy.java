package io.xlat.tunio.agent;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a worker waits: {@code poll(2)} on all of its queues at once, after an adaptive spin that only lasts while
 * packets keep coming. Every round the worker comes back without work has cost it one {@code read(2)} per queue
 * that returned EAGAIN, so a spin here is a system call, not a pause: a fixed spin of 100 rounds made an idle
 * worker pay 100 empty reads after its last packet before it slept.
 *
 * <p>Instead the spin length is learnt from the queue. After a round with work the worker comes round again up to
 * {@code spinBudget} times; when those rounds find nothing it waits in {@code poll(2)} and halves the budget. A
 * wait that ends within {@link #SHORT_WAIT_NANOS} says the next packet came soon after the last, so that spinning
 * would have caught it without a wake-up: the budget doubles (up to {@code maxSpins}). A steady stream therefore
 * spins and never sleeps, an idle queue sleeps after its first empty read, and a queue that is read while a packet
 * is already waiting returns from {@code poll(2)} at once (no sleep, no wake-up). The poll timeout bounds how long
 * a stop request waits. When the wait reports an error it parks instead, so that a broken device does not turn
 * the wait into a busy loop.
 */
public final class PollIdleStrategy implements IdleStrategy {

    /** Rounds a busy worker may spin at most (each one empty read per queue, about 0.5 µs on this machine). */
    public static final int DEFAULT_MAX_SPINS = 64;
    public static final int DEFAULT_POLL_TIMEOUT_MILLIS = 10;
    /** A wait shorter than this was for a packet close behind the last one: spinning would have been cheaper. */
    public static final long SHORT_WAIT_NANOS = 50_000L;

    /** What the strategy waits on: {@link WorkerAgent#awaitReadable} in production. */
    @FunctionalInterface
    public interface Readiness {
        /** Positive when readable, 0 on timeout, {@code -errno} on failure. */
        int awaitReadable(int timeoutMillis);
    }

    private final Readiness readiness;
    private final NanoClock clock;
    private final int maxSpins;
    private final int pollTimeoutMillis;
    private int spinBudget;
    private int spins;
    /** Whether this idle period already shortened the budget (once per period, however many polls it takes). */
    private boolean shortened;

    public PollIdleStrategy(Readiness readiness) {
        this(readiness, new SystemNanoClock(), DEFAULT_MAX_SPINS, DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    public PollIdleStrategy(Readiness readiness, NanoClock clock, int maxSpins, int pollTimeoutMillis) {
        if (maxSpins < 0) {
            throw new IllegalArgumentException("maxSpins must not be negative, got " + maxSpins);
        }
        this.readiness = readiness;
        this.clock = clock;
        this.maxSpins = maxSpins;
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
        if (spins < spinBudget) {
            spins++;
            Thread.onSpinWait();
            return;
        }
        if (!shortened) {
            shortened = true;
            spinBudget >>= 1;
        }
        final long start = clock.nanoTime();
        final int ready = readiness.awaitReadable(pollTimeoutMillis);
        if (ready < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollTimeoutMillis));
        } else if (ready > 0 && clock.nanoTime() - start < SHORT_WAIT_NANOS) {
            spinBudget = Math.min(maxSpins, Math.max(1, spinBudget << 1));
        }
    }

    @Override
    public void reset() {
        spins = 0;
        shortened = false;
    }

    /** The rounds the worker spins after its next round with work (for tests and diagnostics). */
    public int spinBudget() {
        return spinBudget;
    }

    @Override
    public String alias() {
        return "poll";
    }
}
