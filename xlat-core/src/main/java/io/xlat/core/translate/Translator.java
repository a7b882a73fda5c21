package io.xlat.core.translate;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import org.agrona.MutableDirectBuffer;

/**
 * The entry point of the translation core: one per worker thread (it owns scratch buffers and flyweights).
 *
 * <p>TODO(core): stub signatures; the implementation is being written.
 */
public final class Translator {

    /** Bytes a caller must leave free in front of {@code offset}: IPv4 to IPv6 grows the header in place. */
    public static final int HEADROOM = 64;

    public Translator(TranslatorConfig config, DropCounters counters) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Translates one IP packet (IPv4 or IPv6, chosen by the version nibble). The buffer is modified in place;
     * {@code HEADROOM} bytes before {@code offset} and the bytes up to {@code buffer.capacity()} may be used.
     *
     * @param nowNanos  a monotonic clock reading (the pcap timestamp in replay) for the ICMP error rate limiter
     * @param forward   receives the translated packet(s): several when an IPv4 packet is fragmented for IPv6
     * @param back      receives ICMP errors the translator originates, addressed to the packet's sender in the
     *                  packet's own family
     * @return the number of packets emitted (forward and back); drops are counted in the DropCounters
     */
    public int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos,
        PacketSink forward, PacketSink back) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
