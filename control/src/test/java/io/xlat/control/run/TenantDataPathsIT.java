package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every {@link DataPath} through a tenant: blue's IPv4 (10.0.0.1 on xb-blue, a device xlat creates in blue's
 * namespace) to its peer 10.0.0.200 on the IPv6 fabric under blue's instance prefix, and back. TCP both ways
 * arrives byte for byte, in segments that fit the fabric link where blue's traffic crosses it; paced 64-byte
 * datagrams arrive complete and in order, captured on the fabric link one way and by blue's socket the other (what
 * xlat writes into a tenant's device is the tenant's own stack's to receive: there is no link to capture on).
 *
 * <pre>
 *  blue ns: 10.0.0.1 on xb-blue -- xlat (x ns) -- xlat6 -- xf --veth-- fx (fabric ns): 2001:db8:100:1::a00:c8
 * </pre>
 */
class TenantDataPathsIT extends DataPathHarness {

    private static final String PEER_V4 = "10.0.0.200";
    private static final String PEER_V6 = TenantNamespaceIT.BLUE_PEER_V6;
    private static final String BLUE_AS_V6 = "2001:db8:100:1::a00:1";
    private static final int FABRIC_MTU = 1520;

    private static NamespaceLab lab;
    private static String nsx;
    private static String nsBlue;
    private static String nsFabric;
    private static Path config;

    @BeforeAll
    static void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3", "ping");
        lab = new NamespaceLab("xtdp");
        nsx = lab.namespace("x");
        nsBlue = lab.namespace("blue");
        nsFabric = lab.namespace("fab");
        lab.fabricLink(nsx, nsFabric);
        lab.run("ip", "-n", nsx, "link", "set", "xf", "mtu", Integer.toString(FABRIC_MTU));
        lab.run("ip", "-n", nsFabric, "link", "set", "fx", "mtu", Integer.toString(FABRIC_MTU));
        lab.run("ip", "-n", nsFabric, "addr", "add", PEER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        Traffic.segmentOnEgress(lab, nsx, "xf");
        config = Files.writeString(lab.dir.resolve("xlat.yaml"), String.join("\n",
            "translator:",
            "  ipv4-address: 203.0.113.1",
            "  ipv6-address: \"2001:db8:ffff::1\"",
            "  ipv4-mtu: " + (FABRIC_MTU - 20),
            "  ipv6-mtu: " + FABRIC_MTU,
            "tenants:",
            "  - name: blue",
            "    prefix: \"2001:db8:100:1::/96\"",
            "    ipv4: [10.0.0.0/25]",
            "    tun: xb-blue",
            "    netns: " + nsBlue,
            "dataplane:",
            "  ipv6-tun: xlat6",
            "  workers: 1",
            "  counters-file: " + lab.dir.resolve("counters"),
            ""));
    }

    @AfterAll
    static void deleteTopology() {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DataPath.class)
    void shouldCarryTcpByteForByteAndPacedSmallDatagramsInOrderBothWays(DataPath path) throws Exception {
        path.requireAvailable();
        final Path log = lab.dir.resolve("xlat-" + path + ".log");
        start(lab, nsx, log, path, "--config", config.toString());
        // xlat made blue's device anew: its address and the route to the peers; blue's range under its prefix
        // into xlat6
        lab.run("ip", "-n", nsBlue, "addr", "replace", "10.0.0.1/32", "dev", "xb-blue");
        lab.run("ip", "-n", nsBlue, "route", "replace", "10.0.0.128/25", "dev", "xb-blue");
        lab.run("ip", "-n", nsx, "-6", "route", "replace", "2001:db8:100:1::a00:0/121", "dev", "xlat6");
        awaitWarm(path, log, lab.dir.resolve("counters"));
        lab.in(nsBlue, "ping", "-c", "1", "-W", "5", PEER_V4);

        // blue to the fabric: measured on the fabric link
        Traffic.tcpTransferInSegments(lab, nsBlue, "0.0.0.0", nsFabric, "http://[" + BLUE_AS_V6 + "]:8644/blob", 8644,
            nsFabric, "fx", 6, FABRIC_MTU);
        Traffic.tcpTransfer(lab, nsFabric, "::", nsBlue, "http://" + PEER_V4 + ":8646/blob", 8646);
        Traffic.assertSequence(Traffic.udp(lab, nsBlue, PEER_V4, nsFabric, "fx", 6, 5644, 2000, 64, 300), 2000, 48,
            64);
        Traffic.assertSequence(Traffic.udp(lab, nsFabric, BLUE_AS_V6, nsBlue, "socket", 4, 5646, 2000, 64, 300), 2000,
            0, 64);
    }
}
