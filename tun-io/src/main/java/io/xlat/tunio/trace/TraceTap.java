package io.xlat.tunio.trace;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.Ipv6Header;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One worker's side of the live packet trace. The worker calls {@link #begin} once per batch: one volatile read
 * of the attach word, and nothing else happens while no tracer is attached. While one is, the worker calls
 * {@link #read} for each packet it read (before the translation, which works in place), passes its sinks through
 * {@link #forward}/{@link #back} so that what is emitted is copied too, and calls {@link #done} after the
 * translation. A packet that does not match the filter costs a comparison; one that matches is copied into the
 * ring by {@code tryClaim}, which never blocks: when the ring is full the record is lost and counted
 * ({@link TraceBuffer#lost}).
 *
 * <p>The input record is claimed before the translation and committed after it, with the verdict (the drop reason
 * the translator counted, the number of packets emitted) filled in; the tracer's reader waits at an uncommitted
 * record, so it always sees an input before its outputs. Single-threaded, like the worker; allocates nothing.
 */
public final class TraceTap {

    /** The filter names a tenant this generation does not have: nothing matches. */
    private static final int NO_SUCH_TENANT = -2;
    private static final int ANY = -1;

    private final TraceBuffer buffer;
    private final ManyToOneRingBuffer ring;
    private final MutableDirectBuffer records;
    private final int worker;
    private final byte[] filterName = new byte[TraceBuffer.MAX_TENANT_NAME];
    private final TapSink forward = new TapSink();
    private final TapSink back = new TapSink();
    private long session;
    private TenantTable table;
    private int tenantFilter = ANY;
    private int reasonFilter = ANY;
    private long epochOffsetNanos;
    private long number;
    private long now;
    /** The claimed input record of the packet being traced, or -1 when the current packet is not traced. */
    private int claimed = -1;
    private int emitted;
    private DropCounters global;
    private DropCounters tenantCounters;

    /** A tap over no trace file: {@link #begin} is always false (tests, the offline replay). */
    public static TraceTap none() {
        return new TraceTap(null, 0);
    }

    public TraceTap(TraceBuffer buffer, int worker) {
        this.buffer = buffer;
        this.ring = buffer == null ? null : buffer.ring();
        this.records = ring == null ? null : ring.buffer();
        this.worker = worker;
    }

    /**
     * Once per batch: whether a tracer is attached. On a new attach or a new tenant table it reads the filter again
     * (the tenant by name, so a reload that renumbers tenants keeps the trace on the same one).
     *
     * @param nowNanos the worker's clock, from which the records' wall-clock times are taken
     */
    public boolean begin(TenantTable tenants, long nowNanos) {
        if (buffer == null) {
            return false;
        }
        final long s = buffer.session();
        if (s == 0) {
            session = 0;
            return false;
        }
        if (s != session || tenants != table) {
            session = s;
            table = tenants;
            reasonFilter = buffer.reasonFilter();
            tenantFilter = resolve(tenants, filterName, buffer.tenantFilter(filterName));
            epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - nowNanos;
        }
        now = nowNanos;
        return true;
    }

    /**
     * The packet the worker just read, before it is translated.
     *
     * @param tenant the tenant it came from when its device says so, else -1 (an IPv6 packet's tenant is then
     *               the one whose instance prefix holds its destination, as the translator finds it)
     * @return whether it is traced
     */
    public boolean read(Translator translator, int tenant, DirectBuffer packet, int offset, int length) {
        int index = tenant;
        if (index < 0 && length >= Ipv6Header.LENGTH && ((packet.getByte(offset) >> 4) & 0xF) == 6
            && table.size() > 0) {
            final Tenant t = table.lookup(packet.getLong(offset + Ipv6Header.DESTINATION_OFFSET, BIG_ENDIAN),
                packet.getLong(offset + Ipv6Header.DESTINATION_OFFSET + 8, BIG_ENDIAN));
            index = t == null ? -1 : t.index();
        }
        if (tenantFilter != ANY && index != tenantFilter) {
            return false;
        }
        final int at = ring.tryClaim(TraceRecord.PACKET_IN, TraceRecord.IN_HEADER_LENGTH + length);
        if (at < 0) {
            // full (or a packet longer than the ring takes): lost, counted, the packet goes on untraced
            buffer.recordLost();
            return false;
        }
        number++;
        records.putLong(at + TraceRecord.NUMBER_OFFSET, number, BIG_ENDIAN);
        records.putLong(at + TraceRecord.TIME_OFFSET, now + epochOffsetNanos, BIG_ENDIAN);
        records.putInt(at + TraceRecord.WORKER_OFFSET, worker, BIG_ENDIAN);
        records.putInt(at + TraceRecord.TENANT_OFFSET, index, BIG_ENDIAN);
        int nameLength = 0;
        if (index >= 0) {
            final String name = table.get(index).name();
            nameLength = Math.min(name.length(), TraceBuffer.MAX_TENANT_NAME);
            for (int i = 0; i < nameLength; i++) {
                records.putByte(at + TraceRecord.NAME_OFFSET + i, (byte) name.charAt(i));
            }
        }
        records.putInt(at + TraceRecord.NAME_LENGTH_OFFSET, nameLength, BIG_ENDIAN);
        records.putBytes(at + TraceRecord.IN_HEADER_LENGTH, packet, offset, length);
        global = translator.counters();
        global.clearLastDrop();
        tenantCounters = index >= 0 ? translator.tenantCounters(index) : null;
        if (tenantCounters != null) {
            tenantCounters.clearLastDrop();
        }
        emitted = 0;
        claimed = at;
        return true;
    }

    /** The sink for the translated packets: {@code sink} itself unless the current packet is traced. */
    public PacketSink forward(PacketSink sink) {
        return claimed < 0 ? sink : forward.to(sink);
    }

    /** The sink for what goes back to the side the packet came from (ICMP errors, hairpinned packets). */
    public PacketSink back(PacketSink sink) {
        return claimed < 0 ? sink : back.to(sink);
    }

    /** After the translation of a traced packet: commits its input record with the verdict (or aborts it). */
    public void done() {
        final int at = claimed;
        if (at < 0) {
            return;
        }
        claimed = -1;
        DropReason reason = tenantCounters == null ? null : tenantCounters.lastDrop();
        if (reason == null) {
            reason = global.lastDrop();
        }
        if (reasonFilter != ANY && (reason == null || reason.id() != reasonFilter)) {
            ring.abort(at);
            return;
        }
        records.putInt(at + TraceRecord.REASON_OFFSET, reason == null ? -1 : reason.id(), BIG_ENDIAN);
        records.putInt(at + TraceRecord.EMITTED_OFFSET, emitted, BIG_ENDIAN);
        ring.commit(at);
    }

    private void emitted(DirectBuffer packet, int offset, int length) {
        emitted++;
        final int at = ring.tryClaim(TraceRecord.PACKET_OUT, TraceRecord.OUT_HEADER_LENGTH + length);
        if (at < 0) {
            buffer.recordLost();
            return;
        }
        records.putLong(at + TraceRecord.NUMBER_OFFSET, number, BIG_ENDIAN);
        records.putLong(at + TraceRecord.TIME_OFFSET, now + epochOffsetNanos, BIG_ENDIAN);
        records.putInt(at + TraceRecord.WORKER_OFFSET, worker, BIG_ENDIAN);
        records.putInt(at + TraceRecord.TENANT_OFFSET, 0, BIG_ENDIAN);
        records.putBytes(at + TraceRecord.OUT_HEADER_LENGTH, packet, offset, length);
        ring.commit(at);
    }

    /** The tenant index the filter names in {@code tenants}, {@link #ANY} without one. */
    static int resolve(TenantTable tenants, byte[] name, int length) {
        if (length < 0) {
            return ANY;
        }
        for (int i = 0; i < tenants.size(); i++) {
            final String candidate = tenants.get(i).name();
            if (candidate.length() == length && sameName(candidate, name, length)) {
                return i;
            }
        }
        return NO_SUCH_TENANT;
    }

    private static boolean sameName(String candidate, byte[] name, int length) {
        for (int i = 0; i < length; i++) {
            if (candidate.charAt(i) != (char) (name[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** Copies what passes into the ring, then hands it on. */
    private final class TapSink implements PacketSink {
        private PacketSink target;

        TapSink to(PacketSink sink) {
            target = sink;
            return this;
        }

        @Override
        public void emit(DirectBuffer packet, int offset, int length) {
            emitted(packet, offset, length);
            target.emit(packet, offset, length);
        }

        @Override
        public void emit(DirectBuffer packet, int offset, int length, Tenant tenant) {
            emitted(packet, offset, length);
            target.emit(packet, offset, length, tenant);
        }
    }
}
