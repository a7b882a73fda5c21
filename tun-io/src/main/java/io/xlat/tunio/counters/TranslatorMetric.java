package io.xlat.tunio.counters;

import io.xlat.core.drop.DropCounters;

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
        "ICMP errors whose RFC 4884 length did not fit the message, translated as if they had no extension");

    private static final TranslatorMetric[] VALUES = values();

    private final int id;
    private final String label;
    private final String description;

    TranslatorMetric(int id, String label, String description) {
        this.id = id;
        this.label = label;
        this.description = description;
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
