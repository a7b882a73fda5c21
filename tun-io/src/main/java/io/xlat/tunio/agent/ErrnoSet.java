package io.xlat.tunio.agent;

/**
 * The error numbers already reported by one worker for one operation, so that each is logged once and then only
 * counted: a device failing at packet rate must not turn into a log line per packet. Allocation-free.
 */
final class ErrnoSet {

    /** Linux errno values are below 4096 (the kernel's MAX_ERRNO). */
    private final long[] bits = new long[4096 / 64];

    /** Records {@code errno}; true the first time it is seen. */
    boolean add(int errno) {
        final int e = errno & 4095;
        final long mask = 1L << (e & 63);
        final boolean first = (bits[e >>> 6] & mask) == 0;
        bits[e >>> 6] |= mask;
        return first;
    }
}
