package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.cli.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant health coupling through {@code xlat run}: tenant mode with two tenants whose devices xlat creates in
 * the tenants' own namespaces, and BIRD 2 as the BGP peer. A tenant whose device goes down, or is deleted, loses
 * its prefix in BIRD within 2 s while the other tenant's stays; a device that comes up again brings its prefix
 * back; a new device that takes a deleted one's name does not. Needs root and BIRD; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
class XlatRunTenantBgpIT {

    /** The RFC 6052 images of each tenant's 10.0.0.0/25 under its /96 instance prefix. */
    private static final String BLUE = "2001:db8:100:1::a00:0/121";
    private static final String RED = "2001:db8:100:2::a00:0/121";

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
                withdrawAndAnnounceAgain(l, xlat, nsBlue, nsRed);
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

        l.run("ip", "-n", nsRed, "link", "del", "xb-red");
        awaitOnly(List.of(BLUE), "red's device was deleted");
        InteropLab.holds("red stays withdrawn while its device is gone, blue stays announced", 1_000,
            () -> prefixes().equals(List.of(BLUE)));
        // a new device under the old name is not the one xlat holds: red stays withdrawn
        l.run("ip", "-n", nsRed, "tuntap", "add", "dev", "xb-red", "mode", "tun");
        l.run("ip", "-n", nsRed, "link", "set", "xb-red", "up");
        InteropLab.holds("red stays withdrawn after another device took its name", 1_000,
            () -> prefixes().equals(List.of(BLUE)));
        assertTrue(xlat.isAlive(), "xlat keeps running for the other tenant");
        final String log = l.read("xlat.log");
        assertTrue(log.contains("health: tenant red: device xb-red in netns " + nsRed + " is gone"), log);
        assertTrue(log.contains("was deleted and another took its name"), log);
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
