package io.xlat.core.translate;

import io.xlat.core.tenant.Tenant;
import org.agrona.DirectBuffer;

/**
 * Where the translator puts what it emits. The bytes are valid only during the call: a sink copies or writes
 * them out before returning. Implementations are pre-allocated; the translator calls them, never allocates one.
 */
public interface PacketSink {

    /**
     * @param buffer holds the packet
     * @param offset first byte of the IP header
     * @param length total length in bytes
     */
    void emit(DirectBuffer buffer, int offset, int length);

    /**
     * IPv4 translated from IPv6, with the tenant whose instance prefix holds the IPv6 destination (null on the
     * global path): a sink that picks the device by tenant reads it here rather than asking the translator, so
     * that no lookup is made twice. Sinks that write to one place keep the default.
     */
    default void emit(DirectBuffer buffer, int offset, int length, Tenant tenant) {
        emit(buffer, offset, length);
    }
}
