package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain SIIT on a device xlat created itself ({@code own0}, not there before the start), with
 * {@code manage-routes} and no BGP: the device is deleted under the running {@code xlat run}; xlat reports it, creates
 * it again with the same settings (its two queues, its MTU), installs the routes the kernel deleted with it, and
 * the IPv4 client's ping reaches the IPv6 server again, its counts running on in the counters file. The topology is
 * {@link SiitLab}'s; the EAM entry for the server makes the managed routes carry the client's traffic. Needs root.
 */
class SiitReattachIT {

    private static final String DEVICE = "own0";

    private SiitLab siit;

    @BeforeEach
    void buildTopology() throws Exception {
        NamespaceLab.requireRoot("ping");
        siit = new SiitLab("xrat", 1520, 1520);
    }

    @AfterEach
    void deleteTopology() {
        if (siit != null) {
            siit.close();
        }
    }

    @Test
    void shouldCreateItsOwnDeviceAgainWhenItIsDeletedAndForwardThroughItWithItsRoutesBack() throws Exception {
        final Path config = siit.config(String.join("\n",
            "translator:",
            "  pool6: \"2001:db8:64::/96\"",
            "  eamt:",
            // the server's RFC 6052 address as an EAM entry: manage-routes routes the EAM IPv4 prefixes in
            "    - {ipv4: \"" + SiitLab.SERVER_V4 + "/32\", ipv6: \"" + SiitLab.SERVER_V6 + "/128\"}",
            "  ipv4-address: " + SiitLab.XLAT_V4,
            "  ipv6-address: \"" + SiitLab.XLAT_V6 + "\"",
            "  ipv6-mtu: 1520",
            "dataplane:",
            "  siit-tun: " + DEVICE,
            "  workers: 2",
            "  manage-routes: true",
            "  counters-file: " + siit.countersFile,
            ""));
        final Process xlat = siit.startXlat("--config", config.toString());
        NamespaceLab.await("the managed routes", 10_000, () -> siit.log().contains("routes: 4 installed"));
        assertTrue(siit.log().contains("siit on " + DEVICE + " (created, mtu 1520, 2 queues)"), siit.log());
        ping("before the deletion");
        final long before = rxPackets();

        final long deleted = System.nanoTime();
        siit.lab.run("ip", "-n", siit.nsx, "link", "del", DEVICE);
        NamespaceLab.await("xlat to create " + DEVICE + " again", 5_000,
            () -> siit.log().contains("device " + DEVICE + " back, re-attached (created again, 2 queues)"));
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted);
        NamespaceLab.await("its routes installed again", 5_000,
            () -> siit.log().contains("routes: 4 of 4 installed again into " + DEVICE));
        ping("after xlat created the device again");

        final String log = siit.log();
        assertTrue(log.contains("device " + DEVICE + " went missing; xlat created it, so it creates it again"), log);
        assertTrue(log.contains("health: device " + DEVICE + " is gone"), "without BGP the health checks still run "
            + "and report it:\n" + log);
        final String link = siit.lab.run("ip", "-n", siit.nsx, "link", "show", DEVICE);
        assertTrue(link.contains("mtu 1520") && link.contains("UP"), link);
        final String routes = siit.lab.run("ip", "-n", siit.nsx, "route", "show", "dev", DEVICE);
        assertTrue(routes.contains(SiitLab.SERVER_V4) && routes.contains(SiitLab.XLAT_V4), routes);
        assertTrue(rxPackets() >= before + 3, "the device's counts run on across the re-attach: " + before + " then "
            + rxPackets());
        assertTrue(xlat.isAlive());
        System.out.println("own0 deleted: created again and re-attached after " + millis + " ms");

        NamespaceLab.stop(xlat, 10_000);
        assertEquals(0, xlat.exitValue(), siit.log());
        assertTrue(siit.lab.exec(5_000, "ip", "-n", siit.nsx, "link", "show", DEVICE).exitCode() != 0,
            "the device it created again goes away with the stop, as the first would have");
    }

    private void ping(String when) {
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "3", "-i", "0.2", "-W",
            "2", SiitLab.SERVER_V4);
        assertEquals(0, r.exitCode(), when + ": " + r.output() + "\n" + siit.log());
    }

    private long rxPackets() {
        return NamespaceLab.counter(NamespaceLab.stats(siit.countersFile), DEVICE, "rx-packets");
    }
}
