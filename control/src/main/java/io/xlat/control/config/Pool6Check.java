package io.xlat.control.config;

import io.xlat.core.addr.Ipv6Prefix;

/**
 * Configuration-time checks of the RFC 6052 translation prefix ({@code pool6}).
 *
 * <p>TODO: delegate to the core's Rfc6052 validation once it exists, so that the data path and the loader share
 * one definition of a usable prefix.
 */
final class Pool6Check {

    private static final int[] ALLOWED_LENGTHS = {32, 40, 48, 56, 64, 96};

    private Pool6Check() {
    }

    /** @return null when the prefix is usable, else the reason, phrased to follow "pool6: " */
    static String problem(Ipv6Prefix prefix) {
        // RFC 6052 §2.2 defines the address format for prefix lengths 32, 40, 48, 56, 64 and 96 only (its
        // Figure 1); any other length has no defined place for the embedded IPv4 address.
        boolean allowed = false;
        for (final int length : ALLOWED_LENGTHS) {
            allowed |= prefix.length() == length;
        }
        if (!allowed) {
            return "RFC 6052 allows prefix lengths 32, 40, 48, 56, 64 and 96 only, got /" + prefix.length();
        }
        // RFC 6052 §2.2: "Bits 64 to 71 of the address are reserved for compatibility with the host identifier
        // format defined in the IPv6 addressing architecture [RFC4291]. These bits MUST be set to zero."
        // Only a /96 covers those bits with prefix bits; shorter prefixes have them as (zero) host bits.
        final int uOctet = (int) (prefix.lo() >>> 56) & 0xFF;
        if (uOctet != 0) {
            return "bits 64-71 (the u-octet) of " + prefix + " must be zero (RFC 6052 section 2.2), got 0x"
                + Integer.toHexString(uOctet);
        }
        return null;
    }
}
