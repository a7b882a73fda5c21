package io.xlat.tunio.agent;

import io.xlat.core.packet.Ipv6Header;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The tenant data plane's worker: IPv4 read from tenant T's device is translated with T's instance prefix and
 * written to the host's IPv6 device; IPv6 read from the IPv6 device goes to the device of the tenant its
 * destination's instance prefix selects. ICMP errors the translator sends go back out of the device the packet
 * came in on. A worker serves one queue of every device (non-blocking reads in turn); with several workers, worker
 * {@code w} reads queue {@code w} of the IPv6 device and of each tenant device, and the kernel keeps each flow on
 * one queue by hash, so a flow's packets stay in order. Each worker has its own translator (and so its own
 * per-tenant counters), which is single-threaded and needs no locks.
 *
 * <p>A reload hands each worker its new {@link TenantPorts} with {@link #offer}; each takes it between batches and
 * confirms through {@link #current()}; once every worker has, the caller may close devices the new generation
 * dropped.
 * {@link #doWork()} allocates nothing.
 */
public final class TenantWorkerAgent implements Agent {
    /** Single writer (the worker), read by the health monitor; an ordered store per round, no fence. */
    private final java.util.concurrent.atomic.AtomicLong heartbeat = new java.util.concurrent.atomic.AtomicLong();

    private final int worker;
    private final String roleName;
    private final PacketQueue ipv6Queue;
    private final DeviceCounters ipv6Counters;
    private final WorkerCounters ipv6Published;
    private final QueueWriter ipv6Writer;
    private final Translator translator;
    private final DeviceErrorHandler errors;
    private final NanoClock clock;
    private final int batch;
    private final UnsafeBuffer slot;
    private final TenantRouter router = new TenantRouter();
    private final ErrnoSet reportedReadErrors = new ErrnoSet();
    private volatile TenantPorts offered;
    private volatile TenantPorts installed;
    private TenantPorts ports;
    private boolean ipv6Failed;
    private long lastPublishNanos;
    private boolean dirty;

    /** Worker 0: the only worker, or the first of several. */
    public TenantWorkerAgent(PacketQueue ipv6Queue, DeviceCounters ipv6Counters, WorkerCounters ipv6Published,
        Translator translator, TenantPorts ports, DeviceErrorHandler errors, NanoClock clock, int batch) {
        this(0, ipv6Queue, ipv6Counters, ipv6Published, translator, ports, errors, clock, batch);
    }

    /**
     * @param worker     this worker's index: the queue of the IPv6 device it reads ({@code ipv6Queue}) and the one
     *                   its {@code ports} read of each tenant device
     * @param translator this worker's own: no other thread may use it
     */
    public TenantWorkerAgent(int worker, PacketQueue ipv6Queue, DeviceCounters ipv6Counters,
        WorkerCounters ipv6Published, Translator translator, TenantPorts ports, DeviceErrorHandler errors,
        NanoClock clock, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (worker < 0) {
            throw new IllegalArgumentException("worker must not be negative, got " + worker);
        }
        this.worker = worker;
        this.roleName = "xlat-tenants-" + worker;
        this.ipv6Queue = ipv6Queue;
        this.ipv6Counters = ipv6Counters;
        this.ipv6Published = ipv6Published;
        this.ipv6Writer = new QueueWriter(ipv6Queue, ipv6Counters, errors, worker);
        this.translator = translator;
        this.errors = errors;
        this.clock = clock;
        this.batch = batch;
        this.slot = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(Translator.HEADROOM + TunWorkerAgent.MAX_PACKET, 64), 64));
        this.offered = ports;
        install(ports);
    }

    /** Hands this worker its part of a new generation; it switches before its next batch. */
    public void offer(TenantPorts next) {
        offered = next;
    }

    /** The generation this worker translates with now: once it is the offered one, this worker left the old. */
    public TenantPorts current() {
        return installed;
    }

    private void install(TenantPorts next) {
        translator.tenants(next.table);
        ports = next;
        installed = next;
    }

    /** Bumped once per {@link #doWork}, read by the health monitor (see TunWorkerAgent#heartbeat). */
    public long heartbeat() {
        return heartbeat.get();
    }

    @Override
    public int doWork() {
        heartbeat.lazySet(heartbeat.get() + 1);
        final TenantPorts next = offered;
        if (next != ports) {
            // the old generation's counts go out first: a tenant that is removed keeps its last values
            publish(clock.nanoTime());
            install(next);
        }
        final long now = clock.nanoTime();
        int packets = ipv6Failed ? 0 : readIpv6(now);
        final TenantPorts p = ports;
        for (int i = 0; i < p.queues.length; i++) {
            if (p.queues[i] != null) {
                packets += readTenant(p, i, now);
            }
        }
        if (packets > 0) {
            dirty = true;
        }
        if (dirty && (packets == 0 || now - lastPublishNanos >= TunWorkerAgent.PUBLISH_INTERVAL_NANOS)) {
            publish(now);
        }
        return packets;
    }

    private int readIpv6(long now) {
        int packets = 0;
        while (packets < batch) {
            final int length = ipv6Queue.read(slot, Translator.HEADROOM, TunWorkerAgent.MAX_PACKET);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                ipv6Counters.readError();
                if (TunWorkerAgent.isFatal(-length)) {
                    ipv6Failed = true;
                    errors.onDeviceError(ipv6Queue.deviceName(), worker, "read", -length, true);
                } else if (reportedReadErrors.add(-length)) {
                    errors.onDeviceError(ipv6Queue.deviceName(), worker, "read", -length, false);
                }
                break;
            }
            packets++;
            ipv6Counters.received(length);
            // the translator demultiplexes by the same lookup; done here too to pick the device to write to
            router.target = null;
            if (length >= Ipv6Header.LENGTH && ((slot.getByte(Translator.HEADROOM) >> 4) & 0xF) == 6) {
                final int destination = Translator.HEADROOM + Ipv6Header.DESTINATION_OFFSET;
                final Tenant tenant = ports.table.lookup(slot.getLong(destination, BIG_ENDIAN),
                    slot.getLong(destination + 8, BIG_ENDIAN));
                if (tenant != null) {
                    router.target = ports.writers[tenant.index()];
                }
            }
            translator.translate(slot, Translator.HEADROOM, length, now, router, ipv6Writer);
        }
        return packets;
    }

    private int readTenant(TenantPorts p, int tenant, long now) {
        final PacketQueue queue = p.queues[tenant];
        final DeviceCounters counters = p.counters[tenant];
        int packets = 0;
        while (packets < batch) {
            final int length = queue.read(slot, Translator.HEADROOM, TunWorkerAgent.MAX_PACKET);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                counters.readError();
                // a broken tenant device is not fatal for the others; it is reported once per errno
                if (reportedReadErrors.add(-length)) {
                    errors.onDeviceError(queue.deviceName(), worker, "read", -length, false);
                }
                break;
            }
            packets++;
            counters.received(length);
            translator.translateFromTenant(tenant, slot, Translator.HEADROOM, length, now, ipv6Writer,
                p.writers[tenant]);
        }
        return packets;
    }

    private void publish(long now) {
        ipv6Published.publish(ipv6Counters, translator.counters());
        final TenantPorts p = ports;
        for (int i = 0; i < p.published.length; i++) {
            if (p.published[i] != null) {
                p.published[i].publish(p.counters[i], translator.tenantCounters(i));
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

    /** Writes IPv6-to-IPv4 output to the device of the tenant chosen before translating. */
    private final class TenantRouter implements PacketSink {
        QueueWriter target;

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            if (target != null) {
                target.emit(buffer, offset, length);
            } else {
                ipv6Counters.noDevice();
            }
        }
    }
}
