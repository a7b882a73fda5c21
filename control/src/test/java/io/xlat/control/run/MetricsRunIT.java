package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus endpoint of a running {@code xlat run} under traffic: pings through the translator move the
 * translated-packets and device counters by what was sent, a TTL-expiring ping moves its drop reason and the ICMP
 * errors sent, and reloads move the configuration series. Scraped from inside the translator's namespace (the
 * endpoint listens on its loopback, the default). Needs root.
 */
class MetricsRunIT {

    /** Fetches a URL and prints the body: what a Prometheus server does, minus the storage. */
    private static final String SCRAPE = "import sys, urllib.request\n"
        + "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())\n";

    private static final String CONFIG = String.join("\n",
        "translator:",
        "  pool6: 2001:db8:64::/96",
        "  ipv4-address: " + SiitLab.XLAT_V4,
        "  ipv6-address: " + SiitLab.XLAT_V6,
        "  ipv6-mtu: 1520",
        "  ipv4-mtu: 1500",
        "dataplane:",
        "  siit-tun: " + SiitLab.DEVICE,
        "  workers: 1",
        "  counters-file: COUNTERS",
        "metrics: {}",
        "");

    private SiitLab siit;

    @AfterEach
    void deleteTopology() {
        if (siit != null) {
            siit.close();
        }
    }

    private String scrape() {
        return siit.lab.in(siit.nsx, "python3", "-c", SCRAPE, "http://127.0.0.1:9464/metrics");
    }

    private double sample(String name, String... labels) {
        return io.xlat.control.metrics.XlatCollectorTestAccess.value(scrape(), name, labels);
    }

    @Test
    void shouldMoveTheServedCountersAsPingsGoThroughAndReloadsHappen() throws Exception {
        NamespaceLab.requireRoot("ping", "python3", "promtool");
        siit = new SiitLab("xmet", 1520, 1520);
        final Path config = siit.config(CONFIG.replace("COUNTERS", siit.countersFile.toString()));
        final Process xlat = siit.startXlat("--config", config.toString());
        siit.routesIntoDevice();
        NamespaceLab.await("the metrics endpoint (log: " + siit.log() + ")", 10_000,
            () -> siit.log().contains("metrics: serving Prometheus metrics on http://127.0.0.1:9464/metrics"));
        final String device = "device=\"" + SiitLab.DEVICE + "\"";

        final String before = scrape();
        final double out46 = value(before, "xlat_translated_packets_total", device, "direction=\"46\"");
        final double back64 = value(before, "xlat_translated_packets_total", device, "direction=\"64\"");
        final double ttl = value(before, "xlat_drops_total", device, "reason=\"ttl-expired\"", "direction=\"46\"");
        final String timeExceeded = "type=\"icmpv4-time-exceeded\"";
        final double icmp = value(before, "xlat_icmp_errors_sent_total", device, timeExceeded);
        final double received = value(before, "xlat_device_received_packets_total", device);
        assertEquals(1, value(before, "xlat_worker_up", "worker=\"0\""));
        assertEquals(1, value(before, "xlat_config_generation"));
        assertEquals(1, value(before, "xlat_io_path_info", "path=\"tun-offload\"", "mode=\"siit\""));

        final NamespaceLab.Result ping = siit.lab.execIn(siit.ns4, 20_000, "ping", "-c", "5", "-W", "2", "-i", "0.2",
            SiitLab.SERVER_V4);
        assertEquals(0, ping.exitCode(), ping.output());
        // TTL 2 reaches xlat with 1 after the translator namespace's own hop: xlat drops it and says so
        siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2", SiitLab.SERVER_V4);

        // the workers publish once per batch and when idle: the endpoint shows it within a few polls
        NamespaceLab.await("the echo requests and replies to be served", 5_000, () ->
            sample("xlat_translated_packets_total", device, "direction=\"46\"") >= out46 + 5
                && sample("xlat_translated_packets_total", device, "direction=\"64\"") >= back64 + 5
                && sample("xlat_drops_total", device, "reason=\"ttl-expired\"", "direction=\"46\"") == ttl + 1);
        final String after = scrape();
        assertEquals(out46 + 5, value(after, "xlat_translated_packets_total", device, "direction=\"46\""));
        assertEquals(back64 + 5, value(after, "xlat_translated_packets_total", device, "direction=\"64\""));
        assertEquals(icmp + 1, value(after, "xlat_icmp_errors_sent_total", device, timeExceeded));
        assertTrue(value(after, "xlat_device_received_packets_total", device) >= received + 11, after);
        io.xlat.control.metrics.XlatCollectorTestAccess.promtoolAccepts(after);

        // an invalid file is rejected (generation stays), a valid one applied (generation moves)
        Files.writeString(config, CONFIG.replace("COUNTERS", siit.countersFile.toString()) + "bogus: 1\n");
        signalHup(xlat);
        NamespaceLab.await("the rejected reload to be served", 10_000, () ->
            sample("xlat_config_last_reload_successful") == 0);
        assertEquals(1, sample("xlat_config_generation"));
        Files.writeString(config, CONFIG.replace("COUNTERS", siit.countersFile.toString()));
        signalHup(xlat);
        NamespaceLab.await("the applied reload to be served", 10_000, () -> sample("xlat_config_generation") == 2);
        assertEquals(1, sample("xlat_config_last_reload_successful"));
        assertEquals(1, sample("xlat_config_reloads_total", "result=\"rejected\""));
        assertEquals(1, sample("xlat_config_reloads_total", "result=\"applied\""));
    }

    private static double value(String body, String name, String... labels) {
        return io.xlat.control.metrics.XlatCollectorTestAccess.value(body, name, labels);
    }

    private static void signalHup(Process p) throws Exception {
        final Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
