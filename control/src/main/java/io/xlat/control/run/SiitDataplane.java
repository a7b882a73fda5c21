package io.xlat.control.run;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.agent.QueuePollIdleStrategy;
import io.xlat.tunio.agent.TunWorkerAgent;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.TunDevice;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Plain SIIT on one TUN device carrying both families (as TAYGA does): one worker agent per device queue, each
 * with its own translator, all writing their counters to one counters file. {@link #start} opens everything or
 * nothing; {@link #close} stops the workers first, then closes the device and the counters file.
 */
public final class SiitDataplane implements AutoCloseable {

    /** Counters beyond the workers' own, so that the file need not be resized for a few more later. */
    static final int SPARE_COUNTERS = 256;

    private final RunSettings settings;
    private final RunLog log;
    private final TunDevice device;
    private final CountersFile counters;
    private final List<TunWorkerAgent> agents;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final String summary;
    private boolean closed;
    /** The workers' ICMP error budget and id key, kept across reloads. */
    private WorkerTranslators.Shared shared;

    private SiitDataplane(RunSettings settings, RunLog log, TunDevice device, CountersFile counters,
        List<TunWorkerAgent> agents, String summary, WorkerTranslators.Shared shared) {
        this.shared = shared;
        this.settings = settings;
        this.log = log;
        this.device = device;
        this.counters = counters;
        this.agents = agents;
        this.summary = summary;
    }

    /** Opens the device and the counters file, starts the workers, and logs a one-line summary. */
    public static SiitDataplane start(RunSettings settings, RunLog log) throws IOException {
        final long pid = ProcessHandle.current().pid();
        final CountersFile counters = openCounters(settings, pid, log);
        TunDevice device = null;
        try {
            device = TunDevice.open(settings.device(), settings.workers(), null, settings.offload());
            if (settings.mtu() > 0) {
                device.mtu(settings.mtu());
            } else if (!device.existed()) {
                device.mtu(Math.max(settings.translator().ipv4Mtu(), settings.translator().ipv6Mtu()));
            }
            device.up();
            if (device.queueCount() < settings.workers()) {
                log.info(device.name() + " is a single-queue device: 1 worker instead of " + settings.workers()
                    + " (create it with 'ip tuntap add dev " + device.name() + " mode tun multi_queue' for more)");
            }
            final WorkerTranslators.Shared shared = WorkerTranslators.Shared.create(settings.translator());
            final List<TunWorkerAgent> agents = agents(settings, log, device, counters, shared);
            final String summary = summary(settings, device, counters.path(), pid);
            final SiitDataplane dataplane = new SiitDataplane(settings, log, device, counters, agents, summary,
                shared);
            dataplane.startRunners();
            log.info("started: " + summary);
            return dataplane;
        } catch (IOException | RuntimeException e) {
            if (device != null) {
                device.close();
            }
            counters.close();
            throw e;
        }
    }

    private static CountersFile openCounters(RunSettings settings, long pid, RunLog log) throws IOException {
        final int capacity = settings.workers() * WorkerCounters.perWorker() + SPARE_COUNTERS;
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

    private static List<TunWorkerAgent> agents(RunSettings settings, RunLog log, TunDevice device,
        CountersFile counters, WorkerTranslators.Shared shared) {
        final Translator[] translators = WorkerTranslators.build(settings.translator(), null, device.queueCount(),
            shared);
        final List<TunWorkerAgent> agents = new ArrayList<>();
        for (int q = 0; q < device.queueCount(); q++) {
            final WorkerCounters published = new WorkerCounters(counters.manager(), device.name(), q);
            agents.add(new TunWorkerAgent(device.queue(q), q, translators[q], new DeviceCounters(), published, log,
                SystemNanoClock.INSTANCE, TunWorkerAgent.DEFAULT_BATCH));
        }
        return agents;
    }

    /**
     * Applies a reloaded translator section: new translators (their counters run on), taken by each worker
     * between two batches, so that no packet is lost. The device and workers stay as started.
     *
     * A worker that does not take its translator in time (stuck) is logged; it takes it when it comes round.
     */
    public synchronized void reload(TranslatorConfig next) {
        if (closed) {
            throw new IllegalStateException("the data plane is stopped");
        }
        final DropCounters[] drops = new DropCounters[agents.size()];
        for (int w = 0; w < drops.length; w++) {
            drops[w] = agents.get(w).current().counters();
        }
        shared = shared.follow(next);
        final Translator[] translators = WorkerTranslators.build(next, drops, agents.size(), shared);
        for (int w = 0; w < translators.length; w++) {
            agents.get(w).offer(translators[w]);
        }
        try {
            WorkerTranslators.awaitSwitch(agents.size(), w -> agents.get(w).current() == translators[w]);
        } catch (IOException e) {
            log.info("reload: " + e.getMessage() + "; the others translate with the new section already");
        }
        log.info("reloaded: translator section applied to " + agents.size()
            + (agents.size() == 1 ? " worker" : " workers"));
    }

    private void startRunners() {
        for (final TunWorkerAgent agent : agents) {
            final AgentRunner runner = new AgentRunner(idleStrategy(settings.idle(), agent.queue()), log,
                null, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner, r -> {
                final Thread thread = new Thread(r, agent.roleName());
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    static IdleStrategy idleStrategy(RunSettings.IdleMode mode, PacketQueue queue) {
        switch (mode) {
            case BUSY:
                return new BusySpinIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            default:
                return new QueuePollIdleStrategy(queue);
        }
    }

    private static String summary(RunSettings settings, TunDevice device, Path countersPath, long pid)
        throws IOException {
        final TranslatorConfig t = settings.translator();
        final StringBuilder s = new StringBuilder("siit on ").append(device.name())
            .append(device.existed() ? " (existing device" : " (created")
            .append(", mtu ").append(device.mtu())
            .append(", ").append(device.queueCount()).append(device.queueCount() == 1 ? " queue)" : " queues)")
            .append(", pool6 ").append(t.pool6() == null ? "none" : t.pool6().toString())
            .append(", eamt ").append(t.eamt().size()).append(t.eamt().size() == 1 ? " entry" : " entries")
            .append(", ipv4-address ").append(t.ipv4Address() == null ? "none" : Ipv4Addresses.format(t.ipv4Address()))
            .append(", ipv6-address ").append(t.ipv6Address() == null ? "none"
                : Ipv6Addresses.format(t.ipv6Address().hi(), t.ipv6Address().lo()))
            .append(", ipv4-mtu ").append(t.ipv4Mtu()).append(", ipv6-mtu ").append(t.ipv6Mtu())
            .append(", workers ").append(device.queueCount())
            .append(" (idle ").append(settings.idle().name().toLowerCase(Locale.ROOT)).append(')')
            .append(", counters ").append(countersPath)
            .append(", pid ").append(pid);
        return s.toString();
    }

    /** The one line logged at start. */
    public String summary() {
        return summary;
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
     * Stops the workers (each publishes its last counters), closes the device's queues (a device this process
     * created goes away; a persistent one stays) and marks the counters file stopped. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final AgentRunner runner : runners) {
            runner.close();
        }
        device.close();
        final long[] totals = new long[2]; // packets read, written: the workers published their last values
        final CountersReader reader = counters.manager();
        reader.forEach((id, typeId, key, label) -> {
            final CounterKey k = CounterKey.read(typeId, key);
            if (k != null && k.typeId() == CounterKey.DEVICE_TYPE_ID && k.metric() == DeviceMetric.RX_PACKETS.id()) {
                totals[0] += reader.getCounterValue(id);
            } else if (k != null && k.typeId() == CounterKey.DEVICE_TYPE_ID
                && k.metric() == DeviceMetric.TX_PACKETS.id()) {
                totals[1] += reader.getCounterValue(id);
            }
        });
        try {
            counters.close();
            if (!counters.path().equals(settings.countersFile())) {
                // a per-process fallback name nobody will look up again: do not let them pile up in /run
                Files.deleteIfExists(counters.path());
            }
        } catch (IOException e) {
            log.info("closing the counters file: " + e.getMessage());
        }
        log.info("stopped: " + device.name() + " closed" + (device.existed() ? " (the persistent device stays)" : "")
            + ", " + totals[0] + " packets read, " + totals[1] + " written");
    }
}
