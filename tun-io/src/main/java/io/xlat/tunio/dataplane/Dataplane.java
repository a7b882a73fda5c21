package io.xlat.tunio.dataplane;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.agent.PollIdleStrategy;
import io.xlat.tunio.agent.Port;
import io.xlat.tunio.agent.PortRole;
import io.xlat.tunio.agent.WarmUp;
import io.xlat.tunio.agent.WorkerAgent;
import io.xlat.tunio.agent.WorkerPorts;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.trace.TraceBuffer;
import io.xlat.tunio.trace.TraceTap;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.NativeException;
import io.xlat.tunio.tun.NetworkNamespace;
import io.xlat.tunio.tun.IoUring;
import io.xlat.tunio.tun.TunDevice;
import io.xlat.tunio.tun.UringQueue;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The data plane, for every device combination {@link DataplaneSettings} describes: opens the devices (plain
 * SIIT's {@code siit-tun} or {@code ipv4-tun}, the host's {@code ipv6-tun}, a device per tenant, inside the
 * tenant's network namespace when configured) and the counters file, gives each of {@code workers}
 * {@link WorkerAgent}s one {@link Port} per device (queue {@code w} of each; the kernel keeps each flow on one
 * queue by hash) and starts them. {@link #start} opens everything or nothing.
 *
 * <p>{@link #reload} swaps the translator section and the tenant set while the workers run: devices of new
 * tenants are opened first, every worker switches to the new generation (new translator, new tenant table) between
 * its batches, and only once all have are the devices of removed tenants closed, so a tenant that stays never
 * stops forwarding. {@link #health} reports device state and worker liveness as data. {@link #reattach}, which the
 * health thread calls, attaches to a device that was deleted and is back (or creates again one xlat had created) and
 * swaps it into the workers' ports the same way. {@link #close} stops the workers first (each publishes its last
 * counters), then closes the devices and the counters file.
 */
public final class Dataplane implements RunningDataplane {

    /** Counters beyond the workers' own, so that the file need not be resized for a few more later. */
    static final int SPARE_COUNTERS = 256;
    /** How many tenants' counters the file has room for beyond those configured at start, for reloads. */
    static final int SPARE_TENANTS = 64;

    private final DataplaneLog log;
    private final CountersFile counters;
    /** The live packet trace's ring, next to the counters file; null when it could not be created. */
    private TraceBuffer trace;
    /**
     * The host's IPv6 device, or null (plain SIIT on one device). Replaced by {@link #reattach} only, read without
     * the lock by {@link #health}.
     */
    private volatile Device ipv6;
    /** Plain SIIT's device (siit-tun or ipv4-tun), or null (tenants only); replaced as {@link #ipv6} is. */
    private volatile Device global;
    /** By worker: its port of each device above (null where the device is); a new array when the device is. */
    private volatile Port[] ipv6Ports;
    private volatile Port[] globalPorts;
    /** By worker: the generation last handed to it, in which {@link #reattach} swaps ports. */
    private WorkerPorts[] offered;
    private final MissingDevices missing = new MissingDevices();
    /**
     * Where the devices are that the last {@link #health} found gone, replaced or down: the only ones, beside those
     * already missing or down, that {@link #reattach} asks the kernel about, so that it costs nothing more than
     * the health checks while every device is fine.
     */
    private volatile Set<String> suspects = Set.of();
    private final List<WorkerAgent> agents;
    private final List<AgentRunner> runners = new ArrayList<>();
    /** The settings the devices were opened with: a reload changes the translator and the tenants only. */
    private final DataplaneSettings started;
    private final String summary;
    /** The tenants' open devices by tenant name; changed by start, reload and close only. */
    private final Map<String, TenantDevice> tenants;
    /**
     * The tenants' devices as of the last start or reload, for {@link #health}: read without the lock, which a
     * reload holds while it waits for the workers to switch (up to {@link WorkerTranslators#SWITCH_TIMEOUT_MILLIS}).
     */
    private volatile Map<String, TenantDevice> watched;
    /** Devices a failed switch left open: a worker may still read them, so they close only at stop. */
    private final List<TunDevice> orphans = new ArrayList<>();
    private DataplaneSettings settings;
    /** The workers' ICMP error budget and id key, kept across reloads. */
    private WorkerTranslators.Shared shared;
    private boolean closed;

    /** One device as the health checks see it: held by its descriptors, named in its namespace. */
    private record Device(TunDevice tun, int ifindex) {

        static Device of(TunDevice tun) throws NativeException {
            return new Device(tun, Dataplane.ifindex(tun.name(), tun.netns()));
        }

        /** Opened for a re-attach: closed again when its index cannot be read. */
        static Device opened(TunDevice tun) throws NativeException {
            try {
                return of(tun);
            } catch (NativeException | RuntimeException e) {
                tun.close();
                throw e;
            }
        }

        String name() {
            return tun.name();
        }

        /** "name", or "name in netns ns". */
        String where() {
            return Dataplane.where(tun.name(), tun.netns());
        }

        /** The interface index of the device of this name now: 0 when there is none, or it cannot be asked. */
        int indexNow() {
            try {
                return Dataplane.ifindex(tun.name(), tun.netns());
            } catch (NativeException | RuntimeException e) {
                return 0;
            }
        }

        String problem() {
            return deviceProblem(tun.name(), tun.netns(), ifindex, tun::isUp);
        }
    }

    /** A tenant's device and, by worker, that worker's port of it; kept across reloads while it stays the same. */
    private record TenantDevice(String tun, String netns, Device device, Port[] ports) {

        boolean sameDevice(TenantConfig tenant) {
            return tun.equals(tenant.tun()) && Objects.equals(netns, tenant.netns());
        }

        /** Whether the device of this name in its namespace is still the one held. */
        boolean stillAttached() {
            return device.indexNow() == device.ifindex();
        }

        /** Whether {@code other} is this tenant's device opened again, its ports counting into the same counters. */
        boolean sharesCounters(TenantDevice other) {
            return other != null && ports.length > 0 && ports[0] != null && ports[0].sharesCounters(other.ports[0]);
        }

        /** Closes the device, and frees its counters unless {@code successor} took them over. */
        void closeFor(TenantDevice successor) {
            if (sharesCounters(successor)) {
                device.tun().close();
            } else {
                close();
            }
        }

        void close() {
            device.tun().close();
            for (final Port p : ports) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /** A device's link state, asked through the descriptor xlat holds. */
    @FunctionalInterface
    interface LinkState {
        boolean isUp() throws NativeException;
    }

    private Dataplane(DataplaneSettings settings, DataplaneLog log, CountersFile counters, Device ipv6, Device global,
        Port[] ipv6Ports, Port[] globalPorts, List<WorkerAgent> agents, Map<String, TenantDevice> tenants,
        WorkerTranslators.Shared shared, String summary) {
        this.started = settings;
        this.settings = settings;
        this.log = log;
        this.counters = counters;
        this.ipv6 = ipv6;
        this.global = global;
        this.ipv6Ports = ipv6Ports;
        this.globalPorts = globalPorts;
        this.agents = agents;
        this.tenants = tenants;
        this.watched = Map.copyOf(tenants);
        this.shared = shared;
        this.summary = summary;
    }

    /** Opens every device and the counters file, starts the workers and logs what runs. */
    public static Dataplane start(DataplaneSettings settings, DataplaneLog log) throws IOException {
        final long pid = ProcessHandle.current().pid();
        final int devices = settings.siitOnly() ? 1 : settings.tenants().size() + 2 + SPARE_TENANTS;
        final CountersFile counters = openCounters(settings,
            devices * WorkerCounters.perWorker() * settings.workers() + SPARE_COUNTERS, pid, log);
        TunDevice ipv6 = null;
        TunDevice global = null;
        final Map<String, TenantDevice> opened = new HashMap<>();
        try {
            final int workers;
            if (settings.siitOnly()) {
                global = openSiit(settings, settings.workers(), log, true);
                workers = global.queueCount();
            } else {
                ipv6 = openIpv6(settings, settings.workers(), log, true);
                workers = ipv6.queueCount();
                if (settings.globalTun() != null) {
                    global = openGlobal(settings, workers, log, true);
                }
            }
            final Device ipv6Device = ipv6 == null ? null : Device.of(ipv6);
            final Device globalDevice = global == null ? null : Device.of(global);
            final Port[] ipv6Ports = new Port[workers];
            final Port[] globalPorts = new Port[workers];
            for (int w = 0; w < workers; w++) {
                if (ipv6 != null) {
                    ipv6Ports[w] = port(PortRole.IPV6, ipv6, w, new WorkerCounters(counters.manager(), ipv6.name(),
                        w), log);
                }
                if (global != null) {
                    globalPorts[w] = port(settings.globalBothFamilies() ? PortRole.BOTH : PortRole.IPV4, global, w,
                        new WorkerCounters(counters.manager(), global.name(), w), log);
                }
            }
            final WorkerPorts[] first = generation(settings, ipv6Ports, globalPorts, Map.of(), opened, counters,
                null, log);
            final WorkerTranslators.Shared shared = WorkerTranslators.Shared.create(settings.translator());
            final Translator[] translators = WorkerTranslators.build(settings.translator(), null, workers, shared);
            final List<WorkerAgent> agents = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                agents.add(new WorkerAgent(w, translators[w], first[w], log, SystemNanoClock.INSTANCE,
                    WorkerAgent.DEFAULT_BATCH, settings.offload() && settings.coalesce()));
            }
            final String summary = settings.siitOnly() ? siitSummary(settings, global, counters.path(), pid)
                : ipv6.name() + (global == null ? "" : " and " + global.name()) + ", " + settings.tenants().size()
                + " tenants, " + opened.size() + " tenant devices, workers " + workers + ", offloads "
                + offloads(settings, ipv6) + ", " + ioPath(settings) + ", counters " + counters.path() + ", pid "
                + pid;
            final Dataplane dataplane = new Dataplane(settings, log, counters, ipv6Device, globalDevice, ipv6Ports,
                globalPorts, agents, opened, shared, summary);
            counters.ioPath(ioUring(settings) ? CountersFile.IO_URING : CountersFile.IO_SYSCALLS);
            dataplane.offered = first;
            dataplane.trace = openTrace(counters.path(), agents, pid, log);
            dataplane.startRunners();
            log.info("started: " + summary);
            warmUp(settings.offload(), settings.coalesce(), ioUring(settings), log);
            return dataplane;
        } catch (IOException | RuntimeException e) {
            for (final TenantDevice t : opened.values()) {
                t.device().tun().close();
            }
            if (global != null) {
                global.close();
            }
            if (ipv6 != null) {
                ipv6.close();
            }
            counters.close();
            throw e;
        }
    }

    /**
     * The trace ring beside the counters file, one tap per worker. A data plane without it still runs: a trace is
     * a troubleshooting aid, not a reason to refuse to forward.
     */
    private static TraceBuffer openTrace(Path countersPath, List<WorkerAgent> agents, long pid, DataplaneLog log) {
        final TraceBuffer trace;
        try {
            trace = TraceBuffer.create(TraceBuffer.besideCounters(countersPath), TraceBuffer.DEFAULT_CAPACITY, pid);
        } catch (IOException | RuntimeException e) {
            log.info("no live packet trace: " + TraceBuffer.besideCounters(countersPath) + ": " + e);
            return null;
        }
        for (int w = 0; w < agents.size(); w++) {
            agents.get(w).trace(new TraceTap(trace, w));
        }
        return trace;
    }

    private static CountersFile openCounters(DataplaneSettings settings, int capacity, long pid, DataplaneLog log)
        throws IOException {
        final long now = System.currentTimeMillis();
        try {
            return CountersFile.create(settings.countersFile(), capacity, pid, now);
        } catch (CountersFile.InUseException e) {
            if (!settings.countersFileDefault()) {
                throw new IOException(e.getMessage() + "; give each instance its own dataplane.counters-file"
                    + " (or --counters-file)", e);
            }
            // several translators on one host (one per network namespace, as in the benchmark) share the default
            final Path own = settings.countersFile().resolveSibling(settings.countersFile().getFileName() + "-" + pid);
            log.info(e.getMessage() + "; using " + own + " (xlat stats --counters-file " + own + ")");
            return CountersFile.create(own, capacity, pid, now);
        }
    }

    /**
     * Plain SIIT's one device, carrying both families; its queues decide the number of workers. With
     * {@code atStart} false (a re-attach) the workers are already running, and the caller says what it opened.
     */
    private static TunDevice openSiit(DataplaneSettings settings, int queues, DataplaneLog log, boolean atStart)
        throws IOException {
        final TunDevice device = open(settings, settings.siitTun(), queues, null);
        try {
            if (settings.mtu() > 0) {
                device.mtu(settings.mtu());
            } else if (!device.existed()) {
                device.mtu(Math.max(settings.translator().ipv4Mtu(), settings.translator().ipv6Mtu()));
            }
            device.up();
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        if (atStart) {
            fewerWorkers(device, settings.workers(), log);
        }
        return device;
    }

    /** Says so when the first device, an existing single-queue one, allows fewer workers than wanted. */
    private static void fewerWorkers(TunDevice device, int wanted, DataplaneLog log) {
        if (device.queueCount() < wanted) {
            log.info(device.name() + " is a single-queue device: 1 worker instead of " + wanted
                + " (create it with 'ip tuntap add dev " + device.name() + " mode tun multi_queue' for more)");
        }
    }

    /** The host's IPv6 device; its queues decide the number of workers. {@code atStart}: as {@link #openSiit}. */
    private static TunDevice openIpv6(DataplaneSettings settings, int queues, DataplaneLog log, boolean atStart)
        throws IOException {
        final TunDevice device = open(settings, settings.ipv6Tun(), queues, null);
        try {
            if (!device.existed()) {
                device.mtu(settings.translator().ipv6Mtu());
            }
            device.up();
            if (!atStart) {
                return device;
            }
            final int workers = device.queueCount();
            final String globalRole = settings.globalTun() == null ? "no plain SIIT (no ipv4-tun or siit-tun)"
                : settings.globalBothFamilies() ? "not plain SIIT's (on " + settings.globalTun() + ")"
                : "plain SIIT's (pool6 and the EAM entries, IPv4 on " + settings.globalTun() + ")";
            log.info("device " + device.name() + ": IPv6 of " + settings.tenants().size() + " tenants' instance "
                + "prefixes, " + globalRole + ", mtu " + device.mtu()
                + (device.existed() ? " (existing device)" : " (created)") + ", " + workers
                + (workers == 1 ? " queue" : " queues"));
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        if (atStart) {
            fewerWorkers(device, settings.workers(), log);
        }
        return device;
    }

    /**
     * Plain SIIT's device beside the IPv6 device: ipv4-tun (IPv4 only) or siit-tun (both), a queue per worker.
     * {@code atStart}: as {@link #openSiit}.
     */
    private static TunDevice openGlobal(DataplaneSettings settings, int workers, DataplaneLog log, boolean atStart)
        throws IOException {
        final TunDevice device = open(settings, settings.globalTun(), workers, null);
        try {
            if (!device.existed()) {
                device.mtu(settings.globalBothFamilies()
                    ? Math.max(settings.translator().ipv4Mtu(), settings.translator().ipv6Mtu())
                    : settings.translator().ipv4Mtu());
            }
            device.up();
            if (!atStart) {
                return device;
            }
            log.info("device " + device.name() + " (dataplane." + settings.globalRole() + "): "
                + (settings.globalBothFamilies() ? "both families of pool6 and the EAM entries" : "IPv4 of pool6 and "
                + "the EAM entries, their IPv6 on " + settings.ipv6Tun()) + ", mtu " + device.mtu()
                + (device.existed() ? " (existing device)" : " (created)") + ", " + device.queueCount()
                + (device.queueCount() == 1 ? " queue" : " queues"));
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        if (device.queueCount() < workers) {
            log.info(device.name() + " is a single-queue device: worker 0 alone reads it (create it with 'ip tuntap"
                + " add dev " + device.name() + " mode tun multi_queue' to spread it over all " + workers
                + " workers)");
        }
        return device;
    }

    /**
     * Builds a generation for {@code settings}, one {@link WorkerPorts} per worker: keeps the tenant devices in
     * {@code current} whose tenant kept its device, opens the others and puts every tenant device of the new
     * generation into {@code next}. On failure the devices this call opened are closed again and {@code next}
     * holds only kept ones.
     */
    private static WorkerPorts[] generation(DataplaneSettings settings, Port[] ipv6Ports, Port[] globalPorts,
        Map<String, TenantDevice> current, Map<String, TenantDevice> next, CountersFile counters,
        Translator[] translators, DataplaneLog log) throws IOException {
        final int workers = ipv6Ports.length;
        final TenantTable table = new TenantTable(settings.tenants());
        final int n = table.size();
        final Port[][] ports = new Port[workers][n];
        final Map<String, TenantDevice> fresh = new HashMap<>();
        try {
            for (int i = 0; i < n; i++) {
                final TenantConfig tenant = table.get(i).config();
                if (tenant.tun() == null) {
                    log.info("tenant " + tenant.name() + ": no tun: key, so no device here; IPv6 for its prefix "
                        + "is counted as no-device on " + settings.ipv6Tun());
                    continue;
                }
                TenantDevice device = current.get(tenant.name());
                final boolean detached = device != null && device.sameDevice(tenant) && !device.stillAttached();
                if (detached && device.device().tun().existed() && device.device().indexNow() == 0) {
                    // a persistent device is the operator's to make again: creating one of that name here would
                    // stand in its way; the held one stays, and the health thread attaches once it is back
                    log.info("tenant " + tenant.name() + ": persistent device " + tenant.tun() + " is gone; "
                        + "re-attaching once a device of that name is back");
                } else if (detached) {
                    // deleted (and maybe created again) since: the queues held are dead, attach to the new device
                    // as the health thread's re-attach does, the counts running on
                    log.info("tenant " + tenant.name() + ": device " + tenant.tun() + " was deleted and created "
                        + "again; attaching to the new one");
                    device = attachTenant(settings, tenant.tun(), tenant.netns(), workers, device, counters, log);
                    fresh.put(tenant.name(), device);
                } else if (device == null || !device.sameDevice(tenant)) {
                    device = openTenant(settings, tenant, workers, counters, log);
                    fresh.put(tenant.name(), device);
                }
                next.put(tenant.name(), device);
                for (int w = 0; w < workers; w++) {
                    ports[w][i] = device.ports()[w];
                }
            }
            final WorkerPorts[] generation = new WorkerPorts[workers];
            for (int w = 0; w < workers; w++) {
                generation[w] = new WorkerPorts(table, translators == null ? null : translators[w], ipv6Ports[w],
                    globalPorts[w], ports[w]);
            }
            return generation;
        } catch (IOException | RuntimeException e) {
            for (final Map.Entry<String, TenantDevice> device : fresh.entrySet()) {
                next.values().remove(device.getValue());
                // one opened again must not free the counters the held device still counts into
                device.getValue().closeFor(current.get(device.getKey()));
            }
            throw e;
        }
    }

    /** Opens a tenant's device with a queue per worker, and its counters in the file, or nothing. */
    private static TenantDevice openTenant(DataplaneSettings settings, TenantConfig tenant, int workers,
        CountersFile counters, DataplaneLog log) throws IOException {
        if (counters.manager().available() < WorkerCounters.perWorker() * workers) {
            throw new IOException("the counters file has no room for tenant " + tenant.name()
                + "'s counters: restart xlat to add this many tenants");
        }
        final TenantDevice device = attachTenant(settings, tenant.tun(), tenant.netns(), workers, null, counters, log);
        final TunDevice tun = device.device().tun();
        log.info("tenant " + tenant.name() + ": device " + tenant.tun()
            + (tenant.netns() == null ? "" : " in netns " + tenant.netns())
            + (tun.existed() ? " (existing)" : " (created)") + ", " + tun.queueCount()
            + (tun.queueCount() == 1 ? " queue" : " queues") + ", prefix " + tenant.prefix() + ", ipv4 "
            + tenant.ipv4() + ", " + tenant.services().size() + " services");
        if (tun.queueCount() < workers) {
            log.info("tenant " + tenant.name() + ": " + tenant.tun() + " is a single-queue device: worker 0 alone"
                + " reads it (create it with 'ip tuntap add dev " + tenant.tun() + " mode tun multi_queue' to"
                + " spread it over all " + workers + " workers)");
        }
        return device;
    }

    /**
     * Opens (or creates) tenant device {@code name} in {@code netns} with a port per worker. The ports count into
     * new counters in the file, or, with {@code previous} (the tenant's device that was deleted), into that one's,
     * so that the counts run on across the re-attach. On failure nothing stays open and {@code previous}'s
     * counters stay as they are.
     */
    private static TenantDevice attachTenant(DataplaneSettings settings, String name, String netns, int workers,
        TenantDevice previous, CountersFile counters, DataplaneLog log) throws IOException {
        final TunDevice tun = open(settings, name, workers, netns);
        final Port[] ports = new Port[workers];
        final TenantDevice device;
        try {
            device = new TenantDevice(name, netns, Device.of(tun), ports);
        } catch (NativeException | RuntimeException e) {
            tun.close();
            throw e;
        }
        try {
            if (!tun.existed()) {
                tun.mtu(settings.translator().ipv4Mtu());
            }
            tun.up();
            for (int w = 0; w < workers; w++) {
                ports[w] = previous == null
                    ? port(PortRole.TENANT, tun, w, new WorkerCounters(counters.manager(), name, w), log)
                    : onNewDevice(previous.ports()[w], tun, w);
            }
        } catch (IOException | RuntimeException e) {
            if (previous == null) {
                device.close();
            } else {
                tun.close();
            }
            throw e;
        }
        return device;
    }

    /**
     * Worker {@code w}'s port of {@code tun}, with fresh counters. A single-queue device is read by worker 0 alone,
     * so that its flows stay in order (the other workers read nothing of it); any worker may write to it.
     */
    private static Port port(PortRole role, TunDevice tun, int w, WorkerCounters published, DataplaneLog log) {
        return new Port(role, w < tun.queueCount() ? tun.queue(w, w) : null, tun.queue(w % tun.queueCount(), w),
            new DeviceCounters(), published, log, w);
    }

    /** Worker {@code w}'s port {@code old} on the queues of {@code tun}, the device of that name opened again. */
    private static Port onNewDevice(Port old, TunDevice tun, int w) {
        return old.onNewDevice(w < tun.queueCount() ? tun.queue(w, w) : null, tun.queue(w % tun.queueCount(), w));
    }

    /**
     * Opens (or creates) a device of this data plane with its offloads, its workers' I/O on io_uring when
     * {@code dataplane.io} asks for it and the kernel allows it (see {@link #ioUring}).
     */
    private static TunDevice open(DataplaneSettings settings, String name, int queues, String netns)
        throws NativeException {
        final TunDevice device = TunDevice.open(name, queues, netns, settings.offload());
        if (ioUring(settings)) {
            try {
                device.useIoUring(settings.workers(), UringQueue.DEFAULT_DEPTH);
            } catch (NativeException | RuntimeException e) {
                device.close();
                throw e;
            }
        }
        return device;
    }

    /** Whether the workers read and write through io_uring: asked for, and the kernel sets up a ring. */
    static boolean ioUring(DataplaneSettings settings) {
        return settings.io() == DataplaneSettings.IoPath.IO_URING && IoUring.refusal() == null;
    }

    /** The I/O path for the start line: what runs, and why not io_uring when it was asked for and refused. */
    private static String ioPath(DataplaneSettings settings) {
        if (ioUring(settings)) {
            return "io io_uring (" + UringQueue.POSTED_READS + " read posted and " + UringQueue.DEFAULT_DEPTH
                + " write slots per queue)";
        }
        return settings.io() == DataplaneSettings.IoPath.IO_URING
            ? "io syscalls (dataplane.io io_uring refused: " + IoUring.refusal() + ")" : "io syscalls";
    }

    /**
     * Compiles the workers' path before traffic needs it: a scratch worker on its own thread, beside the real ones
     * (which forward from the first packet), translates a mix of packets over socket pairs for a moment.
     */
    private static void warmUp(boolean offloads, boolean coalesce, boolean uring, DataplaneLog log) {
        final Thread thread = new Thread(() -> {
            try {
                final WarmUp.Result r = WarmUp.run(offloads, coalesce, uring, WarmUp.DEFAULT_ROUNDS);
                // Start-up (configuration, class loading, this warm-up) leaves the young generation nearly full;
                // collected now, once, the running translator's first young GC is many minutes away instead of a
                // minute or so into its traffic (BENCHMARKS.md, "Zero-GC after warm-up").
                final long gcStart = System.nanoTime();
                System.gc();
                log.info("warm-up: " + r.packetsIn() + " packets through a scratch worker in " + r.millis()
                    + " ms; start-up garbage collected in " + (System.nanoTime() - gcStart) / 1_000_000 + " ms");
            } catch (IOException | RuntimeException e) {
                // forwarding does not depend on it: the path compiles under traffic instead
                log.info("warm-up skipped: " + e);
            }
        }, "xlat-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private void startRunners() {
        for (final WorkerAgent agent : agents) {
            final AgentRunner runner = new AgentRunner(idleStrategy(started.idle(), agent), log, null, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner, r -> {
                final Thread thread = new Thread(r, agent.roleName());
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    static IdleStrategy idleStrategy(DataplaneSettings.IdleMode mode, WorkerAgent agent) {
        switch (mode) {
            case BUSY:
                return new BusySpinIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            default:
                // one poll(2) over every queue the worker reads: it wakes for a packet on any of its devices
                return new PollIdleStrategy(agent::awaitReadable);
        }
    }

    /** What the start log says of offloads: those the device runs with, and whether UDP is coalesced. */
    private static String offloads(DataplaneSettings settings, TunDevice device) {
        final String on = device.offloads();
        if (!settings.offload() || !device.udpSegmentation()) {
            return on;
        }
        return on + (settings.coalesce() ? ", udp coalescing on" : ", udp coalescing off");
    }

    private static String siitSummary(DataplaneSettings settings, TunDevice device, Path countersPath, long pid)
        throws IOException {
        final TranslatorConfig t = settings.translator();
        return "siit on " + device.name()
            + (device.existed() ? " (existing device" : " (created")
            + ", mtu " + device.mtu()
            + ", " + device.queueCount() + (device.queueCount() == 1 ? " queue)" : " queues)")
            + ", pool6 " + (t.pool6() == null ? "none" : t.pool6().toString())
            + ", eamt " + t.eamt().size() + (t.eamt().size() == 1 ? " entry" : " entries")
            + ", ipv4-address " + (t.ipv4Address() == null ? "none" : Ipv4Addresses.format(t.ipv4Address()))
            + ", ipv6-address " + (t.ipv6Address() == null ? "none"
                : Ipv6Addresses.format(t.ipv6Address().hi(), t.ipv6Address().lo()))
            + ", ipv4-mtu " + t.ipv4Mtu() + ", ipv6-mtu " + t.ipv6Mtu()
            + ", workers " + device.queueCount()
            + " (idle " + settings.idle().name().toLowerCase(Locale.ROOT) + ')'
            + ", offloads " + offloads(settings, device)
            + ", " + ioPath(settings)
            + ", counters " + countersPath
            + ", pid " + pid;
    }

    /**
     * Applies a new translator section and tenant set: builds new translators, opens new tenants' devices,
     * switches every worker over between two of its batches, then closes the devices of tenants that are gone.
     * The devices, workers and counters file ({@code dataplane:}) stay as started: changes there are logged and
     * wait for a restart; plain SIIT on one device has no IPv6 device for tenants, so tenants wait for a restart
     * too. An error before the switch (a device that cannot open) changes nothing and the exception says why. A
     * worker that does not switch in time (stuck, or its thread dead) does not undo it: the others run the new
     * configuration, that worker takes it when it comes round, and devices the new one dropped stay open until
     * stop, since that worker may still use them.
     */
    @Override
    public synchronized void reload(DataplaneSettings next) throws IOException {
        if (closed) {
            throw new IllegalStateException("the data plane is stopped");
        }
        final List<String> restart = started.restartOnly(next);
        final DataplaneSettings applied;
        if (started.siitOnly()) {
            if (next.ipv6Tun() != null || !next.tenants().isEmpty()) {
                restart.remove("dataplane.ipv6-tun");
                log.info("reload: the file now has tenants or dataplane.ipv6-tun; that takes a restart (this process"
                    + " runs plain SIIT on " + started.siitTun() + ")");
            }
            if (!restart.isEmpty()) {
                log.info("reload: " + String.join(", ", restart) + " changed; that takes a restart, applying the "
                    + "translator section");
            }
            applied = started.with(next.translator(), List.of());
        } else {
            for (final TenantConfig tenant : next.tenants()) {
                // validation checks the new file's own names; these are the running devices', which a reload keeps
                if (tenant.tun() != null && tenant.netns() == null && (tenant.tun().equals(started.ipv6Tun())
                    || tenant.tun().equals(started.globalTun()))) {
                    throw new IOException("tenant " + tenant.name() + ": tun '" + tenant.tun() + "' is a device this "
                        + "xlat runs as dataplane." + (tenant.tun().equals(started.ipv6Tun()) ? "ipv6-tun"
                        : started.globalRole()) + " until a restart");
                }
            }
            if (!restart.isEmpty()) {
                log.info("reload: " + String.join(", ", restart) + " changed; that takes a restart, the running "
                    + "devices stay; applying the translator section and the tenants");
            }
            // new tenant devices open as the running ones did (offloads, workers): the file's dataplane section waits
            applied = started.with(next.translator(), next.tenants());
        }
        final DropCounters[] drops = new DropCounters[agents.size()];
        for (int w = 0; w < drops.length; w++) {
            drops[w] = agents.get(w).translator().counters();
        }
        final WorkerTranslators.Shared nextShared = shared.follow(next.translator());
        final Map<String, TenantDevice> kept = new HashMap<>();
        final WorkerPorts[] generation = generation(applied, ipv6Ports, globalPorts, tenants, kept, counters,
            WorkerTranslators.build(next.translator(), drops, agents.size(), nextShared), log);
        shared = nextShared;
        final String stuck = switchTo(generation);
        final boolean allSwitched = stuck == null;
        if (!allSwitched) {
            log.info("reload: " + stuck + (started.siitOnly()
                ? "; the others translate with the new section already"
                : "; the others run the new configuration, it takes it when it comes round, and the devices of "
                + "removed tenants stay open until stop"));
        }
        int removed = 0;
        int added = 0;
        for (final Map.Entry<String, TenantDevice> old : tenants.entrySet()) {
            final TenantDevice now = kept.get(old.getKey());
            if (now != old.getValue()) {
                if (allSwitched) {
                    old.getValue().closeFor(now);
                } else {
                    // a worker still on the old generation may read it
                    orphans.add(old.getValue().device().tun());
                }
                if (old.getValue().sharesCounters(now)) {
                    // the same tenant's device, attached again: neither removed nor added
                    added--;
                } else {
                    removed++;
                }
            }
        }
        for (final TenantDevice device : kept.values()) {
            if (!tenants.containsValue(device)) {
                added++;
            }
        }
        tenants.clear();
        tenants.putAll(kept);
        watched = Map.copyOf(tenants);
        settings = applied;
        log.info(started.siitOnly() ? "reloaded: translator section applied to " + agents.size()
            + (agents.size() == 1 ? " worker" : " workers")
            : "reloaded: translator section and " + next.tenants().size() + " tenants, " + added
            + " devices opened, " + removed + " closed");
    }

    /**
     * Hands every worker its part of {@code generation} and waits until each has switched to it (between two of its
     * batches); null once all have, else why not (a worker stuck, or its thread dead), in which case the old
     * generation's devices must stay open until stop.
     */
    private String switchTo(WorkerPorts[] generation) {
        for (int w = 0; w < agents.size(); w++) {
            agents.get(w).offer(generation[w]);
        }
        offered = generation;
        try {
            WorkerTranslators.awaitSwitch(agents.size(), w -> agents.get(w).current() == generation[w]);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * Re-attaches the devices that were deleted and are back, called by the health thread (never by a worker)
     * before each {@link #health}: for each device xlat holds that the last health check found failing (or that is
     * missing or down already) and whose name now has another interface index (none, or a new device's), noted and
     * logged once as gone, then tried at most once a second ({@link MissingDevices}). A persistent device (one
     * that was there when xlat opened it) is someone else's to create again: xlat attaches once a device of that
     * name exists. A device xlat created itself is created again, with the settings of what runs (queues,
     * offloads, MTU, link up). Its ports are swapped into every worker the way a reload swaps a tenant's device
     * (a new generation, taken between two batches), keeping each port's counters, and the old descriptors are
     * closed once every worker has switched.
     *
     * @return the devices back since the last call: re-attached (by this call, or by a reload meanwhile), or up
     *         again after they were set down; the kernel deleted the routes into them either way, so that they can
     *         be installed again. Usually none
     */
    @Override
    public synchronized List<DeviceBack> reattach() {
        if (closed) {
            return List.of();
        }
        final long now = System.nanoTime();
        final int workers = agents.size();
        final Map<Port, Port> swapped = new IdentityHashMap<>();
        final List<TunDevice> replaced = new ArrayList<>();
        final List<DeviceBack> back = new ArrayList<>();
        final Device oldIpv6 = ipv6;
        if (oldIpv6 != null) {
            final Device d = comeBack(oldIpv6, now, () -> Device.opened(openIpv6(settings, workers, log, false)),
                Function.identity(), back);
            if (d != null) {
                ipv6Ports = onNewDevice(ipv6Ports, d.tun(), swapped);
                ipv6 = d;
                replaced.add(oldIpv6.tun());
            }
        }
        final Device oldGlobal = global;
        if (oldGlobal != null) {
            final Device d = comeBack(oldGlobal, now, () -> Device.opened(started.siitOnly()
                ? openSiit(settings, workers, log, false) : openGlobal(settings, workers, log, false)),
                Function.identity(), back);
            if (d != null) {
                globalPorts = onNewDevice(globalPorts, d.tun(), swapped);
                global = d;
                replaced.add(oldGlobal.tun());
            }
        }
        for (final Map.Entry<String, TenantDevice> e : tenants.entrySet()) {
            final TenantDevice old = e.getValue();
            final TenantDevice d = comeBack(old.device(), now, () -> attachTenant(settings, old.tun(), old.netns(),
                workers, old, counters, log), TenantDevice::device, back);
            if (d != null) {
                for (int w = 0; w < workers; w++) {
                    swapped.put(old.ports()[w], d.ports()[w]);
                }
                e.setValue(d);
                replaced.add(old.device().tun());
            }
        }
        if (swapped.isEmpty()) {
            return List.copyOf(back);
        }
        final WorkerPorts[] next = new WorkerPorts[workers];
        for (int w = 0; w < workers; w++) {
            next[w] = offered[w].replacing(swapped);
        }
        final String stuck = switchTo(next);
        watched = Map.copyOf(tenants);
        for (final TunDevice old : replaced) {
            if (stuck == null) {
                old.close();
            } else {
                // a worker still on the old generation may touch it: it closes at stop
                orphans.add(old);
            }
        }
        if (stuck != null) {
            log.info("re-attach: " + stuck + "; it takes the new device when it comes round");
        }
        return List.copyOf(back);
    }

    /** Opens a device again for a re-attach. */
    @FunctionalInterface
    private interface Reopen<T> {
        T open() throws IOException;
    }

    /**
     * The re-attach of one held device: null while it is attached, or missing and not due for a try, or the try
     * failed (logged once per reason); else what {@code reopen} opened, logged as back. A device back (opened
     * here, attached by a reload meanwhile, or up again after it was down) goes into {@code back}.
     */
    private <T> T comeBack(Device held, long now, Reopen<T> reopen, Function<T, Device> device,
        List<DeviceBack> back) {
        final String where = held.where();
        if (!suspects.contains(where) && !missing.isMissing(where) && !missing.isDown(where)) {
            return null;
        }
        final int index = held.indexNow();
        if (index == held.ifindex()) {
            // a reload attaches to a device that is back at once, without waiting for the next try here
            final boolean reattached = missing.isMissing(where);
            missing.back(where);
            if (reattached | upAgain(held)) {
                back.add(new DeviceBack(held.name(), held.tun().netns()));
            }
            return null;
        }
        final boolean persistent = held.tun().existed();
        if (missing.gone(where, now)) {
            log.info("device " + where + (index == 0 ? " went missing" : " was deleted and another took its name")
                + (persistent ? "; re-attaching once a device of that name is back"
                : "; xlat created it, so it creates it again"));
        }
        if (!missing.due(where, now) || index == 0 && persistent) {
            return null;
        }
        try {
            final T opened = reopen.open();
            missing.back(where);
            // opened up: whether the old one was down no longer matters
            missing.linkUp(where, true);
            final TunDevice tun = device.apply(opened).tun();
            back.add(new DeviceBack(tun.name(), tun.netns()));
            log.info("device " + where + " back, re-attached (" + (tun.existed() ? "existing device, " : "created "
                + "again, ") + tun.queueCount() + (tun.queueCount() == 1 ? " queue)" : " queues)"));
            return opened;
        } catch (IOException | RuntimeException e) {
            if (missing.failed(where, String.valueOf(e.getMessage()))) {
                log.info("device " + where + ": cannot re-attach yet (" + e.getMessage() + "); trying again every "
                    + "second");
            }
            return null;
        }
    }

    /**
     * Whether {@code held} is up after it was seen down: the kernel deletes the routes into a device when it goes
     * down (both families), and does not put them back when it comes up.
     */
    private boolean upAgain(Device held) {
        try {
            return missing.linkUp(held.where(), held.tun().isUp());
        } catch (NativeException | RuntimeException e) {
            // the health checks report it; nothing to tell here
            return false;
        }
    }

    /** {@code ports} on the queues of {@code tun}, each old one mapped to its new one in {@code swapped}. */
    private static Port[] onNewDevice(Port[] ports, TunDevice tun, Map<Port, Port> swapped) {
        final Port[] next = new Port[ports.length];
        for (int w = 0; w < ports.length; w++) {
            next[w] = onNewDevice(ports[w], tun, w);
            swapped.put(ports[w], next[w]);
        }
        return next;
    }

    /** What runs now: the devices as started, the translator section and tenants of the last reload. */
    @Override
    public synchronized DataplaneSettings settings() {
        return settings;
    }

    /** The one line logged at start. */
    public String summary() {
        return summary;
    }

    /** The number of workers running. */
    @Override
    public int workers() {
        return agents.size();
    }

    /** The tenants' device count (for tests and the start line). */
    public synchronized int tenantDevices() {
        return tenants.size();
    }

    /**
     * The health of what runs now, as data: the first device (the IPv6 device, or plain SIIT's only one), each
     * worker's queue of it and every worker thread; plain SIIT's own device beside the IPv6 device and each
     * tenant's device as paths of their own (two setns, an if_nametoindex and a SIOCGIFFLAGS per device in a
     * namespace: cheap enough for a poll every 150 ms, and it touches no queue the workers use); and every worker's
     * heartbeat. Tenants without a device here are not listed: there is nothing to watch for them.
     */
    @Override
    public long heartbeat(int w) {
        return agents.get(w).heartbeat();
    }

    @Override
    public Path countersFile() {
        return counters.path();
    }

    @Override
    public DataplaneHealth health() {
        final long[] beats = new long[agents.size()];
        for (int w = 0; w < beats.length; w++) {
            beats[w] = agents.get(w).heartbeat();
        }
        // one read of each: the health thread's own re-attach may replace them between two health checks
        final Device ipv6 = this.ipv6;
        final Device global = this.global;
        final Port[] globalPorts = this.globalPorts;
        final Device first = ipv6 != null ? ipv6 : global;
        final Port[] firstPorts = ipv6 != null ? ipv6Ports : globalPorts;
        final Set<String> suspect = new HashSet<>();
        String problem = first.problem();
        if (problem != null) {
            suspect.add(first.where());
        } else {
            problem = queueProblem(firstPorts, first.name());
        }
        if (problem == null) {
            final Thread[] threads = new Thread[runners.size()];
            for (int w = 0; w < threads.length; w++) {
                threads[w] = runners.get(w).thread();
            }
            problem = workersProblem(first.name(), threads);
        }
        final Map<String, String> paths = new HashMap<>();
        // with one device its failure is everybody's; beside the IPv6 device plain SIIT's fails alone
        if (ipv6 != null && global != null) {
            String globalProblem = global.problem();
            if (globalProblem != null) {
                suspect.add(global.where());
            } else if (queueProblem(globalPorts, global.name()) != null) {
                globalProblem = "a worker's queue of " + global.name() + " failed (see the log)";
            }
            if (globalProblem != null) {
                paths.put(DataplaneHealth.GLOBAL_PATH, globalProblem);
            }
        }
        for (final Map.Entry<String, TenantDevice> e : watched.entrySet()) {
            final String p = e.getValue().device().problem();
            if (p != null) {
                paths.put(e.getKey(), p);
                suspect.add(e.getValue().device().where());
            }
        }
        suspects = suspect;
        return new DataplaneHealth(problem, paths, beats);
    }

    private static String queueProblem(Port[] ports, String device) {
        for (int w = 0; w < ports.length; w++) {
            if (ports[w].failed()) {
                return "worker " + w + "'s queue of " + device + " failed (see the log)";
            }
        }
        return null;
    }

    /** Null while every worker thread runs, else how many stopped (a thread that died of an error). */
    static String workersProblem(String device, Thread[] threads) {
        int alive = 0;
        for (final Thread t : threads) {
            if (t != null && t.isAlive()) {
                alive++;
            }
        }
        return alive == threads.length ? null : (threads.length - alive) + " of " + threads.length + " workers on "
            + device + " have stopped";
    }

    /**
     * Why the device {@code name} in namespace {@code netns}, which had interface index {@code ifindex} when it was
     * opened, cannot forward now, or null: gone, replaced by another device of that name (the name would be up, but
     * the queues xlat holds are dead), or administratively down.
     */
    static String deviceProblem(String name, String netns, int ifindex, LinkState link) {
        final String where = where(name, netns);
        try {
            final int now = ifindex(name, netns);
            if (now == 0) {
                return "device " + where + " is gone";
            }
            if (now != ifindex) {
                return "device " + where + " was deleted and another took its name (re-attaching)";
            }
            return link.isUp() ? null : "device " + where + " is down";
        } catch (NativeException | RuntimeException gone) {
            return "device " + where + " is gone (" + gone.getMessage() + ")";
        }
    }

    /** "name", or "name in netns ns": how the log names a device. */
    static String where(String name, String netns) {
        return name + (netns == null ? "" : " in netns " + netns);
    }

    /**
     * Device names as C strings, made once: the health thread asks for every device's index several times a
     * second, and converting the name on each call was most of what a running xlat allocated.
     */
    private static final Map<String, byte[]> C_NAMES = new ConcurrentHashMap<>();

    private static byte[] cName(String name) {
        final byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(ascii, ascii.length + 1);
    }

    /** The device's interface index in its namespace, 0 when there is none of that name. */
    static int ifindex(String name, String netns) throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            return LinuxNative.LIBC.if_nametoindex(C_NAMES.computeIfAbsent(name, Dataplane::cName));
        } finally {
            inside.close();
        }
    }

    /**
     * Stops the workers (each publishes its last counters), closes every device (a device this process created
     * goes away; a persistent one stays) and marks the counters file stopped. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watched = Map.of();
        for (final AgentRunner runner : runners) {
            runner.close();
        }
        for (final TenantDevice device : tenants.values()) {
            device.device().tun().close();
        }
        for (final TunDevice device : orphans) {
            device.close();
        }
        if (global != null) {
            global.tun().close();
        }
        if (ipv6 != null) {
            ipv6.tun().close();
        }
        final long[] totals = totals(counters.manager());
        if (trace != null) {
            // the workers stopped: nothing writes the ring any more
            trace.close();
            try {
                Files.deleteIfExists(trace.path());
            } catch (IOException e) {
                log.info("removing the trace file: " + e.getMessage());
            }
        }
        try {
            counters.close();
            if (!counters.path().equals(started.countersFile())) {
                // a per-process fallback name nobody will look up again: do not let them pile up in /run
                Files.deleteIfExists(counters.path());
            }
        } catch (IOException e) {
            log.info("closing the counters file: " + e.getMessage());
        }
        if (started.siitOnly()) {
            log.info("stopped: " + global.name() + " closed" + (global.tun().existed()
                ? " (the persistent device stays)" : "") + ", " + totals[0] + " packets read, " + totals[1]
                + " written");
        } else {
            log.info("stopped: " + ipv6.name() + (global == null ? "" : ", " + global.name()) + " and "
                + tenants.size() + " tenant devices closed");
        }
    }

    /** Packets read and written over every device, as the workers published them last. */
    private static long[] totals(CountersReader reader) {
        final long[] totals = new long[2];
        reader.forEach((id, typeId, key, label) -> {
            final CounterKey k = CounterKey.read(typeId, key);
            if (k != null && k.typeId() == CounterKey.DEVICE_TYPE_ID && k.metric() == DeviceMetric.RX_PACKETS.id()) {
                totals[0] += reader.getCounterValue(id);
            } else if (k != null && k.typeId() == CounterKey.DEVICE_TYPE_ID
                && k.metric() == DeviceMetric.TX_PACKETS.id()) {
                totals[1] += reader.getCounterValue(id);
            }
        });
        return totals;
    }
}
