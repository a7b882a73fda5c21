package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.cli.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant health coupling through {@code xlat run}: tenant mode with two tenants whose persistent devices the
 * test makes in the tenants' own namespaces (as an operator would, with {@code ip tuntap add}), managed routes, and
 * BIRD 2 as the BGP peer, whose namespace is also the IPv6 fabric where red's peer 10.0.0.200 lives. A tenant whose
 * device goes down, or is deleted, loses its prefix in BIRD within 2 s while the other tenant's stays; a device that
 * comes up again brings its prefix back; a device deleted stays withdrawn until a device of that name is made again,
 * and then xlat re-attaches to it by itself: the prefix is announced again, the route into the device is installed
 * again, and red's ping reaches its peer again. Needs root and BIRD; skips otherwise, unless
 * XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 *
 * <pre>
 *  blue ns: xb-blue -+
 *                    +- xlat (x ns) - xlat6 - v0 --veth-- v1 (p ns: BIRD, 2001:db8:100:2::a00:c8 = red's 10.0.0.200)
 *  red ns:  10.0.0.1 on xb-red
 * </pre>
 */
class XlatRunTenantBgpIT {

    /** The RFC 6052 images of each tenant's 10.0.0.0/25 under its /96 instance prefix. */
    private static final String BLUE = "2001:db8:100:1::a00:0/121";
    private static final String RED = "2001:db8:100:2::a00:0/121";
    /** Red's peer 10.0.0.200 on the fabric, under red's instance prefix. */
    private static final String RED_PEER_V6 = "2001:db8:100:2::a00:c8";

    private InteropLab lab;
    private BirdLeaf bird;

    @Test
    void shouldWithdrawOnlyTheTenantWhoseDeviceFailsAndAnnounceItAgainWhenItIsBack() throws Exception {
        InteropLab.requireRoot("bird", "birdc");
        try (InteropLab l = new InteropLab("xtbg")) {
            lab = l;
            final String nsx = l.namespace("x");
            final String nsp = l.namespace("p");
            final String nsBlue = l.namespace("b");
            final String nsRed = l.namespace("r");
            final InteropLab.Link link = l.veth(nsx, "v0", nsp, "v1", 1);
            bird = BirdLeaf.start(lab, nsp, link.addressA());
            // BIRD exports nothing to its kernel: the fabric's routes for red's traffic are static
            l.sysctl(nsx, "net.ipv6.conf.all.forwarding=1");
            l.run("ip", "-n", nsp, "addr", "add", RED_PEER_V6 + "/128", "dev", "v1", "nodad");
            l.run("ip", "-n", nsp, "-6", "route", "add", "2001:db8:100::/48", "via", link.addressA());
            l.run("ip", "-n", nsx, "-6", "route", "add", RED_PEER_V6 + "/128", "via", link.addressB());
            persistentDevice(l, nsBlue, "xb-blue");
            persistentDevice(l, nsRed, "xb-red");
            final Path config = l.write("xlat.yaml", String.join("\n",
                "translator:",
                "  ipv4-address: 203.0.113.1",
                "  ipv6-address: \"2001:db8:ffff::1\"",
                "tenants:",
                "  - {name: blue, prefix: \"2001:db8:100:1::/96\", ipv4: [10.0.0.0/25], tun: xb-blue, netns: "
                    + nsBlue + "}",
                "  - {name: red, prefix: \"2001:db8:100:2::/96\", ipv4: [10.0.0.0/25], tun: xb-red, netns: "
                    + nsRed + "}",
                "dataplane:",
                "  ipv6-tun: xlat6",
                "  workers: 1",
                "  manage-routes: true",
                "  counters-file: " + l.dir().resolve("counters"),
                "bgp:",
                "  asn: 4200000001",
                "  router-id: 192.0.2.11",
                "  peers:",
                "    - {address: \"" + link.addressB() + "\", asn: 64496}",
                ""));
            final Process xlat = l.start(nsx, "xlat.log", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                "--config", config.toString());
            try {
                InteropLab.await("both tenants' prefixes in BIRD", 20_000,
                    () -> prefixes().equals(List.of(BLUE, RED)));
                assertEquals(0, pingRed(l, nsRed, 3), "red reaches its peer before anything fails");
                withdrawAndAnnounceAgain(l, xlat, nsBlue, nsRed);
                reattachedWhenMadeAgain(l, xlat, nsRed);
                ipv6DeviceCreatedAgain(l, xlat, nsx, nsRed);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nxlat.log:\n" + l.read("xlat.log") + "\nBIRD:\n"
                    + birdc("show", "route", "table", "master6"), e);
            }
        }
    }

    /** Blue down and up again, then red deleted: each time only the failing tenant's prefix moves. */
    private void withdrawAndAnnounceAgain(InteropLab l, Process xlat, String nsBlue, String nsRed)
        throws InterruptedException {
        l.run("ip", "-n", nsBlue, "link", "set", "xb-blue", "down");
        awaitOnly(List.of(RED), "blue's device went down");
        l.run("ip", "-n", nsBlue, "link", "set", "xb-blue", "up");
        InteropLab.await("blue announced again once its device is up", 5_000,
            () -> prefixes().equals(List.of(BLUE, RED)));
        // the kernel deleted the route into xb-blue when it went down: xlat installs it again
        InteropLab.await("blue's default route into xb-blue installed again", 3_000,
            () -> l.run("ip", "-n", nsBlue, "route", "show", "default").contains("dev xb-blue"));

        l.run("ip", "-n", nsRed, "link", "del", "xb-red");
        awaitOnly(List.of(BLUE), "red's device was deleted");
        // a persistent device is the operator's to make again: xlat does not create it in its place
        InteropLab.holds("red stays withdrawn while its device is gone, blue stays announced", 2_000,
            () -> prefixes().equals(List.of(BLUE)));
        assertTrue(xlat.isAlive(), "xlat keeps running for the other tenant");
        final String log = l.read("xlat.log");
        assertTrue(log.contains("health: tenant red: device xb-red in netns " + nsRed + " is gone"), log);
        assertTrue(log.contains("device xb-red in netns " + nsRed + " went missing; re-attaching once a device of "
            + "that name is back"), log);

        // a reload meanwhile does not make the operator's device in its place either
        l.run("kill", "-HUP", Long.toString(xlat.pid()));
        InteropLab.await("the reload", 5_000, () -> l.read("xlat.log").contains("tenant red: persistent device xb-red "
            + "is gone; re-attaching once a device of that name is back"));
        assertTrue(l.execIn(nsRed, 5_000, "ip", "link", "show", "xb-red").exitCode() != 0, "no xb-red made by xlat");
        assertEquals(List.of(BLUE), prefixes(), "red still withdrawn after the reload");
    }

    /**
     * Red's device made again as the test first made it: within 5 s xlat has re-attached to it, BIRD has red's
     * prefix again, and red's ping reaches its peer (the default route into xb-red, which the kernel deleted with
     * the old device, is back).
     */
    private void reattachedWhenMadeAgain(InteropLab l, Process xlat, String nsRed) throws InterruptedException {
        final long made = System.nanoTime();
        persistentDevice(l, nsRed, "xb-red");
        InteropLab.await("red announced again once its device is made again", 5_000,
            () -> prefixes().equals(List.of(BLUE, RED)));
        final long announced = System.nanoTime();
        InteropLab.await("red's ping to get through again", 5_000 - TimeUnit.NANOSECONDS.toMillis(announced - made),
            () -> pingRed(l, nsRed, 1) == 0);
        final long pinged = System.nanoTime();
        assertEquals(0, pingRed(l, nsRed, 3), "and it keeps getting through");
        System.out.println("xb-red made again: announced after " + TimeUnit.NANOSECONDS.toMillis(announced - made)
            + " ms, first ping through after " + TimeUnit.NANOSECONDS.toMillis(pinged - made) + " ms");
        final String log = l.read("xlat.log");
        assertTrue(log.contains("device xb-red in netns " + nsRed + " back, re-attached (existing device, 1 queue)"),
            log);
        assertTrue(log.contains("routes: 1 of 1 installed again into xb-red (netns " + nsRed + ")"), log);
        assertTrue(log.contains("health: tenant red healthy again"), log);
        assertTrue(xlat.isAlive());
    }

    /**
     * The IPv6 device, which xlat created itself, deleted: every prefix is withdrawn (it carries them all), xlat
     * creates it again, installs the routes into it again, and both prefixes and red's ping are back within 5 s.
     */
    private void ipv6DeviceCreatedAgain(InteropLab l, Process xlat, String nsx, String nsRed)
        throws InterruptedException {
        final long deleted = System.nanoTime();
        l.run("ip", "-n", nsx, "link", "del", "xlat6");
        InteropLab.await("every prefix withdrawn with the IPv6 device", 3_000, () -> prefixes().isEmpty());
        InteropLab.await("both prefixes back once xlat created xlat6 again", 5_000,
            () -> prefixes().equals(List.of(BLUE, RED)));
        InteropLab.await("red's ping through the new xlat6", 5_000, () -> pingRed(l, nsRed, 1) == 0);
        System.out.println("xlat6 deleted: prefixes and red's ping back after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted) + " ms");
        final String log = l.read("xlat.log");
        assertTrue(log.contains("device xlat6 went missing; xlat created it, so it creates it again"), log);
        assertTrue(log.contains("device xlat6 back, re-attached (created again, 1 queue)"), log);
        assertTrue(log.contains("routes: 2 of 2 installed again into xlat6"), log);
        assertTrue(xlat.isAlive());
    }

    /** A persistent TUN device in {@code ns}, and for red the tenant's own 10.0.0.1 on it (xlat brings it up). */
    private static void persistentDevice(InteropLab l, String ns, String device) {
        l.run("ip", "-n", ns, "tuntap", "add", "dev", device, "mode", "tun");
        if (device.equals("xb-red")) {
            l.run("ip", "-n", ns, "addr", "add", "10.0.0.1/32", "dev", device);
        }
    }

    /** Red's ping to its peer 10.0.0.200 on the fabric, {@code count} echoes: the exit code. */
    private static int pingRed(InteropLab l, String nsRed, int count) {
        return l.execIn(nsRed, 15_000, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "1",
            "10.0.0.200").exitCode();
    }

    /** Within 2 s of the event BIRD holds exactly {@code expected}, and the session stayed Established. */
    private void awaitOnly(List<String> expected, String event) throws InterruptedException {
        final long start = System.nanoTime();
        InteropLab.await("only " + expected + " after " + event, 5_000,
            () -> prefixes().equals(expected));
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2_000, "withdrawn " + millis + " ms after " + event);
        assertTrue(birdc("show", "protocols", "xlat0").contains("Established"), "the session stays up");
        assertEquals(expected, prefixes(), "and it stays so");
    }

    private String birdc(String... command) {
        return bird.birdc(command);
    }

    /** The prefixes of BIRD's IPv6 table, sorted (BIRD lists them in no fixed order), from the unindented lines. */
    private List<String> prefixes() {
        final java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (final String line : birdc("show", "route", "table", "master6").split("\n")) {
            if (line.matches("^[0-9a-f:.]+/\\d+\\s.*")) {
                out.add(line.split("\\s+")[0]);
            }
        }
        java.util.Collections.sort(out);
        return out;
    }
}
