package io.xlat.core.drop;

/**
 * Single-writer counters of the translation core, indexed by stable id: one per {@link DropReason} plus packet
 * totals. Plain longs: the owning worker writes, and a publisher copies them to the shared counters file.
 */
public final class DropCounters {

    private final long[] drops = new long[DropReason.MAX_ID + 1];
    private long translated46;
    private long translated64;
    private long icmpErrorsSent;

    public void drop(DropReason reason) {
        drops[reason.id()]++;
    }

    public long drops(DropReason reason) {
        return drops[reason.id()];
    }

    public long totalDrops() {
        long total = 0;
        for (final long d : drops) {
            total += d;
        }
        return total;
    }

    public void translated46() {
        translated46++;
    }

    public void translated64() {
        translated64++;
    }

    public void icmpErrorSent() {
        icmpErrorsSent++;
    }

    public long translated46Count() {
        return translated46;
    }

    public long translated64Count() {
        return translated64;
    }

    public long icmpErrorsSentCount() {
        return icmpErrorsSent;
    }
}
