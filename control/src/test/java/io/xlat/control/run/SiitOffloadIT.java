package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.xlat.control.run.SiitLab.CLIENT_AS_V6;
import static io.xlat.control.run.SiitLab.SERVER_V4;
import static io.xlat.control.run.SiitLab.XLAT_V4;
import static io.xlat.control.run.SiitLab.XLAT_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain SIIT with TUN offloads ({@code --offload}): the kernel hands xlat TCP super-packets, which it translates
 * as one and writes back for the kernel to segment. A transfer both ways must arrive intact, the device must
 * have carried more than one segment per read, and everything else (ping, errors) must work as without.
 */
class SiitOffloadIT {

    private static SiitLab siit;

    @BeforeAll
    static void startXlatWithOffloads() throws Exception {
        NamespaceLab.requireRoot("ping", "python3");
        siit = new SiitLab("xoffl", 1520, 1520);
        siit.startXlat("--tun", SiitLab.DEVICE, "--prefix", "2001:db8:64::/96", "--ipv4-address", XLAT_V4,
            "--ipv6-address", XLAT_V6, "--counters-file", siit.countersFile.toString(), "--workers", "1",
            "--offload");
        siit.routesIntoDevice();
    }

    @AfterAll
    static void stop() {
        if (siit != null) {
            siit.close();
        }
    }

    @Test
    void shouldCarryTcpTransfersBothWaysIntactAsSuperPackets() throws Exception {
        Traffic.tcpTransfer(siit.lab, siit.ns6, "::", siit.ns4, "http://" + SERVER_V4 + ":8246/blob", 8246);
        Traffic.tcpTransfer(siit.lab, siit.ns4, "0.0.0.0", siit.ns6, "http://[" + CLIENT_AS_V6 + "]:8264/blob",
            8264);
        final String stats = NamespaceLab.stats(siit.countersFile);
        final long packets = NamespaceLab.counter(stats, SiitLab.DEVICE, "rx-packets");
        final long bytes = NamespaceLab.counter(stats, SiitLab.DEVICE, "rx-bytes");
        System.out.println("offloads: " + packets + " packets read, " + bytes / Math.max(1, packets)
            + " bytes each on average\n" + stats);
        assertTrue(packets > 0 && bytes / packets > 1520, "more than one segment per read on average: " + stats);
    }

    @Test
    void shouldStillAnswerPingAndSendTimeExceededWithOffloads() {
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2",
            SERVER_V4);
        assertEquals(0, r.exitCode(), r.output());
        final NamespaceLab.Result ttl = siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t",
            "2", SERVER_V4);
        assertTrue(ttl.output().contains("From " + XLAT_V4 + " icmp_seq=1 Time to live exceeded"), ttl.output());
    }

    @Test
    void shouldCarryTcpTransfersIntactAsSuperPacketsOverADevicePair() throws Exception {
        try (SiitLab pair = new SiitLab("xoffp", 1520, 1520)) {
            pair.startXlat("--config", pair.config(SiitPairIT.pairConfig(pair, XLAT_V4) + "  offload: true\n")
                .toString());
            NamespaceLab.await("the managed routes", 10_000, () -> pair.log().contains("routes: "));
            pair.lab.run("ip", "-n", pair.nsx, "route", "replace", "198.51.100.0/24", "dev", "p4");
            Traffic.tcpTransfer(pair.lab, pair.ns6, "::", pair.ns4, "http://" + SERVER_V4 + ":8346/blob",
                8346);
            Traffic.tcpTransfer(pair.lab, pair.ns4, "0.0.0.0", pair.ns6,
                "http://[" + CLIENT_AS_V6 + "]:8364/blob", 8364);
            final String stats = NamespaceLab.stats(pair.countersFile);
            System.out.println(stats);
            final long packets = NamespaceLab.counter(stats, "p4", "rx-packets")
                + NamespaceLab.counter(stats, "p6", "rx-packets");
            final long bytes = NamespaceLab.counter(stats, "p4", "rx-bytes") + NamespaceLab.counter(stats, "p6",
                "rx-bytes");
            assertTrue(packets > 0 && bytes / packets > 1520, "more than one segment per read on average: " + stats);
        }
    }
}
