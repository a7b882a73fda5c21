package io.xlat.core.addr;

import io.xlat.core.config.TranslatorConfig;
import org.agrona.MutableDirectBuffer;

/**
 * The address translation algorithm of one configuration generation: RFC 7757 EAM table first, then the RFC 6052
 * prefix ({@code pool6}), plus the RFC 6791 pools. Immutable after construction and safe to share between
 * worker threads. Every lookup is allocation-free and O(prefix bits).
 *
 * <p>TODO(address helper): implement. The signatures below are the contract the translator codes against.
 */
public final class AddressMapping {

    /** Returned by the 6-&gt;4 lookups when an address has no mapping. */
    public static final long NO_MAPPING = -1L;

    public AddressMapping(TranslatorConfig config) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Translates an IPv4 address (either source or destination) to IPv6: EAMT longest match, else pool6
     * (RFC 6052), refusing non-global IPv4 with the Well-Known Prefix. Writes 16 bytes at {@code offset}.
     *
     * @return true when mapped; false (nothing written) when the address is untranslatable.
     */
    public boolean map46(int ipv4, MutableDirectBuffer buffer, int offset) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Translates an IPv6 address to IPv4: EAMT longest match, else extraction from pool6 (RFC 6052).
     *
     * @return the IPv4 address in the low 32 bits (0..2^32-1), or {@link #NO_MAPPING}.
     */
    public long map64(long hi, long lo) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
