package io.xlat.tunio.agent;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The worker of the multi-device data plane: the host's IPv6 device, one IPv4 device per tenant and, optionally,
 * the device of the global path ({@link GlobalPort}: plain SIIT on {@code ipv4-tun} or {@code siit-tun}).
 * IPv4 read from tenant T's device is translated with T's instance prefix and written to the IPv6 device; IPv4
 * read from the global device is translated with pool6 and the EAMT and written to the IPv6 device (or back into
 * siit-tun, which carries both families). IPv6 goes to the device of the tenant whose instance prefix holds its
 * destination, and otherwise to the global device. ICMP errors the translator sends go back out of the device
 * the packet came in on.
 *
 * <p>A worker serves one queue of every device (non-blocking reads in turn); with several workers, worker
 * {@code w} reads queue {@code w} of each device, and the kernel keeps each flow on one queue by hash, so a flow's
 * packets stay in order. Each worker has its own translator (and so its own per-tenant counters), which is
 * single-threaded and needs no locks.
 *
 * <p>A reload hands each worker its new {@link TenantPorts} with {@link #offer}; each takes it between batches,
 * with the generation's new translator if it has one, and confirms through {@link #current()}; once every worker
 * has, the caller may close devices the new generation dropped. {@link #doWork()} allocates nothing.
 */
public final class MultiDeviceWorkerAgent implements Agent {
    /** Single writer (the worker), read by the health monitor; an ordered store per round, no fence. */
    private final java.util.concurrent.atomic.AtomicLong heartbeat = new java.util.concurrent.atomic.AtomicLong();
    /** The global device's translation counts are the IPv6 device's: published there, once. */
    private static final DropCounters NONE = new DropCounters();

    private final int worker;
    private final String roleName;
    private final PacketQueue ipv6Queue;
    private final DeviceCounters ipv6Counters;
    private final WorkerCounters ipv6Published;
    private final QueueWriter ipv6Writer;
    private final GlobalPort global;
    private final QueueWriter globalWriter;
    private final DeviceErrorHandler errors;
    private final NanoClock clock;
    private final int batch;
    private final UnsafeBuffer slot;
    /** Null unless the devices have offloads (virtio-net headers). */
    private final Offloads offloads;
    private final Router router = new Router();
    private final ErrnoSet reportedReadErrors = new ErrnoSet();
    private volatile TenantPorts offered;
    private volatile TenantPorts installed;
    private Translator translator;
    private TenantPorts ports;
    /** Written once by the worker, read by the health monitor. */
    private volatile boolean ipv6Failed;
    /** Written once by the worker, read by the health monitor. */
    private volatile boolean globalFailed;
    private long lastPublishNanos;
    private boolean dirty;

    /** Worker 0 of tenants only: the only worker, or the first of several. */
    public MultiDeviceWorkerAgent(PacketQueue ipv6Queue, DeviceCounters ipv6Counters, WorkerCounters ipv6Published,
        Translator translator, TenantPorts ports, DeviceErrorHandler errors, NanoClock clock, int batch) {
        this(0, ipv6Queue, ipv6Counters, ipv6Published, null, translator, ports, errors, clock, batch);
    }

    /** A worker of tenants only. */
    public MultiDeviceWorkerAgent(int worker, PacketQueue ipv6Queue, DeviceCounters ipv6Counters,
        WorkerCounters ipv6Published, Translator translator, TenantPorts ports, DeviceErrorHandler errors,
        NanoClock clock, int batch) {
        this(worker, ipv6Queue, ipv6Counters, ipv6Published, null, translator, ports, errors, clock, batch);
    }

    /**
     * @param worker     this worker's index: the queue of the IPv6 device it reads ({@code ipv6Queue}) and the one
     *                   its {@code ports} read of each tenant device
     * @param global     its side of the global path's device, or null when there is none (IPv6 that belongs to no
     *                   tenant is then counted as no-device)
     * @param translator this worker's own: no other thread may use it
     */
    public MultiDeviceWorkerAgent(int worker, PacketQueue ipv6Queue, DeviceCounters ipv6Counters,
        WorkerCounters ipv6Published, GlobalPort global, Translator translator, TenantPorts ports,
        DeviceErrorHandler errors, NanoClock clock, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (worker < 0) {
            throw new IllegalArgumentException("worker must not be negative, got " + worker);
        }
        this.worker = worker;
        this.roleName = "xlat-worker-" + worker;
        this.ipv6Queue = ipv6Queue;
        this.ipv6Counters = ipv6Counters;
        this.ipv6Published = ipv6Published;
        this.ipv6Writer = new QueueWriter(ipv6Queue, ipv6Counters, errors, worker);
        this.global = global;
        this.globalWriter = global == null ? null : new QueueWriter(global.write(), global.counters(), errors, worker);
        this.translator = translator;
        this.errors = errors;
        this.clock = clock;
        this.batch = batch;
        this.slot = TunWorkerAgent.slot();
        // offloads are all devices' or none's (dataplane.offload)
        this.offloads = ipv6Queue.offloads() ? new Offloads() : null;
        ipv6Writer.offloads(offloads);
        if (globalWriter != null) {
            globalWriter.offloads(offloads);
        }
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

    /** The translator this worker uses now (its global drop counters are the ones every generation shares). */
    public Translator translator() {
        return translator;
    }

    private void install(TenantPorts next) {
        for (final QueueWriter writer : next.writers) {
            if (writer != null) {
                writer.offloads(offloads);
            }
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

    /** Whether this worker gave up on its queue of the IPv6 device after a fatal read error. */
    public boolean ipv6Failed() {
        return ipv6Failed;
    }

    /** Whether this worker gave up on its queue of the global device after a fatal read error. */
    public boolean globalFailed() {
        return globalFailed;
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
        if (global != null && global.read() != null && !globalFailed) {
            packets += readGlobal(now);
        }
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

    /** What {@link #drain} reads: the device decides how a packet is translated and where it goes. */
    private static final int FROM_IPV6 = 0;
    private static final int FROM_GLOBAL = 1;
    private static final int FROM_TENANT = 2;

    private int readIpv6(long now) {
        return drain(ipv6Queue, ipv6Counters, FROM_IPV6, -1, now);
    }

    private int readGlobal(long now) {
        return drain(global.read(), global.counters(), FROM_GLOBAL, -1, now);
    }

    private int readTenant(TenantPorts p, int tenant, long now) {
        return drain(p.queues[tenant], p.counters[tenant], FROM_TENANT, tenant, now);
    }

    /** Reads and translates up to a batch from one queue. */
    private int drain(PacketQueue queue, DeviceCounters counters, int from, int tenant, long now) {
        int packets = 0;
        while (packets < batch) {
            final int length = TunWorkerAgent.read(queue, slot, offloads != null);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                // a broken tenant device is not fatal for the others; it is reported once per errno
                final boolean dead = readFailed(queue, counters, -length, from != FROM_TENANT);
                if (from == FROM_IPV6) {
                    ipv6Failed = dead;
                } else if (from == FROM_GLOBAL) {
                    globalFailed = dead;
                }
                break;
            }
            packets++;
            counters.received(length);
            if (offloads != null) {
                final DropReason refused = offloads.accept(slot, Translator.HEADROOM, length, translator);
                if (refused != null) {
                    (from == FROM_TENANT ? translator.tenantCounters(tenant) : translator.counters()).drop(refused);
                    offloads.done(translator);
                    continue;
                }
            }
            if (from == FROM_TENANT) {
                translator.translateFromTenant(tenant, slot, Translator.HEADROOM, length, now, ipv6Writer,
                    ports.writers[tenant]);
            } else if (from == FROM_IPV6) {
                fromIpv6Device(length, now);
            } else {
                fromGlobalDevice(length, now);
            }
            if (offloads != null) {
                offloads.done(translator);
            }
        }
        return packets;
    }

    private void fromIpv6Device(int length, long now) {
        if (version() == 4) {
            translator.counters().drop(DropReason.WRONG_FAMILY_FOR_DEVICE);
            return;
        }
        router.source = ipv6Counters;
        translator.translate(slot, Translator.HEADROOM, length, now, router, ipv6Writer);
    }

    private void fromGlobalDevice(int length, long now) {
        final int version = version();
        if (version == 6 && global.bothFamilies()) {
            router.source = global.counters();
            translator.translate(slot, Translator.HEADROOM, length, now, router, globalWriter);
        } else if (version == 6) {
            translator.counters().drop(DropReason.WRONG_FAMILY_FOR_DEVICE);
        } else {
            // IPv4 (or garbage, which the translator counts): IPv6 out of siit-tun itself, else ipv6-tun
            translator.translate(slot, Translator.HEADROOM, length, now,
                global.bothFamilies() ? globalWriter : ipv6Writer, globalWriter);
        }
    }

    /**
     * Counts and reports a failed read, once per errno unless fatal.
     *
     * @return whether the queue is dead ({@code mayBeFatal} and an errno after which reading cannot succeed)
     */
    private boolean readFailed(PacketQueue queue, DeviceCounters counters, int errno, boolean mayBeFatal) {
        counters.readError();
        final boolean fatal = mayBeFatal && TunWorkerAgent.isFatal(errno);
        if (fatal || reportedReadErrors.add(errno)) {
            errors.onDeviceError(queue.deviceName(), worker, "read", errno, fatal);
        }
        return fatal;
    }

    private int version() {
        return (slot.getByte(Translator.HEADROOM) >> 4) & 0xF;
    }

    private void publish(long now) {
        ipv6Published.publish(ipv6Counters, translator.counters());
        if (global != null) {
            global.published().publish(global.counters(), NONE);
        }
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

    /**
     * Writes IPv6-to-IPv4 output to the device of the tenant the translator found the packet to belong to (by its
     * destination's instance prefix), or to the global device.
     */
    private final class Router implements PacketSink {
        /** The device the packet came from: where a packet that has nowhere to go is counted. */
        DeviceCounters source;

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            final Tenant tenant = translator.currentTenant();
            final QueueWriter target = tenant == null ? globalWriter : ports.writers[tenant.index()];
            if (target != null) {
                target.emit(buffer, offset, length);
            } else {
                source.noDevice();
            }
        }
    }
}
