package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenants through {@code xlat run}: two tenant namespaces that both use 10.0.0.1, each with its own TUN device
 * that xlat creates inside the namespace ({@code netns:}), and the host's IPv6 device xlat6 in the translator
 * namespace. Each tenant's peer 10.0.0.200 lives on the IPv6 fabric under the tenant's instance prefix. Needs root.
 *
 * <pre>
 *  blue ns: 10.0.0.1 on xb-blue -+                             fabric ns
 *                                +- xlat (x ns) - xlat6 - veth - 2001:db8:100:1::a00:c8 (blue's 10.0.0.200)
 *  red ns:  10.0.0.1 on xb-red  -+                             2001:db8:100:2::a00:c8 (red's 10.0.0.200)
 * </pre>
 */
class TenantNamespaceIT {
    /** How the log starts the line of a reload applied. */
    private static final String RELOADED = "reloaded: translator section and ";


    static final String BLUE_PEER_V6 = "2001:db8:100:1::a00:c8";
    static final String RED_PEER_V6 = "2001:db8:100:2::a00:c8";

    private static TwoTenantLab topology;
    private static NamespaceLab lab;
    private static Path dir;
    private static Path config;
    private static Process xlat;

    @BeforeAll
    static void buildTopologyAndStartXlat() throws Exception {
        NamespaceLab.requireRoot("ping", "tcpdump");
        topology = new TwoTenantLab("xten", 1);
        lab = topology.lab;
        dir = lab.dir;
        config = topology.config;
        xlat = lab.startXlat(topology.nsx, topology.xlatLog, "xlat: started: ", "--config", config.toString());

        topology.tenantSides();
    }

    static String config(boolean withGreen) {
        return topology.config(withGreen);
    }

    @AfterAll
    static void stopXlatAndDeleteNamespaces() {
        NamespaceLab.stopAndClose(lab, xlat, topology.xlatLog);
    }

    @Test
    void shouldReachEachTenantsOwnPeerAtTheSameTimeWithoutCrossTalk() throws Exception {
        final long blueBefore = counter(stats(), "xb-blue", "tx-packets");
        final long redBefore = counter(stats(), "xb-red", "tx-packets");
        // a capture on the fabric: which source addresses arrive, per instance prefix
        final Path pcap = dir.resolve("fabric.pcap");
        // --immediate-mode: without it, packets wait in the capture ring's block and are lost when tcpdump stops
        final Process capture = lab.start(topology.nsFabric, dir.resolve("tcpdump.log"), "tcpdump",
            "--immediate-mode", "-n",
            "-U", "-i", "fx", "-w", pcap.toString(), "icmp6");
        NamespaceLab.await("tcpdump to listen", 10_000, () -> read(dir.resolve("tcpdump.log")).contains("listening"));

        final CompletableFuture<NamespaceLab.Result> blue = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsBlue, 20_000, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", "10.0.0.200"));
        final CompletableFuture<NamespaceLab.Result> red = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsRed, 20_000, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", "10.0.0.200"));
        final NamespaceLab.Result b = blue.get();
        final NamespaceLab.Result r = red.get();
        Thread.sleep(300);
        NamespaceLab.stop(capture, 5_000);

        assertEquals(0, b.exitCode(), b.output());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(b.output().contains(" 0% packet loss") && r.output().contains(" 0% packet loss"),
            b.output() + r.output());
        assertEquals(5, counter(stats(), "xb-blue", "tx-packets") - blueBefore, "blue's device got its 5 replies");
        assertEquals(5, counter(stats(), "xb-red", "tx-packets") - redBefore, "red's device got its 5 replies");
        final String seen = lab.run("tcpdump", "-n", "-r", pcap.toString());
        assertEquals(5, occurrences(seen, "2001:db8:100:1::a00:1 > " + BLUE_PEER_V6 + ": ICMP6, echo request"), seen);
        assertEquals(5, occurrences(seen, "2001:db8:100:2::a00:1 > " + RED_PEER_V6 + ": ICMP6, echo request"), seen);
        assertEquals(0, occurrences(seen, "2001:db8:100:1::a00:1 > " + RED_PEER_V6)
            + occurrences(seen, "2001:db8:100:2::a00:1 > " + BLUE_PEER_V6), "no request crosses over: " + seen);
    }

    @Test
    void shouldAddATenantBySighupWithoutLosingAPacketOfAnotherTenantsFlow() throws Exception {
        final CompletableFuture<NamespaceLab.Result> red = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsRed, 30_000, "ping", "-n", "-c", "300", "-i", "0.01", "-W", "2", "10.0.0.200"));
        Thread.sleep(700);

        // first an invalid file: rejected with the reason, the running tenants stay
        Files.writeString(config, config(false).replace("2001:db8:100:2::/96", "2001:db8:100:2::/97"));
        hangUp();
        NamespaceLab.await("the reload to be rejected", 10_000, () -> log().contains("reload rejected"));
        Thread.sleep(300);

        // then green, in the translator's namespace, added while red's ping flows: as 'xlat reload' sends it
        Files.writeString(config, config(true));
        assertEquals(xlat.pid(), ReloadRequest.send(topology.countersFile));
        NamespaceLab.await("the reload to apply", 10_000, () -> log().contains(RELOADED + "3 tenants"));
        final NamespaceLab.Result r = red.get();

        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("300 packets transmitted, 300 received, 0% packet loss"), r.output());
        assertTrue(xlat.isAlive(), log());
        assertTrue(log().contains(RELOADED + "3 tenants, 1 devices opened, 0 closed"), log());
        final String link = lab.run("ip", "-n", topology.nsx, "link", "show", "xb-green");
        assertTrue(link.contains("UP"), link);

        // green forwards: its 10.0.0.1 reaches its own 10.0.0.200 under 2001:db8:100:3::/96
        lab.run("ip", "-n", topology.nsFabric, "addr", "add", "2001:db8:100:3::a00:c8/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", topology.nsx, "-6", "route", "add", "2001:db8:100:3::a00:0/121", "dev", "xlat6");
        lab.run("ip", "-n", topology.nsx, "addr", "add", "10.0.0.1/32", "dev", "xb-green");
        lab.run("ip", "-n", topology.nsx, "route", "add", "10.0.0.128/25", "dev", "xb-green");
        final NamespaceLab.Result g = lab.execIn(topology.nsx, 15_000, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "2",
            "10.0.0.200");
        assertEquals(0, g.exitCode(), g.output());

        // and removed again: its device closes (xlat created it, so it goes away), red goes on
        Files.writeString(config, config(false));
        hangUp();
        NamespaceLab.await("the removal to apply", 10_000,
            () -> log().contains(RELOADED + "2 tenants, 0 devices opened, 1 closed"));
        assertTrue(lab.exec(5_000, "ip", "-n", topology.nsx, "link", "show", "xb-green").exitCode() != 0,
            "xb-green is gone");
        final NamespaceLab.Result after = lab.execIn(topology.nsRed, 15_000, "ping", "-n", "-c", "2", "-i", "0.2",
            "-W", "2",
            "10.0.0.200");
        assertEquals(0, after.exitCode(), after.output());
    }

    private static void hangUp() {
        lab.run("kill", "-HUP", Long.toString(xlat.pid()));
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static String stats() {
        return NamespaceLab.stats(topology.countersFile);
    }

    /** A counter of one device's section of {@code xlat stats}; 0 when absent. */
    static long counter(String stats, String device, String label) {
        return NamespaceLab.counter(stats, device, label);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** What xlat has logged so far. */
    private static String log() {
        return read(topology.xlatLog);
    }
}
