package io.xlat.core.translate;

/**
 * Rate limit for the ICMP errors the translator originates (RFC 4443 section 2.4 (f), RFC 1812 section
 * 4.3.2.8): {@code rate} tokens per second, a burst of one second's worth. Time comes from the caller (the
 * pcap timestamp in replay), so replays are deterministic; a clock that goes backwards adds nothing.
 */
final class TokenBucket {
    private static final long SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long capacityNanos;
    private long creditNanos;
    private long lastNanos;
    private boolean started;

    TokenBucket(int ratePerSecond) {
        this.nanosPerToken = ratePerSecond <= 0 ? Long.MAX_VALUE : SECOND / ratePerSecond;
        this.capacityNanos = ratePerSecond <= 0 ? 0 : nanosPerToken * ratePerSecond;
        this.creditNanos = capacityNanos;
    }

    boolean tryAcquire(long nowNanos) {
        if (nanosPerToken == Long.MAX_VALUE) {
            return false;
        }
        if (started) {
            final long elapsed = nowNanos - lastNanos;
            if (elapsed > 0) {
                creditNanos = Math.min(capacityNanos, creditNanos + Math.min(elapsed, capacityNanos));
                lastNanos = nowNanos;
            }
        } else {
            started = true;
            lastNanos = nowNanos;
        }
        if (creditNanos >= nanosPerToken) {
            creditNanos -= nanosPerToken;
            return true;
        }
        return false;
    }
}
