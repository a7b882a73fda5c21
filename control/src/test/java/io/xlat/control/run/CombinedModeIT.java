package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static io.xlat.control.run.TenantNamespaceIT.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain SIIT and a tenant in one {@code xlat run} process at the same time: {@code dataplane.siit-tun} carries the
 * global path (pool6, both families on one device), {@code dataplane.ipv6-tun} the tenant's instance prefix, and the
 * tenant blue has its own device in its own namespace. The IPv6 fabric holds both the tenant's peer and the plain
 * SIIT path's IPv6 server; xlat installs its routes itself ({@code manage-routes: true}), except the IPv4 space
 * behind pool6, which only the operator knows and the test routes into siit0. Needs root.
 *
 * <pre>
 *  v4 ns: 192.0.2.2 --veth-- 192.0.2.1 | siit0 (xlat) |                 fabric ns
 *                                       |               +- xf --veth-- fx: 2001:db8:64::c633:640a (198.51.100.10)
 *  blue ns: 10.0.0.1 on xb-blue (xlat) --| xlat6 (xlat) -+                2001:db8:100:1::a00:c8 (blue's 10.0.0.200)
 *                                  translator ns (x)
 * </pre>
 * Each path's packets must stay on its own devices: the SIIT path's on siit0 only, the tenant's on xb-blue and
 * xlat6 only.
 */
class CombinedModeIT {

    static final String CLIENT_V4 = SiitNamespaceIT.CLIENT_V4;
    static final String SERVER_V4 = SiitNamespaceIT.SERVER_V4;
    static final String CLIENT_AS_V6 = SiitNamespaceIT.CLIENT_AS_V6;
    static final String SERVER_V6 = SiitNamespaceIT.SERVER_V6;
    static final String BLUE_PEER_V6 = TenantNamespaceIT.BLUE_PEER_V6;
    static final String SIIT = "siit0";
    static final String IPV6 = "xlat6";
    static final String BLUE = "xb-blue";
    /** The fabric's links carry a full-size IPv4 packet once translated (1500 + 20), so no path MTU is learnt. */
    static final int FABRIC_MTU = 1520;

    private static NamespaceLab lab;
    private static String ns4;
    private static String nsx;
    private static String nsBlue;
    private static String nsFabric;
    private static Path dir;
    private static Path countersFile;
    private static Path xlatLog;
    private static Process xlat;

    @BeforeAll
    static void buildTopologyAndStartXlat() throws Exception {
        NamespaceLab.requireRoot("ping", "tcpdump", "python3");
        lab = new NamespaceLab("xcm");
        dir = lab.dir;
        ns4 = lab.namespace("v4");
        nsx = lab.namespace("x");
        nsBlue = lab.namespace("blue");
        nsFabric = lab.namespace("fab");
        // IPv4-only hosts: no kernel IPv6 chatter (router solicitations, MLD) on the client or on xb-blue, which
        // xlat creates here later, so that a device's counters move only with the test's own packets
        lab.sysctl(ns4, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        lab.sysctl(nsBlue, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        lab.sysctl(nsx, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0");

        lab.veth(ns4, "v4h", nsx, "v4x");
        lab.run("ip", "-n", ns4, "addr", "add", CLIENT_V4 + "/24", "dev", "v4h");
        lab.run("ip", "-n", ns4, "route", "add", "default", "via", "192.0.2.1");
        lab.run("ip", "-n", nsx, "addr", "add", "192.0.2.1/24", "dev", "v4x");

        lab.veth(nsx, "xf", nsFabric, "fx");
        lab.run("ip", "-n", nsx, "link", "set", "xf", "mtu", Integer.toString(FABRIC_MTU));
        lab.run("ip", "-n", nsFabric, "link", "set", "fx", "mtu", Integer.toString(FABRIC_MTU));
        lab.run("ip", "-n", nsx, "addr", "add", "2001:db8:f::1/64", "dev", "xf", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", "2001:db8:f::2/64", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", BLUE_PEER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", SERVER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        // the IPv6 server talks to the IPv4 world from its pool6 address
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:f::1", "src",
            SERVER_V6);
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        // the server's pool6 range is on the fabric: more specific than the pool6 route xlat puts into siit0
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:64::c633:6400/120", "via", "2001:db8:f::2");

        countersFile = dir.resolve("counters");
        final Path config = Files.writeString(dir.resolve("xlat.yaml"), NamespaceLab.blueTenantYaml(nsBlue)
            .replace("translator:\n", "translator:\n  pool6: \"2001:db8:64::/96\"\n") + String.join("\n",
            "dataplane:",
            "  ipv6-tun: " + IPV6,
            "  siit-tun: " + SIIT,
            "  manage-routes: true",
            "  workers: 2",
            "  counters-file: " + countersFile,
            ""));
        xlatLog = dir.resolve("xlat.log");
        // the routes go in last: once they are logged, the devices and workers run
        xlat = lab.startXlat(nsx, xlatLog, "routes: ", "--config", config.toString());

        // the IPv4 space behind pool6 is the operator's to route: this host carries 198.51.100.0/24
        lab.run("ip", "-n", nsx, "route", "add", "198.51.100.0/24", "dev", SIIT);
        // blue's own address on the device xlat created in blue's namespace (xlat routed the rest into it)
        lab.run("ip", "-n", nsBlue, "addr", "add", "10.0.0.1/32", "dev", BLUE);
    }

    @AfterAll
    static void stopXlatAndDeleteNamespaces() {
        NamespaceLab.stopAndClose(lab, xlat, xlatLog);
    }

    @Test
    void shouldRunThePlainSiitDeviceAndTheTenantDevicesInOneProcessWithEachPathsRoutes() {
        final String log = read(xlatLog);
        assertTrue(log.contains("started: " + IPV6 + " and " + SIIT + ", 1 tenants, 1 tenant devices, workers 2"),
            log);
        final String stats = NamespaceLab.stats(countersFile);
        assertTrue(stats.contains("xlat pid " + xlat.pid() + ", running since"), stats);
        for (final String device : new String[] {IPV6, SIIT, BLUE}) {
            assertTrue(stats.contains("\n" + device + " (2 workers)"), device + " is served by both workers:\n"
                + stats);
        }

        final String siit6 = lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", SIIT);
        assertTrue(siit6.contains("2001:db8:64::/96 ") && siit6.contains("2001:db8:ffff::1 "), siit6);
        final String siit4 = lab.run("ip", "-n", nsx, "route", "show", "dev", SIIT);
        assertTrue(siit4.contains("203.0.113.1 "), siit4);
        final String tenant6 = lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", IPV6);
        assertTrue(tenant6.contains("2001:db8:100:1::a00:0/121 "), tenant6);
        assertFalse(tenant6.contains("2001:db8:64::"), "pool6 goes into " + SIIT + " alone:\n" + tenant6);
        final String blue = lab.run("ip", "-n", nsBlue, "route", "show", "dev", BLUE);
        assertTrue(blue.contains("default "), blue);
    }

    @Test
    void shouldAnswerPingsOnBothSiitDirectionsAndForTheTenantAtTheSameTimeWithoutCrossTalk() throws Exception {
        // captures on both IPv4-facing devices: what the kernel and xlat exchanged on each
        final Path siitPcap = dir.resolve("siit0.pcap");
        final Path bluePcap = dir.resolve("blue.pcap");
        final Process siitCapture = capture(nsx, SIIT, siitPcap);
        final Process blueCapture = capture(nsBlue, BLUE, bluePcap);

        final CompletableFuture<NamespaceLab.Result> fromClient = ping(ns4, SERVER_V4, 10);
        final CompletableFuture<NamespaceLab.Result> fromServer = ping(nsFabric, CLIENT_AS_V6, 10);
        final CompletableFuture<NamespaceLab.Result> fromBlue = ping(nsBlue, "10.0.0.200", 10);
        final NamespaceLab.Result c = fromClient.get();
        final NamespaceLab.Result s = fromServer.get();
        final NamespaceLab.Result b = fromBlue.get();
        Thread.sleep(300);
        NamespaceLab.stop(siitCapture, 5_000);
        NamespaceLab.stop(blueCapture, 5_000);

        assertTrue(c.exitCode() == 0 && c.output().contains("10 received"), "IPv4 client to the IPv6 server:\n"
            + c.output());
        assertTrue(s.exitCode() == 0 && s.output().contains("10 received"), "IPv6 server to the IPv4 client:\n"
            + s.output());
        assertTrue(b.exitCode() == 0 && b.output().contains("10 received"), "blue to its peer:\n" + b.output());
        assertTrue(xlat.isAlive(), read(xlatLog));

        final String stats = NamespaceLab.stats(countersFile);
        assertTrue(NamespaceLab.counter(stats, SIIT, "tx-packets") > 0, stats);
        assertTrue(NamespaceLab.counter(stats, BLUE, "tx-packets") > 0, stats);
        assertTrue(NamespaceLab.counter(stats, IPV6, "tx-packets") > 0, stats);

        final String onSiit = lab.run("tcpdump", "-n", "-r", siitPcap.toString());
        assertEquals(10, occurrences(onSiit, "IP " + CLIENT_V4 + " > " + SERVER_V4 + ": ICMP echo request"), onSiit);
        assertEquals(10, occurrences(onSiit, "IP6 " + CLIENT_AS_V6 + " > " + SERVER_V6 + ": ICMP6, echo request"),
            onSiit);
        assertEquals(10, occurrences(onSiit, "IP6 " + SERVER_V6 + " > " + CLIENT_AS_V6 + ": ICMP6, echo request"),
            onSiit);
        assertEquals(10, occurrences(onSiit, "IP " + SERVER_V4 + " > " + CLIENT_V4 + ": ICMP echo request"), onSiit);
        assertFalse(onSiit.contains("10.0.0.") || onSiit.contains("2001:db8:100:"),
            "no tenant packet on " + SIIT + ":\n" + onSiit);

        final String onBlue = lab.run("tcpdump", "-n", "-r", bluePcap.toString());
        assertEquals(10, occurrences(onBlue, "IP 10.0.0.1 > 10.0.0.200: ICMP echo request"), onBlue);
        assertEquals(10, occurrences(onBlue, "IP 10.0.0.200 > 10.0.0.1: ICMP echo reply"), onBlue);
        assertFalse(onBlue.contains("192.0.2.") || onBlue.contains("198.51.100.") || onBlue.contains("2001:db8:64:"),
            "no packet of the SIIT path on " + BLUE + ":\n" + onBlue);
    }

    @Test
    void shouldWriteThePlainSiitPathsPacketsToTheSiitDeviceAloneAndTheTenantsToItsDevicesAlone() throws Exception {
        // the SIIT path alone: 5 requests in, translated back into siit0, 5 replies the same way
        final Counts before = Counts.now();
        final NamespaceLab.Result c = ping(ns4, SERVER_V4, 5).get();
        assertTrue(c.exitCode() == 0 && c.output().contains("5 received"), c.output());
        final Counts afterSiit = Counts.settled();
        assertEquals(10, afterSiit.siitTx - before.siitTx, "5 requests as IPv6 and 5 replies as IPv4 into " + SIIT);
        assertEquals(0, afterSiit.ipv6Tx - before.ipv6Tx, "nothing of the SIIT path into " + IPV6);
        assertEquals(0, afterSiit.blueTx - before.blueTx, "nothing of the SIIT path into " + BLUE);
        assertEquals(0, afterSiit.blueRx - before.blueRx, "blue sent nothing");

        // the tenant alone: 5 requests from xb-blue into xlat6, 5 replies from xlat6 into xb-blue
        final NamespaceLab.Result b = ping(nsBlue, "10.0.0.200", 5).get();
        assertTrue(b.exitCode() == 0 && b.output().contains("5 received"), b.output());
        final Counts afterBlue = Counts.settled();
        assertEquals(5, afterBlue.blueRx - afterSiit.blueRx, "blue's 5 requests");
        assertEquals(5, afterBlue.ipv6Tx - afterSiit.ipv6Tx, "blue's 5 requests as IPv6 into " + IPV6);
        assertEquals(5, afterBlue.blueTx - afterSiit.blueTx, "blue's 5 replies into " + BLUE);
        assertEquals(0, afterBlue.siitTx - afterSiit.siitTx, "nothing of the tenant into " + SIIT);
    }

    @Test
    void shouldAnswerAnExpiredPacketOfThePlainSiitPathFromTheTranslatorsOwnAddressesOutOfTheSiitDevice() {
        // TTL 2: the translator namespace forwards it into siit0 with 1 left, and xlat, a router itself
        // (RFC 7915 §4.1), answers Time Exceeded; the error goes back out of siit0, whatever tenants run beside it
        final NamespaceLab.Result v4 = lab.execIn(ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2",
            SERVER_V4);
        assertTrue(v4.output().contains("From " + SiitNamespaceIT.XLAT_V4 + " icmp_seq=1 Time to live exceeded"),
            v4.output());
        final NamespaceLab.Result v6 = lab.execIn(nsFabric, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2",
            CLIENT_AS_V6);
        assertTrue(v6.output().contains("From " + SiitNamespaceIT.XLAT_V6 + " icmp_seq=1 Time exceeded: Hop limit"),
            v6.output());
    }

    @Test
    void shouldCarryATcpTransferOnThePlainSiitPathAndOneForTheTenantConcurrently() throws Exception {
        final Path www = Files.createDirectories(dir.resolve("www"));
        final byte[] blob = new byte[8 << 20];
        new Random(7915).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
        final long siitBytesBefore = NamespaceLab.counter(NamespaceLab.stats(countersFile), SIIT, "tx-bytes");
        final long blueBytesBefore = NamespaceLab.counter(NamespaceLab.stats(countersFile), BLUE, "tx-bytes");
        // one server on the fabric answers both: as 2001:db8:64::c633:640a and as blue's 2001:db8:100:1::a00:c8
        final Process server = lab.start(nsFabric, dir.resolve("http.log"), "python3", "-m", "http.server", "8080",
            "--bind", "::", "--directory", www.toString());
        try {
            final CompletableFuture<NamespaceLab.Result> client = CompletableFuture.supplyAsync(() ->
                lab.execIn(ns4, 60_000, "python3", "-c", Traffic.FETCH, "http://" + SERVER_V4 + ":8080/blob"));
            final CompletableFuture<NamespaceLab.Result> blue = CompletableFuture.supplyAsync(() ->
                lab.execIn(nsBlue, 60_000, "python3", "-c", Traffic.FETCH, "http://10.0.0.200:8080/blob"));
            final String expected = blob.length + " " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(blob));
            final NamespaceLab.Result c = client.get();
            final NamespaceLab.Result b = blue.get();
            assertEquals(0, c.exitCode(), c.output());
            assertEquals(0, b.exitCode(), b.output());
            assertEquals(expected, c.output().trim(), "length and SHA-256 the IPv4 client received");
            assertEquals(expected, b.output().trim(), "length and SHA-256 blue received");
        } finally {
            NamespaceLab.stop(server, 3_000);
        }
        final String stats = NamespaceLab.stats(countersFile);
        // 8 MiB went out of each device (as TCP super-packets with offloads, the default: count bytes)
        assertTrue(NamespaceLab.counter(stats, SIIT, "tx-bytes") - siitBytesBefore > (8 << 20), stats);
        assertTrue(NamespaceLab.counter(stats, BLUE, "tx-bytes") - blueBytesBefore > (8 << 20), stats);
    }

    /** Device counters of the three devices from one {@code xlat stats}. */
    private record Counts(long siitTx, long ipv6Tx, long blueTx, long blueRx) {

        static Counts now() {
            final String stats = NamespaceLab.stats(countersFile);
            return new Counts(NamespaceLab.counter(stats, SIIT, "tx-packets"),
                NamespaceLab.counter(stats, IPV6, "tx-packets"),
                NamespaceLab.counter(stats, BLUE, "tx-packets"), NamespaceLab.counter(stats, BLUE, "rx-packets"));
        }

        /** Once the workers published their last counts: they do so within a millisecond of going idle. */
        static Counts settled() throws InterruptedException {
            Thread.sleep(300);
            return now();
        }
    }

    private static CompletableFuture<NamespaceLab.Result> ping(String ns, String target, int count) {
        return CompletableFuture.supplyAsync(() -> lab.execIn(ns, 30_000, "ping", "-n", "-c", Integer.toString(count),
            "-i", "0.2", "-W", "2", target));
    }

    private static Process capture(String ns, String device, Path pcap) throws Exception {
        final Path log = dir.resolve(device + "-tcpdump.log");
        // --immediate-mode: without it, packets wait in the capture ring's block and are lost when tcpdump stops
        final Process p = lab.start(ns, log, "tcpdump", "--immediate-mode", "-n", "-U", "-i", device, "-w",
            pcap.toString());
        NamespaceLab.await("tcpdump to listen on " + device, 10_000, () -> read(log).contains("listening"));
        return p;
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
