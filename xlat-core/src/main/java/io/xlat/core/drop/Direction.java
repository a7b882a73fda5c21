package io.xlat.core.drop;

/**
 * Which way a dropped packet was going: the family it arrived in. A packet that arrived as IPv4 counts under
 * {@code 46} wherever it was dropped (a hairpinned IPv6 packet dropped on its second leg still counts under
 * {@code 64}); one whose family cannot be told (no version nibble, or one that is neither 4 nor 6) under
 * {@code unknown}. The labels are a contract with the counters file, {@code xlat stats} and the metrics.
 */
public enum Direction {
    D46("46"),
    D64("64"),
    UNKNOWN("unknown");

    /** How many there are: the width of a per-reason row of {@link DropCounters}. */
    public static final int COUNT = values().length;

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** The direction of a packet whose IP version nibble is {@code version}. */
    public static Direction ofVersion(int version) {
        return version == 4 ? D46 : version == 6 ? D64 : UNKNOWN;
    }

    /** The stable label: {@code 46}, {@code 64} or {@code unknown}. */
    public String label() {
        return label;
    }
}
