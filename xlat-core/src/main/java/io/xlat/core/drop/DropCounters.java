package io.xlat.core.drop;

/**
 * Single-writer counters of the translation core: one per {@link DropReason} and {@link Direction} plus packet
 * totals and the fate of the ICMP errors the translator originates. Plain longs: the owning worker
 * writes, a publisher copies them out to the shared counters file.
 */
public final class DropCounters {

    private static final int REASONS = DropReason.values().length;

    /** By reason ordinal, then direction: dense, so three directions take fewer slots than the sparse ids did. */
    private final long[] drops;
    private long translated46;
    private long translated64;
    private long bytes46;
    private long bytes64;
    private long icmpErrorsSent;
    /** By {@link SentIcmpError} ordinal: the sent errors by family and type (error path only). */
    private final long[] icmpErrorsSentByKind = new long[SentIcmpError.count()];
    private long icmpErrorsRateLimited;
    private long icmpErrorsNoSource;
    private long icmpExtensionsIgnored;
    /** The reason of the latest drop, for a packet trace: one plain store per drop, read only while tracing. */
    private DropReason lastDrop;

    public DropCounters() {
        this(newDropArray());
    }

    /**
     * Counters over a per-reason array allocated beforehand: allocating all the arrays first and the small
     * counter objects afterwards packs the objects the hot path touches densely (see {@code TenantTable}).
     */
    public DropCounters(long[] drops) {
        if (drops.length != REASONS * Direction.COUNT) {
            throw new IllegalArgumentException("need " + REASONS * Direction.COUNT + " slots, got " + drops.length);
        }
        this.drops = drops;
    }

    /** An array sized for {@link #DropCounters(long[])}. */
    public static long[] newDropArray() {
        return new long[REASONS * Direction.COUNT];
    }

    public void drop(DropReason reason, Direction direction) {
        drops[reason.ordinal() * Direction.COUNT + direction.ordinal()]++;
        lastDrop = reason;
    }

    /**
     * The reason of the latest {@link #drop} since {@link #clearLastDrop}, or null: how a packet trace learns why
     * the packet it follows was dropped (it clears this before the translation and reads it after).
     */
    public DropReason lastDrop() {
        return lastDrop;
    }

    public void clearLastDrop() {
        lastDrop = null;
    }

    /** The drops for {@code reason}, all directions together. */
    public long drops(DropReason reason) {
        final int row = reason.ordinal() * Direction.COUNT;
        long total = 0;
        for (int d = 0; d < Direction.COUNT; d++) {
            total += drops[row + d];
        }
        return total;
    }

    public long drops(DropReason reason, Direction direction) {
        return drops[reason.ordinal() * Direction.COUNT + direction.ordinal()];
    }

    public long totalDrops() {
        long total = 0;
        for (final long d : drops) {
            total += d;
        }
        return total;
    }

    /** One input packet of {@code bytes} translated IPv4 to IPv6 (however many fragments it became). */
    public void translated46(int bytes) {
        translated46++;
        bytes46 += bytes;
    }

    /** One input packet of {@code bytes} translated IPv6 to IPv4. */
    public void translated64(int bytes) {
        translated64++;
        bytes64 += bytes;
    }

    /** IPv4 bytes in of the packets translated to IPv6. */
    public long bytes46() {
        return bytes46;
    }

    /** IPv6 bytes in of the packets translated to IPv4. */
    public long bytes64() {
        return bytes64;
    }

    /** Adds another set of counters into this one (for totals over workers or tenants). */
    public void add(DropCounters other) {
        for (int i = 0; i < drops.length; i++) {
            drops[i] += other.drops[i];
        }
        translated46 += other.translated46;
        translated64 += other.translated64;
        bytes46 += other.bytes46;
        bytes64 += other.bytes64;
        icmpErrorsSent += other.icmpErrorsSent;
        for (int i = 0; i < icmpErrorsSentByKind.length; i++) {
            icmpErrorsSentByKind[i] += other.icmpErrorsSentByKind[i];
        }
        icmpErrorsRateLimited += other.icmpErrorsRateLimited;
        icmpErrorsNoSource += other.icmpErrorsNoSource;
        icmpExtensionsIgnored += other.icmpExtensionsIgnored;
    }

    /** An ICMP error the translator originated, of this kind. */
    public void icmpErrorSent(SentIcmpError kind) {
        icmpErrorsSent++;
        icmpErrorsSentByKind[kind.ordinal()]++;
    }

    /** The ICMP errors originated of {@code kind}; they add up to {@link #icmpErrorsSentCount}. */
    public long icmpErrorsSentCount(SentIcmpError kind) {
        return icmpErrorsSentByKind[kind.ordinal()];
    }

    /** An ICMP error the translator would have sent was suppressed by {@code icmp-rate}. */
    public void icmpErrorRateLimited() {
        icmpErrorsRateLimited++;
    }

    /** An ICMP error the translator would have sent had no source address (no ipv4-address/ipv6-address). */
    public void icmpErrorNoSource() {
        icmpErrorsNoSource++;
    }

    /**
     * A translated ICMP error whose RFC 4884 length attribute did not fit the message (or claimed fewer than 128
     * bytes): translated as if it had no extension, so its whole payload counts as the original datagram.
     */
    public void icmpExtensionIgnored() {
        icmpExtensionsIgnored++;
    }

    public long icmpExtensionsIgnoredCount() {
        return icmpExtensionsIgnored;
    }

    public long translated46Count() {
        return translated46;
    }

    public long translated64Count() {
        return translated64;
    }

    public long icmpErrorsSentCount() {
        return icmpErrorsSent;
    }

    public long icmpErrorsRateLimitedCount() {
        return icmpErrorsRateLimited;
    }

    public long icmpErrorsNoSourceCount() {
        return icmpErrorsNoSource;
    }
}
