package io.xlat.control.metrics;

import io.xlat.control.config.MetricsConfig;
import io.xlat.control.run.MultiDeviceDataplane;
import io.xlat.control.run.RunLog;
import io.xlat.control.run.SiitDataplane;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.counters.CountersFile;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What {@code xlat run} needs to serve metrics: the sources of each data plane, and a start that never stops the
 * data plane (a port already taken is logged and the translator keeps forwarding; the scraper's {@code up} says
 * the rest).
 */
public final class RunMetrics {

    private RunMetrics() {
    }

    /** Plain SIIT on one device. */
    public static MetricsSources siit(SiitDataplane dataplane, boolean offload, boolean bgp, ReloadStatus reloads) {
        return new MetricsSources(countersOf(dataplane.countersFile()), device -> "", dataplane::workers,
            dataplane::heartbeat, bgp ? bgpStatusFile(dataplane.countersFile()) : null, reloads,
            () -> ioPath(offload), "siit");
    }

    /** Several devices: a tenant device's series carry its tenant, as the tenants are now (after reloads). */
    public static MetricsSources multiDevice(MultiDeviceDataplane dataplane, boolean bgp, ReloadStatus reloads) {
        return new MetricsSources(countersOf(dataplane.countersFile()), device -> {
            for (final TenantConfig t : dataplane.settings().tenants()) {
                if (device.equals(t.tun())) {
                    return t.name();
                }
            }
            return "";
        }, dataplane::workers, dataplane::heartbeat, bgp ? bgpStatusFile(dataplane.countersFile()) : null, reloads,
            () -> ioPath(dataplane.settings().offload()), "multi-device");
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
