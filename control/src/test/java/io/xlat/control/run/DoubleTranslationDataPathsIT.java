package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

/**
 * Every {@link DataPath} through double translation (464XLAT with both ends stateless, as in the benchmark's 464
 * topology): an IPv4-only client, translator A, an IPv6-only link, translator B, an IPv4-only server. A turns the
 * client's IPv4 into IPv6 under pool6 and B turns it back, and the replies the other way; each translator runs
 * both directions. TCP both ways arrives byte for byte in segments that fit the links (measured on the IPv6 link
 * and at the far IPv4 host), and paced 64-byte datagrams each way arrive complete and in order at the far host.
 *
 * <pre>
 *  cli ns              a ns                                   b ns                  srv ns
 *  192.0.2.2 --veth-- 192.0.2.1 | xa0 (xlat) | 2001:db8:6::1 --veth-- 2001:db8:6::2 | xb0 (xlat) | 198.51.100.1
 *                                                                                      --veth-- 198.51.100.10
 * </pre>
 */
class DoubleTranslationDataPathsIT extends DataPathHarness {

    private static final String CLIENT = "192.0.2.2";
    private static final String SERVER = "198.51.100.10";
    private static final String POOL6 = "2001:db8:64::/96";
    /** The client's and the server's ranges under pool6 (RFC 6052: 192.0.2.0 is c000:200, 198.51.100.0 c633:6400). */
    private static final String CLIENTS_AS_V6 = "2001:db8:64::c000:200/120";
    private static final String SERVERS_AS_V6 = "2001:db8:64::c633:6400/120";
    private static final int V4_MTU = 1500;
    private static final int V6_MTU = 1520;

    private static NamespaceLab lab;
    private static String cli;
    private static String a;
    private static String b;
    private static String srv;

    @BeforeAll
    static void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3", "ping");
        lab = new NamespaceLab("x464");
        cli = lab.namespace("cli");
        a = lab.namespace("a");
        b = lab.namespace("b");
        srv = lab.namespace("srv");
        for (final String ns : new String[] {cli, srv}) {
            lab.sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        for (final String ns : new String[] {a, b}) {
            lab.sysctl(ns, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        }
        lab.veth(cli, "c4", a, "a4");
        lab.veth(a, "a6", b, "b6");
        lab.veth(b, "b4", srv, "s4");
        lab.run("ip", "-n", a, "link", "set", "a6", "mtu", Integer.toString(V6_MTU));
        lab.run("ip", "-n", b, "link", "set", "b6", "mtu", Integer.toString(V6_MTU));
        lab.run("ip", "-n", cli, "addr", "add", CLIENT + "/24", "dev", "c4");
        lab.run("ip", "-n", cli, "route", "add", "default", "via", "192.0.2.1");
        lab.run("ip", "-n", a, "addr", "add", "192.0.2.1/24", "dev", "a4");
        lab.run("ip", "-n", a, "addr", "add", "2001:db8:6::1/64", "dev", "a6", "nodad");
        lab.run("ip", "-n", b, "addr", "add", "2001:db8:6::2/64", "dev", "b6", "nodad");
        lab.run("ip", "-n", b, "addr", "add", "198.51.100.1/24", "dev", "b4");
        lab.run("ip", "-n", srv, "addr", "add", SERVER + "/24", "dev", "s4");
        lab.run("ip", "-n", srv, "route", "add", "default", "via", "198.51.100.1");
        // what the other translator serves is reached over the IPv6 link
        lab.run("ip", "-n", a, "-6", "route", "add", SERVERS_AS_V6, "via", "2001:db8:6::2");
        lab.run("ip", "-n", b, "-6", "route", "add", CLIENTS_AS_V6, "via", "2001:db8:6::1");
        for (final String[] device : new String[][] {{a, "xa0"}, {b, "xb0"}}) {
            lab.run("ip", "-n", device[0], "tuntap", "add", "dev", device[1], "mode", "tun");
            lab.run("ip", "-n", device[0], "link", "set", device[1], "mtu", Integer.toString(V6_MTU), "up");
        }
        Traffic.segmentOnEgress(lab, a, "a4", "a6");
        Traffic.segmentOnEgress(lab, b, "b4", "b6");
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
        final Path logA = lab.dir.resolve("xlat-a-" + path + ".log");
        final Path logB = lab.dir.resolve("xlat-b-" + path + ".log");
        final Path countersA = lab.dir.resolve("counters-a");
        final Path countersB = lab.dir.resolve("counters-b");
        startTranslator(path, a, "xa0", "203.0.113.1", "2001:db8:ffff::1", logA, countersA);
        startTranslator(path, b, "xb0", "203.0.113.2", "2001:db8:ffff::2", logB, countersB);
        // A: the servers' IPv4 space into the device, and pool6's client range back into it; B the other way round
        lab.run("ip", "-n", a, "route", "replace", "198.51.100.0/24", "dev", "xa0");
        lab.run("ip", "-n", a, "-6", "route", "replace", CLIENTS_AS_V6, "dev", "xa0");
        lab.run("ip", "-n", b, "route", "replace", "192.0.2.0/24", "dev", "xb0");
        lab.run("ip", "-n", b, "-6", "route", "replace", SERVERS_AS_V6, "dev", "xb0");
        awaitWarm(path, logA, countersA);
        awaitWarm(path, logB, countersB);
        lab.in(cli, "ping", "-c", "1", "-W", "5", SERVER);

        // server to client: measured on the IPv6 link, where B's segments arrive at A
        Traffic.tcpTransferInSegments(lab, srv, "0.0.0.0", cli, "http://" + SERVER + ":8544/blob", 8544, a, "a6", 6,
            V6_MTU);
        // client to server: measured where the server receives it
        Traffic.tcpTransferInSegments(lab, cli, "0.0.0.0", srv, "http://" + CLIENT + ":8545/blob", 8545, srv, "s4", 4,
            V4_MTU);
        Traffic.assertSequence(Traffic.udp(lab, cli, SERVER, srv, "s4", 4, 5544, 2000, 64, 300), 2000, 28, 64);
        Traffic.assertSequence(Traffic.udp(lab, srv, CLIENT, cli, "c4", 4, 5545, 2000, 64, 300), 2000, 28, 64);
    }

    private void startTranslator(DataPath path, String ns, String device, String ownV4, String ownV6, Path log,
        Path counters) throws Exception {
        start(lab, ns, log, path, "--tun", device, "--prefix", POOL6, "--mtu", Integer.toString(V6_MTU),
            "--ipv4-address", ownV4, "--ipv6-address", ownV6, "--counters-file", counters.toString(), "--workers", "1");
    }
}
