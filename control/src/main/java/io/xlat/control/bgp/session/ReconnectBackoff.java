package io.xlat.control.bgp.session;

import java.util.Random;

/**
 * Delay before the next connection attempt: doubling from {@code initial} up to {@code max}, with jitter.
 * RFC 4271 section 10: jitter is applied "by multiplying the base value of the timer by a random factor, which
 * is uniformly distributed in the range from 0.75 to 1.0". The doubling is RFC 4271 section 8.1.1's
 * DampPeerOscillations in its simplest form; it keeps a broken peer from costing us a reconnect per second.
 */
public final class ReconnectBackoff {

    private final long initialNanos;
    private final long maxNanos;
    private final Random random;
    private int failures;

    public ReconnectBackoff(long initialNanos, long maxNanos, Random random) {
        if (initialNanos <= 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.random = random;
    }

    /** The delay for the next attempt, counting one more failure. */
    public long nextDelayNanos() {
        final int shift = Math.min(failures, 40); // 2^40 times any sane initial value is past any max
        failures++;
        final long base = Math.min(maxNanos, initialNanos << shift);
        return jitter(base, random);
    }

    /** Forgets past failures, after a session that stayed up long enough. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }

    /** {@code base} times a uniform factor in [0.75, 1.0]. */
    static long jitter(long base, Random random) {
        return base - (long) (base * 0.25 * random.nextDouble());
    }
}
