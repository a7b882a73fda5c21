package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.xlat.control.run.TenantNamespaceIT.counter;
import static io.xlat.control.run.TenantNamespaceIT.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stateless claim in tenant mode: {@code xlat run} is killed with SIGKILL in the middle of a TCP transfer
 * between a tenant (10.0.0.1 in its own namespace) and its peer on the IPv6 fabric, and started again with the same
 * file; the transfer completes byte for byte, because no flow state lived in the translator and TCP retransmits
 * what vanished in the gap. The devices are persistent ones made beforehand, as an operator would, so that the
 * tenant's address and the managed routes outlive the killed process (a device xlat created would go away with
 * it, taking the tenant's 10.0.0.1 along). Needs root.
 *
 * <pre>
 *  blue ns: 10.0.0.1 on xb-blue -- xlat (x ns) -- xlat6 -- xf --veth-- fx (fabric ns)
 *                                                             2001:db8:100:1::a00:c8 (blue's 10.0.0.200): HTTP
 * </pre>
 */
class TenantRestartIT {

    private static final String PEER_V6 = "2001:db8:100:1::a00:c8";
    private static final int BLOB_BYTES = 24 << 20;
    private static final int KILL_AFTER_BYTES = 4 << 20;
    /** What the first run may have counted but not published when killed: 1 ms at 8 MiB/s, and then some. */
    private static final int UNPUBLISHED_SLACK_BYTES = 1 << 20;

    private NamespaceLab lab;
    private String nsx;
    private String nsBlue;
    private String nsFabric;
    private Path config;
    private Path countersFile;
    private Path xlatLog;
    private Process xlat;
    private int starts;

    @BeforeEach
    void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3");
        lab = new NamespaceLab("xtr");
        nsx = lab.namespace("x");
        nsBlue = lab.namespace("blue");
        nsFabric = lab.namespace("fab");
        lab.fabricLink(nsx, nsFabric);
        lab.run("ip", "-n", nsFabric, "addr", "add", PEER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", "xlat6", "mode", "tun");
        lab.run("ip", "-n", nsBlue, "tuntap", "add", "dev", "xb-blue", "mode", "tun");
        lab.run("ip", "-n", nsBlue, "addr", "add", "10.0.0.1/32", "dev", "xb-blue");

        countersFile = lab.dir.resolve("counters");
        config = Files.writeString(lab.dir.resolve("xlat.yaml"), NamespaceLab.blueTenantYaml(nsBlue) + String.join("\n",
            "dataplane:",
            "  ipv6-tun: xlat6",
            "  manage-routes: true",
            "  counters-file: " + countersFile,
            ""));
    }

    @AfterEach
    void deleteTopology() {
        NamespaceLab.stopAndClose(lab, xlat, xlatLog);
    }

    @Test
    void shouldCompleteTenantTcpTransferAcrossKillNineRestart() throws Exception {
        final Process first = startXlat();

        final Path www = Files.createDirectories(lab.dir.resolve("www"));
        final byte[] blob = new byte[BLOB_BYTES];
        new Random(6052).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
        final Process server = lab.start(nsFabric, lab.dir.resolve("http.log"), "python3", "-m", "http.server",
            "8080", "--bind", "::", "--directory", www.toString());
        final Path received = lab.dir.resolve("received");
        final Path clientLog = lab.dir.resolve("client.log");
        // the tenant fetches from its 10.0.0.200, which is the fabric's host under blue's instance prefix
        final Process client = lab.start(nsBlue, clientLog, "python3", "-u", "-c", PACED_DOWNLOAD,
            "http://10.0.0.200:8080/blob", received.toString());
        try {
            NamespaceLab.await("the transfer to pass " + KILL_AFTER_BYTES + " bytes (client: " + clientLog + ")",
                30_000, () -> !client.isAlive() || size(received) >= KILL_AFTER_BYTES);

            first.destroyForcibly(); // SIGKILL: no shutdown hook runs, no route is removed, nothing is closed
            final long atKill = size(received);
            assertTrue(client.isAlive(), () -> "the client ended before the kill: " + read(clientLog));
            assertTrue(atKill > 0 && atKill < BLOB_BYTES, "the kill lands mid-transfer: " + atKill + " of "
                + BLOB_BYTES + " bytes had arrived");
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "xlat died");
            assertEquals(137, first.exitValue(), "killed by SIGKILL, not stopped");
            final String left = stats();
            assertTrue(left.contains("xlat pid " + first.pid() + ", stopped"), left);
            final long firstPackets = counter(left, "xb-blue", "tx-packets");
            final long firstBytes = counter(left, "xb-blue", "tx-bytes");
            assertTrue(firstPackets > 0, "the first run carried part of the flow:\n" + left);

            // a gap in which the tenant's segments go into a device that nobody reads, and TCP backs off
            Thread.sleep(1_000);
            assertTrue(client.isAlive(), () -> "the transfer must span the gap: " + read(clientLog));
            assertTrue(size(received) < BLOB_BYTES, "the rest of the blob is still to come through the translator");
            assertTrue(lab.run("ip", "-n", nsBlue, "link", "show", "xb-blue").contains("NO-CARRIER"),
                "the tenant's persistent device stays, without carrier");

            final Process second = startXlat();
            assertTrue(read(xlatLog).contains("routes: 2 installed"), "the routes the killed run left are taken "
                + "over:\n" + read(xlatLog));
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), () -> "the transfer did not finish after the restart: "
                + size(received) + " of " + BLOB_BYTES + " bytes; client: " + read(clientLog));
            assertEquals(0, client.exitValue(), () -> read(clientLog));

            final byte[] got = Files.readAllBytes(received);
            assertEquals(BLOB_BYTES, got.length, "length of what arrived");
            assertEquals(sha256(blob), sha256(got), "SHA-256 of what arrived");
            final String after = stats();
            assertTrue(after.contains("xlat pid " + second.pid() + ", running since"), after);
            final long secondPackets = counter(after, "xb-blue", "tx-packets");
            final long secondBytes = counter(after, "xb-blue", "tx-bytes");
            System.out.println("killed with " + atKill + " of " + BLOB_BYTES + " bytes received; packets into "
                + "xb-blue: " + firstPackets + " by the first run, " + secondPackets + " by the second");
            assertTrue(secondPackets > 0, "the second run carried the rest:\n" + after);
            // every byte of the blob reached xb-blue in a packet (or, with offloads, a super-packet) written by one
            // run or the other; the slack is for the first run's last millisecond of counts, which may have died
            // unpublished (workers publish at most once a millisecond)
            assertTrue(firstBytes + secondBytes >= BLOB_BYTES - UNPUBLISHED_SLACK_BYTES, "the two runs together "
                + "carried the whole blob: " + firstBytes + " + " + secondBytes + " bytes");
        } finally {
            NamespaceLab.stop(client, 1_000);
            NamespaceLab.stop(server, 3_000);
        }
    }

    /**
     * Starts {@code xlat run} with the test's file in the translator namespace, and waits until its routes are in:
     * the last step of a tenant-mode start.
     */
    private Process startXlat() throws Exception {
        starts++;
        final Path log = lab.dir.resolve("xlat-" + starts + ".log");
        xlatLog = log;
        final Process p = lab.startXlat(nsx, log, "routes: ", "--config", config.toString(), "--workers", "1");
        xlat = p;
        return p;
    }

    private String stats() {
        return NamespaceLab.stats(countersFile);
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * Downloads a URL into a file at no more than about 8 MiB/s, flushing each chunk so that the test can watch the
     * file grow; the read timeout is far longer than the restart. The test, not the script, checks what arrived.
     */
    static final String PACED_DOWNLOAD = String.join("\n",
        "import sys, time, urllib.request",
        "url, target = sys.argv[1], sys.argv[2]",
        "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
        "give_up = time.monotonic() + 20",
        "while True:",
        "    try:",
        "        response = opener.open(url, timeout=45)",
        "        break",
        "    except OSError:",
        "        if time.monotonic() > give_up:",
        "            raise",
        "        time.sleep(0.2)",
        "with open(target, 'wb') as out:",
        "    while True:",
        "        chunk = response.read(65536)",
        "        if not chunk:",
        "            break",
        "        out.write(chunk)",
        "        out.flush()",
        "        time.sleep(0.008)",
        "    print('done', out.tell())");
}
