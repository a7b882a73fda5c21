package io.xlat.control.run;

import io.xlat.control.config.ConfigError;
import io.xlat.control.config.ConfigException;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.metrics.BuildInfo;
import io.xlat.control.metrics.MetricsServer;
import io.xlat.control.metrics.ReloadStatus;
import io.xlat.control.metrics.RunMetrics;
import io.xlat.tunio.dataplane.Dataplane;
import io.xlat.tunio.dataplane.DataplaneLog;
import io.xlat.tunio.dataplane.DataplaneSettings;
import io.xlat.tunio.dataplane.RunningDataplane;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The lifecycle of {@code xlat run}, in one place: the {@link Component}s start in list order, a reload passes
 * through them in the same order, and a stop runs them in reverse, then gives each its {@link Component#afterStop}.
 * {@link #forRun} builds the list: the data plane, the managed routes, the BGP speaker, the health monitor; so a
 * stop stops the health checks first, withdraws the routes (the fabric moves traffic away while this host still
 * forwards), then removes the kernel routes, stops the data plane, and last closes the BGP sessions with a Cease.
 * A start that fails undoes what went up, in the same reverse order.
 *
 * <p>{@link #run} is the process's life: signals (SIGHUP reloads, SIGTERM and SIGINT stop and exit 0), start,
 * wait, stop. The lifecycle itself is driven by {@link #start}, {@link #reload} and {@link #stop}, which tests call
 * without signals (and, with a stand-in data plane, without a TUN device).
 */
public final class Daemon {

    /** One part of what runs: started, reloaded and stopped by the daemon, never by another part. */
    public interface Component {

        /** For the log and tests. */
        String name();

        void start() throws IOException;

        /**
         * A reload of {@code next} (the re-read file and what it resolves to); returns what the parts after this
         * one apply: the data plane returns what it runs now (the devices as started, the new translator and
         * tenants). A failure here stops the reload: the parts after this one keep what they run.
         */
        default Generation reload(Generation next) throws IOException {
            return next;
        }

        /** Stops it; also called when its own start failed halfway, so it must stop whatever went up. */
        void stop();

        /** After every part has stopped: what must come last (BGP's Cease). */
        default void afterStop() {
        }
    }

    /** One configuration: the file as read and the data plane settings it resolves to. */
    public record Generation(XlatConfig config, DataplaneSettings settings) {
    }

    /** Re-reads the configuration for a reload. */
    @FunctionalInterface
    public interface Reloads {
        /**
         * @throws ConfigException          when the file is invalid
         * @throws IllegalArgumentException when its devices do not make a data plane
         */
        Generation read() throws ConfigException;
    }

    /** Starts the data plane: {@link Dataplane#start} on TUN devices. */
    @FunctionalInterface
    public interface DataplaneStarter {
        RunningDataplane start(DataplaneSettings settings, DataplaneLog log) throws IOException;
    }

    private final List<Component> components;
    private final Reloads reloads;
    private final Path config;
    private final RunLog log;
    private final List<Component> started = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** The configuration generation and the last reload's outcome, for the metrics endpoint. */
    private final ReloadStatus reloadStatus = new ReloadStatus(System.currentTimeMillis());
    private boolean stopped;

    /**
     * @param components what runs, in start order
     * @param reloads    how a reload reads the configuration again, or null when there is no file to re-read
     * @param config     the file, for messages (null with {@code reloads})
     */
    public Daemon(List<Component> components, Reloads reloads, Path config, RunLog log) {
        this.components = new ArrayList<>(components);
        this.reloads = reloads;
        this.config = config;
        this.log = log;
    }

    /**
     * What {@code xlat run} runs for {@code first}: the data plane, then the managed routes when
     * {@code manage-routes} is on, then the BGP speaker when there is a {@code bgp:} section, then the health
     * monitor, always: it re-attaches devices that were deleted and are back (and installs their routes again), and
     * with BGP it withdraws and announces by the data plane's health.
     * A new part (a metrics server, say) is one more element of this list: its place in the list is its place in
     * the start order, and its reverse place in the stop order.
     */
    public static Daemon forRun(Generation first, Reloads reloads, Path config, RunLog log,
        DataplaneStarter starter) {
        final List<Component> components = new ArrayList<>();
        final DataplanePart dataplane = new DataplanePart(first.settings(), log, starter);
        components.add(dataplane);
        RoutesPart routes = null;
        if (first.settings().manageRoutes()) {
            routes = new RoutesPart(first.settings(), log);
            components.add(routes);
        }
        BgpPart bgp = null;
        if (first.config().bgp().enabled()) {
            bgp = new BgpPart(first, log);
            components.add(bgp);
        }
        components.add(new HealthPart(dataplane, bgp, routes, log));
        final Daemon daemon = new Daemon(components, reloads, config, log);
        if (first.config().metrics().enabled()) {
            // last up, first down: the series read what every other part has started
            daemon.components.add(new MetricsPart(first.config(), dataplane, daemon.reloadStatus, log));
        }
        return daemon;
    }

    /** The parts, in start order. */
    public List<Component> components() {
        return List.copyOf(components);
    }

    /** The configuration generation and the outcome of the last reload. */
    public ReloadStatus reloadStatus() {
        return reloadStatus;
    }

    /** Starts every part in order; when one fails, stops what went up (in reverse) and throws. */
    public synchronized void start() throws IOException {
        for (final Component component : components) {
            started.add(component);
            try {
                component.start();
            } catch (IOException | RuntimeException e) {
                try {
                    stopStarted();
                } catch (RuntimeException stopping) {
                    e.addSuppressed(stopping);
                }
                throw e;
            }
        }
    }

    /**
     * Re-reads the file and passes the new generation through the parts in start order; an invalid file, or a
     * part that cannot apply it, is logged and the running configuration stays.
     */
    public synchronized void reload() {
        if (stopped || started.isEmpty()) {
            return;
        }
        log.info("reload requested (SIGHUP): reading " + config);
        try {
            Generation next = reloads.read();
            for (final Component component : started) {
                next = component.reload(next);
            }
            reloadStatus.applied(System.currentTimeMillis());
        } catch (ConfigException e) {
            reloadStatus.rejected(System.currentTimeMillis());
            final StringBuilder reasons = new StringBuilder();
            for (final ConfigError error : e.errors()) {
                reasons.append("; ").append(error);
            }
            log.info("reload rejected, the running configuration stays" + reasons);
        } catch (IOException | RuntimeException e) {
            reloadStatus.failed(System.currentTimeMillis());
            log.info("reload failed, the running configuration stays: " + describe(e));
        }
    }

    /** Stops every part that started, in reverse order, then their {@link Component#afterStop}. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopStarted();
    }

    private void stopStarted() {
        RuntimeException failed = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).stop();
            } catch (RuntimeException e) {
                failed = first(failed, e);
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).afterStop();
            } catch (RuntimeException e) {
                failed = first(failed, e);
            }
        }
        started.clear();
        if (failed != null) {
            throw failed;
        }
    }

    private static RuntimeException first(RuntimeException failed, RuntimeException e) {
        if (failed == null) {
            return e;
        }
        failed.addSuppressed(e);
        return failed;
    }

    /** Asks {@link #run} to stop (what SIGTERM and SIGINT do). */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * The process's life: starts, then reloads on SIGHUP until SIGTERM or SIGINT, and stops in order.
     *
     * @return 0 after a clean stop, 1 when the start failed (the exception says why) or the stop did not finish
     */
    public int run() throws IOException, InterruptedException {
        // handled rather than left to the JVM's default: a signalled stop is a clean stop, exit 0, not 143
        final sun.misc.SignalHandler stop = signal -> {
            log.info("stopping (SIG" + signal.getName() + ")");
            requestStop();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
        // the JVM's default for SIGHUP is to exit: without a file to re-read, say so and keep running
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            if (reloads == null) {
                log.info("SIGHUP ignored: started without --config, there is no file to re-read");
            } else {
                reload();
            }
        });
        // an exit by any other way (System.exit elsewhere) still stops in order
        final Thread hook = new Thread(this::stop, "xlat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start();
        } catch (IOException | RuntimeException e) {
            removeHook(hook);
            throw e;
        }
        if (reloads != null) {
            log.info("SIGHUP (kill -HUP " + ProcessHandle.current().pid() + ") reloads " + config);
        }
        stopRequested.await();
        try {
            stop();
        } catch (RuntimeException e) {
            log.info("stop: " + describe(e));
            return 1;
        } finally {
            removeHook(hook);
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting already: the hook runs, and finds everything stopped
        }
    }

    /** An exception as one line: its message, or its type when it has none. */
    static String describe(Throwable e) {
        final String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** The data plane: first up, last down. */
    static final class DataplanePart implements Component {
        private final DataplaneSettings settings;
        private final RunLog log;
        private final DataplaneStarter starter;
        private volatile RunningDataplane dataplane;

        DataplanePart(DataplaneSettings settings, RunLog log, DataplaneStarter starter) {
            this.settings = settings;
            this.log = log;
            this.starter = starter;
        }

        @Override
        public String name() {
            return "dataplane";
        }

        @Override
        public void start() throws IOException {
            dataplane = starter.start(settings, log);
        }

        @Override
        public Generation reload(Generation next) throws IOException {
            dataplane.reload(next.settings());
            // the parts after this one follow what runs: the new translator and tenants on the started devices
            return new Generation(next.config(), dataplane.settings());
        }

        @Override
        public void stop() {
            final RunningDataplane running = dataplane;
            if (running != null) {
                running.close();
            }
        }

        RunningDataplane running() {
            return dataplane;
        }
    }

    /** The kernel routes into the devices ({@code manage-routes}): installed once the devices are up. */
    static final class RoutesPart implements Component {
        private final DataplaneSettings settings;
        private final RunLog log;
        private final ManagedRoutes routes;

        RoutesPart(DataplaneSettings settings, RunLog log) {
            this.settings = settings;
            this.log = log;
            this.routes = new ManagedRoutes(log);
        }

        @Override
        public String name() {
            return "routes";
        }

        /** A failure leaves what went in recorded: {@link #stop}, which the daemon calls then, removes it. */
        @Override
        public void start() throws IOException {
            routes.apply(ManagedRoutes.of(settings));
        }

        @Override
        public Generation reload(Generation next) {
            try {
                routes.apply(ManagedRoutes.of(next.settings()));
            } catch (IOException | RuntimeException e) {
                log.info("reload: routes not brought in step with the new configuration: " + describe(e));
            }
            return next;
        }

        /** Installs again the routes into a device that is back (re-attached, or up again after it was down). */
        void deviceBack(RunningDataplane.DeviceBack device) {
            routes.reinstall(device.netns(), device.device());
        }

        /** Removes them before the devices close, while a persistent device still has them to remove. */
        @Override
        public void stop() {
            routes.close();
        }
    }

    /** The BGP speaker: announces while healthy, withdraws first on stop, sends Cease last. */
    static final class BgpPart implements Component {
        private final Generation first;
        private final RunLog log;
        private volatile BgpControl control;

        BgpPart(Generation first, RunLog log) {
            this.first = first;
            this.log = log;
        }

        @Override
        public String name() {
            return "bgp";
        }

        @Override
        public void start() {
            control = BgpControl.start(first.config().bgp(), first.settings(), log);
            // the sessions' state next to the counters file (<counters-file>.bgp), for xlat stats
            final Path counters = first.settings().countersFile();
            control.writeStatus(counters.resolveSibling(counters.getFileName() + ".bgp"), 1_000);
        }

        @Override
        public Generation reload(Generation next) {
            control.reload(next.config().bgp().enabled() ? next.config().bgp() : control.config(), next.settings());
            return next;
        }

        @Override
        public void stop() {
            final BgpControl c = control;
            if (c != null) {
                c.withdrawForStop();
            }
        }

        @Override
        public void afterStop() {
            final BgpControl c = control;
            if (c != null) {
                c.close();
            }
        }

        BgpControl control() {
            return control;
        }
    }

    /**
     * Asks the data plane's health every 150 ms and tells BGP (when there is a {@code bgp:} section); before each
     * poll, has the data plane re-attach devices that are back and the routes part install their routes again.
     * The first to stop, so that it withdraws nothing and re-attaches nothing during the stop.
     */
    static final class HealthPart implements Component {
        private final DataplanePart dataplane;
        private final BgpPart bgp;
        private final RoutesPart routes;
        private final RunLog log;
        private HealthMonitor monitor;

        /** {@code bgp} and {@code routes} are null when not configured. */
        HealthPart(DataplanePart dataplane, BgpPart bgp, RoutesPart routes, RunLog log) {
            this.dataplane = dataplane;
            this.bgp = bgp;
            this.routes = routes;
            this.log = log;
        }

        @Override
        public String name() {
            return "health";
        }

        @Override
        public void start() {
            final DataplaneSettings s = dataplane.settings;
            final RunningDataplane running = dataplane.running();
            // the first device and the workers hold up every prefix; each tenant's device only its own, and plain
            // SIIT's device beside the IPv6 one pool6 and the EAM prefixes (reported like a tenant's)
            final BgpControl control = bgp == null ? null : bgp.control();
            monitor = new HealthMonitor(running::health, () -> reattach(running),
                s.ipv6Tun() != null ? s.ipv6Tun() : s.siitTun(), System::nanoTime,
                control == null ? healthy -> { } : control::health,
                control == null ? down -> { } : control::tenantsDown, log);
            monitor.start();
        }

        /** The data plane's re-attach, then the routes the kernel deleted with the devices that are back. */
        private void reattach(RunningDataplane running) {
            for (final RunningDataplane.DeviceBack device : running.reattach()) {
                if (routes != null) {
                    routes.deviceBack(device);
                }
            }
        }

        @Override
        public void stop() {
            if (monitor != null) {
                monitor.close();
            }
        }
    }

    /** The Prometheus endpoint ({@code metrics:}): reads the counters file and the parts' state, never the workers. */
    static final class MetricsPart implements Component {
        private final XlatConfig config;
        private final DataplanePart dataplane;
        private final ReloadStatus reloads;
        private final RunLog log;
        private MetricsServer server;

        MetricsPart(XlatConfig config, DataplanePart dataplane, ReloadStatus reloads, RunLog log) {
            this.config = config;
            this.dataplane = dataplane;
            this.reloads = reloads;
            this.log = log;
        }

        @Override
        public String name() {
            return "metrics";
        }

        @Override
        public void start() {
            final RunningDataplane running = dataplane.running();
            final DataplaneSettings s = dataplane.settings;
            server = RunMetrics.start(config.metrics(), RunMetrics.of(running.countersFile(),
                running::workers, running::heartbeat, () -> running.settings().tenants(),
                () -> running.settings().offload(), config.bgp().enabled(), reloads,
                s.siitOnly() ? "siit" : "multi-device"), BuildInfo.version(), log);
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }
}
