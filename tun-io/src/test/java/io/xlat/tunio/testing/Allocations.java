package io.xlat.tunio.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** Measures heap allocation by the current thread, to show that a data path allocates nothing. */
public final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /**
     * Runs {@code round} until one run allocates nothing, at most {@code maxRounds} times, and fails otherwise.
     * The first runs pay for class loading, JIT compilation and the odd deoptimisation (the JVM allocates on the
     * thread's behalf while it re-interprets a method); anything the code allocates per packet shows in every
     * run, so it can never pass.
     */
    public static void assertEventuallyAllocatesNothing(String what, int maxRounds, Runnable round) {
        final List<Long> seen = new ArrayList<>();
        for (int i = 0; i < maxRounds; i++) {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            round.run();
            final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated == 0) {
                return;
            }
            seen.add(allocated);
        }
        fail(what + " allocated in every one of " + maxRounds + " rounds; bytes per round: " + seen);
    }
}
