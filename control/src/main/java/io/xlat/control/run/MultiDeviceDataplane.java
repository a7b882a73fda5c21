package io.xlat.control.run;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.agent.GlobalPort;
import io.xlat.tunio.agent.TenantPorts;
import io.xlat.tunio.agent.MultiDeviceWorkerAgent;
import io.xlat.tunio.agent.TunWorkerAgent;
import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.NativeException;
import io.xlat.tunio.tun.NetworkNamespace;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.TunDevice;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The data plane on several devices: the host's IPv6 device for every instance prefix and for the global path,
 * one IPv4 TUN device per tenant (inside the tenant's network namespace when configured), and optionally the
 * global path's device ({@code ipv4-tun}: plain SIIT on a device pair; or {@code siit-tun}: both families on one
 * device, beside the tenants), served by {@code workers} {@link MultiDeviceWorkerAgent}s. Every
 * device is opened multi-queue with one queue per worker; worker {@code w} reads queue {@code w} of each and
 * writes what it translates to queue {@code w} of the target, while the kernel keeps each flow on one queue by
 * hash. {@link #reload} swaps the translator section and the tenant set while the workers run: devices of new
 * tenants are opened first, every worker switches to the new generation (new translator, new tenant table) between
 * its batches, and only once all have are the devices of removed tenants closed, so a tenant that stays never
 * stops forwarding.
 */
public final class MultiDeviceDataplane implements AutoCloseable {

    /** How many tenants' counters the file has room for beyond those configured at start, for reloads. */
    static final int SPARE_TENANTS = 64;

    private final RunLog log;
    private final TunDevice ipv6Device;
    /** The global path's device (ipv4-tun or siit-tun), or null. */
    private final TunDevice globalDevice;
    /** Its interface index at start: another index under its name means it was deleted and created again. */
    private final int globalIfindex;
    private final CountersFile counters;
    private final List<MultiDeviceWorkerAgent> agents;
    private final List<AgentRunner> runners;
    private final Path requestedCounters;
    /** The tenants' open devices and counters by tenant name; changed by start, reload and close only. */
    private final Map<String, Port> ports;
    /**
     * The ports as of the last start or reload, for {@link #deviceProblems}: the health poll reads it without the
     * lock, which a reload holds while it waits for the workers to switch (up to
     * {@link WorkerTranslators#SWITCH_TIMEOUT_MILLIS}).
     */
    private volatile Map<String, Port> watched;
    /** Ports a failed switch left open: a worker may still read them, so they close only at stop. */
    private final List<Port> orphans = new ArrayList<>();
    private MultiDeviceRunSettings settings;
    /** The workers' ICMP error budget and id key, kept across reloads. */
    private WorkerTranslators.Shared shared;
    /** The settings the devices were opened with: a reload changes the translator and the tenants only. */
    private final MultiDeviceRunSettings started;
    private boolean closed;

    /**
     * One tenant's device and, by worker, that worker's counters of it; kept across reloads while the tenant's
     * name, device and namespace stay.
     */
    private record Port(String tun, String netns, TunDevice device, int ifindex, DeviceCounters[] counters,
        WorkerCounters[] published) {

        boolean sameDevice(TenantConfig tenant) {
            return tun.equals(tenant.tun()) && Objects.equals(netns, tenant.netns());
        }

        /** Whether the device of this name in its namespace is still the one this port holds. */
        boolean stillAttached() {
            try {
                return MultiDeviceDataplane.ifindex(tun, netns) == ifindex;
            } catch (NativeException | RuntimeException e) {
                return false;
            }
        }

        void close() {
            device.close();
            for (final WorkerCounters p : published) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private MultiDeviceDataplane(MultiDeviceRunSettings settings, RunLog log, TunDevice ipv6Device,
        TunDevice globalDevice, CountersFile counters, List<MultiDeviceWorkerAgent> agents, Map<String, Port> ports,
        WorkerTranslators.Shared shared) {
        this.shared = shared;
        this.settings = settings;
        this.started = settings;
        this.log = log;
        this.ipv6Device = ipv6Device;
        this.globalDevice = globalDevice;
        this.globalIfindex = globalDevice == null ? 0 : LinuxNative.LIBC.if_nametoindex(globalDevice.name());
        this.counters = counters;
        this.agents = agents;
        this.runners = new ArrayList<>();
        this.ports = ports;
        this.watched = Map.copyOf(ports);
        this.requestedCounters = settings.countersFile();
    }

    /** Opens every device and the counters file, starts the workers and logs one line per device and tenant. */
    public static MultiDeviceDataplane start(MultiDeviceRunSettings settings, RunLog log) throws IOException {
        final long pid = ProcessHandle.current().pid();
        final int capacity = (settings.tenants().size() + 2 + SPARE_TENANTS) * WorkerCounters.perWorker()
            * settings.workers() + SiitDataplane.SPARE_COUNTERS;
        final CountersFile counters = openCounters(settings, capacity, pid, log);
        TunDevice ipv6 = null;
        TunDevice global = null;
        final Map<String, Port> opened = new HashMap<>();
        try {
            ipv6 = TunDevice.open(settings.ipv6Tun(), settings.workers(), null, settings.offload());
            if (!ipv6.existed()) {
                ipv6.mtu(settings.translator().ipv6Mtu());
            }
            ipv6.up();
            final int workers = ipv6.queueCount();
            final String globalRole = settings.globalTun() == null ? "no plain SIIT (no ipv4-tun or siit-tun)"
                : settings.globalBothFamilies() ? "not plain SIIT's (on " + settings.globalTun() + ")"
                : "plain SIIT's (pool6 and the EAM entries, IPv4 on " + settings.globalTun() + ")";
            log.info("device " + ipv6.name() + ": IPv6 of " + settings.tenants().size() + " tenants' instance "
                + "prefixes, " + globalRole + ", mtu " + ipv6.mtu()
                + (ipv6.existed() ? " (existing device)" : " (created)") + ", " + workers
                + (workers == 1 ? " queue" : " queues"));
            if (workers < settings.workers()) {
                log.info(ipv6.name() + " is a single-queue device: 1 worker instead of " + settings.workers()
                    + " (create it with 'ip tuntap add dev " + ipv6.name() + " mode tun multi_queue' for more)");
            }
            if (settings.globalTun() != null) {
                global = openGlobal(settings, workers, log);
            }
            final TenantPorts[] first = generation(settings, workers, Map.of(), opened, counters, null, log);
            final WorkerTranslators.Shared shared = WorkerTranslators.Shared.create(settings.translator());
            final List<MultiDeviceWorkerAgent> agents = agents(settings, ipv6, global, first, counters, shared, log);
            final MultiDeviceDataplane dataplane = new MultiDeviceDataplane(settings, log, ipv6, global, counters,
                agents, opened, shared);
            dataplane.startRunners();
            log.info("started: " + ipv6.name() + (global == null ? "" : " and " + global.name()) + ", "
                + settings.tenants().size() + " tenants, " + opened.size() + " tenant devices, workers " + workers
                + ", counters " + counters.path() + ", pid " + pid);
            return dataplane;
        } catch (IOException | RuntimeException e) {
            for (final Port port : opened.values()) {
                port.device().close();
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

    /** The global path's device: ipv4-tun (IPv4 only) or siit-tun (both families), a queue per worker. */
    private static TunDevice openGlobal(MultiDeviceRunSettings settings, int workers, RunLog log) throws IOException {
        final TunDevice device = TunDevice.open(settings.globalTun(), workers, null, settings.offload());
        try {
            if (!device.existed()) {
                device.mtu(settings.globalBothFamilies()
                    ? Math.max(settings.translator().ipv4Mtu(), settings.translator().ipv6Mtu())
                    : settings.translator().ipv4Mtu());
            }
            device.up();
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        log.info("device " + device.name() + " (dataplane." + settings.globalRole() + "): "
            + (settings.globalBothFamilies() ? "both families of pool6 and the EAM entries" : "IPv4 of pool6 and the "
            + "EAM entries, their IPv6 on " + settings.ipv6Tun()) + ", mtu " + device.mtu()
            + (device.existed() ? " (existing device)" : " (created)") + ", " + device.queueCount()
            + (device.queueCount() == 1 ? " queue" : " queues"));
        if (device.queueCount() < workers) {
            log.info(device.name() + " is a single-queue device: worker 0 alone reads it (create it with 'ip tuntap"
                + " add dev " + device.name() + " mode tun multi_queue' to spread it over all " + workers
                + " workers)");
        }
        return device;
    }

    private static List<MultiDeviceWorkerAgent> agents(MultiDeviceRunSettings settings, TunDevice ipv6,
        TunDevice global, TenantPorts[] first, CountersFile counters, WorkerTranslators.Shared shared, RunLog log) {
        final Translator[] translators = WorkerTranslators.build(settings.translator(), null, first.length,
            shared);
        final List<MultiDeviceWorkerAgent> agents = new ArrayList<>();
        for (int w = 0; w < first.length; w++) {
            final GlobalPort globalPort = global == null ? null : new GlobalPort(
                w < global.queueCount() ? global.queue(w) : null, global.queue(w % global.queueCount()),
                settings.globalBothFamilies(), new DeviceCounters(),
                new WorkerCounters(counters.manager(), global.name(), w));
            agents.add(new MultiDeviceWorkerAgent(w, ipv6.queue(w), new DeviceCounters(),
                new WorkerCounters(counters.manager(), ipv6.name(), w), globalPort, translators[w], first[w], log,
                SystemNanoClock.INSTANCE, TunWorkerAgent.DEFAULT_BATCH));
        }
        return agents;
    }

    /** The global drop counters of each worker's translator, which a reload's translators take over. */
    private static DropCounters[] drops(List<MultiDeviceWorkerAgent> agents) {
        final DropCounters[] drops = new DropCounters[agents.size()];
        for (int w = 0; w < drops.length; w++) {
            drops[w] = agents.get(w).translator().counters();
        }
        return drops;
    }

    private void startRunners() {
        for (final MultiDeviceWorkerAgent agent : agents) {
            final AgentRunner runner = new AgentRunner(idle(settings.busy()), log, null, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner, r -> {
                final Thread thread = new Thread(r, agent.roleName());
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    private static IdleStrategy idle(boolean busy) {
        // a worker reads many descriptors in turn: poll(2) on one of them would miss the others
        return busy ? new BusySpinIdleStrategy() : new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static CountersFile openCounters(MultiDeviceRunSettings settings, int capacity, long pid, RunLog log)
        throws IOException {
        final long now = System.currentTimeMillis();
        try {
            return CountersFile.create(settings.countersFile(), capacity, pid, now);
        } catch (CountersFile.InUseException e) {
            if (!settings.countersFileDefault()) {
                throw new IOException(e.getMessage() + "; give each instance its own dataplane.counters-file", e);
            }
            final Path own = settings.countersFile().resolveSibling(settings.countersFile().getFileName() + "-" + pid);
            log.info(e.getMessage() + "; using " + own + " (xlat stats --counters-file " + own + ")");
            return CountersFile.create(own, capacity, pid, now);
        }
    }

    /**
     * Builds a generation for {@code settings}, one {@link TenantPorts} per worker: keeps the ports in
     * {@code current} whose tenant kept its device, opens the others and puts every port of the new generation into
     * {@code next}. On failure the devices this call opened are closed again and {@code next} holds only kept ports.
     */
    private static TenantPorts[] generation(MultiDeviceRunSettings settings, int workers, Map<String, Port> current,
        Map<String, Port> next, CountersFile counters, Translator[] translators, RunLog log) throws IOException {
        final TenantTable table = new TenantTable(settings.tenants());
        final int n = table.size();
        final PacketQueue[][] reads = new PacketQueue[workers][n];
        final PacketQueue[][] writes = new PacketQueue[workers][n];
        final DeviceCounters[][] deviceCounters = new DeviceCounters[workers][n];
        final WorkerCounters[][] published = new WorkerCounters[workers][n];
        final List<Port> fresh = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                final TenantConfig tenant = table.get(i).config();
                if (tenant.tun() == null) {
                    log.info("tenant " + tenant.name() + ": no tun: key, so no device here; IPv6 for its prefix "
                        + "is counted as no-device on " + settings.ipv6Tun());
                    continue;
                }
                Port port = current.get(tenant.name());
                if (port != null && port.sameDevice(tenant) && !port.stillAttached()) {
                    // deleted and created again since: the queues held are dead, attach to the new device
                    log.info("tenant " + tenant.name() + ": device " + tenant.tun() + " was deleted and created "
                        + "again; attaching to the new one");
                    port = null;
                }
                if (port == null || !port.sameDevice(tenant)) {
                    port = open(settings, tenant, workers, counters, log);
                    fresh.add(port);
                }
                next.put(tenant.name(), port);
                final TunDevice device = port.device();
                for (int w = 0; w < workers; w++) {
                    // a single-queue device is read by worker 0 alone, so that its flows stay in order; any
                    // worker may write to it
                    reads[w][i] = w < device.queueCount() ? device.queue(w) : null;
                    writes[w][i] = device.queue(w % device.queueCount());
                    deviceCounters[w][i] = port.counters()[w];
                    published[w][i] = port.published()[w];
                }
            }
            final TenantPorts[] generation = new TenantPorts[workers];
            for (int w = 0; w < workers; w++) {
                generation[w] = new TenantPorts(table, w, reads[w], writes[w], deviceCounters[w], published[w], log,
                    translators == null ? null : translators[w]);
            }
            return generation;
        } catch (IOException | RuntimeException e) {
            for (final Port port : fresh) {
                next.values().remove(port);
                port.close();
            }
            throw e;
        }
    }

    /** Opens a tenant's device with a queue per worker, and its counters in the file, or nothing. */
    private static Port open(MultiDeviceRunSettings settings, TenantConfig tenant, int workers, CountersFile counters,
        RunLog log) throws IOException {
        if (counters.manager().available() < WorkerCounters.perWorker() * workers) {
            throw new IOException("the counters file has no room for tenant " + tenant.name()
                + "'s counters: restart xlat to add this many tenants");
        }
        final TunDevice device = TunDevice.open(tenant.tun(), workers, tenant.netns(), settings.offload());
        final DeviceCounters[] deviceCounters = new DeviceCounters[workers];
        final WorkerCounters[] published = new WorkerCounters[workers];
        final int ifindex;
        try {
            ifindex = ifindex(tenant.tun(), tenant.netns());
        } catch (NativeException | RuntimeException e) {
            device.close();
            throw e;
        }
        final Port port = new Port(tenant.tun(), tenant.netns(), device, ifindex, deviceCounters, published);
        try {
            if (!device.existed()) {
                device.mtu(settings.translator().ipv4Mtu());
            }
            device.up();
            for (int w = 0; w < workers; w++) {
                deviceCounters[w] = new DeviceCounters();
                published[w] = new WorkerCounters(counters.manager(), tenant.tun(), w);
            }
        } catch (IOException | RuntimeException e) {
            port.close();
            throw e;
        }
        log.info("tenant " + tenant.name() + ": device " + tenant.tun()
            + (tenant.netns() == null ? "" : " in netns " + tenant.netns())
            + (device.existed() ? " (existing)" : " (created)") + ", " + device.queueCount()
            + (device.queueCount() == 1 ? " queue" : " queues") + ", prefix " + tenant.prefix() + ", ipv4 "
            + tenant.ipv4() + ", " + tenant.services().size() + " services");
        if (device.queueCount() < workers) {
            log.info("tenant " + tenant.name() + ": " + tenant.tun() + " is a single-queue device: worker 0 alone"
                + " reads it (create it with 'ip tuntap add dev " + tenant.tun() + " mode tun multi_queue' to"
                + " spread it over all " + workers + " workers)");
        }
        return port;
    }

    /**
     * Applies a new translator section and tenant set: builds new translators, opens new tenants' devices,
     * switches every worker over between two of its batches, then closes the devices of tenants that are gone.
     * The devices, workers and counters file ({@code dataplane:}) stay as started: changes there are logged and
     * wait for a restart. An error before the switch (a device that cannot open) changes nothing and the
     * exception says why. A worker that does not switch in time (stuck, or its thread dead) does not undo it: the
     * others run the new configuration, that worker takes it when it comes round, and devices the new one dropped
     * stay open until stop, since that worker may still use them.
     */
    public synchronized void reload(MultiDeviceRunSettings next) throws IOException {
        if (closed) {
            throw new IllegalStateException("the data plane is stopped");
        }
        for (final TenantConfig tenant : next.tenants()) {
            // validation checks the new file's own names; these are the running devices', which a reload keeps
            if (tenant.tun() != null && tenant.netns() == null && (tenant.tun().equals(started.ipv6Tun())
                || tenant.tun().equals(started.globalTun()))) {
                throw new IOException("tenant " + tenant.name() + ": tun '" + tenant.tun() + "' is a device this "
                    + "xlat runs as dataplane." + (tenant.tun().equals(started.ipv6Tun()) ? "ipv6-tun"
                    : started.globalRole()) + " until a restart");
            }
        }
        final List<String> restart = restartOnly(started, next);
        if (!restart.isEmpty()) {
            log.info("reload: " + String.join(", ", restart) + " changed; that takes a restart, the running devices"
                + " stay; applying the translator section and the tenants");
        }
        // new tenant devices open as the running ones did (offloads, workers): the file's dataplane section waits
        final MultiDeviceRunSettings applied = withStartedDevices(next);
        final Map<String, Port> kept = new HashMap<>();
        final TenantPorts[] generation = generation(applied, agents.size(), ports, kept, counters,
            WorkerTranslators.build(next.translator(), drops(agents), agents.size(), shared.follow(next.translator())),
            log);
        shared = shared.follow(next.translator());
        for (int w = 0; w < agents.size(); w++) {
            agents.get(w).offer(generation[w]);
        }
        boolean allSwitched = true;
        try {
            WorkerTranslators.awaitSwitch(agents.size(), w -> agents.get(w).current() == generation[w]);
        } catch (IOException e) {
            allSwitched = false;
            log.info("reload: " + e.getMessage() + "; the others run the new configuration, it takes it when it "
                + "comes round, and the devices of removed tenants stay open until stop");
        }
        int removed = 0;
        for (final Map.Entry<String, Port> old : ports.entrySet()) {
            if (kept.get(old.getKey()) != old.getValue()) {
                if (allSwitched) {
                    old.getValue().close();
                } else {
                    // a worker still on the old generation may read it
                    orphans.add(old.getValue());
                }
                removed++;
            }
        }
        final int added = (int) kept.values().stream().filter(p -> !ports.containsValue(p)).count();
        ports.clear();
        ports.putAll(kept);
        watched = Map.copyOf(ports);
        settings = applied;
        log.info("reloaded: translator section and " + next.tenants().size() + " tenants, " + added
            + " devices opened, " + removed + " closed");
    }

    /** The {@code dataplane:} keys whose change a reload cannot apply, as the file names them. */
    static List<String> restartOnly(MultiDeviceRunSettings running, MultiDeviceRunSettings next) {
        final List<String> keys = new ArrayList<>();
        if (!running.ipv6Tun().equals(next.ipv6Tun())) {
            keys.add("dataplane.ipv6-tun");
        }
        if (!Objects.equals(running.globalTun(), next.globalTun())
            || running.globalBothFamilies() != next.globalBothFamilies()) {
            keys.add(running.globalRole() != null ? "dataplane." + running.globalRole()
                : "dataplane." + next.globalRole());
        }
        if (running.workers() != next.workers()) {
            keys.add("dataplane.workers");
        }
        if (!running.countersFile().equals(next.countersFile())) {
            keys.add("dataplane.counters-file");
        }
        if (running.manageRoutes() != next.manageRoutes()) {
            keys.add("dataplane.manage-routes");
        }
        if (running.offload() != next.offload()) {
            keys.add("dataplane.offload");
        }
        if (running.busy() != next.busy()) {
            keys.add("the idle mode");
        }
        return keys;
    }

    /** What runs now: the devices as started, the translator section and tenants of the last reload. */
    public synchronized MultiDeviceRunSettings settings() {
        return withStartedDevices(settings);
    }

    /** {@code next}'s translator section and tenants on the devices, workers and offloads this plane started with. */
    private MultiDeviceRunSettings withStartedDevices(MultiDeviceRunSettings next) {
        return new MultiDeviceRunSettings(next.config(), started.ipv6Tun(), started.countersFile(),
            started.countersFileDefault(), started.busy(), next.translator(), next.tenants(), started.manageRoutes(),
            started.workers(), started.globalTun(), started.globalBothFamilies(), started.offload());
    }

    /** Null while every worker reads its queue of the IPv6 device, else which failed (a health check). */
    public String ipv6QueueProblem() {
        for (int w = 0; w < agents.size(); w++) {
            if (agents.get(w).ipv6Failed()) {
                return "worker " + w + "'s queue of " + ipv6Device.name() + " failed (see the log)";
            }
        }
        return null;
    }

    private boolean globalQueueFailed() {
        for (final MultiDeviceWorkerAgent agent : agents) {
            if (agent.globalFailed()) {
                return true;
            }
        }
        return false;
    }

    /** Worker {@code w}'s heartbeat (see {@code TunWorkerAgent#heartbeat}). */
    public long heartbeat(int w) {
        return agents.get(w).heartbeat();
    }

    /** The counters file in use (a per-process name when the default was taken by another xlat). */
    public Path countersFile() {
        return counters.path();
    }

    /** The number of workers running. */
    public int workers() {
        return agents.size();
    }

    /**
     * The tenants whose device cannot forward now, with why: the device this process holds is gone or
     * administratively down, or another device took its name (asked in its own namespace by name: two setns, an
     * if_nametoindex and a SIOCGIFFLAGS per tenant, cheap enough for the health monitor's 150 ms poll, and it
     * touches no queue the workers use). Tenants without a device here are not listed: there is nothing to watch
     * for them. Empty once stopped.
     */
    public Map<String, String> deviceProblems() {
        final Map<String, String> problems = new HashMap<>();
        // without a global device pool6 and EAM are never announced (BgpControl), so there is nothing to report
        if (globalDevice != null) {
            try {
                final int now = LinuxNative.LIBC.if_nametoindex(globalDevice.name());
                if (now == 0) {
                    problems.put(BgpControl.GLOBAL_PATH, "device " + globalDevice.name() + " is gone");
                } else if (now != globalIfindex) {
                    problems.put(BgpControl.GLOBAL_PATH, "device " + globalDevice.name() + " was deleted and "
                        + "another took its name: restart xlat to attach to it");
                } else if (globalQueueFailed()) {
                    problems.put(BgpControl.GLOBAL_PATH, "a worker's queue of " + globalDevice.name()
                        + " failed (see the log)");
                } else if (!globalDevice.isUp()) {
                    problems.put(BgpControl.GLOBAL_PATH, "device " + globalDevice.name() + " is down");
                }
            } catch (NativeException | RuntimeException gone) {
                problems.put(BgpControl.GLOBAL_PATH, "device " + globalDevice.name() + " is gone ("
                    + gone.getMessage() + ")");
            }
        }
        for (final Map.Entry<String, Port> e : watched.entrySet()) {
            final Port port = e.getValue();
            final String where = port.tun() + (port.netns() == null ? "" : " in netns " + port.netns());
            try {
                // the index tells the device this process holds from one created under the same name after it
                // was deleted: the name would be up, but the queues xlat holds are dead
                final int now = ifindex(port.tun(), port.netns());
                if (now == 0) {
                    problems.put(e.getKey(), "device " + where + " is gone");
                } else if (now != port.ifindex()) {
                    problems.put(e.getKey(), "device " + where + " was deleted and another took its name: restart"
                        + " xlat to attach to it");
                } else if (!port.device().isUp()) {
                    problems.put(e.getKey(), "device " + where + " is down");
                }
            } catch (NativeException | RuntimeException gone) {
                problems.put(e.getKey(), "device " + where + " is gone (" + gone.getMessage() + ")");
            }
        }
        return problems;
    }

    /** The device's interface index in its namespace, 0 when there is none of that name. */
    private static int ifindex(String name, String netns) throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            return LinuxNative.LIBC.if_nametoindex(name);
        } finally {
            inside.close();
        }
    }

    /** The tenants' device count (for tests and the start line). */
    public synchronized int tenantDevices() {
        return ports.size();
    }

    /** Stops the workers, closes every device and the counters file. Idempotent. */
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
        for (final Port port : ports.values()) {
            port.device().close();
        }
        for (final Port port : orphans) {
            port.device().close();
        }
        if (globalDevice != null) {
            globalDevice.close();
        }
        ipv6Device.close();
        try {
            counters.close();
            if (!counters.path().equals(requestedCounters)) {
                Files.deleteIfExists(counters.path());
            }
        } catch (IOException e) {
            log.info("closing the counters file: " + e.getMessage());
        }
        log.info("stopped: " + ipv6Device.name() + (globalDevice == null ? "" : ", " + globalDevice.name()) + " and "
            + ports.size() + " tenant devices closed");
    }
}
