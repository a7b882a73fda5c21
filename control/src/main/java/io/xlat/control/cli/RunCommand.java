package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.DataplaneConfig;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.log.LogFormat;
import io.xlat.control.log.XlatLogging;
import io.xlat.control.metrics.MetricsServer;
import io.xlat.control.metrics.ReloadStatus;
import io.xlat.control.metrics.RunMetrics;
import io.xlat.control.routes.HostRoutes;
import io.xlat.control.run.BgpControl;
import io.xlat.control.run.HealthMonitor;
import io.xlat.control.run.ManagedRoutes;
import io.xlat.control.run.RunLog;
import io.xlat.control.run.RunSettings;
import io.xlat.control.run.SiitDataplane;
import io.xlat.control.run.MultiDeviceDataplane;
import io.xlat.control.run.MultiDeviceRunSettings;
import io.xlat.tunio.tun.TunDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** {@code xlat run}: the data plane on TUN devices, until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Run the translator on a TUN device until stopped.",
    description = {
        "%nTranslate between IPv4 and IPv6 on the TUN device dataplane.siit-tun (or --tun), which carries both "
            + "families (for a device pair, tenants, or both with plain SIIT, see 'Several devices' below): "
            + "route the IPv4 destinations to translate and the IPv6 prefixes (pool6, EAM) into it. "
            + "The device is created, or attached to when it exists (a persistent device from 'ip tuntap add'); "
            + "it is brought up, and its MTU set when --mtu is given or xlat created it. With "
            + "dataplane.manage-routes: true xlat routes pool6, the EAM IPv4 prefixes and its own addresses into "
            + "the device (metric 464) and removes those routes on stop; otherwise route them yourself.",
        "%nOne worker thread per device queue (dataplane.workers, default one per core; a device created without "
            + "multi_queue has one queue). Live counters go to dataplane.counters-file; read them with 'xlat stats'.",
        "%nWithout --config, the options below build the configuration: --tun and --prefix at least. With "
            + "--config, --tun, --mtu, --workers, --counters-file and --[no-]offload override the file's dataplane "
            + "section. TUN offloads are on unless turned off: TCP arrives as super-packets of up to 64 KiB, "
            + "translated once and segmented again by the kernel.",
        "%nSIGTERM or SIGINT stop it: workers stop, the device is closed (a persistent one stays), the counters "
            + "file keeps the last values.",
        "%nSeveral devices: when the file sets dataplane.ipv6-tun, one process runs every device the file names, "
            + "on the same workers: dataplane.ipv6-tun for IPv6 (the tenants' instance prefixes, and pool6 of plain "
            + "SIIT); each tenant's IPv4 device (tun:, created inside netns: when given); and plain SIIT's own "
            + "device, either dataplane.ipv4-tun (its IPv4 side, the IPv6 side being ipv6-tun: a device pair) or "
            + "dataplane.siit-tun (both families on one device). IPv6 goes to the tenant whose prefix holds its "
            + "destination, otherwise to plain SIIT. With dataplane.manage-routes: true the instance prefixes, and "
            + "pool6 and xlat's own addresses when a plain-SIIT device runs, are routed into the right device, "
            + "and a default route into each tenant device that lives in its own netns:; they follow reloads and are "
            + "removed on stop.",
        "%nSIGHUP (or 'xlat reload') re-reads the file, validates all of it, and applies the translator section "
            + "and the tenant list: every worker takes the new translator and tenant table between two batches, "
            + "new tenants' devices open, removed ones close, the others keep forwarding without a lost packet. An "
            + "invalid file is rejected in the log and the running configuration stays. The dataplane section "
            + "(devices, workers, counters file, manage-routes, offload) takes a restart; a change there is logged.",
        "%nBGP: with a bgp: section xlat connects to each peer and announces what 'xlat routes' prints, while the "
            + "data plane is healthy (its device up, its workers alive; checked every 150 ms, withdrawn within "
            + "about 300 ms of a failure, announced again on recovery). SIGHUP re-reads the routes (and the "
            + "communities) and sends only the difference. With several devices a failing device withdraws only what "
            + "it carries: a tenant's device its prefixes, plain SIIT's device pool6 and the EAM prefixes. On SIGTERM "
            + "the routes are withdrawn first, then the data plane stops, then the sessions close with a Cease.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat run --config /etc/xlat/xlat.yaml",
        "  xlat run --tun xlat0 --prefix 2001:db8:64::/96 --mtu 1520 --ipv4-address 192.0.2.254 \\",
        "           --ipv6-address 2001:db8:ffff::1",
        "",
        "Exit code 1 when the device cannot be opened (not root, device busy), 2 on a usage or configuration error."})
final class RunCommand implements Callable<Integer> {
    /** A worker whose loop has not come round for this long is stalled: its prefixes are withdrawn (issue 5). */
    static final long STALL_MILLIS = 500;


    /** The IPv4 side's MTU under --mtu without a file: the IPv6 header is 20 bytes longer than IPv4's. */
    static final int HEADER_GROWTH = 20;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = "--tun", paramLabel = "NAME",
        description = "The TUN device for both families (dataplane.siit-tun).")
    String tun;

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "Without --config: the RFC 6052 prefix (translator.pool6), e.g. 2001:db8:64::/96.")
    String prefix;

    @Option(names = "--ipv4-address", paramLabel = "ADDRESS",
        description = "Without --config: the translator's own IPv4 address, the source of the ICMPv4 errors it "
            + "sends (translator.ipv4-address). Not an address of this host: route it into the device.")
    String ipv4Address;

    @Option(names = "--ipv6-address", paramLabel = "ADDRESS",
        description = "Without --config: the translator's own IPv6 address (translator.ipv6-address).")
    String ipv6Address;

    @Option(names = "--mtu", paramLabel = "BYTES",
        description = "Set the device's MTU (--tun or siit-tun alone; with several devices, those xlat creates "
            + "get the translator's ipv4-mtu and ipv6-mtu). Without --config also the translator's ipv6-mtu, and "
            + "ipv4-mtu 20 bytes less.")
    Integer mtu;

    @Option(names = "--workers", paramLabel = "N",
        description = "Worker threads, one device queue each (dataplane.workers; default: one per core).")
    Integer workers;

    @Option(names = "--counters-file", paramLabel = "FILE",
        description = "Where the live counters go (dataplane.counters-file; default "
            + DataplaneConfig.DEFAULT_COUNTERS_FILE + ").")
    Path countersFile;

    @Option(names = "--offload", negatable = true,
        description = "TUN offloads (dataplane.offload, on by default): open the devices with virtio-net headers "
            + "and TCP segmentation offload, so that the kernel hands over TCP super-packets of up to 64 KiB, "
            + "translated as one and cut into segments again by the kernel: much less work per byte for TCP. "
            + "--no-offload reads and writes one packet at a time.")
    Boolean offload;

    @Option(names = "--idle", paramLabel = "MODE", defaultValue = "poll",
        description = "How idle workers wait: poll (default: sleep in poll(2) until a packet arrives), backoff "
            + "(park up to 1 ms, never block) or busy (spin: a full core per worker). With several devices a "
            + "worker reads many queues in turn, so poll waits as backoff does.")
    String idle;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (default: one timestamped line per event on stderr) or json (one JSON object per line: "
            + "time, level, logger, message, exception; for log collectors).")
    String logFormat;

    @Spec
    CommandSpec spec;

    /** What {@link #settings} found configured but this version does not run yet, said at start. */
    final List<String> notices = new ArrayList<>();

    @ParentCommand
    Main main;

    /** The file {@link #settings} read (or the one the flags describe), for the bgp section. */
    XlatConfig loadedConfig;

    /** The configuration generation and the last reload's outcome, for the metrics endpoint. */
    final ReloadStatus reloads = new ReloadStatus(System.currentTimeMillis());

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        configureLogging();
        if (config != null && tun == null) {
            final XlatConfig loaded;
            try {
                loaded = ConfigLoader.load(config);
            } catch (ConfigException e) {
                return ConfigErrors.report(spec.qualifiedName(), e, err);
            }
            if (loaded.dataplane().ipv6Tun() != null) {
                return runMultiDevice(loaded, err);
            }
            if (!loaded.tenants().isEmpty()) {
                throw new ParameterException(spec.commandLine(), config + ": tenants need dataplane.ipv6-tun, the "
                    + "host's IPv6 device for their instance prefixes");
            }
        }
        final RunSettings settings;
        try {
            settings = settings(Runtime.getRuntime().availableProcessors());
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, err);
        }
        final RunLog log = new RunLog(err, main != null && main.verbose());
        for (final String notice : notices) {
            log.info(notice);
        }
        // the hook before start: a signal that arrives once the workers run always finds them
        final Running<SiitDataplane> running = new Running<>(log);
        final boolean started = running.start(r -> {
            final SiitDataplane dataplane = SiitDataplane.start(settings, log);
            r.dataplane.set(dataplane);
            if (settings.manageRoutes()) {
                installRoutes(r.routes, ManagedRoutes.siit(settings.device(), settings.translator()), dataplane,
                    r.dataplane);
            }
            if (loadedConfig != null && loadedConfig.bgp().enabled()) {
                startBgp(loadedConfig, HostRoutes.of(settings.translator(), List.of()),
                    List.of(HealthMonitor.deviceUp(settings.device()),
                        HealthMonitor.workersAlive(settings.device(), dataplane.workers()),
                        HealthMonitor.workersBeating(settings.device(), dataplane.workers(), dataplane::heartbeat,
                            STALL_MILLIS, System::nanoTime)), r.bgp, r.health, log);
                statusFile(r.bgp.get(), settings.countersFile());
            }
        }, err);
        if (!started) {
            return ExitCodes.FAILURE;
        }
        final SiitDataplane plain = running.dataplane.get();
        final MetricsServer metrics = RunMetrics.start(loadedConfig.metrics(), RunMetrics.of(plain.countersFile(),
            plain::workers, plain::heartbeat, List::of, settings::offload, loadedConfig.bgp().enabled(), reloads,
            "siit"), Main.Version.version(), log);
        // the JVM's default for SIGHUP is to exit: without a file to re-read, say so and keep running
        if (config != null) {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloadSiit(running.dataplane.get(), settings,
                log, settings.manageRoutes() ? running.routes : null, running.bgp.get()));
            log.info("SIGHUP (kill -HUP " + ProcessHandle.current().pid() + ") reloads " + config);
        } else {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> log.info("SIGHUP ignored: started without "
                + "--config, there is no file to re-read"));
        }
        running.await();
        if (metrics != null) {
            metrics.close();
        }
        return ExitCodes.OK;
    }

    /** Every System.Logger of the process (RunLog, the BGP sessions, Netty through java.util.logging) as asked. */
    private void configureLogging() {
        final LogFormat format;
        try {
            format = LogFormat.valueOf(logFormat.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--log-format must be text or json, got '" + logFormat
                + "'");
        }
        XlatLogging.configure(format, main != null && main.verbose());
        XlatLogging.routeJavaUtilLogging();
    }

    /**
     * Several devices: dataplane.ipv6-tun, a device per tenant and the global path's ipv4-tun or siit-tun, until
     * SIGTERM or SIGINT; SIGHUP re-reads the file and applies the translator section and the tenant changes, or
     * logs why it cannot and keeps the running set.
     */
    private Integer runMultiDevice(XlatConfig loaded, PrintWriter err) throws InterruptedException {
        final RunSettings.IdleMode idleMode = idleMode();
        final MultiDeviceRunSettings settings;
        try {
            settings = multiDeviceSettings(loaded, idleMode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final RunLog log = new RunLog(err, main != null && main.verbose());
        if (settings.globalTun() == null && (settings.translator().pool6() != null
            || !settings.translator().eamt().isEmpty())) {
            log.info("notice: pool6/EAM are configured but neither dataplane.ipv4-tun nor dataplane.siit-tun: "
                + "this xlat carries tenants only, and neither routes nor announces pool6 and the EAM prefixes");
        }
        if (mtu != null) {
            log.info("notice: --mtu applies to --tun and siit-tun alone; with several devices, devices xlat creates get"
                + " the translator's ipv4-mtu and ipv6-mtu");
        }
        final Running<MultiDeviceDataplane> running = new Running<>(log);
        final boolean started = running.start(r -> {
            final MultiDeviceDataplane dataplane = MultiDeviceDataplane.start(settings, log);
            r.dataplane.set(dataplane);
            if (settings.manageRoutes()) {
                installRoutes(r.routes, ManagedRoutes.multiDevice(settings), dataplane, r.dataplane);
            }
            if (loaded.bgp().enabled()) {
                // the shared IPv6 device and the workers hold up every prefix; each tenant's device only its own,
                // and plain SIIT's device pool6 and the EAM prefixes (reported like a tenant's)
                final BgpControl control = BgpControl.start(loaded.bgp(), settings.translator(), settings.tenants(),
                    settings.globalTun() != null, log);
                r.bgp.set(control);
                final List<HealthMonitor.Check> checks = List.of(HealthMonitor.deviceUp(settings.ipv6Tun()),
                    dataplane::ipv6QueueProblem, HealthMonitor.workersBeating(settings.ipv6Tun(), dataplane.workers(),
                        dataplane::heartbeat, STALL_MILLIS, System::nanoTime));
                final HealthMonitor monitor = new HealthMonitor(checks, control::health, dataplane::deviceProblems,
                    control::tenantsDown, log);
                r.health.set(monitor);
                monitor.start();
                statusFile(control, settings.countersFile());
            }
        }, err);
        if (!started) {
            return ExitCodes.FAILURE;
        }
        final MultiDeviceDataplane several = running.dataplane.get();
        final MetricsServer metrics = RunMetrics.start(loaded.metrics(), RunMetrics.of(several.countersFile(),
            several::workers, several::heartbeat, () -> several.settings().tenants(),
            () -> several.settings().offload(), loaded.bgp().enabled(), reloads, "multi-device"),
            Main.Version.version(), log);
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload(running.dataplane.get(), idleMode, log,
            settings.manageRoutes() ? running.routes : null, running.bgp.get()));
        log.info("SIGHUP (kill -HUP " + ProcessHandle.current().pid() + ") reloads " + config);
        running.await();
        if (metrics != null) {
            metrics.close();
        }
        return ExitCodes.OK;
    }

    /**
     * What both data planes share around their start and stop: the shutdown hook (registered before the start,
     * so that a signal that arrives once the workers run always finds them), a start that undoes itself when any
     * step fails, and the stop order of {@link #stop}.
     */
    private final class Running<D extends AutoCloseable> {
        final AtomicReference<D> dataplane = new AtomicReference<>();
        final AtomicReference<BgpControl> bgp = new AtomicReference<>();
        final AtomicReference<HealthMonitor> health = new AtomicReference<>();
        final ManagedRoutes routes;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final Thread hook;

        Running(RunLog log) {
            routes = new ManagedRoutes(log);
            hook = new Thread(() -> {
                final D running = dataplane.get();
                if (running != null) {
                    log.info("stopping (signal)");
                    stop(health.get(), bgp.get(), routes, running);
                }
                stopped.countDown();
            }, "xlat-shutdown");
            // SIGTERM and SIGINT run the shutdown hooks; the JVM exits when they return
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** Runs {@code steps}; when one fails, undoes what went up, says why and returns false. */
        boolean start(StartSteps<D> steps, PrintWriter err) {
            try {
                steps.run(this);
                return true;
            } catch (IOException | RuntimeException e) {
                stopAfterFailedStart(dataplane, health, bgp, routes);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // a signal arrived while starting: the hook runs, and finds nothing to stop
                }
                err.println(spec.qualifiedName() + ": error: " + Main.describe(e));
                if (main != null && main.verbose()) {
                    e.printStackTrace(err);
                }
                err.flush();
                return false;
            }
        }

        /** Until a signal has stopped it all. */
        void await() throws InterruptedException {
            stopped.await();
        }
    }

    /** The steps of one data plane's start, in order; any may throw to fail the start as a whole. */
    private interface StartSteps<D extends AutoCloseable> {
        void run(Running<D> running) throws IOException;
    }

    /**
     * Starts the speaker and the health monitor that withdraws its routes while a check fails. A failure here
     * fails the start: the caller's catch undoes it all ({@link #stopAfterFailedStart}).
     */
    private static void startBgp(XlatConfig loaded, HostRoutes announced, List<HealthMonitor.Check> checks,
        AtomicReference<BgpControl> bgp, AtomicReference<HealthMonitor> health, RunLog log) {
        final BgpControl control = BgpControl.start(loaded.bgp(), announced, log);
        bgp.set(control);
        final HealthMonitor monitor = new HealthMonitor(checks, control::health, log);
        health.set(monitor);
        monitor.start();
    }

    /** The sessions' state next to the counters file ({@code <counters-file>.bgp}), for {@code xlat stats}. */
    private static void statusFile(BgpControl bgp, java.nio.file.Path countersFile) {
        bgp.writeStatus(countersFile.resolveSibling(countersFile.getFileName() + ".bgp"), 1_000);
    }

    /**
     * The stop order the issue fixes: withdraw first (the fabric moves traffic away while this host still
     * forwards), then the managed routes and the data plane, then Cease.
     */
    static void stop(HealthMonitor health, BgpControl bgp, ManagedRoutes routes, AutoCloseable dataplane) {
        if (health != null) {
            health.close();
        }
        if (bgp != null) {
            bgp.withdrawForStop();
        }
        // routes before the device, while a persistent device still has them to remove
        routes.close();
        try {
            dataplane.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            if (bgp != null) {
                bgp.close();
            }
        }
    }

    /** A start that failed after the data plane came up (BGP could not start): undo it all. */
    private static <D extends AutoCloseable> void stopAfterFailedStart(AtomicReference<D> running,
        AtomicReference<HealthMonitor> health, AtomicReference<BgpControl> bgp, ManagedRoutes routes) {
        final D dataplane = running.getAndSet(null);
        if (dataplane != null) {
            stop(health.getAndSet(null), bgp.getAndSet(null), routes, dataplane);
        }
    }

    /**
     * Plain SIIT's SIGHUP: re-reads the file and applies its translator section (new translators, taken by each
     * worker between two batches), then the managed routes and the BGP announcements that follow from it. The
     * device, workers and counters file stay as started; a change there is logged.
     */
    void reloadSiit(SiitDataplane dataplane, RunSettings running, RunLog log, ManagedRoutes routes, BgpControl bgp) {
        if (dataplane == null) {
            return;
        }
        log.info("reload requested (SIGHUP): reading " + config);
        try {
            final XlatConfig loaded = ConfigLoader.load(config);
            final DataplaneConfig next = loaded.dataplane();
            if (next.ipv6Tun() != null || !loaded.tenants().isEmpty()) {
                log.info("reload: the file now has tenants or dataplane.ipv6-tun; that takes a restart (this process"
                    + " runs plain SIIT on " + running.device() + ")");
            }
            final List<String> restart = new ArrayList<>();
            if (tun == null && !running.device().equals(next.siitTun())) {
                restart.add("dataplane.siit-tun");
            }
            if (workers == null && next.workers() > 0 && next.workers() != running.workers()) {
                restart.add("dataplane.workers");
            }
            if (countersFile == null && !running.countersFile().equals(Path.of(next.countersFile()))) {
                restart.add("dataplane.counters-file");
            }
            if (next.manageRoutes() != running.manageRoutes()) {
                restart.add("dataplane.manage-routes");
            }
            if (offload == null && next.offload() != running.offload()) {
                restart.add("dataplane.offload");
            }
            if (!restart.isEmpty()) {
                log.info("reload: " + String.join(", ", restart) + " changed; that takes a restart, applying the "
                    + "translator section");
            }
            dataplane.reload(loaded.translator());
            if (routes != null) {
                try {
                    routes.apply(ManagedRoutes.siit(running.device(), loaded.translator()));
                } catch (IOException | RuntimeException e) {
                    log.info("reload: routes not brought in step with the new translator section: "
                        + Main.describe(e));
                }
            }
            if (bgp != null) {
                bgp.reload(loaded.bgp().enabled() ? loaded.bgp() : bgp.config(),
                    HostRoutes.of(loaded.translator(), List.of()));
            }
            reloads.applied(System.currentTimeMillis());
        } catch (ConfigException e) {
            reloads.rejected(System.currentTimeMillis());
            log.info("reload rejected, the running configuration stays" + reasons(e));
        } catch (RuntimeException e) {
            reloads.failed(System.currentTimeMillis());
            log.info("reload failed, the running configuration stays: " + Main.describe(e));
        }
    }

    private static String reasons(ConfigException e) {
        final StringBuilder reasons = new StringBuilder();
        for (final io.xlat.control.config.ConfigError error : e.errors()) {
            reasons.append("; ").append(error);
        }
        return reasons.toString();
    }

    /**
     * Installs the routes once the devices are open; when that fails, removes what went in and stops the data
     * plane again, so that the start fails as a whole.
     */
    private static <D extends AutoCloseable> void installRoutes(ManagedRoutes routes, List<ManagedRoutes.Route> wanted,
        D dataplane, AtomicReference<D> running) throws IOException {
        try {
            routes.apply(wanted);
        } catch (IOException | RuntimeException e) {
            routes.close();
            running.set(null);
            try {
                dataplane.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Re-reads the file and applies its translator section and tenants; any error is logged and the running
     * configuration stays as it is. With {@code routes}, the managed routes follow (a failure there is logged;
     * the data plane runs).
     */
    void reload(MultiDeviceDataplane dataplane, RunSettings.IdleMode idleMode, RunLog log, ManagedRoutes routes,
        BgpControl bgp) {
        if (dataplane == null) {
            return;
        }
        log.info("reload requested (SIGHUP): reading " + config);
        try {
            final XlatConfig loaded = ConfigLoader.load(config);
            final MultiDeviceRunSettings next = multiDeviceSettings(loaded, idleMode);
            dataplane.reload(next);
            // routes and announcements follow what runs: the new translator and tenants on the started devices
            final MultiDeviceRunSettings applied = dataplane.settings();
            if (bgp != null) {
                bgp.reload(loaded.bgp().enabled() ? loaded.bgp() : bgp.config(), applied.translator(),
                    applied.tenants(), applied.globalTun() != null);
            }
            if (routes != null) {
                try {
                    routes.apply(ManagedRoutes.multiDevice(applied));
                } catch (IOException | RuntimeException e) {
                    log.info("reload: routes not brought in step with the new configuration: " + Main.describe(e));
                }
            }
            reloads.applied(System.currentTimeMillis());
        } catch (ConfigException e) {
            reloads.rejected(System.currentTimeMillis());
            log.info("reload rejected, the running configuration stays" + reasons(e));
        } catch (IOException | RuntimeException e) {
            reloads.failed(System.currentTimeMillis());
            log.info("reload failed, the running configuration stays: " + Main.describe(e));
        }
    }

    MultiDeviceRunSettings multiDeviceSettings(XlatConfig loaded, RunSettings.IdleMode idleMode) {
        final DataplaneConfig dataplane = loaded.dataplane();
        if (dataplane.ipv6Tun() == null) {
            throw new IllegalArgumentException(config + ": several devices need dataplane.ipv6-tun");
        }
        TunDevice.checkName(dataplane.ipv6Tun());
        final String global = dataplane.ipv4Tun() != null ? dataplane.ipv4Tun() : dataplane.siitTun();
        if (global != null) {
            TunDevice.checkName(global);
        }
        final Path counters = countersFile != null ? countersFile : Path.of(dataplane.countersFile());
        final boolean countersDefault = countersFile == null
            && DataplaneConfig.DEFAULT_COUNTERS_FILE.equals(dataplane.countersFile());
        // One worker per core unless told otherwise, as in plain SIIT mode: each serves one queue of ipv6-tun
        // and of every tenant device.
        final int wanted = workers != null ? workers : dataplane.workers() > 0 ? dataplane.workers()
            : Runtime.getRuntime().availableProcessors();
        return new MultiDeviceRunSettings(config, dataplane.ipv6Tun(), counters, countersDefault,
            idleMode == RunSettings.IdleMode.BUSY, loaded.translator(), loaded.tenants(), dataplane.manageRoutes(),
            wanted, global, global != null && dataplane.ipv4Tun() == null,
            offload != null ? offload : dataplane.offload());
    }

    /** Resolves the command line and the configuration file into what to run. */
    RunSettings settings(int cores) throws ConfigException {
        final XlatConfig loaded;
        if (config != null) {
            if (prefix != null || ipv4Address != null || ipv6Address != null) {
                throw new ParameterException(spec.commandLine(), "--prefix, --ipv4-address and --ipv6-address build a "
                    + "configuration without --config; with --config, put them in its translator section");
            }
            loaded = ConfigLoader.load(config);
        } else {
            if (tun == null || prefix == null) {
                throw new ParameterException(spec.commandLine(), "give --config FILE, or at least --tun NAME and "
                    + "--prefix PREFIX");
            }
            loaded = ConfigLoader.parse(configYaml(), "the command line");
        }
        loadedConfig = loaded;
        final DataplaneConfig dataplane = loaded.dataplane();
        final String device = tun != null ? tun : dataplane.siitTun();
        if (device == null) {
            throw new ParameterException(spec.commandLine(), config + " has no device to run: set dataplane.siit-tun "
                + "(one device, both families), dataplane.ipv4-tun with dataplane.ipv6-tun (a pair), or tenants with "
                + "dataplane.ipv6-tun; or give --tun NAME");
        }
        try {
            TunDevice.checkName(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tun: " + e.getMessage());
        }
        if (mtu != null && (mtu < 1280 || mtu > 65535)) {
            throw new ParameterException(spec.commandLine(), "--mtu must be 1280..65535 (IPv6 needs 1280), got " + mtu);
        }
        if (workers != null && (workers < 1 || workers > 256)) {
            throw new ParameterException(spec.commandLine(), "--workers must be 1..256, got " + workers);
        }
        if (!loaded.tenants().isEmpty() || dataplane.ipv6Tun() != null) {
            notices.add("running plain SIIT on " + device + " only (--tun): without --tun, the file's tenants and "
                + "dataplane.ipv6-tun run beside it");
        }
        if (loaded.translator().pool6() == null && loaded.translator().eamt().isEmpty()) {
            notices.add("the translator has neither pool6 nor EAM entries: every packet will be dropped as no-mapping");
        }
        final int wanted = workers != null ? workers : dataplane.workers() > 0 ? dataplane.workers() : cores;
        final Path counters = countersFile != null ? countersFile : Path.of(dataplane.countersFile());
        final boolean countersDefault = countersFile == null
            && DataplaneConfig.DEFAULT_COUNTERS_FILE.equals(dataplane.countersFile());
        return new RunSettings(device, mtu != null ? mtu : 0, wanted, counters, countersDefault, idleMode(),
            loaded.translator(), dataplane.manageRoutes(), offload != null ? offload : dataplane.offload());
    }

    private RunSettings.IdleMode idleMode() {
        switch (idle) {
            case "poll":
                return RunSettings.IdleMode.POLL;
            case "backoff":
                return RunSettings.IdleMode.BACKOFF;
            case "busy":
                return RunSettings.IdleMode.BUSY;
            default:
                throw new ParameterException(spec.commandLine(), "--idle must be poll, backoff or busy, got '" + idle
                    + "'");
        }
    }

    /**
     * The configuration the flags describe, as YAML, so that the loader checks flag values exactly as it checks
     * a file (and says which key is wrong).
     */
    String configYaml() {
        final StringBuilder yaml = new StringBuilder("translator:\n");
        yaml.append("  pool6: ").append(quoted(prefix)).append('\n');
        if (ipv4Address != null) {
            yaml.append("  ipv4-address: ").append(quoted(ipv4Address)).append('\n');
        }
        if (ipv6Address != null) {
            yaml.append("  ipv6-address: ").append(quoted(ipv6Address)).append('\n');
        }
        if (mtu != null && mtu >= 1280 && mtu <= 65535) {
            yaml.append("  ipv6-mtu: ").append(mtu).append('\n');
            yaml.append("  ipv4-mtu: ").append(mtu - HEADER_GROWTH).append('\n');
        }
        return yaml.toString();
    }

    /** A YAML double-quoted scalar; flag values are addresses and prefixes, anything odd is escaped, not interpreted. */
    static String quoted(String value) {
        final StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
