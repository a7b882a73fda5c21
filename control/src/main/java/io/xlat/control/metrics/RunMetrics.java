package io.xlat.control.metrics;

import io.xlat.control.config.MetricsConfig;
import io.xlat.control.run.RunLog;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.counters.CountersFile;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

/**
 * What {@code xlat run} needs to serve metrics: the sources of each data plane, and a start that never stops the
 * data plane (a port already taken is logged and the translator keeps forwarding; the scraper's {@code up} says
 * the rest).
 */
public final class RunMetrics {

    private RunMetrics() {
    }

    /**
     * The sources of a running data plane, whichever class runs it: only what it already exposes for the health
     * monitor and {@code xlat stats}.
     *
     * @param countersFile the counters file in use (the per-process name when the default was taken)
     * @param tenants      the tenants running now (after reloads); empty for plain SIIT alone
     * @param offload      whether the devices run with TUN offloads
     * @param bgp          whether the run has a BGP speaker writing {@code <counters-file>.bgp}
     * @param mode         {@code siit} or {@code multi-device}
     */
    public static MetricsSources of(Path countersFile, IntSupplier workers, IntToLongFunction heartbeat,
        Supplier<List<TenantConfig>> tenants, BooleanSupplier offload, boolean bgp, ReloadStatus reloads, String mode) {
        return new MetricsSources(countersOf(countersFile), device -> {
            for (final TenantConfig t : tenants.get()) {
                if (device.equals(t.tun())) {
                    return t.name();
                }
            }
            return "";
        }, workers, heartbeat, bgp ? bgpStatusFile(countersFile) : null, reloads,
            () -> ioPath(offload.getAsBoolean()), mode);
    }

    /**
     * Starts the endpoint when {@code config} asks for one; null when it does not, or when it cannot listen (said
     * in the log).
     */
    public static MetricsServer start(MetricsConfig config, MetricsSources sources, String version, RunLog log) {
        if (!config.enabled()) {
            return null;
        }
        try {
            final MetricsServer server = MetricsServer.start(config,
                new XlatCollector(sources, version, System::currentTimeMillis));
            log.info("metrics: serving Prometheus metrics on http://" + config.listen() + "/metrics");
            return server;
        } catch (IOException | RuntimeException e) {
            log.info("metrics: cannot listen on " + config.listen() + " (" + e.getMessage() + "); running without "
                + "metrics");
            return null;
        }
    }

    /** {@code <counters-file>.bgp}, where the run writes its BGP sessions' state every second. */
    static Path bgpStatusFile(Path countersFile) {
        return countersFile.resolveSibling(countersFile.getFileName() + ".bgp");
    }

    static String ioPath(boolean offload) {
        return offload ? "tun-offload" : "tun";
    }

    /**
     * The counters file mapped read-only, as {@code xlat stats} maps it, once at the first scrape: the workers'
     * own mapping is not touched, and the values are the ones they publish once per batch.
     */
    static Supplier<CountersReader> countersOf(Path file) {
        return new Supplier<>() {
            private CountersReader reader;

            @Override
            public synchronized CountersReader get() {
                if (reader == null) {
                    try {
                        reader = CountersFile.read(file).reader();
                    } catch (IOException e) {
                        return null;
                    }
                }
                return reader;
            }
        };
    }
}
