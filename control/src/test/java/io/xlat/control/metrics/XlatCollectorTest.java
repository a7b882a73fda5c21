package io.xlat.control.metrics;

import io.xlat.control.config.MetricsConfig;
import io.xlat.control.testing.NamespaceLab;
import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.drop.SentIcmpError;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XlatCollectorTest {

    @TempDir
    Path dir;

    private final CountersManager manager = new CountersManager(
        new UnsafeBuffer(new byte[64 * 1024 * CountersReader.METADATA_LENGTH / 64]),
        new UnsafeBuffer(new byte[64 * 1024 * CountersReader.COUNTER_LENGTH / 64]), StandardCharsets.US_ASCII);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final long[] heartbeats = new long[2];
    private final ReloadStatus reloads = new ReloadStatus(1_700_000_000_000L);

    private MetricsSources sources(Path bgp) {
        return new MetricsSources(() -> manager, device -> device.equals("blue0") ? "blue" : "", () -> 2,
            w -> heartbeats[w], bgp, reloads, () -> "tun-offload", "multi-device");
    }

    /** Two workers of xlat0 (plain SIIT) and one of blue0 (tenant blue), with known values published. */
    private void publishTraffic() {
        for (int w = 0; w < 2; w++) {
            final DeviceCounters device = new DeviceCounters();
            final DropCounters translator = new DropCounters();
            for (int i = 0; i < 3; i++) {
                device.received(100);
                translator.translated46(100);
            }
            device.sent(120);
            translator.drop(DropReason.TTL_EXPIRED, Direction.D46);
            translator.icmpErrorSent(SentIcmpError.ICMPV4_TIME_EXCEEDED);
            new WorkerCounters(manager, "xlat0", w).publish(device, translator);
        }
        final DeviceCounters blue = new DeviceCounters();
        final DropCounters blueTranslator = new DropCounters();
        blue.received(60);
        blueTranslator.drop(DropReason.TENANT_SPOOFED_SOURCE, Direction.D46);
        new WorkerCounters(manager, "blue0", 0).publish(blue, blueTranslator);
    }

    @Test
    void shouldServeTheCountersFileAsCountersSummedOverWorkersThatPromtoolAccepts() throws Exception {
        publishTraffic();
        final Path bgp = dir.resolve("counters.bgp");
        Files.writeString(bgp, BgpStatusFile.HEADER + (clock.get() - 2_000) + "\n"
            + "announced\t2\t[192.0.2.0/24, 2001:db8:64::/96]\n"
            + "peer\t198.51.100.1\tESTABLISHED\t65000\t12\t14\t2\t0\t1\t\n"
            + "peer\t2001:db8::2\tACTIVE\t-1\t0\t3\t0\t0\t0\tconnection refused\n");
        reloads.applied(clock.get() - 1_000);
        reloads.rejected(clock.get() - 500);
        try (MetricsServer server = MetricsServer.start(new MetricsConfig("127.0.0.1", 0),
            new XlatCollector(sources(bgp), "0.1.0-test", clock::get))) {
            final String body = scrape(server.port());

            assertEquals(6, value(body, "xlat_translated_packets_total", "device=\"xlat0\"", "direction=\"46\""));
            assertEquals(600, value(body, "xlat_translated_bytes_total", "device=\"xlat0\"", "direction=\"46\""));
            assertEquals(0, value(body, "xlat_translated_packets_total", "device=\"xlat0\"", "direction=\"64\""));
            assertEquals(6, value(body, "xlat_device_received_packets_total", "device=\"xlat0\"", "tenant=\"\""));
            assertEquals(2, value(body, "xlat_device_sent_packets_total", "device=\"xlat0\""));
            assertEquals(2, value(body, "xlat_drops_total", "device=\"xlat0\"", "reason=\"ttl-expired\"",
                "direction=\"46\""));
            assertEquals(0, value(body, "xlat_drops_total", "device=\"xlat0\"", "reason=\"ttl-expired\"",
                "direction=\"64\""));
            assertEquals(0, value(body, "xlat_drops_total", "device=\"xlat0\"", "reason=\"truncated\"",
                "direction=\"unknown\""));
            assertEquals(1, value(body, "xlat_drops_total", "device=\"blue0\"", "tenant=\"blue\"",
                "reason=\"tenant-spoofed-source\"", "direction=\"46\""));
            assertEquals(2, value(body, "xlat_icmp_errors_sent_total", "device=\"xlat0\"",
                "type=\"icmpv4-time-exceeded\""));
            assertEquals(0, value(body, "xlat_icmp_errors_sent_total", "device=\"xlat0\"",
                "type=\"icmpv6-packet-too-big\""));
            assertEquals(1, value(body, "xlat_bgp_session_up", "peer=\"198.51.100.1\""));
            assertEquals(0, value(body, "xlat_bgp_session_up", "peer=\"2001:db8::2\""));
            assertEquals(65, value(body, "xlat_bgp_session_uptime_seconds", "peer=\"198.51.100.1\""));
            assertEquals(2, value(body, "xlat_bgp_announced_prefixes", "peer=\"198.51.100.1\""));
            assertEquals(1, value(body, "xlat_bgp_session_state", "peer=\"2001:db8::2\"",
                "xlat_bgp_session_state=\"ACTIVE\""));
            assertEquals(2, value(body, "xlat_bgp_wanted_prefixes"));
            assertEquals(2, value(body, "xlat_bgp_status_age_seconds"));
            assertEquals(2, value(body, "xlat_config_generation"));
            assertEquals(0, value(body, "xlat_config_last_reload_successful"));
            assertEquals(1, value(body, "xlat_config_reloads_total", "result=\"rejected\""));
            assertEquals(1, value(body, "xlat_io_path_info", "path=\"tun-offload\"", "mode=\"multi-device\""));
            assertTrue(body.contains("# TYPE xlat_drops_total counter") || body.contains("# TYPE xlat_drops counter"),
                body);
            promtoolAccepts(body);
        }
    }

    @Test
    void shouldReportAWorkerDownOnlyOnceItsHeartbeatStoodStillSinceThePreviousScrape() {
        final XlatCollector collector = new XlatCollector(sources(null), "test", clock::get);
        heartbeats[0] = 5;
        heartbeats[1] = 7;
        collector.collect();
        clock.addAndGet(XlatCollector.STALL_MILLIS);
        heartbeats[0] = 9; // worker 0 came round its loop, worker 1 did not
        final String body = text(collector);

        assertEquals(1, value(body, "xlat_worker_up", "worker=\"0\""));
        assertEquals(0, value(body, "xlat_worker_up", "worker=\"1\""));
        assertEquals(7, value(body, "xlat_worker_heartbeats_total", "worker=\"1\""));
    }

    @Test
    void shouldFollowCountersFreedAndAllocatedAgainBetweenScrapes() {
        final XlatCollector collector = new XlatCollector(sources(null), "test", clock::get);
        final WorkerCounters blue = new WorkerCounters(manager, "blue0", 0);
        final DeviceCounters device = new DeviceCounters();
        device.received(60);
        blue.publish(device, new DropCounters());
        assertEquals(1, value(text(collector), "xlat_device_received_packets_total", "device=\"blue0\""));

        // blue removed, then a device whose counters take blue's freed ids, all within one generation
        blue.close();
        final DeviceCounters green = new DeviceCounters();
        green.received(10);
        green.received(10);
        new WorkerCounters(manager, "green0", 0).publish(green, new DropCounters());
        final String body = text(collector);

        assertEquals(2, value(body, "xlat_device_received_packets_total", "device=\"green0\""));
        assertFalse(body.contains("device=\"blue0\""), "a removed device is no longer served:\n" + body);
    }

    @Test
    void shouldLabelADeviceWithTheTenantThatHoldsItAfterAReload() {
        final java.util.Map<String, String> tenants = new java.util.HashMap<>(java.util.Map.of("t0", "blue"));
        final XlatCollector collector = new XlatCollector(new MetricsSources(() -> manager,
            d -> tenants.getOrDefault(d, ""), () -> 1, w -> 1, null, reloads, () -> "tun", "multi-device"),
            "test", clock::get);
        final DeviceCounters device = new DeviceCounters();
        device.received(60);
        new WorkerCounters(manager, "t0", 0).publish(device, new DropCounters());
        assertEquals(1, value(text(collector), "xlat_device_received_packets_total", "device=\"t0\"",
            "tenant=\"blue\""));

        tenants.put("t0", "red");
        reloads.applied(clock.get());
        final String body = text(collector);

        assertEquals(1, value(body, "xlat_device_received_packets_total", "device=\"t0\"", "tenant=\"red\""));
        assertFalse(body.contains("tenant=\"blue\""), body);
    }

    @Test
    void shouldLeaveBgpSeriesOutWhenTheRunHasNoBgp() {
        publishTraffic();
        final String body = text(new XlatCollector(sources(null), "test", clock::get));

        assertFalse(body.contains("xlat_bgp_"), body);
        assertTrue(body.contains("xlat_drops_total"), body);
    }

    @Test
    void shouldSkipBgpStatusLinesItCannotParseAndKeepTheOthers() {
        final BgpStatusFile status = BgpStatusFile.parse(java.util.List.of(BgpStatusFile.HEADER + "42",
            "announced\tx\t[]", "peer\tp1\tIDLE\tnot-a-number\t0\t0\t0\t0\t0\t", "peer\tp2\tESTABLISHED\t5\t1\t2\t3\t4\t5\t"));

        assertEquals(42, status.writtenMillis());
        assertEquals(1, status.peers().size());
        assertEquals("p2", status.peers().get(0).name());
        assertEquals(3, status.peers().get(0).advertised());
    }

    static String text(XlatCollector collector) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, collector.collect());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String scrape(int port) throws IOException, InterruptedException {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    static double value(String body, String name, String... labels) {
        Double found = null;
        for (final String line : body.split("\n")) {
            if (!(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            final String head = line.substring(0, line.lastIndexOf(' '));
            boolean all = true;
            for (final String label : labels) {
                all &= head.contains(label);
            }
            if (all) {
                if (found != null) {
                    throw new AssertionError("more than one " + name + " sample with " + String.join(",", labels)
                        + " in:\n" + body);
                }
                found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        if (found == null) {
            throw new AssertionError("no " + name + " sample with " + String.join(",", labels) + " in:\n" + body);
        }
        return found;
    }

    /** {@code promtool check metrics} (Debian package prometheus) reads the exposition from stdin. */
    static void promtoolAccepts(String body) throws IOException, InterruptedException {
        NamespaceLab.requireTool("promtool");
        final Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        final String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + said + "\non:\n" + body);
        assertEquals("", said.trim(), "promtool check metrics has remarks");
    }
}
