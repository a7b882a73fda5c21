package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.control.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain SIIT through {@code xlat run} on a real TUN device: an IPv4-only namespace and an IPv6-only namespace
 * joined through a translator namespace where xlat runs as a child process, the way the benchmark runs it
 * (persistent device made beforehand, flags instead of a file). Needs root; skips otherwise, unless
 * XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 *
 * <pre>
 *  v4 ns                    translator ns                               v6 ns
 *  192.0.2.2 --veth-- 192.0.2.1 | xlat0 (xlat) | 2001:db8:6::1 --veth-- 2001:db8:6::2
 *                                                                      2001:db8:64::c633:640a (198.51.100.10)
 * </pre>
 * pool6 2001:db8:64::/96 (RFC 6052): the IPv4 client 192.0.2.2 appears as 2001:db8:64::c000:202, the IPv6 server
 * is reached at 198.51.100.10. The translator's own addresses (sources of its ICMP errors) are 203.0.113.1 and
 * 2001:db8:ffff::1, routed into the device and not local to any namespace.
 */
class SiitNamespaceIT {

    static final String CLIENT_V4 = "192.0.2.2";
    static final String SERVER_V4 = "198.51.100.10";
    static final String CLIENT_AS_V6 = "2001:db8:64::c000:202";
    static final String SERVER_V6 = "2001:db8:64::c633:640a";
    static final String XLAT_V4 = "203.0.113.1";
    static final String XLAT_V6 = "2001:db8:ffff::1";
    static final int V6_MTU = 1520;

    private static NamespaceLab lab;
    private static String ns4;
    private static String nsx;
    private static String ns6;
    private static Path dir;
    private static Path countersFile;
    private static Path xlatLog;
    private static Process xlat;

    @BeforeAll
    static void buildTopologyAndStartXlat() throws Exception {
        NamespaceLab.requireRoot("ping", "python3");
        lab = new NamespaceLab("xsiit");
        dir = lab.dir;
        ns4 = lab.namespace("v4");
        nsx = lab.namespace("x");
        ns6 = lab.namespace("v6");
        lab.sysctl(ns4, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        lab.sysctl(nsx, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0");
        lab.veth(ns4, "v4h", nsx, "v4x");
        lab.veth(ns6, "v6h", nsx, "v6x");
        lab.run("ip", "-n", ns6, "link", "set", "v6h", "mtu", Integer.toString(V6_MTU));
        lab.run("ip", "-n", nsx, "link", "set", "v6x", "mtu", Integer.toString(V6_MTU));

        lab.run("ip", "-n", ns4, "addr", "add", CLIENT_V4 + "/24", "dev", "v4h");
        lab.run("ip", "-n", ns4, "route", "add", "default", "via", "192.0.2.1");
        lab.run("ip", "-n", nsx, "addr", "add", "192.0.2.1/24", "dev", "v4x");
        lab.run("ip", "-n", nsx, "addr", "add", "2001:db8:6::1/64", "dev", "v6x", "nodad");
        lab.run("ip", "-n", ns6, "addr", "add", "2001:db8:6::2/64", "dev", "v6h", "nodad");
        lab.run("ip", "-n", ns6, "addr", "add", SERVER_V6 + "/128", "dev", "v6h", "nodad");
        // the IPv6 host talks to the IPv4 world from its pool6 address: the translator maps only pool6
        lab.run("ip", "-n", ns6, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:6::1", "src", SERVER_V6);
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:64::c633:6400/120", "via", "2001:db8:6::2");

        // as the benchmark does: a persistent single-queue device, up, with the MTU, before xlat attaches
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", "xlat0", "mode", "tun");
        lab.run("ip", "-n", nsx, "link", "set", "xlat0", "mtu", Integer.toString(V6_MTU), "up");

        countersFile = dir.resolve("counters");
        xlatLog = dir.resolve("xlat.log");
        xlat = lab.start(nsx, xlatLog, javaCommand(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
            "--tun", "xlat0", "--prefix", "2001:db8:64::/96", "--mtu", Integer.toString(V6_MTU),
            "--ipv4-address", XLAT_V4, "--ipv6-address", XLAT_V6, "--counters-file", countersFile.toString(),
            // the packet-by-packet path; the other ITs run with offloads, the default
            "--no-offload");
        NamespaceLab.await("xlat to start (log: " + xlatLog + ")", 30_000, () -> !xlat.isAlive()
            || read(xlatLog).contains("xlat: started: "));
        assertTrue(xlat.isAlive(), () -> "xlat exited " + xlat.exitValue() + ":\n" + log());
        // a process attached to the TUN device turns its carrier on: what the benchmark waits for
        assertTrue(lab.run("ip", "-n", nsx, "link", "show", "xlat0").contains("LOWER_UP"));

        lab.run("ip", "-n", nsx, "route", "add", "198.51.100.0/24", "dev", "xlat0");
        lab.run("ip", "-n", nsx, "route", "add", XLAT_V4 + "/32", "dev", "xlat0");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:64::c000:200/120", "dev", "xlat0");
        lab.run("ip", "-n", nsx, "-6", "route", "add", XLAT_V6 + "/128", "dev", "xlat0");
    }

    @AfterAll
    static void stopXlatAndDeleteNamespaces() {
        try {
            if (xlat != null) {
                NamespaceLab.stop(xlat, 10_000);
                System.out.println("xlat log:\n" + log());
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void shouldAnswerPingFromTheIpv4HostToTheIpv6Host() {
        final NamespaceLab.Result r = lab.execIn(ns4, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2", SERVER_V4);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("3 received"), r.output());
    }

    @Test
    void shouldAnswerPingFromTheIpv6HostToTheIpv4Host() {
        final NamespaceLab.Result r = lab.execIn(ns6, 15_000, "ping", "-c", "3", "-W", "2", "-i", "0.2", CLIENT_AS_V6);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("3 received"), r.output());
    }

    @Test
    void shouldCarryAFullSizeDontFragmentPacketWhenTheIpv6SideIs20BytesLarger() {
        // 1472 + 8 + 20 = 1500 bytes of IPv4 with DF, 1520 as IPv6: exactly the IPv6 link's MTU
        final NamespaceLab.Result r = lab.execIn(ns4, 15_000, "ping", "-c", "2", "-W", "2", "-i", "0.2", "-M", "do",
            "-s", "1472", SERVER_V4);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("2 received"), r.output());
    }

    @Test
    void shouldSendTimeExceededFromTheTranslatorWhenTtlExpires46() {
        // TTL 2: the translator namespace's kernel forwards the packet into xlat0 with TTL 1, and xlat, a router
        // itself (RFC 7915 §4.1), must decrement it, find zero and answer Time Exceeded from its own address
        final NamespaceLab.Result r = lab.execIn(ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2", SERVER_V4);
        assertTrue(r.output().contains("From " + XLAT_V4 + " icmp_seq=1 Time to live exceeded"), r.output());
    }

    @Test
    void shouldSendHopLimitExceededFromTheTranslatorWhenHopLimitExpires64() {
        final NamespaceLab.Result r = lab.execIn(ns6, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-t", "2",
            CLIENT_AS_V6);
        assertTrue(r.output().contains("From " + XLAT_V6 + " icmp_seq=1 Time exceeded: Hop limit"), r.output());
    }

    @Test
    void shouldCarryATcpTransferFromAnIpv4ClientToAnIpv6Server() throws Exception {
        tcpTransfer(ns6, "::", ns4, "http://" + SERVER_V4 + ":8046/blob", 8046);
    }

    @Test
    void shouldCarryATcpTransferFromAnIpv6ClientToAnIpv4Server() throws Exception {
        tcpTransfer(ns4, "0.0.0.0", ns6, "http://[" + CLIENT_AS_V6 + "]:8064/blob", 8064);
    }

    @Test
    void shouldEchoUdpFromTheIpv4SideThroughTheTranslator() throws Exception {
        final String reply = udpEcho(ns6, "::", 5346, ns4, SERVER_V4);
        assertEquals(SERVER_V4, reply, "the IPv4 client sees the reply from the server's IPv4 address");
    }

    @Test
    void shouldEchoUdpFromTheIpv6SideThroughTheTranslator() throws Exception {
        final String reply = udpEcho(ns4, "0.0.0.0", 5364, ns6, CLIENT_AS_V6);
        assertEquals(CLIENT_AS_V6, reply, "the IPv6 client sees the reply from the IPv4 host's pool6 address");
    }

    @Test
    void shouldShowTheTrafficInXlatStats() {
        lab.execIn(ns4, 15_000, "ping", "-c", "2", "-W", "2", "-i", "0.2", SERVER_V4);
        lab.execIn(ns4, 15_000, "ping", "-c", "1", "-W", "2", "-t", "2", SERVER_V4);

        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "stats", "--counters-file",
            countersFile.toString());

        assertEquals(0, code, err.toString());
        final String stats = out.toString();
        assertTrue(stats.contains("running since"), stats);
        assertTrue(stats.contains("xlat0 (1 worker)"), "the device was made single-queue:\n" + stats);
        assertTrue(counter(stats, "translated-46") >= 2, stats);
        assertTrue(counter(stats, "translated-64") >= 2, stats);
        assertTrue(counter(stats, "drop ttl-expired") >= 1, stats);
        assertTrue(counter(stats, "icmp-errors-sent") >= 1, stats);
        assertTrue(counter(stats, "tx-packets") >= counter(stats, "translated-46") + counter(stats, "translated-64"),
            stats);
    }

    @Test
    void shouldCreateAMultiQueueDeviceWithItsMtuAndRemoveItOnStop() throws Exception {
        final String ns = lab.namespace("own");
        final Path ownLog = dir.resolve("own.log");
        final Process own = startRun(ns, ownLog, "--tun", "own0", "--prefix", "2001:db8:64::/96", "--mtu", "1400",
            "--workers", "2", "--counters-file", dir.resolve("own.counters").toString());
        try {
            NamespaceLab.await("xlat to create own0", 30_000, () -> !own.isAlive()
                || read(ownLog).contains("xlat: started: "));
            final String link = lab.run("ip", "-d", "-n", ns, "link", "show", "own0");
            assertTrue(link.contains(",UP,") && link.contains(" mtu 1400 "), link);
            assertTrue(link.contains("tun type tun pi off") && link.contains("multi_queue numqueues 2")
                && link.contains("persist off"), link);
        } finally {
            NamespaceLab.stop(own, 10_000);
        }
        final String log = read(ownLog);
        assertTrue(log.contains("started: siit on own0 (created, mtu 1400, 2 queues)"), log);
        assertTrue(log.contains("stopped: own0 closed"), log);
        assertEquals(0, own.exitValue(), "a stop by SIGTERM is a clean stop:\n" + log);
        assertTrue(lab.exec(5_000, "ip", "-n", ns, "link", "show", "own0").exitCode() != 0,
            "a device xlat created goes away with it");
    }

    @Test
    void shouldStopInOrderAndExitZeroOnSigint() throws Exception {
        final String ns = lab.namespace("intr");
        final Path intLog = dir.resolve("int.log");
        final Process xlat = startRun(ns, intLog, "--tun", "int0", "--prefix", "2001:db8:64::/96", "--workers", "1",
            "--counters-file", dir.resolve("int.counters").toString());
        try {
            NamespaceLab.await("xlat to start on int0", 30_000, () -> !xlat.isAlive()
                || read(intLog).contains("xlat: started: "));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(xlat.pid())).start().waitFor());
            assertTrue(xlat.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "stopped on SIGINT");
        } finally {
            NamespaceLab.stop(xlat, 10_000);
        }
        final String log = read(intLog);
        assertEquals(0, xlat.exitValue(), "Ctrl-C is a clean stop:\n" + log);
        assertTrue(log.contains("stopping (SIGINT)") && log.contains("stopped: int0 closed"), log);
    }

    /** {@code xlat run ARGS} in namespace {@code ns}, from this build's classes, its output in {@code log}. */
    private Process startRun(String ns, Path log, String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx128m", "-cp",
            System.getProperty("java.class.path"), Main.class.getName(), "run"));
        command.addAll(List.of(args));
        return lab.start(ns, log, command.toArray(new String[0]));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static long counter(String stats, String label) {
        final Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(label) + " +(\\d+)$").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Serves a random 1 MiB file over HTTP from one side and fetches it from the other; compares digests. */
    private static void tcpTransfer(String serverNs, String bind, String clientNs, String url, int port)
        throws Exception {
        Traffic.tcpTransfer(lab, serverNs, bind, clientNs, url, port);
    }

    /** Starts a UDP echo server on one side, sends from the other; returns the address the reply came from. */
    private static String udpEcho(String serverNs, String bind, int port, String clientNs, String target)
        throws Exception {
        return udpEcho(lab, serverNs, bind, port, clientNs, target);
    }

    /** {@link #udpEcho(String, String, int, String, String)} in another test's lab. */
    static String udpEcho(NamespaceLab lab, String serverNs, String bind, int port, String clientNs, String target)
        throws Exception {
        final Path dir = lab.dir;
        final Process server = lab.start(serverNs, dir.resolve("udp-" + port + ".log"), "python3", "-c", UDP_ECHO,
            bind, Integer.toString(port));
        try {
            final NamespaceLab.Result r = lab.execIn(clientNs, 30_000, "python3", "-c", UDP_CLIENT, target,
                Integer.toString(port));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().startsWith("reply from "), r.output());
            return r.output().trim().substring("reply from ".length());
        } finally {
            NamespaceLab.stop(server, 3_000);
        }
    }


    private static String log() {
        return read(xlatLog);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }


    /** Echoes every datagram back to its sender, prefixed. */
    private static final String UDP_ECHO = String.join("\n",
        "import socket, sys",
        "s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)",
        "s.bind((sys.argv[1], int(sys.argv[2])))",
        "while True:",
        "    data, peer = s.recvfrom(65535)",
        "    s.sendto(b'echo ' + data, peer)");

    /** Sends 1000-byte datagrams until one comes back echoed (the server may still be starting). */
    private static final String UDP_CLIENT = String.join("\n",
        "import socket, sys",
        "target = (sys.argv[1], int(sys.argv[2]))",
        "s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)",
        "s.settimeout(0.5)",
        "for i in range(40):",
        "    message = (b'%03d' % i) * 333 + b'!'",
        "    s.sendto(message, target)",
        "    try:",
        "        while True:",
        "            data, peer = s.recvfrom(65535)",
        "            if data == b'echo ' + message:",
        "                print('reply from', peer[0])",
        "                sys.exit(0)",
        "    except socket.timeout:",
        "        pass",
        "print('no echo')",
        "sys.exit(1)");
}
