package io.xlat.core.translate;

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
}
