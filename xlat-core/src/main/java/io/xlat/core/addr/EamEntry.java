package io.xlat.core.addr;

/**
 * One RFC 7757 Explicit Address Mapping: an IPv4 prefix and an IPv6 prefix whose suffixes map onto each other.
 * The suffix lengths (32 - ipv4.length, 128 - ipv6.length) may differ (RFC 7757 section 3.2).
 */
public record EamEntry(Ipv4Prefix ipv4, Ipv6Prefix ipv6) {

    public int ipv4SuffixLength() {
        return 32 - ipv4.length();
    }

    public int ipv6SuffixLength() {
        return 128 - ipv6.length();
    }

    @Override
    public String toString() {
        return "{ipv4: " + ipv4 + ", ipv6: " + ipv6 + "}";
    }
}
