package io.xlat.control.metrics;

/**
 * What happened to the configuration since start: its generation (1 at start, one more per applied reload) and the
 * last reload's outcome and time. Written by the reload (on the signal thread), read by scrapes: synchronized, and
 * far from the data plane.
 */
public final class ReloadStatus {

    /** How a reload ended. */
    public enum Result {
        /** Nothing reloaded since start. */
        NONE,
        /** The file was valid and the running translator took it. */
        APPLIED,
        /** The file was invalid: the running configuration stays. */
        REJECTED,
        /** The file was valid but applying it failed (a device would not open): the running configuration stays. */
        FAILED
    }

    private final long startedMillis;
    private long generation = 1;
    private Result last = Result.NONE;
    private long lastMillis;
    private final long[] counts = new long[Result.values().length];

    public ReloadStatus(long startedMillis) {
        this.startedMillis = startedMillis;
        this.lastMillis = startedMillis;
    }

    public synchronized void applied(long nowMillis) {
        generation++;
        record(Result.APPLIED, nowMillis);
    }

    public synchronized void rejected(long nowMillis) {
        record(Result.REJECTED, nowMillis);
    }

    public synchronized void failed(long nowMillis) {
        record(Result.FAILED, nowMillis);
    }

    private void record(Result result, long nowMillis) {
        last = result;
        lastMillis = nowMillis;
        counts[result.ordinal()]++;
    }

    public synchronized long generation() {
        return generation;
    }

    public synchronized Result last() {
        return last;
    }

    /** When the last reload ended, or the start time when there was none. */
    public synchronized long lastMillis() {
        return lastMillis;
    }

    public long startedMillis() {
        return startedMillis;
    }

    /** Reloads that ended with {@code result} since start. */
    public synchronized long count(Result result) {
        return counts[result.ordinal()];
    }
}
