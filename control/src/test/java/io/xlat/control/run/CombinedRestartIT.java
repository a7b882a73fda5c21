package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.xlat.control.run.TenantNamespaceIT.read;
import static io.xlat.control.run.TenantRestartIT.PACED_DOWNLOAD;
import static io.xlat.control.run.TenantRestartIT.sha256;
import static io.xlat.control.run.TenantRestartIT.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stateless claim with several devices in one process: plain SIIT on {@code siit0} and tenant blue on
 * {@code xb-blue} and {@code xlat6} carry a TCP download each at the same time when {@code xlat run} is killed with
 * SIGKILL; started again with the same file, both transfers complete byte for byte. The devices are persistent
 * ones made beforehand (as in {@link TenantRestartIT}), so that addresses and routes outlive the killed process.
 * The topology is {@link CombinedModeIT}'s. Needs root.
 */
class CombinedRestartIT {

    private static final int BLOB_BYTES = 16 << 20;
    private static final int KILL_AFTER_BYTES = 3 << 20;

    private NamespaceLab lab;
    private String ns4;
    private String nsx;
    private String nsBlue;
    private String nsFabric;
    private Path config;
    private Path xlatLog;
    private Process xlat;
    private int starts;

    @BeforeEach
    void buildTopology() throws Exception {
        NamespaceLab.requireRoot("python3");
        lab = new NamespaceLab("xcr");
        ns4 = lab.namespace("v4");
        nsx = lab.namespace("x");
        nsBlue = lab.namespace("blue");
        nsFabric = lab.namespace("fab");
        lab.sysctl(nsx, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0");
        lab.veth(ns4, "v4h", nsx, "v4x");
        lab.run("ip", "-n", ns4, "addr", "add", CombinedModeIT.CLIENT_V4 + "/24", "dev", "v4h");
        lab.run("ip", "-n", ns4, "route", "add", "default", "via", "192.0.2.1");
        lab.run("ip", "-n", nsx, "addr", "add", "192.0.2.1/24", "dev", "v4x");
        lab.veth(nsx, "xf", nsFabric, "fx");
        for (final String[] link : new String[][] {{nsx, "xf"}, {nsFabric, "fx"}}) {
            lab.run("ip", "-n", link[0], "link", "set", link[1], "mtu", Integer.toString(CombinedModeIT.FABRIC_MTU));
        }
        lab.run("ip", "-n", nsx, "addr", "add", "2001:db8:f::1/64", "dev", "xf", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", "2001:db8:f::2/64", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", CombinedModeIT.BLUE_PEER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "addr", "add", CombinedModeIT.SERVER_V6 + "/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:f::1", "src",
            CombinedModeIT.SERVER_V6);
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:64::c633:6400/120", "via", "2001:db8:f::2");
        // persistent devices, as an operator makes them: they, their addresses and routes survive a kill
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", CombinedModeIT.SIIT, "mode", "tun");
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", CombinedModeIT.IPV6, "mode", "tun");
        lab.run("ip", "-n", nsBlue, "tuntap", "add", "dev", CombinedModeIT.BLUE, "mode", "tun");
        lab.run("ip", "-n", nsBlue, "addr", "add", "10.0.0.1/32", "dev", CombinedModeIT.BLUE);

        config = Files.writeString(lab.dir.resolve("xlat.yaml"), NamespaceLab.blueTenantYaml(nsBlue)
            .replace("translator:\n", "translator:\n  pool6: \"2001:db8:64::/96\"\n") + String.join("\n",
            "dataplane:",
            "  ipv6-tun: " + CombinedModeIT.IPV6,
            "  siit-tun: " + CombinedModeIT.SIIT,
            "  manage-routes: true",
            "  counters-file: " + lab.dir.resolve("counters"),
            ""));
    }

    @AfterEach
    void deleteTopology() {
        NamespaceLab.stopAndClose(lab, xlat, xlatLog);
    }

    @Test
    void shouldCompleteASiitAndATenantTransferAcrossKillNineRestart() throws Exception {
        final Process first = startXlat();
        // the IPv4 space behind pool6 is the operator's route, on the persistent device
        lab.run("ip", "-n", nsx, "route", "add", "198.51.100.0/24", "dev", CombinedModeIT.SIIT);

        final Path www = Files.createDirectories(lab.dir.resolve("www"));
        final byte[] blob = new byte[BLOB_BYTES];
        new Random(7915).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
        final Process server = lab.start(nsFabric, lab.dir.resolve("http.log"), "python3", "-m", "http.server",
            "8080", "--bind", "::", "--directory", www.toString());
        final Path viaSiit = lab.dir.resolve("received-siit");
        final Path viaTenant = lab.dir.resolve("received-blue");
        final Process siitClient = lab.start(ns4, lab.dir.resolve("client-siit.log"), "python3", "-u", "-c",
            PACED_DOWNLOAD, "http://" + CombinedModeIT.SERVER_V4 + ":8080/blob", viaSiit.toString());
        final Process tenantClient = lab.start(nsBlue, lab.dir.resolve("client-blue.log"), "python3", "-u", "-c",
            PACED_DOWNLOAD, "http://10.0.0.200:8080/blob", viaTenant.toString());
        try {
            NamespaceLab.await("both transfers to pass " + KILL_AFTER_BYTES + " bytes", 30_000, () ->
                !siitClient.isAlive() || !tenantClient.isAlive()
                    || size(viaSiit) >= KILL_AFTER_BYTES && size(viaTenant) >= KILL_AFTER_BYTES);

            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "xlat died");
            assertEquals(137, first.exitValue(), "killed by SIGKILL, not stopped");
            for (final Path received : new Path[] {viaSiit, viaTenant}) {
                assertTrue(size(received) > 0 && size(received) < BLOB_BYTES, "the kill lands mid-transfer: "
                    + received + " had " + size(received) + " of " + BLOB_BYTES + " bytes");
            }
            Thread.sleep(1_000);
            assertTrue(siitClient.isAlive() && tenantClient.isAlive(), "both transfers span the gap");

            startXlat();
            for (final Object[] c : new Object[][] {{siitClient, viaSiit}, {tenantClient, viaTenant}}) {
                final Process client = (Process) c[0];
                final Path received = (Path) c[1];
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), () -> "not finished after the restart: "
                    + received + " has " + size(received) + " of " + BLOB_BYTES + " bytes");
                assertEquals(0, client.exitValue(), received.toString());
                final byte[] got = Files.readAllBytes(received);
                assertEquals(BLOB_BYTES, got.length, "length of " + received);
                assertEquals(sha256(blob), sha256(got), "SHA-256 of " + received);
            }
        } finally {
            NamespaceLab.stop(siitClient, 1_000);
            NamespaceLab.stop(tenantClient, 1_000);
            NamespaceLab.stop(server, 3_000);
        }
    }

    private Process startXlat() throws Exception {
        starts++;
        xlatLog = lab.dir.resolve("xlat-" + starts + ".log");
        xlat = lab.startXlat(nsx, xlatLog, "routes: ", "--config", config.toString(), "--workers", "1");
        return xlat;
    }
}
