package io.xlat.tunio.agent;

import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.trace.TraceTap;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's one worker: <b>where a packet is read, translated and written</b>. It drains any set of
 * {@link Port}s (plain SIIT's one device, a device pair, the IPv6 device and a device per tenant, or all of those)
 * in turn, up to a batch from each, reading one packet at a time into a single slot at {@link Translator#HEADROOM},
 * translating it in place and writing the result to the port the packet's role and destination select
 * ({@link PortRole}):
 * <ul>
 *   <li>IPv4 from a tenant's port: translated with the tenant's prefix, written to the IPv6 port;</li>
 *   <li>IPv4 from plain SIIT's port: translated with pool6 and the EAM, written back into a {@link PortRole#BOTH}
 *       device or to the IPv6 port of a device pair;</li>
 *   <li>IPv6 (from the IPv6 port or a {@link PortRole#BOTH} port): written to the device of the tenant whose
 *       instance prefix holds its destination, otherwise to plain SIIT's port.</li>
 * </ul>
 * ICMP errors the translator sends go back out of the port the packet came in on. The kernel hashes a flow to one
 * queue and a worker handles its packets in order, so a flow's packets stay in order.
 *
 * <p>Owns its translator (translators are single-threaded) and publishes its counters to the counters file at most
 * every {@link #PUBLISH_INTERVAL_NANOS} while busy and once when it goes idle. A reload hands it a new
 * {@link WorkerPorts} with {@link #offer}; it switches between two batches and confirms through {@link #current()}.
 * {@link #doWork()} allocates nothing.
 */
public final class WorkerAgent implements Agent {

    /** Packets read per port and {@link #doWork()} at most: enough to amortise the call, small enough to publish often. */
    public static final int DEFAULT_BATCH = 64;
    /** The largest IP packet (IPv4 Total Length and IPv6 Payload Length are 16 bits; no jumbograms on TUN). */
    public static final int MAX_PACKET = 65535;
    public static final long PUBLISH_INTERVAL_NANOS = 1_000_000L;
    /** Plain SIIT's translation counts are published with the IPv6 port when there is one: there, once. */
    private static final DropCounters NONE = new DropCounters();

    /** Single writer (the worker), read by the health monitor; an ordered store per round, no fence. */
    private final AtomicLong heartbeat = new AtomicLong();
    private final int worker;
    private final String roleName;
    private final DeviceErrorHandler errors;
    private final NanoClock clock;
    private final int batch;
    private final UnsafeBuffer slot;
    /** Null unless the devices have offloads (virtio-net headers): all devices' or none's (dataplane.offload). */
    private final Offloads offloads;
    private final Router router = new Router();
    /** Coalescing on write (dataplane.coalesce): the writers holding UDP datagrams until the batch ends. */
    private final boolean coalesce;
    private final PendingWrites pendingWrites = new PendingWrites();
    private final ErrnoSet reportedReadErrors = new ErrnoSet();
    private volatile WorkerPorts offered;
    private volatile WorkerPorts installed;
    private WorkerPorts ports;
    private Translator translator;
    private long lastPublishNanos;
    private boolean dirty;
    /** The live packet trace: asked once per batch whether a tracer is attached, otherwise never touched. */
    private TraceTap tap = TraceTap.none();

    /**
     * @param worker     this worker's index: the queue it reads of every multi-queue device
     * @param translator this worker's own: no other thread may use it
     * @param ports      the ports it serves at start
     */
    public WorkerAgent(int worker, Translator translator, WorkerPorts ports, DeviceErrorHandler errors,
        NanoClock clock, int batch) {
        this(worker, translator, ports, errors, clock, batch, false);
    }

    /**
     * @param coalesce whether consecutive UDP datagrams of a flow that a batch writes to one queue go out as one
     *                 super-packet where the queue takes them ({@link Coalescer})
     */
    public WorkerAgent(int worker, Translator translator, WorkerPorts ports, DeviceErrorHandler errors,
        NanoClock clock, int batch, boolean coalesce) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (worker < 0) {
            throw new IllegalArgumentException("worker must not be negative, got " + worker);
        }
        this.worker = worker;
        this.roleName = "xlat-worker-" + worker;
        this.translator = translator;
        this.errors = errors;
        this.clock = clock;
        this.batch = batch;
        this.slot = slot();
        final Port first = ports.ipv6 != null ? ports.ipv6 : ports.global;
        this.offloads = first.writer.vnet() ? new Offloads() : null;
        this.coalesce = coalesce;
        this.offered = ports;
        install(ports);
    }

    /** Publishes into {@code trace} while a tracer is attached (set before the worker runs). */
    public void trace(TraceTap trace) {
        this.tap = trace;
    }

    /** Hands this worker its part of a new generation; it switches before its next batch. */
    public void offer(WorkerPorts next) {
        offered = next;
    }

    /** The generation this worker translates with now: once it is the offered one, this worker left the old. */
    public WorkerPorts current() {
        return installed;
    }

    /** The translator this worker uses now (its global drop counters are the ones every generation shares). */
    public Translator translator() {
        return translator;
    }

    /**
     * Bumped once per {@link #doWork} (idle workers still come round every poll timeout), read by the health
     * monitor: a value that stops moving is a stalled worker even if its thread is alive.
     */
    public long heartbeat() {
        return heartbeat.get();
    }

    /**
     * Waits until any port this worker reads has a packet, or {@code timeoutMillis} pass: one {@code poll(2)}
     * over all of them (see {@link PollIdleStrategy}). Called on the worker's thread, between two {@link #doWork}s.
     */
    public int awaitReadable(int timeoutMillis) {
        return ports.poll.await(timeoutMillis);
    }

    private void install(WorkerPorts next) {
        for (final Port port : next.all) {
            port.writer.offloads(offloads);
            port.writer.coalesce(coalesce, pendingWrites);
        }
        if (next.translator != null && next.translator != translator) {
            next.translator.takeOver(translator, next.table);
            translator = next.translator;
        } else {
            translator.tenants(next.table);
        }
        ports = next;
        installed = next;
    }

    @Override
    public int doWork() {
        heartbeat.lazySet(heartbeat.get() + 1);
        final WorkerPorts next = offered;
        if (next != ports) {
            // the old generation's counts go out first: a tenant that is removed keeps its last values
            publish(clock.nanoTime());
            install(next);
        }
        final long now = clock.nanoTime();
        final WorkerPorts p = ports;
        // the trace's whole cost when nobody is attached: one volatile read per round
        final boolean tracing = tap.begin(p.table, now);
        int packets = 0;
        for (int i = 0; i < p.reads.length; i++) {
            final Port port = p.reads[i];
            if (!port.failed()) {
                packets += drain(port, p.readTenant[i], now, tracing);
                // coalesced datagrams wait no longer than their batch, and never across a reload
                pendingWrites.flush();
            }
        }
        // queues that hold writes back (io_uring) hand them to the kernel once per round, for every device
        boolean ready = false;
        for (final PacketQueue q : p.queues) {
            ready |= q.flush();
        }
        if (packets > 0) {
            dirty = true;
        }
        if (dirty && (packets == 0 || now - lastPublishNanos >= PUBLISH_INTERVAL_NANOS)) {
            publish(now);
        }
        // a packet the flush took in is read next round: a worker that reported no work would sleep on it first
        return ready && packets == 0 ? 1 : packets;
    }

    /** Reads and translates up to a batch from one port. */
    private int drain(Port port, int tenant, long now, boolean tracing) {
        int packets = 0;
        while (packets < batch) {
            final int length = read(port.read, slot, offloads != null);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                readFailed(port, -length);
                break;
            }
            packets++;
            port.counters.received(length);
            // trace: the packet as read, before the translation overwrites it
            final boolean traced = tracing && tap.read(translator, tenant, slot, Translator.HEADROOM, length);
            if (offloads != null) {
                final DropReason refused = offloads.accept(slot, Translator.HEADROOM, length, translator);
                if (refused != null) {
                    (tenant >= 0 ? translator.tenantCounters(tenant) : translator.counters()).drop(refused,
                        Direction.ofVersion((slot.getByte(Translator.HEADROOM) >> 4) & 0xF));
                    offloads.done(translator);
                    if (traced) {
                        tap.done(); // trace: dropped
                    }
                    continue;
                }
            }
            translate(port, tenant, length, now, traced);
            if (traced) {
                tap.done(); // trace: the verdict (emitted through the tap's sinks, or the drop reason)
            }
            if (offloads != null) {
                offloads.done(translator);
            }
        }
        return packets;
    }

    private void translate(Port port, int tenant, int length, long now, boolean traced) {
        final int version = (slot.getByte(Translator.HEADROOM) >> 4) & 0xF;
        switch (port.role) {
            case TENANT:
                translator.translateFromTenant(tenant, slot, Translator.HEADROOM, length, now,
                    out(ports.ipv6.writer, traced), back(port.writer, traced));
                break;
            case IPV6:
                if (version == 4) {
                    translator.counters().drop(DropReason.WRONG_FAMILY_FOR_DEVICE, Direction.D46);
                } else {
                    router.source = port.counters;
                    translator.translate(slot, Translator.HEADROOM, length, now, out(router, traced),
                        back(port.writer, traced));
                }
                break;
            case IPV4:
                if (version == 6) {
                    translator.counters().drop(DropReason.WRONG_FAMILY_FOR_DEVICE, Direction.D64);
                } else {
                    // IPv4 (or garbage, which the translator counts): its IPv6 goes out of the IPv6 device
                    translator.translate(slot, Translator.HEADROOM, length, now,
                        out(ports.ipv6.writer, traced), back(port.writer, traced));
                }
                break;
            default:
                if (version == 6) {
                    router.source = port.counters;
                    translator.translate(slot, Translator.HEADROOM, length, now, out(router, traced),
                        back(port.writer, traced));
                } else {
                    translator.translate(slot, Translator.HEADROOM, length, now, out(port.writer, traced),
                        back(port.writer, traced));
                }
                break;
        }
    }

    /** Trace: a traced packet's output goes through the tap, which copies it; any other goes straight out. */
    private PacketSink out(PacketSink sink, boolean traced) {
        return traced ? tap.forward(sink) : sink;
    }

    private PacketSink back(PacketSink sink, boolean traced) {
        return traced ? tap.back(sink) : sink;
    }

    /** Counts and reports a failed read: once per errno, and always when it gives the queue up. */
    private void readFailed(Port port, int errno) {
        port.counters.readError();
        dirty = true;
        // a broken tenant device does not stop the others; a reload attaches to it again
        final boolean fatal = port.role.mayFail() && isFatal(errno);
        if (fatal) {
            port.fail();
        }
        if (reportedReadErrors.add(errno) || fatal) {
            errors.onDeviceError(port.read.deviceName(), worker, "read", errno, fatal);
        }
    }

    /**
     * One slot: the translator's headroom (which also takes a virtio-net header in front of the packet), the
     * largest packet (a 64 KiB super-packet with offloads), and cache-line alignment for the IP header.
     */
    static UnsafeBuffer slot() {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(Translator.HEADROOM + MAX_PACKET + 64, 64), 64));
    }

    /**
     * Reads one packet to {@link Translator#HEADROOM} of {@code slot}; with {@code vnet}, its virtio-net header
     * lands in the bytes just before.
     *
     * @return the packet's length (without the header), 0 when none waits, {@code -errno} on failure
     */
    static int read(PacketQueue queue, UnsafeBuffer slot, boolean vnet) {
        if (!vnet) {
            return queue.read(slot, Translator.HEADROOM, MAX_PACKET);
        }
        final int at = Translator.HEADROOM - VirtioNetHeader.LENGTH;
        final int n = queue.read(slot, at, slot.capacity() - at);
        if (n > 0 && n <= VirtioNetHeader.LENGTH) {
            // shorter than its header: no packet; one byte of version 0, which the translator drops as such
            VirtioNetHeader.writeNone(slot, at);
            slot.putByte(Translator.HEADROOM, (byte) 0);
            return 1;
        }
        return n <= 0 ? n : n - VirtioNetHeader.LENGTH;
    }

    /** Errors after which reading again cannot succeed: the device was deleted or the descriptor is broken. */
    static boolean isFatal(int errno) {
        return errno == LinuxNative.EBADFD || errno == LinuxNative.EBADF || errno == LinuxNative.ENODEV
            || errno == LinuxNative.EIO || errno == LinuxNative.EFAULT || errno == LinuxNative.EINVAL;
    }

    private void publish(long now) {
        final WorkerPorts p = ports;
        if (p.ipv6 != null && p.ipv6.published != null) {
            p.ipv6.published.publish(p.ipv6.counters, translator.counters());
        }
        if (p.global != null && p.global.published != null) {
            p.global.published.publish(p.global.counters, p.ipv6 == null ? translator.counters() : NONE);
        }
        for (int i = 0; i < p.tenants.length; i++) {
            final Port t = p.tenants[i];
            if (t != null && t.published != null) {
                t.published.publish(t.counters, translator.tenantCounters(i));
            }
        }
        lastPublishNanos = now;
        dirty = false;
    }

    @Override
    public void onClose() {
        publish(clock.nanoTime());
    }

    @Override
    public String roleName() {
        return roleName;
    }

    /**
     * Writes IPv6-to-IPv4 output to the device of the tenant the translator found the packet to belong to (by its
     * destination's instance prefix), or to plain SIIT's port.
     */
    private final class Router implements PacketSink {
        /** The port the packet came from: where a packet that has nowhere to go is counted. */
        DeviceCounters source;

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            emit(buffer, offset, length, null);
        }

        @Override
        public void emit(DirectBuffer buffer, int offset, int length, Tenant tenant) {
            final Port target = tenant == null ? ports.global : ports.tenants[tenant.index()];
            if (target != null) {
                target.writer.emit(buffer, offset, length);
            } else {
                source.noDevice();
            }
        }
    }
}
