package io.xlat.tunio.counters;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.SentIcmpError;

/**
 * The translation totals of {@link DropCounters} other than the drops. Ids are stable (keys in the counters file):
 * never renumber, only append.
 */
public enum TranslatorMetric {
    TRANSLATED_46(1, "translated-46", "IPv4 packets translated to IPv6 (a packet fragmented on the way counts once)"),
    BYTES_46(2, "bytes-46", "IPv4 bytes in of the packets translated to IPv6"),
    TRANSLATED_64(3, "translated-64", "IPv6 packets translated to IPv4"),
    BYTES_64(4, "bytes-64", "IPv6 bytes in of the packets translated to IPv4"),
    ICMP_ERRORS_SENT(5, "icmp-errors-sent", "ICMP errors xlat originated (Time Exceeded, Packet Too Big, ...)"),
    ICMP_ERRORS_RATE_LIMITED(6, "icmp-errors-rate-limited", "ICMP errors not sent because of translator.icmp-rate"),
    ICMP_ERRORS_NO_SOURCE(7, "icmp-errors-no-source",
        "ICMP errors not sent: no ipv4-address/ipv6-address or RFC 6791 pool to send them from"),
    ICMP_EXTENSIONS_IGNORED(8, "icmp-extensions-ignored",
        "ICMP errors whose RFC 4884 length did not fit the message, translated as if they had no extension"),
    ICMPV4_DESTINATION_UNREACHABLE_SENT(9, "icmpv4-destination-unreachable-sent",
        SentIcmpError.ICMPV4_DESTINATION_UNREACHABLE,
        "ICMPv4 Destination Unreachable xlat originated (part of icmp-errors-sent)"),
    ICMPV4_TIME_EXCEEDED_SENT(10, "icmpv4-time-exceeded-sent", SentIcmpError.ICMPV4_TIME_EXCEEDED,
        "ICMPv4 Time Exceeded xlat originated (part of icmp-errors-sent)"),
    ICMPV4_PARAMETER_PROBLEM_SENT(11, "icmpv4-parameter-problem-sent", SentIcmpError.ICMPV4_PARAMETER_PROBLEM,
        "ICMPv4 Parameter Problem xlat originated (part of icmp-errors-sent)"),
    ICMPV4_OTHER_SENT(12, "icmpv4-other-sent", SentIcmpError.ICMPV4_OTHER,
        "ICMPv4 errors of any other type xlat originated (part of icmp-errors-sent)"),
    ICMPV6_DESTINATION_UNREACHABLE_SENT(13, "icmpv6-destination-unreachable-sent",
        SentIcmpError.ICMPV6_DESTINATION_UNREACHABLE,
        "ICMPv6 Destination Unreachable xlat originated (part of icmp-errors-sent)"),
    ICMPV6_PACKET_TOO_BIG_SENT(14, "icmpv6-packet-too-big-sent", SentIcmpError.ICMPV6_PACKET_TOO_BIG,
        "ICMPv6 Packet Too Big xlat originated (part of icmp-errors-sent)"),
    ICMPV6_TIME_EXCEEDED_SENT(15, "icmpv6-time-exceeded-sent", SentIcmpError.ICMPV6_TIME_EXCEEDED,
        "ICMPv6 Time Exceeded xlat originated (part of icmp-errors-sent)"),
    ICMPV6_PARAMETER_PROBLEM_SENT(16, "icmpv6-parameter-problem-sent", SentIcmpError.ICMPV6_PARAMETER_PROBLEM,
        "ICMPv6 Parameter Problem xlat originated (part of icmp-errors-sent)"),
    ICMPV6_OTHER_SENT(17, "icmpv6-other-sent", SentIcmpError.ICMPV6_OTHER,
        "ICMPv6 errors of any other type xlat originated (part of icmp-errors-sent)");

    private static final TranslatorMetric[] VALUES = values();

    private final int id;
    private final String label;
    /** The kind of sent ICMP error this metric counts, or null for the other metrics. */
    private final SentIcmpError icmpError;
    private final String description;

    TranslatorMetric(int id, String label, String description) {
        this(id, label, null, description);
    }

    TranslatorMetric(int id, String label, SentIcmpError icmpError, String description) {
        this.id = id;
        this.label = label;
        this.icmpError = icmpError;
        this.description = description;
    }

    /** For the ICMP errors sent by type: which kind; null for every other metric. */
    public SentIcmpError icmpError() {
        return icmpError;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** This metric's current value in {@code counters}. */
    public long valueIn(DropCounters counters) {
        if (icmpError != null) {
            return counters.icmpErrorsSentCount(icmpError);
        }
        switch (this) {
            case TRANSLATED_46: return counters.translated46Count();
            case BYTES_46: return counters.bytes46();
            case TRANSLATED_64: return counters.translated64Count();
            case BYTES_64: return counters.bytes64();
            case ICMP_ERRORS_SENT: return counters.icmpErrorsSentCount();
            case ICMP_ERRORS_RATE_LIMITED: return counters.icmpErrorsRateLimitedCount();
            case ICMP_ERRORS_NO_SOURCE: return counters.icmpErrorsNoSourceCount();
            case ICMP_EXTENSIONS_IGNORED: return counters.icmpExtensionsIgnoredCount();
            default: throw new IllegalStateException(name());
        }
    }

    /** The metric with this id, or null. */
    public static TranslatorMetric byId(int id) {
        for (final TranslatorMetric m : VALUES) {
            if (m.id == id) {
                return m;
            }
        }
        return null;
    }
}
