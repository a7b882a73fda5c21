package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stateless claim, shown: xlat is killed with SIGKILL in the middle of a TCP transfer and started again with
 * the same settings; the transfer completes intact, because nothing of the flow lived in the translator (TCP
 * retransmits what was lost in the gap). The second start must also get past what the first left behind: the
 * counters file (its lock died with the process; the file is reused) and the device (a persistent one stays,
 * without carrier; one xlat created went away with the process's descriptors). Needs root.
 */
class SiitRestartIT {

    private static final int BLOB_BYTES = 24 << 20;
    private static final int KILL_AFTER_BYTES = 4 << 20;

    private SiitLab siit;

    @BeforeEach
    void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3");
        siit = new SiitLab("xrst", 1520, 1520);
    }

    @AfterEach
    void deleteTopology() {
        if (siit != null) {
            siit.close();
        }
    }

    @Test
    void shouldCompleteATcpTransferWhenXlatIsKilledAndStartedAgainMidway() throws Exception {
        final String[] args = {"--tun", SiitLab.DEVICE, "--prefix", "2001:db8:64::/96", "--mtu", "1520",
            "--workers", "1", "--ipv4-address", SiitLab.XLAT_V4, "--ipv6-address", SiitLab.XLAT_V6,
            "--counters-file", siit.countersFile.toString()};
        final Process first = siit.startXlat(args);
        siit.routesIntoDevice();

        final Path www = Files.createDirectories(siit.lab.dir.resolve("www"));
        final byte[] blob = new byte[BLOB_BYTES];
        new Random(7915).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
        final Process server = siit.lab.start(siit.ns6, siit.lab.dir.resolve("http.log"), "python3", "-m",
            "http.server", "8080", "--bind", "::", "--directory", www.toString());
        final Path clientLog = siit.lab.dir.resolve("client.log");
        final Process client = siit.lab.start(siit.ns4, clientLog, "python3", "-u", "-c", SLOW_FETCH,
            "http://" + SiitLab.SERVER_V4 + ":8080/blob");
        try {
            NamespaceLab.await("the transfer to pass " + KILL_AFTER_BYTES + " bytes (client: " + clientLog + ")",
                30_000, () -> !client.isAlive() || received(clientLog) >= KILL_AFTER_BYTES);
            assertTrue(client.isAlive(), () -> "the client ended before the kill: " + SiitLab.read(clientLog));

            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close, nothing tidied
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "xlat died");
            assertEquals(137, first.exitValue(), "killed by SIGKILL, not stopped");
            assertTrue(stats().contains("xlat pid " + first.pid() + ", stopped"),
                "the counters file left marked running is not reported as running: its process holds no lock");
            // a gap long enough for TCP to time out and back off while packets vanish into a device nobody reads
            Thread.sleep(1_000);
            assertTrue(client.isAlive(), () -> "the transfer must span the gap: " + SiitLab.read(clientLog));
            assertTrue(siit.lab.run("ip", "-n", siit.nsx, "link", "show", SiitLab.DEVICE).contains("NO-CARRIER"),
                "the persistent device stays, without carrier");

            final Process second = siit.startXlat(args);
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), () -> "the transfer did not finish: "
                + SiitLab.read(clientLog));
            final String[] lines = SiitLab.read(clientLog).trim().split("\n");
            assertEquals(BLOB_BYTES + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(blob)), lines[lines.length - 1], "length and SHA-256 of what arrived");
            assertEquals(0, client.exitValue());

            final String stats = stats();
            assertTrue(stats.contains("xlat pid " + second.pid() + ", running since"),
                "the counters file was taken over by the new process:\n" + stats);
        } finally {
            NamespaceLab.stop(client, 1_000);
            NamespaceLab.stop(server, 3_000);
        }
    }

    @Test
    void shouldStartAgainAfterAKillWhenItHadCreatedTheDevice() throws Exception {
        final String[] args = {"--tun", "own0", "--prefix", "2001:db8:64::/96", "--mtu", "1400", "--workers", "2",
            "--counters-file", siit.countersFile.toString()};
        final Process first = siit.startXlat(args);
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "xlat died");
        // the kernel deletes a non-persistent TUN device when the last descriptor on it closes
        NamespaceLab.await("own0 to go away with its process", 5_000,
            () -> siit.lab.exec(5_000, "ip", "-n", siit.nsx, "link", "show", "own0").exitCode() != 0);

        final Process second = siit.startXlat(args);
        assertTrue(siit.log().contains("started: siit on own0 (created, mtu 1400, 2 queues)"), siit.log());
        assertTrue(stats().contains("xlat pid " + second.pid() + ", running since"), stats());
        NamespaceLab.stop(second, 10_000);
        assertTrue(siit.log().contains("stopped: own0 closed"), siit.log());
        assertFalse(siit.lab.exec(5_000, "ip", "-n", siit.nsx, "link", "show", "own0").exitCode() == 0,
            "stopped normally, it takes its device with it");
    }

    private String stats() {
        return NamespaceLab.stats(siit.countersFile);
    }

    /** The last progress the client reported, in bytes. */
    private static long received(Path clientLog) {
        final Matcher m = Pattern.compile("(?m)^got (\\d+)$").matcher(SiitLab.read(clientLog));
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /**
     * Fetches a URL at about 8 MiB/s (so that the transfer is still running when xlat is killed), reporting
     * progress, with a read timeout far longer than the restart; prints length and SHA-256 at the end.
     */
    private static final String SLOW_FETCH = String.join("\n",
        "import hashlib, sys, time, urllib.request",
        "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
        "deadline = time.time() + 20",
        "while True:",
        "    try:",
        "        r = opener.open(sys.argv[1], timeout=45)",
        "        break",
        "    except OSError:",
        "        if time.time() > deadline:",
        "            raise",
        "        time.sleep(0.2)",
        "h = hashlib.sha256()",
        "n = 0",
        "while True:",
        "    data = r.read(65536)",
        "    if not data:",
        "        break",
        "    h.update(data)",
        "    n += len(data)",
        "    print('got', n)",
        "    time.sleep(0.008)",
        "print(n, h.hexdigest())");
}
