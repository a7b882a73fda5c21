package io.xlat.core.translate;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.Ipv6Header;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The entry point of the translation core (RFC 7915): one per worker thread, since it owns scratch buffers,
 * cursors and single-writer counters. Construction and {@link #tenants(TenantTable)} allocate;
 * the translate methods never do.
 *
 * <p>Two address worlds live side by side: the global one (pool6, EAMT: plain SIIT and DC-SIIT front ends) and
 * tenant instances, each with its own IPv6 prefix prepended to both IPv4 addresses. IPv4 arrives either on
 * the global path ({@link #translate}) or from a known tenant ({@link #translateFromTenant}); IPv6 is
 * demultiplexed by destination: a tenant's instance prefix first, the global mapping otherwise.
 */
public final class Translator {

    /** Bytes a caller must leave free in front of {@code offset}: IPv4 to IPv6 grows the header in place. */
    public static final int HEADROOM = 64;

    private final Context ctx = new Context();
    private final AddressMapping global;
    private final DropCounters counters;
    private final Translator46 translator46;
    private final Translator64 translator64;
    private TenantTable tenants = TenantTable.empty();

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
        this(config, mapping, counters, idKey, idCounter, new TokenBucket(config.icmpRate()));
    }

    /**
     * @param icmpLimit the ICMP error rate limit; the daemon gives every worker's translator the same one, so
     *                  that {@code icmp-rate} holds for the process
     */
    public Translator(TranslatorConfig config, AddressMapping mapping, DropCounters counters, int idKey,
        int idCounter, TokenBucket icmpLimit) {
        this.global = mapping;
        this.counters = counters;
        ctx.global(mapping, counters, Direction.UNKNOWN);
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
        final IcmpErrorSender errors = new IcmpErrorSender(icmpLimit, ctx, ids,
            hasIpv4, ipv4, hasIpv6, ipv6Hi, ipv6Lo);
        this.translator46 = new Translator46(config, mapping, ctx, errors, mtuMath);
        this.translator64 = new Translator64(config, mapping, ctx, errors, ids, mtuMath, translator46);
    }

    /**
     * Installs a new tenant table (a configuration generation). The translator keeps its own copy, whose
     * tenants carry this worker's counters next to them in memory; tenants that keep their name keep their
     * counters, so a reload that adds or removes one tenant leaves the others' numbers running. Call it from
     * the thread that translates, between packets. Allocates (a copy of the table).
     */
    public void tenants(TenantTable table) {
        tenants = table.size() == 0 ? TenantTable.empty() : table.copyFor(tenants);
        ctx.tenants = tenants;
    }

    /**
     * Takes over from {@code previous} (a translator built for a reloaded translator section): this one gets
     * {@code table}, and every tenant that keeps its name keeps the counters it had in {@code previous}. Call it
     * from the thread that translates, between packets, and drop {@code previous} after. Allocates.
     */
    public void takeOver(Translator previous, TenantTable table) {
        tenants = previous.tenants;
        tenants(table);
    }

    public TenantTable tenants() {
        return tenants;
    }

    /** The counters of the tenant at {@code index} of the current table. */
    public DropCounters tenantCounters(int index) {
        return tenants.get(index).counters();
    }

    /** The counters of the global path (packets that belong to no tenant). */
    public DropCounters counters() {
        return counters;
    }

    /**
     * Translates one IP packet on the global path, or, for IPv6 whose destination lies in a tenant's instance
     * prefix, for that tenant. The buffer is modified in place; {@link #HEADROOM} bytes before {@code offset}
     * may be overwritten.
     *
     * @param nowNanos a monotonic clock reading (the pcap timestamp in replay) for the ICMP error rate limit
     * @param forward  receives the translated packet(s): several when an IPv4 packet is fragmented for IPv6
     * @param back     receives what goes back to the side the packet came from, in its own family: ICMP errors
     *                 the translator originates, and IPv6 packets hairpinned by RFC 7757 §4.2
     * @return the number of packets emitted (forward and back); drops are counted in the counters
     */
    public int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
        PacketSink back) {
        final int emitted = translateOne(buffer, offset, length, nowNanos, forward, back);
        ctx.segment = 0;
        return emitted;
    }

    /**
     * Says that the next packet given to {@link #translate} or {@link #translateFromTenant} is a TCP super-packet
     * read from a TUN device with offloads (virtio-net GSO): the kernel cuts it into segments of
     * {@code segmentL4Length} TCP bytes (header plus gso_size) after translation, and completes each segment's TCP
     * checksum, whose field holds the partial pseudo-header sum. MTU and DF rules apply to one segment, as they
     * would have to the packets GRO merged. Cleared by that next call.
     */
    public void nextIsSuperPacket(int segmentL4Length) {
        ctx.segment = segmentL4Length;
    }

    /**
     * After {@link #translate} has returned: the tenant that packet was found to belong to, or null on the global
     * path (or when it was dropped before a tenant was found). For tools that attribute what happened to each
     * packet after the fact (replay, its annotations); the sinks get the tenant with the packet instead.
     */
    public Tenant lastTenant() {
        return ctx.tenant;
    }

    /**
     * During {@link #translate} of a super-packet, for the sink that writes it: the TCP bytes per segment it is to
     * be cut into (header and payload), which can be fewer than announced by {@link #nextIsSuperPacket} when the
     * segments must fit lowest-ipv6-mtu; 0 for an ordinary packet.
     */
    public int superPacketSegment() {
        return ctx.segment;
    }

    private int translateOne(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
        PacketSink back) {
        if (length < 1) {
            counters.drop(DropReason.TRUNCATED, Direction.UNKNOWN);
            return 0;
        }
        final int version = (buffer.getByte(offset) >> 4) & 0xF;
        if (version == 4) {
            ctx.global(global, counters, Direction.D46);
            return translator46.translate(buffer, offset, length, nowNanos, forward, back);
        }
        if (version == 6) {
            final Tenant tenant = length >= Ipv6Header.LENGTH && tenants.size() > 0
                ? tenants.lookup(buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN),
                    buffer.getLong(offset + Ipv6Header.DESTINATION_OFFSET + 8, BIG_ENDIAN))
                : null;
            if (tenant == null) {
                ctx.global(global, counters, Direction.D64);
            } else {
                ctx.tenant(tenant, tenant.counters(), Direction.D64);
            }
            return translator64.translate(buffer, offset, length, nowNanos, forward, back);
        }
        counters.drop(DropReason.BAD_VERSION, Direction.UNKNOWN);
        return 0;
    }

    /**
     * Translates an IPv4 packet that arrived from tenant {@code tenantIndex} (known from its device or queue):
     * the tenant's prefix is prepended to both addresses, or its service mapping used for the destination.
     */
    public int translateFromTenant(int tenantIndex, MutableDirectBuffer buffer, int offset, int length,
        long nowNanos, PacketSink forward, PacketSink back) {
        final Tenant tenant = tenants.get(tenantIndex);
        final DropCounters c = tenant.counters();
        if (length < 1 || ((buffer.getByte(offset) >> 4) & 0xF) != 4) {
            // Whatever it is, it came in on the tenant's IPv4 side: the 46 direction, the only one a tenant device has.
            c.drop(DropReason.TENANT_NOT_IPV4, Direction.D46);
            ctx.segment = 0;
            return 0;
        }
        ctx.tenant(tenant, c, Direction.D46);
        final int emitted = translator46.translate(buffer, offset, length, nowNanos, forward, back);
        ctx.segment = 0;
        return emitted;
    }
}
