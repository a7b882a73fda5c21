package io.xlat.core.translate;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limit for the ICMP errors the translator originates (RFC 4443 §2.4 (f), RFC 1812 §4.3.2.8): {@code rate}
 * tokens per second, a burst of one second's worth. One bucket serves every worker of a process, so that the
 * configured {@code icmp-rate} is the host's rate, not the rate times the workers.
 *
 * <p>Kept as one number, the theoretical arrival time of the next error (the GCRA form of a token bucket), so
 * that workers share it with one compare-and-set and no lock; that happens on the error path only. Time comes
 * from the caller (the pcap timestamp in replay), so replays are deterministic; a clock that goes backwards adds
 * nothing.
 */
public final class TokenBucket {
    private static final long SECOND = 1_000_000_000L;
    /** No error sent yet: the first one finds a full bucket. */
    private static final long UNSTARTED = Long.MIN_VALUE;

    private final long nanosPerToken;
    /** How far ahead of now the arrival time may run: the burst beyond the first token. */
    private final long toleranceNanos;
    private final AtomicLong nextArrival = new AtomicLong(UNSTARTED);

    public TokenBucket(int ratePerSecond) {
        this.nanosPerToken = ratePerSecond <= 0 ? Long.MAX_VALUE : SECOND / ratePerSecond;
        this.toleranceNanos = ratePerSecond <= 0 ? 0 : nanosPerToken * (ratePerSecond - 1L);
    }

    /** Whether an error may be sent at {@code nowNanos}; takes the token when it may. Safe from any thread. */
    public boolean tryAcquire(long nowNanos) {
        if (nanosPerToken == Long.MAX_VALUE) {
            return false;
        }
        while (true) {
            final long arrival = nextArrival.get();
            long base = arrival == UNSTARTED || arrival < nowNanos ? nowNanos : arrival;
            if (base - nowNanos > toleranceNanos + nanosPerToken + SECOND) {
                // more than a second further ahead than the rate allows: the clock went back (concatenated replay
                // captures). Start from an empty bucket at the new time rather than refuse every error until the
                // old time comes round again; a smaller step back just adds nothing.
                base = nowNanos + toleranceNanos;
            }
            if (base - nowNanos > toleranceNanos) {
                return false;
            }
            if (nextArrival.compareAndSet(arrival, base + nanosPerToken)) {
                return true;
            }
        }
    }
}
