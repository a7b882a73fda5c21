package io.xlat.control.run;

import io.xlat.control.config.ConfigError;
import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.tunio.dataplane.DataplaneHealth;
import io.xlat.tunio.dataplane.DataplaneSettings;
import io.xlat.tunio.dataplane.RunningDataplane;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle of {@code xlat run} without a TUN device: parts that record what is asked of them, and a stand-in
 * data plane, show the start, reload and stop order.
 */
class DaemonTest {

    private final StringWriter logged = new StringWriter();
    private final RunLog log = new RunLog(new PrintWriter(logged, true), false);
    private final List<String> events = new ArrayList<>();

    /** A part that records each call as "name:what". */
    private final class Recording implements Daemon.Component {
        private final String name;
        private final boolean failStart;
        private final boolean failReload;

        Recording(String name, boolean failStart, boolean failReload) {
            this.name = name;
            this.failStart = failStart;
            this.failReload = failReload;
        }

        Recording(String name) {
            this(name, false, false);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() throws IOException {
            events.add(name + ":start");
            if (failStart) {
                throw new IOException(name + " cannot start");
            }
        }

        @Override
        public Daemon.Generation reload(Daemon.Generation next) throws IOException {
            events.add(name + ":reload");
            if (failReload) {
                throw new IOException(name + " cannot apply it");
            }
            return next;
        }

        @Override
        public void stop() {
            events.add(name + ":stop");
        }

        @Override
        public void afterStop() {
            events.add(name + ":afterStop");
        }
    }

    private static XlatConfig config(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml");
    }

    private static final String SIIT = """
        translator:
          pool6: "2001:db8:64::/96"
        dataplane:
          siit-tun: xlat0
        """;

    private static DataplaneSettings settings(XlatConfig c) {
        return new RunOptions(null, null, null, 1, null, false, null, DataplaneSettings.IdleMode.POLL)
            .resolve(c, 1, new ArrayList<>());
    }

    private Daemon.Generation generation(String yaml) throws ConfigException {
        final XlatConfig c = config(yaml);
        return new Daemon.Generation(c, settings(c));
    }

    @Test
    void shouldStartInOrderReloadInOrderAndStopInReverseWithTheLastStepsAfterAll() throws Exception {
        final Daemon.Generation g = generation(SIIT);
        final Daemon daemon = new Daemon(List.of(new Recording("dataplane"), new Recording("routes"),
            new Recording("bgp")), () -> g, Path.of("t.yaml"), log);

        daemon.start();
        daemon.reload();
        daemon.stop();
        daemon.stop();

        assertEquals(List.of("dataplane:start", "routes:start", "bgp:start",
            "dataplane:reload", "routes:reload", "bgp:reload",
            "bgp:stop", "routes:stop", "dataplane:stop",
            "bgp:afterStop", "routes:afterStop", "dataplane:afterStop"), events, "a second stop does nothing");
    }

    @Test
    void shouldUndoAFailedStartInReverseIncludingThePartThatFailedHalfway() throws Exception {
        final Daemon daemon = new Daemon(List.of(new Recording("dataplane"), new Recording("routes", true, false),
            new Recording("bgp")), null, null, log);

        final IOException e = assertThrows(IOException.class, daemon::start);

        assertEquals("routes cannot start", e.getMessage());
        assertEquals(List.of("dataplane:start", "routes:start", "routes:stop", "dataplane:stop",
            "routes:afterStop", "dataplane:afterStop"), events, "bgp never started, so it is not stopped");
        daemon.stop();
        assertEquals(6, events.size(), "nothing left to stop");
    }

    @Test
    void shouldKeepTheRunningConfigurationWhenTheFileIsRejected() throws Exception {
        final Daemon daemon = new Daemon(List.of(new Recording("dataplane")), () -> {
            throw new ConfigException(List.of(new ConfigError("t.yaml", 3, 5, "translator.pool6: not a prefix")), 1);
        }, Path.of("t.yaml"), log);
        daemon.start();

        daemon.reload();

        assertEquals(List.of("dataplane:start"), events, "no part was asked to apply anything");
        assertTrue(logged.toString().contains("reload rejected, the running configuration stays; "),
            logged.toString());
        assertTrue(logged.toString().contains("translator.pool6: not a prefix"), logged.toString());
    }

    @Test
    void shouldStopAReloadAtThePartThatCannotApplyIt() throws Exception {
        final Daemon.Generation g = generation(SIIT);
        final Daemon daemon = new Daemon(List.of(new Recording("dataplane", false, true), new Recording("routes")),
            () -> g, Path.of("t.yaml"), log);
        daemon.start();

        daemon.reload();

        assertEquals(List.of("dataplane:start", "routes:start", "dataplane:reload"), events,
            "the routes keep following what runs");
        assertTrue(logged.toString().contains("reload failed, the running configuration stays: dataplane cannot "
            + "apply it"), logged.toString());
    }

    @Test
    void shouldAssembleTheDataPlaneFirstThenRoutesThenBgpAndItsHealthMonitor() throws Exception {
        final Daemon.Generation all = generation(SIIT + """
              manage-routes: true
            bgp:
              asn: 4200000001
              router-id: 192.0.2.11
              peers:
                - {address: "2001:db8:ffff::1", asn: 64496}
            """);
        final List<String> names = new ArrayList<>();
        for (final Daemon.Component c : Daemon.forRun(all, null, null, log, (s, l) -> new FakeDataplane(s))
            .components()) {
            names.add(c.name());
        }
        assertEquals(List.of("dataplane", "routes", "bgp", "health"), names);

        final List<String> plain = new ArrayList<>();
        for (final Daemon.Component c : Daemon.forRun(generation(SIIT), null, null, log,
            (s, l) -> new FakeDataplane(s)).components()) {
            plain.add(c.name());
        }
        assertEquals(List.of("dataplane", "health"), plain, "without manage-routes and bgp: the data plane and the "
            + "health monitor, which re-attaches devices that come back");
    }

    @Test
    void shouldAskTheDataPlaneToReattachDevicesEvenWithoutBgp() throws Exception {
        final List<FakeDataplane> started = new ArrayList<>();
        final Daemon daemon = Daemon.forRun(generation(SIIT), null, null, log, (s, l) -> {
            final FakeDataplane d = new FakeDataplane(s);
            started.add(d);
            return d;
        });
        daemon.start();
        try {
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (started.get(0).reattaches.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(started.get(0).reattaches.get() >= 2, "the health thread asks on every poll");
        } finally {
            daemon.stop();
        }
        final int afterStop = started.get(0).reattaches.get();
        Thread.sleep(400);
        assertEquals(afterStop, started.get(0).reattaches.get(), "and stops asking with the stop");
    }

    @Test
    void shouldHandTheDataPlaneTheReloadedSettingsAndCloseItOnStop() throws Exception {
        final Daemon.Generation first = generation(SIIT);
        final Daemon.Generation next = generation(SIIT.replace("2001:db8:64::/96", "64:ff9b::/96"));
        final List<FakeDataplane> started = new ArrayList<>();
        final Daemon daemon = Daemon.forRun(first, () -> next, Path.of("t.yaml"), log, (s, l) -> {
            final FakeDataplane d = new FakeDataplane(s);
            started.add(d);
            return d;
        });

        daemon.start();
        assertEquals(1, started.size());
        assertSame(first.settings(), started.get(0).settings);
        daemon.reload();
        assertSame(next.settings(), started.get(0).reloaded, "the data plane got what the file resolves to");
        assertTrue(logged.toString().contains("reload requested (SIGHUP): reading t.yaml"), logged.toString());
        daemon.stop();
        assertEquals(1, started.get(0).closed);
        daemon.reload();
        assertSame(next.settings(), started.get(0).reloaded);
        assertEquals(1, started.get(0).closed, "stopped once; no reload after the stop");
    }

    @Test
    void shouldTellTheDataPlaneStarterItsSettingsAndFailTheStartWhenItCannotOpen() throws Exception {
        final Daemon daemon = Daemon.forRun(generation(SIIT), null, null, log, (s, l) -> {
            throw new IOException("cannot open xlat0: EPERM");
        });
        assertEquals("cannot open xlat0: EPERM", assertThrows(IOException.class, daemon::start).getMessage());
    }

    /** A data plane in memory: records what it is asked. */
    private static final class FakeDataplane implements RunningDataplane {
        private DataplaneSettings settings;
        private DataplaneSettings reloaded;
        private int closed;
        private final AtomicInteger reattaches = new AtomicInteger();

        FakeDataplane(DataplaneSettings settings) {
            this.settings = settings;
        }

        @Override
        public void reload(DataplaneSettings next) {
            reloaded = next;
            settings = next;
        }

        @Override
        public DataplaneSettings settings() {
            return settings;
        }

        @Override
        public DataplaneHealth health() {
            return new DataplaneHealth(null, Map.of(), new long[] {0});
        }

        @Override
        public List<DeviceBack> reattach() {
            reattaches.incrementAndGet();
            return List.of();
        }

        @Override
        public java.nio.file.Path countersFile() {
            return settings.countersFile();
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
