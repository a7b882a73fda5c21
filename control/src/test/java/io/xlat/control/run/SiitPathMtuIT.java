package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.control.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path MTU discovery through the translator: xlat runs with {@code translator.ipv6-mtu: 1400} (the narrowest
 * IPv6 link on the way, which the operator knows) while the device and the IPv4 side carry 1500-byte packets.
 * An IPv4 packet with DF that would grow beyond 1400 bytes as IPv6 must come back as Fragmentation Needed from the
 * translator's own address, advertising 1380, and the IPv4 sender must adopt it. Needs root.
 */
class SiitPathMtuIT {

    static final int IPV6_MTU = 1400;
    static final int EXPECTED_IPV4_MTU = IPV6_MTU - 20;

    private static SiitLab siit;

    @BeforeAll
    static void startXlatWithASmallIpv6Mtu() throws Exception {
        NamespaceLab.requireRoot("ping", "python3");
        siit = new SiitLab("xpmtu", 1520, 1500);
        final var config = siit.config(String.join("\n",
            "translator:",
            "  pool6: 2001:db8:64::/96",
            "  ipv4-address: " + SiitLab.XLAT_V4,
            "  ipv6-address: " + SiitLab.XLAT_V6,
            "  ipv6-mtu: " + IPV6_MTU,
            "dataplane:",
            "  siit-tun: " + SiitLab.DEVICE,
            "  workers: 1",
            "  counters-file: " + siit.countersFile,
            ""));
        siit.startXlat("--config", config.toString());
        siit.routesIntoDevice();
    }

    @AfterAll
    static void stopXlat() {
        if (siit != null) {
            siit.close();
        }
    }

    @Test
    void shouldSendFragmentationNeededWithTheIpv6MtuLess20WhenADontFragmentPacketIsTooBig46() {
        flushPathMtu();
        // 1472 + 8 + 20 = 1500 bytes of IPv4 with DF: 1520 as IPv6, over the 1400 the translator may send
        final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "1", "-W", "2", "-M", "do",
            "-s", "1472", SiitLab.SERVER_V4);

        // RFC 7915 §4 (our reading, as in Translator46): a DF packet that does not fit the IPv6 next hop gets
        // Fragmentation Needed advertising the IPv4 size that would fit, the IPv6 MTU less the 20 bytes of growth
        assertTrue(r.output().contains("From " + SiitLab.XLAT_V4 + " icmp_seq=1 Frag needed and DF set (mtu = "
            + EXPECTED_IPV4_MTU + ")"), r.output());
        assertEquals(EXPECTED_IPV4_MTU, pathMtu(), "the IPv4 host's route cache took the advertised MTU");
        assertTrue(counter("drop packet-too-big") >= 1, "the drop is counted");

        // the sender now fragments nothing and refuses locally what does not fit; what fits goes through
        final NamespaceLab.Result fits = siit.lab.execIn(siit.ns4, 15_000, "ping", "-n", "-c", "2", "-W", "2", "-i",
            "0.2", "-M", "do", "-s", Integer.toString(EXPECTED_IPV4_MTU - 28), SiitLab.SERVER_V4);
        assertTrue(fits.output().contains("2 received"), fits.output());
    }

    @Test
    void shouldCompleteATcpUploadWhoseFirstSegmentsAreTooBigForTheIpv6Side46() {
        flushPathMtu();
        final long tooBigBefore = counter("drop packet-too-big");
        // the IPv6 server's link is 1500, so it advertises MSS 1440 and the client's first full segments are 1480
        // bytes of IPv4: 1500 as IPv6, refused by the translator until the client lowers its path MTU
        final Process server;
        try {
            server = siit.lab.start(siit.ns6, siit.lab.dir.resolve("sink.log"), "python3", "-c", SINK, "8099");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        try {
            final NamespaceLab.Result r = siit.lab.execIn(siit.ns4, 60_000, "python3", "-c", UPLOAD,
                SiitLab.SERVER_V4, "8099");
            assertEquals(0, r.exitCode(), r.output());
            final String[] lines = r.output().trim().split("\n");
            assertEquals(2, lines.length, r.output());
            assertEquals(lines[0].replace("sent ", ""), lines[1].replace("server got ", ""),
                "the server received exactly what was sent (length and SHA-256)");
        } finally {
            NamespaceLab.stop(server, 3_000);
        }
        assertTrue(counter("drop packet-too-big") > tooBigBefore, "the translator refused the first full segments");
        assertEquals(EXPECTED_IPV4_MTU, pathMtu(), "and the client's TCP went on with the advertised path MTU");
    }

    /** Forgets learnt path MTUs in the IPv4 namespace, so that each test starts from 1500. */
    private static void flushPathMtu() {
        siit.lab.run("ip", "-n", siit.ns4, "route", "flush", "cache");
        assertFalse(siit.lab.run("ip", "-n", siit.ns4, "route", "get", SiitLab.SERVER_V4).contains(" mtu "),
            "no path MTU is cached before the test");
    }

    /** The path MTU towards the IPv4 address of the IPv6 server cached in the IPv4 namespace, or 0. */
    private static int pathMtu() {
        final String route = siit.lab.run("ip", "-n", siit.ns4, "route", "get", SiitLab.SERVER_V4);
        final Matcher m = Pattern.compile(" mtu (\\d+)").matcher(route);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static long counter(String label) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "stats", "--counters-file",
            siit.countersFile.toString());
        assertEquals(0, code, err.toString());
        final Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(label) + " +(\\d+)$").matcher(out.toString());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Reads one connection to EOF; answers with the length and SHA-256 of what arrived. */
    private static final String SINK = String.join("\n",
        "import hashlib, socket, sys",
        "s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind(('::', int(sys.argv[1])))",
        "s.listen(1)",
        "c, _ = s.accept()",
        "h = hashlib.sha256()",
        "n = 0",
        "while True:",
        "    data = c.recv(65536)",
        "    if not data:",
        "        break",
        "    h.update(data)",
        "    n += len(data)",
        "c.sendall(('%d %s' % (n, h.hexdigest())).encode())",
        "c.close()");

    /** Sends 1 MiB of random bytes (retrying the connect while the server starts) and prints both digests. */
    private static final String UPLOAD = String.join("\n",
        "import hashlib, os, socket, sys, time",
        "blob = os.urandom(1 << 20)",
        "deadline = time.time() + 20",
        "while True:",
        "    try:",
        "        c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)",
        "        break",
        "    except OSError:",
        "        if time.time() > deadline:",
        "            raise",
        "        time.sleep(0.2)",
        "c.settimeout(30)",
        "c.sendall(blob)",
        "c.shutdown(socket.SHUT_WR)",
        "reply = b''",
        "while True:",
        "    data = c.recv(4096)",
        "    if not data:",
        "        break",
        "    reply += data",
        "print('sent %d %s' % (len(blob), hashlib.sha256(blob).hexdigest()))",
        "print('server got ' + reply.decode())");
}
