package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.cli.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code xlat run} with a {@code bgp:} section, end to end: plain SIIT on a TUN device in one namespace, BIRD 2
 * in a peer namespace. The peer must learn exactly pool6 and the EAM prefix; a SIGHUP with a changed community
 * updates them on the running session; they leave within 2 s of the device going down or being deleted (health
 * coupling) and come back when it is up again, or once xlat has created the deleted device again; a reload to an
 * empty file is refused and changes nothing; on SIGTERM BIRD sees the withdrawals before the Cease. Needs root and
 * BIRD; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
class XlatRunBgpIT {

    private static final String POOL6 = "64:ff9b::/96";
    private static final String EAM4 = "198.51.100.0/24";
    private static final String DEVICE = "xlt0";

    private InteropLab lab;
    private String nsx;
    private BirdLeaf bird;

    @Test
    void shouldApplyAReloadWithdrawWhileTheDeviceIsDownAndWithdrawBeforeCeaseOnSigterm() throws Exception {
        InteropLab.requireRoot("bird", "birdc");
        try (InteropLab l = new InteropLab("xrun")) {
            final Process xlat = startXlatAndBird(l);
            final Path status = l.dir().resolve("counters.bgp");
            InteropLab.await("the status file for xlat stats", 5_000, () -> l.read("counters.bgp")
                .contains("\tESTABLISHED\t"));
            assertTrue(l.read("counters.bgp").contains("announced\t2\t"), l.read("counters.bgp"));

            // SIGHUP: a changed community goes out as an UPDATE on the running session (no reset)
            final Path config = l.dir().resolve("xlat.yaml");
            java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config)
                .replace("64496:100", "64496:200"));
            l.run("kill", "-HUP", Long.toString(xlat.pid()));
            InteropLab.await("the new community in BIRD\n" + l.read("xlat.log"), 5_000,
                () -> birdc("show", "route", "table", "master6", "all").contains("BGP.community: (64496,200)"));
            assertTrue(birdc("show", "route", "table", "master4", "all").contains("BGP.community: (64496,200)"));
            final String afterReload = l.read("bird.log");
            assertEquals(afterReload.indexOf("BGP session established"),
                afterReload.lastIndexOf("BGP session established"), "one session, not reset by the reload");

            l.run("ip", "-n", nsx, "link", "set", DEVICE, "down");
            awaitWithdrawn("the device went down");

            l.run("ip", "-n", nsx, "link", "set", DEVICE, "up");
            InteropLab.await("announced again once the device is up\n" + l.read("xlat.log"), 5_000,
                () -> has(true, POOL6) && has(false, EAM4));

            xlat.destroy(); // SIGTERM
            assertTrue(xlat.waitFor(10, TimeUnit.SECONDS), "xlat stops on SIGTERM");
            InteropLab.await("session closed", 5_000, () -> !birdc("show", "protocols", "xlat0")
                .contains("Established"));
            // BIRD's route trace: "xlat0.ipv6 > removed [sole] 64:ff9b::/96 ..." then the Cease it received
            final String birdLog = l.read("bird.log");
            final int removed6 = birdLog.lastIndexOf("removed [sole] " + POOL6);
            final int removed4 = birdLog.lastIndexOf("removed [sole] " + EAM4);
            final int closed = birdLog.indexOf("Received: Administrative shutdown");
            assertTrue(removed6 >= 0 && removed4 >= 0 && closed > removed6 && closed > removed4,
                "BIRD saw the withdrawals before the Cease:\n" + birdLog + "\nxlat:\n" + l.read("xlat.log"));
            assertTrue(!java.nio.file.Files.exists(status), "the status file goes with the process");
            final String xlatLog = l.read("xlat.log");
            assertTrue(xlatLog.contains("stopped: " + DEVICE), "the data plane stopped:\n" + xlatLog);
        }
    }

    @Test
    void shouldWithdrawWhenTheDeviceIsDeletedKeepTheSessionAndAnnounceAgainOnceXlatCreatedItAgain()
        throws Exception {
        InteropLab.requireRoot("bird", "birdc");
        try (InteropLab l = new InteropLab("xdel")) {
            final Process xlat = startXlatAndBird(l);
            l.run("ip", "-n", nsx, "link", "del", DEVICE);
            awaitWithdrawn("the device was deleted");
            assertTrue(xlat.isAlive(), "xlat keeps running (and peering) without its device");
            // xlat created the device: a second after it went missing it creates it again, and announces again
            InteropLab.await("announced again once xlat created " + DEVICE + " again\n" + l.read("xlat.log"), 5_000,
                () -> has(true, POOL6) && has(false, EAM4));
            assertTrue(l.read("xlat.log").contains("device " + DEVICE + " back, re-attached (created again, 1 queue)"),
                l.read("xlat.log"));
            assertTrue(birdc("show", "protocols", "xlat0").contains("Established"), "on the same session");
        }
    }

    @Test
    void shouldRejectAReloadToAnEmptyFileAndKeepAnnouncing() throws Exception {
        InteropLab.requireRoot("bird", "birdc");
        try (InteropLab l = new InteropLab("xempty")) {
            final Process xlat = startXlatAndBird(l);
            // a copy that failed half-way: the file is there but empty
            java.nio.file.Files.writeString(l.dir().resolve("xlat.yaml"), "");
            l.run("kill", "-HUP", Long.toString(xlat.pid()));
            InteropLab.await("the reload refused\n" + l.read("xlat.log"), 5_000,
                () -> l.read("xlat.log").contains("reload rejected, the running configuration stays"));
            assertTrue(l.read("xlat.log").contains("the file maps nothing"), l.read("xlat.log"));
            InteropLab.holds("still announced after the refused reload", 1_000,
                () -> has(true, POOL6) && has(false, EAM4));
            assertTrue(xlat.isAlive(), "xlat keeps running");
        }
    }

    /** BIRD in one namespace, {@code xlat run} with plain SIIT and bgp in another; returns once BIRD has both. */
    private Process startXlatAndBird(InteropLab l) throws Exception {
        lab = l;
        nsx = l.namespace("x");
        final String nsp = l.namespace("p");
        final InteropLab.Link link = l.veth(nsx, "v0", nsp, "v1", 1);
        bird = BirdLeaf.start(lab, nsp, link.addressA());
        final Path config = l.write("xlat.yaml", String.join("\n",
            "translator:",
            "  pool6: \"" + POOL6 + "\"",
            "  eamt:",
            "    - {ipv4: " + EAM4 + ", ipv6: \"2001:db8:eeee::/120\"}",
            "dataplane:",
            "  siit-tun: " + DEVICE,
            "  workers: 1",
            "  counters-file: " + l.dir().resolve("counters"),
            "bgp:",
            "  asn: 4200000001",
            "  router-id: 192.0.2.11",
            "  peers:",
            "    - {address: \"" + link.addressB() + "\", asn: 64496}",
            "  communities: [\"64496:100\"]",
            ""));
        final Process xlat = l.start(nsx, "xlat.log", Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
            "--config", config.toString());
        InteropLab.await("pool6 and the EAM prefix in BIRD\n" + l.read("xlat.log"), 20_000,
            () -> has(true, POOL6) && has(false, EAM4));
        assertEquals(List.of(POOL6), prefixes(true), "exactly pool6 over IPv6");
        assertEquals(List.of(EAM4), prefixes(false), "exactly the EAM prefix over IPv4 (RFC 8950)");
        return xlat;
    }

    /** Both prefixes leave BIRD's tables within 2 s of the event, and the session stays Established. */
    private void awaitWithdrawn(String event) throws InterruptedException {
        final long start = System.nanoTime();
        InteropLab.await("withdrawal after " + event + "\n" + lab.read("xlat.log"), 5_000,
            () -> !has(true, POOL6) && !has(false, EAM4));
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2_000, "withdrawn " + millis + " ms after " + event);
        assertTrue(birdc("show", "protocols", "xlat0").contains("Established"), "the session stays up");
    }

    private String birdc(String... command) {
        return bird.birdc(command);
    }

    private boolean has(boolean ipv6, String prefix) {
        return prefixes(ipv6).contains(prefix);
    }

    /** The prefixes of BIRD's table for one family, from the unindented lines of {@code show route}. */
    private List<String> prefixes(boolean ipv6) {
        final java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (final String line : birdc("show", "route", "table", ipv6 ? "master6" : "master4").split("\n")) {
            if (line.matches("^[0-9a-f:.]+/\\d+\\s.*")) {
                out.add(line.split("\\s+")[0]);
            }
        }
        return out;
    }
}
