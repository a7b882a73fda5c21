package io.xlat.core.addr;

import io.xlat.core.drop.DropReason;
import org.agrona.MutableDirectBuffer;

/**
 * An address translation algorithm as the RFC 7915 steps see it: the global one ({@link AddressMapping}: EAMT,
 * then pool6) or one tenant instance's (its prefix and its DC-SIIT services). Lookups are allocation-free.
 */
public interface Mapping {

    /** IPv4 to IPv6: writes 16 bytes at {@code offset}; false (nothing written) when untranslatable. */
    boolean map46(int ipv4, MutableDirectBuffer buffer, int offset);

    /**
     * Why {@link #map46} refused {@code ipv4}, for the drop counter: a more precise reason when the mapping knows
     * one, else {@code otherwise}. Called on the drop path only.
     */
    default DropReason refusal46(int ipv4, DropReason otherwise) {
        return otherwise;
    }

    /** IPv6 to IPv4: the address in the low 32 bits, or {@link AddressMapping#NO_MAPPING}. */
    long map64(long hi, long lo);
}
