package io.xlat.core.addr;

/**
 * RFC 6052 section 2.2 (IPv4-embedded IPv6 address format) and section 3.1 (Well-Known Prefix).
 *
 * <p>Addresses are {@code (hi, lo)} pairs as in {@link Ipv6Addresses}: {@code hi} is bits 0-63, {@code lo} bits
 * 64-127, so the u-octet (bits 64-71) is the top byte of {@code lo}. The embed/extract methods are hot-path:
 * no allocation, no lookups, and they trust the caller to pass a length accepted by {@link #validatePool6}.
 */
public final class Rfc6052 {

    /** High half of the Well-Known Prefix 64:ff9b::/96 (RFC 6052 section 2.1). */
    public static final long WKP_HI = 0x0064_FF9B_0000_0000L;
    /** Low half of the Well-Known Prefix. */
    public static final long WKP_LO = 0L;
    public static final int WKP_LENGTH = 96;
    public static final Ipv6Prefix WELL_KNOWN_PREFIX = new Ipv6Prefix(WKP_HI, WKP_LO, WKP_LENGTH);

    /** Returned by {@link #extract} when the address carries no valid IPv4 address. */
    public static final long NO_ADDRESS = -1L;

    private static final long U_OCTET_MASK = 0xFF00_0000_0000_0000L;

    private Rfc6052() {
    }

    /**
     * RFC 6052 §2.2: "The prefixes can only have one of the following lengths: 32, 40, 48, 56, 64, or 96."
     */
    public static boolean isValidLength(int length) {
        return length == 32 || length == 40 || length == 48 || length == 56 || length == 64 || length == 96;
    }

    public static boolean isWellKnownPrefix(Ipv6Prefix prefix) {
        return prefix != null && prefix.hi() == WKP_HI && prefix.lo() == WKP_LO && prefix.length() == WKP_LENGTH;
    }

    /**
     * Config-time check of a {@code pool6} prefix. Host bits are already refused by {@link Ipv6Prefix}.
     *
     * @return an operator-readable error, or null when the prefix is usable (or absent)
     */
    public static String validatePool6(Ipv6Prefix prefix) {
        if (prefix == null) {
            return null;
        }
        if (!isValidLength(prefix.length())) {
            return "pool6 " + prefix + ": RFC 6052 section 2.2 allows only the prefix lengths 32, 40, 48, 56, 64 "
                + "and 96";
        }
        // RFC 6052 §2.2: "When using a /96 Network-Specific Prefix, the administrators MUST ensure that the
        // bits 64 to 71 are set to zero." Shorter prefixes end before the u-octet, so only /96 can set it.
        if (prefix.length() == 96 && (prefix.lo() & U_OCTET_MASK) != 0) {
            return "pool6 " + prefix + ": bits 64-71 (the RFC 6052 u-octet) must be zero in a /96 prefix";
        }
        return null;
    }

    /** High half of {@code prefix + ipv4}; {@code prefixHi} must have its host bits clear. */
    public static long embedHi(long prefixHi, int length, int ipv4) {
        if (length >= 64) {
            return prefixHi;
        }
        // the first 64 - length bits of the IPv4 address fill the rest of the high half
        return prefixHi | ((ipv4 & 0xFFFF_FFFFL) >>> (length - 32));
    }

    /** Low half of {@code prefix + ipv4}: u-octet zero, then the remaining IPv4 bits, then a zero suffix. */
    public static long embedLo(long prefixLo, int length, int ipv4) {
        final long v4 = ipv4 & 0xFFFF_FFFFL;
        if (length == 96) {
            return prefixLo | v4;
        }
        // RFC 6052 §2.2: "Bits 64 to 71 of the address are reserved [...]. These bits MUST be set to zero."
        // The length - 32 low bits of the IPv4 address follow the u-octet; 88 - length = 64 - 8 - (length - 32).
        return prefixLo | ((v4 & ((1L << (length - 32)) - 1)) << (88 - length));
    }

    /**
     * Extracts the IPv4 address from an address already known to be inside a prefix of {@code length}.
     *
     * @return the IPv4 address as an unsigned value, or {@link #NO_ADDRESS} when the u-octet is not zero
     */
    public static long extract(long hi, long lo, int length) {
        if (length == 96) {
            // the u-octet belongs to the prefix, which validatePool6 has already checked
            return lo & 0xFFFF_FFFFL;
        }
        // RFC 6052 §2.2: the u-octet bits "MUST be set to zero". We read an address that breaks this as not
        // being an IPv4-embedded address at all, so it has no mapping (rather than ignoring the octet).
        if ((lo & U_OCTET_MASK) != 0) {
            return NO_ADDRESS;
        }
        final int bitsInLo = length - 32;
        final long fromHi = (hi & ((1L << (64 - length)) - 1)) << bitsInLo;
        // RFC 6052 §2.2 on the suffix: translators "SHOULD ignore the bits' value and proceed as if the bits'
        // value were zero", so the mask below drops whatever follows the IPv4 bits.
        final long fromLo = (lo >>> (88 - length)) & ((1L << bitsInLo) - 1);
        return fromHi | fromLo;
    }
}
