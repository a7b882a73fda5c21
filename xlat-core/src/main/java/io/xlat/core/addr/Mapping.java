package io.xlat.core.addr;

import org.agrona.MutableDirectBuffer;

/**
 * An address translation algorithm as the RFC 7915 steps see it: the global one ({@link AddressMapping}: EAMT,
 * then pool6) or one tenant instance's (its prefix and its DC-SIIT services). Lookups are allocation-free.
 */
public interface Mapping {

    /** IPv4 to IPv6: writes 16 bytes at {@code offset}; false (nothing written) when untranslatable. */
    boolean map46(int ipv4, MutableDirectBuffer buffer, int offset);

    /** IPv6 to IPv4: the address in the low 32 bits, or {@link AddressMapping#NO_MAPPING}. */
    long map64(long hi, long lo);
}
