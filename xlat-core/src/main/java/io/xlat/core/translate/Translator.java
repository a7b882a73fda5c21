package io.xlat.core.translate;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import org.agrona.MutableDirectBuffer;

/**
 * The entry point of the translation core (RFC 7915): one per worker thread, since it owns scratch buffers,
 * cursors and the single-writer counters. Construction allocates; {@link #translate} never does.
 */
public final class Translator {

    /** Bytes a caller must leave free in front of {@code offset}: IPv4 to IPv6 grows the header in place. */
    public static final int HEADROOM = 64;

    private final Translator46 translator46;
    private final Translator64 translator64;
    private final DropCounters counters;

    /** A translator with deterministic IPv4 identifications (key 0, counter 0), as replay needs. */
    public Translator(TranslatorConfig config, DropCounters counters) {
        this(config, new AddressMapping(config), counters, 0, 0);
    }

    /**
     * @param idKey     secret key of the IPv4 Identification generator (random in the daemon)
     * @param idCounter its initial counter
     */
    public Translator(TranslatorConfig config, AddressMapping mapping, DropCounters counters, int idKey,
        int idCounter) {
        this.counters = counters;
        final IdentificationGenerator ids = new IdentificationGenerator(idKey, idCounter);
        final MtuMath mtuMath = new MtuMath(config.mtuPlateaus(), config.ipv4Mtu(), config.ipv6Mtu());
        final boolean hasIpv4 = config.ipv4Address() != null || !config.pool6791v4().isEmpty();
        final int ipv4 = config.ipv4Address() != null ? config.ipv4Address()
            : hasIpv4 ? config.pool6791v4().get(0).address() : 0;
        final boolean hasIpv6 = config.ipv6Address() != null || !config.pool6791v6().isEmpty();
        final long ipv6Hi = config.ipv6Address() != null ? config.ipv6Address().hi()
            : hasIpv6 ? config.pool6791v6().get(0).hi() : 0;
        final long ipv6Lo = config.ipv6Address() != null ? config.ipv6Address().lo()
            : hasIpv6 ? config.pool6791v6().get(0).lo() : 0;
        final IcmpErrorSender errors = new IcmpErrorSender(new TokenBucket(config.icmpRate()), counters, ids,
            hasIpv4, ipv4, hasIpv6, ipv6Hi, ipv6Lo);
        this.translator46 = new Translator46(config, mapping, counters, errors, mtuMath);
        this.translator64 = new Translator64(config, mapping, counters, errors, ids, mtuMath, translator46);
    }

    /**
     * Translates one IP packet (IPv4 or IPv6, chosen by the version nibble). The buffer is modified in place;
     * {@link #HEADROOM} bytes before {@code offset} may be overwritten.
     *
     * @param nowNanos a monotonic clock reading (the pcap timestamp in replay) for the ICMP error rate limit
     * @param forward  receives the translated packet(s): several when an IPv4 packet is fragmented for IPv6
     * @param back     receives what goes back to the side the packet came from, in its own family: ICMP errors
     *                 the translator originates, and IPv6 packets hairpinned by RFC 7757 §4.2
     * @return the number of packets emitted (forward and back); drops are counted in the DropCounters
     */
    public int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
        PacketSink back) {
        if (length < 1) {
            counters.drop(DropReason.TRUNCATED);
            return 0;
        }
        final int version = (buffer.getByte(offset) >> 4) & 0xF;
        if (version == 4) {
            return translator46.translate(buffer, offset, length, nowNanos, forward, back);
        }
        if (version == 6) {
            return translator64.translate(buffer, offset, length, nowNanos, forward, back);
        }
        counters.drop(DropReason.BAD_VERSION);
        return 0;
    }

    public DropCounters counters() {
        return counters;
    }
}
