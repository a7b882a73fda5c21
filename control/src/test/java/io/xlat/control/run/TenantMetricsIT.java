package io.xlat.control.run;

import io.xlat.control.metrics.XlatCollectorTestAccess;
import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Prometheus endpoint of {@code xlat run} with two tenants that use the same IPv4 addresses
 * ({@link TwoTenantLab}): each tenant's series move by its own traffic only, per direction, and a drop counts under
 * its tenant, reason and direction. Scraped from the translator's namespace. Needs root.
 */
class TenantMetricsIT {

    private static final String SCRAPE = "import sys, urllib.request\n"
        + "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())\n";
    private static final String BLUE = "tenant=\"blue\"";
    private static final String RED = "tenant=\"red\"";
    private static final String D46 = "direction=\"46\"";
    private static final String D64 = "direction=\"64\"";

    private TwoTenantLab topology;
    private Process xlat;

    @AfterEach
    void stopXlatAndDeleteNamespaces() {
        if (topology != null) {
            NamespaceLab.stopAndClose(topology.lab, xlat, topology.xlatLog);
        }
    }

    @Test
    void shouldMoveEachTenantsSeriesByItsOwnTrafficAndCountItsDropsByDirection() throws Exception {
        NamespaceLab.requireRoot("ping", "python3", "promtool");
        topology = new TwoTenantLab("xtmet", 1);
        final NamespaceLab lab = topology.lab;
        Files.writeString(topology.config, "metrics: {}\n", StandardOpenOption.APPEND);
        xlat = lab.startXlat(topology.nsx, topology.xlatLog, "xlat: started: ", "--config", topology.config.toString());
        topology.tenantSides();
        // 169.254.169.254 under blue's prefix: routed to xlat, which never translates link-local IPv4
        lab.run("ip", "-n", topology.nsx, "-6", "route", "add", "2001:db8:100:1::a9fe:a9fe/128", "dev", "xlat6");
        NamespaceLab.await("the metrics endpoint (log: " + NamespaceLab.read(topology.xlatLog) + ")", 10_000,
            () -> NamespaceLab.read(topology.xlatLog).contains("metrics: serving Prometheus metrics on"));

        final String before = scrape();
        final double blue46 = value(before, "xlat_translated_packets_total", BLUE, D46);
        final double blue64 = value(before, "xlat_translated_packets_total", BLUE, D64);
        final double red46 = value(before, "xlat_translated_packets_total", RED, D46);
        final double red64 = value(before, "xlat_translated_packets_total", RED, D64);

        // three echoes from blue, two from red, at once; then two from blue that expire in the translator
        final CompletableFuture<NamespaceLab.Result> blue = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsBlue, 20_000, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.200"));
        final NamespaceLab.Result red = lab.execIn(topology.nsRed, 20_000, "ping", "-n", "-c", "2", "-i", "0.2", "-W",
            "2", "10.0.0.200");
        assertEquals(0, blue.get().exitCode(), blue.get().output());
        assertEquals(0, red.exitCode(), red.output());
        lab.execIn(topology.nsBlue, 15_000, "ping", "-n", "-t", "1", "-c", "2", "-i", "0.2", "-W", "1", "10.0.0.200");
        // and one packet from the fabric to blue's link-local address: dropped on the way in, as 64
        lab.execIn(topology.nsFabric, 15_000, "ping", "-6", "-n", "-c", "1", "-W", "1", "-I", "2001:db8:100:1::a00:c8",
            "2001:db8:100:1::a9fe:a9fe");

        NamespaceLab.await("blue's and red's echoes and drops to be served", 5_000, () -> {
            final String now = scrape();
            return value(now, "xlat_translated_packets_total", BLUE, D64) >= blue64 + 3
                && value(now, "xlat_translated_packets_total", RED, D64) >= red64 + 2
                && value(now, "xlat_drops_total", BLUE, "reason=\"ipv4-link-local\"", D64) >= 1;
        });
        final String after = scrape();
        assertEquals(blue46 + 3, value(after, "xlat_translated_packets_total", BLUE, D46), "blue's requests");
        assertEquals(blue64 + 3, value(after, "xlat_translated_packets_total", BLUE, D64), "blue's replies");
        assertEquals(red46 + 2, value(after, "xlat_translated_packets_total", RED, D46), "red's, not blue's");
        assertEquals(red64 + 2, value(after, "xlat_translated_packets_total", RED, D64));
        assertEquals(2, value(after, "xlat_drops_total", BLUE, "reason=\"ttl-expired\"", D46));
        assertEquals(0, value(after, "xlat_drops_total", BLUE, "reason=\"ttl-expired\"", D64));
        assertEquals(0, value(after, "xlat_drops_total", RED, "reason=\"ttl-expired\"", D46), "red expired nothing");
        assertEquals(1, value(after, "xlat_drops_total", BLUE, "reason=\"ipv4-link-local\"", D64));
        assertEquals(0, value(after, "xlat_drops_total", BLUE, "reason=\"ipv4-link-local\"", D46));
        assertEquals(2, value(after, "xlat_icmp_errors_sent_total", BLUE, "type=\"icmpv4-time-exceeded\""),
            "the Time Exceeded sent back to blue");
        assertEquals(0, value(after, "xlat_icmp_errors_sent_total", RED, "type=\"icmpv4-time-exceeded\""));
        XlatCollectorTestAccess.promtoolAccepts(after);
    }

    private String scrape() {
        return topology.lab.in(topology.nsx, "python3", "-c", SCRAPE, "http://127.0.0.1:9464/metrics");
    }

    private static double value(String body, String name, String... labels) {
        return XlatCollectorTestAccess.value(body, name, labels);
    }
}
