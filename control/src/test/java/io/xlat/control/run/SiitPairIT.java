package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.xlat.control.run.SiitLab.CLIENT_AS_V6;
import static io.xlat.control.run.SiitLab.SERVER_V4;
import static io.xlat.control.run.SiitLab.XLAT_V4;
import static io.xlat.control.run.SiitLab.XLAT_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain SIIT on a device pair (dataplane.ipv4-tun with dataplane.ipv6-tun), in {@link SiitLab}'s namespaces: the
 * IPv4 host's traffic goes into p4, comes out of p6 as IPv6 and back; the managed routes put the translator's own
 * addresses and pool6 on the right device of the pair.
 */
class SiitPairIT {

    private static SiitLab siit;

    @BeforeAll
    static void startXlatOnAPair() throws Exception {
        NamespaceLab.requireRoot("ping", "python3");
        siit = new SiitLab("xpair", 1520, 1520);
        final Path config = siit.config(pairConfig(siit, XLAT_V4));
        siit.startXlat("--config", config.toString());
        awaitRoutes(siit);
        // the IPv4 space behind pool6 is the operator's to route (xlat routes only its EAM and own addresses)
        siit.lab.run("ip", "-n", siit.nsx, "route", "replace", "198.51.100.0/24", "dev", "p4");
    }

    @AfterAll
    static void stop() {
        if (siit != null) {
            siit.close();
        }
    }

    static String pairConfig(SiitLab siit, String ipv4Address) {
        return String.join("\n",
            "translator:",
            "  pool6: \"2001:db8:64::/96\"",
            "  ipv4-address: " + ipv4Address,
            "  ipv6-address: \"" + XLAT_V6 + "\"",
            "  ipv6-mtu: 1520",
            "  ipv4-mtu: 1500",
            "dataplane:",
            "  ipv6-tun: p6",
            "  ipv4-tun: p4",
            "  workers: 2",
            "  manage-routes: true",
            "  counters-file: " + siit.countersFile,
            "");
    }

    private static void awaitRoutes(SiitLab siit) throws InterruptedException {
        NamespaceLab.await("the managed routes (log: " + siit.log() + ")", 10_000,
            () -> siit.log().contains("routes: "));
    }

    @Test
    void shouldAnswerPingFromTheIpv4HostThroughTheIpv4DeviceAndOutOfTheIpv6Device() {
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2",
            SERVER_V4);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("3 received"), r.output());
        final String stats = NamespaceLab.stats(siit.countersFile);
        assertTrue(TenantNamespaceIT.counter(stats, "p4", "rx-packets") >= 3, stats);
        assertTrue(TenantNamespaceIT.counter(stats, "p6", "tx-packets") >= 3, stats);
        assertTrue(TenantNamespaceIT.counter(stats, "p6", "rx-packets") >= 3, stats);
        assertTrue(TenantNamespaceIT.counter(stats, "p4", "tx-packets") >= 3, stats);
    }

    @Test
    void shouldAnswerPingFromTheIpv6HostToTheIpv4HostOverThePair() {
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns6, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2",
            CLIENT_AS_V6);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("3 received"), r.output());
    }

    @Test
    void shouldSendTimeExceededBackOutOfTheIpv4DeviceWhenTtlExpires46() {
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2",
            SERVER_V4);
        assertTrue(r.output().contains("From " + XLAT_V4 + " icmp_seq=1 Time to live exceeded"), r.output());
    }

    @Test
    void shouldCarryTcpTransfersBothWaysOverThePair() throws Exception {
        Traffic.tcpTransfer(siit.lab, siit.ns6, "::", siit.ns4, "http://" + SERVER_V4 + ":8146/blob", 8146);
        Traffic.tcpTransfer(siit.lab, siit.ns4, "0.0.0.0", siit.ns6, "http://[" + CLIENT_AS_V6 + "]:8164/blob",
            8164);
    }

    @Test
    void shouldRouteTheOwnAddressesAndPool6IntoTheDeviceOfTheirFamily() {
        final String v4 = siit.lab.run("ip", "-n", siit.nsx, "route", "show", "dev", "p4");
        final String v6 = siit.lab.run("ip", "-n", siit.nsx, "-6", "route", "show", "dev", "p6");
        assertTrue(v4.contains(XLAT_V4 + " ") && v4.contains("metric 464"), v4);
        assertTrue(v6.contains("2001:db8:64::/96") && v6.contains(XLAT_V6), v6);
        assertFalse(siit.lab.run("ip", "-n", siit.nsx, "-6", "route", "show", "dev", "p4").contains("2001:db8"),
            "no IPv6 route into the IPv4 device");
    }

    /**
     * The pair's IPv4 device, which xlat created, deleted under it: only that path fails, xlat creates p4 again with
     * its two queues and installs its own route into it again; with the operator's route for the IPv4 space behind
     * pool6 put back (the kernel deleted it with the device), the IPv4 host's ping gets through again.
     */
    @Test
    void shouldCreateTheIpv4DeviceAgainWhenItIsDeletedAndForwardThroughIt() throws Exception {
        try (SiitLab own = new SiitLab("xpaird", 1520, 1520)) {
            own.startXlat("--config", own.config(pairConfig(own, XLAT_V4)).toString());
            awaitRoutes(own);
            own.lab.run("ip", "-n", own.nsx, "route", "replace", "198.51.100.0/24", "dev", "p4");

            own.lab.run("ip", "-n", own.nsx, "link", "del", "p4");
            NamespaceLab.await("p4 created again (log: " + own.log() + ")", 5_000,
                () -> own.log().contains("device p4 back, re-attached (created again, 2 queues)"));
            NamespaceLab.await("its route installed again", 5_000,
                () -> own.log().contains("routes: 1 of 1 installed again into p4"));
            assertTrue(own.log().contains("health: (plain SIIT): device p4 is gone"), "only plain SIIT's own path "
                + "fails:\n" + own.log());
            own.lab.run("ip", "-n", own.nsx, "route", "replace", "198.51.100.0/24", "dev", "p4");
            final NamespaceLab.Result r = own.lab.execIn(own.ns4, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2",
                SERVER_V4);
            assertEquals(0, r.exitCode(), r.output() + "\n" + own.log());
            final String routes = own.lab.run("ip", "-n", own.nsx, "route", "show", "dev", "p4");
            assertTrue(routes.contains(XLAT_V4 + " ") && routes.contains("metric 464"), routes);
        }
    }

    /**
     * A SIGHUP that changes the translator's own IPv4 address: the errors come from the new one, its route follows,
     * and a ping flow running through the reload loses nothing.
     */
    @Test
    void shouldApplyANewTranslatorSectionOnSighupWithoutLosingAPacket() throws Exception {
        try (SiitLab own = new SiitLab("xpairr", 1520, 1520)) {
            final String newAddress = "203.0.113.7";
            final Path config = own.config(pairConfig(own, XLAT_V4));
            final Process xlat = own.startXlat("--config", config.toString());
            awaitRoutes(own);
            own.lab.run("ip", "-n", own.nsx, "route", "replace", "198.51.100.0/24", "dev", "p4");
            final Process flow = own.lab.start(own.ns4, own.lab.dir.resolve("flow.log"), "ping", "-c", "60", "-i",
                "0.05", "-W", "2", SERVER_V4);
            Thread.sleep(1_000);
            Files.writeString(config, pairConfig(own, newAddress));
            own.lab.run("kill", "-HUP", Long.toString(xlat.pid()));
            NamespaceLab.await("the reload (log: " + own.log() + ")", 10_000,
                () -> own.log().contains("reloaded: translator section"));
            NamespaceLab.await("the flow to end", 20_000, () -> !flow.isAlive());
            final String flowLog = SiitLab.read(own.lab.dir.resolve("flow.log"));
            assertTrue(flowLog.contains("60 packets transmitted, 60 received"), flowLog);
            assertTrue(own.log().contains("reloaded: translator section"), own.log());
            final NamespaceLab.Result r = own.lab.execIn(own.ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2",
                SERVER_V4);
            assertTrue(r.output().contains("From " + newAddress + " icmp_seq=1 Time to live exceeded"), r.output());
            final String routes = own.lab.run("ip", "-n", own.nsx, "route", "show", "dev", "p4");
            assertTrue(routes.contains(newAddress + " "), routes);
            assertFalse(routes.contains(XLAT_V4 + " "), routes);
        }
    }
}
