package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static io.xlat.control.run.SiitLab.CLIENT_AS_V6;
import static io.xlat.control.run.SiitLab.SERVER_V4;
import static io.xlat.control.run.SiitLab.XLAT_V4;
import static io.xlat.control.run.SiitLab.XLAT_V6;

/**
 * Every {@link DataPath} through plain SIIT on one device ({@link SiitLab}'s namespaces): TCP both ways arrives
 * byte for byte in segments that fit the links, and a paced flow of 64-byte datagrams each way arrives complete
 * and in order in a capture on the receiving host's link. The translator namespace's links segment on egress
 * ({@link Traffic#segmentOnEgress}), so that what the captures see is what a wire would carry.
 */
class SiitDataPathsIT extends DataPathHarness {

    /** The IPv4 hosts' links keep the default MTU; xlat0 and the IPv6 link carry 20 bytes more. */
    private static final int V4_MTU = 1500;
    private static final int V6_MTU = 1520;
    private static SiitLab siit;

    @BeforeAll
    static void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3", "ping");
        siit = new SiitLab("xdps", V6_MTU, V6_MTU);
        Traffic.segmentOnEgress(siit.lab, siit.nsx, "v6x", "v4x");
    }

    @AfterAll
    static void deleteTopology() {
        if (siit != null) {
            siit.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DataPath.class)
    void shouldCarryTcpByteForByteAndPacedSmallDatagramsInOrderBothWays(DataPath path) throws Exception {
        path.requireAvailable();
        final Path log = siit.lab.dir.resolve("xlat-" + path + ".log");
        start(siit.lab, siit.nsx, log, path, "--tun", SiitLab.DEVICE, "--prefix", "2001:db8:64::/96", "--mtu",
            Integer.toString(V6_MTU), "--ipv4-address", XLAT_V4, "--ipv6-address", XLAT_V6, "--counters-file",
            siit.countersFile.toString(), "--workers", "1");
        siit.routesIntoDevice();
        awaitWarm(path, log, siit.countersFile);
        // neighbours resolved both ways first: packets to an unresolved one wait in a short queue, and may be lost
        siit.lab.in(siit.ns4, "ping", "-c", "1", "-W", "5", SERVER_V4);
        siit.lab.in(siit.ns6, "ping", "-c", "1", "-W", "5", CLIENT_AS_V6);

        Traffic.tcpTransferInSegments(siit.lab, siit.ns6, "::", siit.ns4, "http://" + SERVER_V4 + ":8446/blob", 8446,
            siit.ns4, "v4h", 4, V4_MTU);
        Traffic.tcpTransferInSegments(siit.lab, siit.ns4, "0.0.0.0", siit.ns6, "http://[" + CLIENT_AS_V6
            + "]:8464/blob", 8464, siit.ns6, "v6h", 6, V6_MTU);
        Traffic.assertSequence(Traffic.udp(siit.lab, siit.ns4, SERVER_V4, siit.ns6, "v6h", 6, 5446, 2000, 64, 300),
            2000, 48, 64);
        Traffic.assertSequence(Traffic.udp(siit.lab, siit.ns6, CLIENT_AS_V6, siit.ns4, "v4h", 4, 5464, 2000, 64,
            300), 2000, 28, 64);
    }
}
