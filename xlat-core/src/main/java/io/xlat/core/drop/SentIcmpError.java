package io.xlat.core.drop;

import io.xlat.core.packet.IcmpHeader;

/**
 * The kinds of ICMP error the translator originates, for counting them by type: the ones RFC 7915 has it send
 * (Time Exceeded, Packet Too Big / Fragmentation Needed, Parameter Problem, Destination Unreachable for what it
 * refuses), by family. Any other type counts under the family's {@code OTHER}, so that the total stays the sum.
 */
public enum SentIcmpError {
    ICMPV4_DESTINATION_UNREACHABLE("icmpv4-destination-unreachable"),
    ICMPV4_TIME_EXCEEDED("icmpv4-time-exceeded"),
    ICMPV4_PARAMETER_PROBLEM("icmpv4-parameter-problem"),
    ICMPV4_OTHER("icmpv4-other"),
    ICMPV6_DESTINATION_UNREACHABLE("icmpv6-destination-unreachable"),
    ICMPV6_PACKET_TOO_BIG("icmpv6-packet-too-big"),
    ICMPV6_TIME_EXCEEDED("icmpv6-time-exceeded"),
    ICMPV6_PARAMETER_PROBLEM("icmpv6-parameter-problem"),
    ICMPV6_OTHER("icmpv6-other");

    private static final SentIcmpError[] VALUES = values();

    private final String label;

    SentIcmpError(String label) {
        this.label = label;
    }

    /** The stable name: a metric label and a counters-file key. */
    public String label() {
        return label;
    }

    /** The kind of an ICMPv4 error of {@code type}. */
    public static SentIcmpError ofIcmpv4(int type) {
        switch (type) {
            // Fragmentation Needed is a code of Destination Unreachable
            case IcmpHeader.V4_DEST_UNREACHABLE: return ICMPV4_DESTINATION_UNREACHABLE;
            case IcmpHeader.V4_TIME_EXCEEDED: return ICMPV4_TIME_EXCEEDED;
            case IcmpHeader.V4_PARAMETER_PROBLEM: return ICMPV4_PARAMETER_PROBLEM;
            default: return ICMPV4_OTHER;
        }
    }

    /** The kind of an ICMPv6 error of {@code type}. */
    public static SentIcmpError ofIcmpv6(int type) {
        switch (type) {
            case IcmpHeader.V6_DEST_UNREACHABLE: return ICMPV6_DESTINATION_UNREACHABLE;
            case IcmpHeader.V6_PACKET_TOO_BIG: return ICMPV6_PACKET_TOO_BIG;
            case IcmpHeader.V6_TIME_EXCEEDED: return ICMPV6_TIME_EXCEEDED;
            case IcmpHeader.V6_PARAMETER_PROBLEM: return ICMPV6_PARAMETER_PROBLEM;
            default: return ICMPV6_OTHER;
        }
    }

    static int count() {
        return VALUES.length;
    }
}
