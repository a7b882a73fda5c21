package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.control.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dataplane.manage-routes: true}: xlat installs the routes it needs through rtnetlink while it runs, keeps
 * them in step with a reload, and removes them on SIGTERM. The devices are persistent ones made beforehand, so that
 * the removal is xlat's doing and not the kernel's (a device xlat created takes its routes with it). Needs root.
 */
class ManagedRoutesIT {

    private static final String METRIC = "metric 464";

    private NamespaceLab lab;
    private final List<Process> started = new ArrayList<>();
    private Path xlatLog;

    @BeforeEach
    void createLab() throws Exception {
        NamespaceLab.requireRoot("ping");
        lab = new NamespaceLab("xmr");
    }

    @AfterEach
    void deleteLab() {
        try {
            for (final Process p : started) {
                NamespaceLab.stop(p, 10_000);
            }
            if (xlatLog != null) {
                System.out.println("xlat log:\n" + SiitLab.read(xlatLog));
            }
        } finally {
            lab.close();
        }
    }

    @Test
    void shouldRoutePool6TheEamIpv4PrefixesAndItsOwnAddressesIntoTheSiitDeviceUntilStopped() throws Exception {
        final String nsx = lab.namespace("x");
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", "siit0", "mode", "tun");
        final Path config = Files.writeString(lab.dir.resolve("siit.yaml"), String.join("\n",
            "translator:",
            "  pool6: \"2001:db8:64::/96\"",
            "  eamt:",
            "    - {ipv4: 198.51.100.0/24, ipv6: \"2001:db8:6:4::/120\"}",
            "  ipv4-address: 203.0.113.1",
            "  ipv6-address: \"2001:db8:ffff::1\"",
            "dataplane:",
            "  siit-tun: siit0",
            "  workers: 1",
            "  manage-routes: true",
            "  counters-file: " + lab.dir.resolve("siit.counters"),
            ""));
        final Process xlat = startXlat(nsx, config);

        final String v6 = lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "siit0");
        assertTrue(v6.contains("2001:db8:64::/96 proto static " + METRIC), v6);
        assertTrue(v6.contains("2001:db8:ffff::1 proto static " + METRIC), v6);
        assertFalse(v6.contains("2001:db8:6:4::"), "the EAM IPv6 side is the servers', not the translator's:\n" + v6);
        final String v4 = lab.run("ip", "-n", nsx, "route", "show", "dev", "siit0");
        assertTrue(v4.contains("198.51.100.0/24 proto static scope link " + METRIC), v4);
        assertTrue(v4.contains("203.0.113.1 proto static scope link " + METRIC), v4);
        assertTrue(SiitLab.read(xlatLog).contains("routes: 4 installed"), SiitLab.read(xlatLog));

        NamespaceLab.stop(xlat, 10_000);
        assertTrue(SiitLab.read(xlatLog).contains("routes: 4 removed"), SiitLab.read(xlatLog));
        assertFalse(lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "siit0").contains(METRIC));
        assertFalse(lab.run("ip", "-n", nsx, "route", "show", "dev", "siit0").contains(METRIC));
        assertTrue(lab.run("ip", "-n", nsx, "link", "show", "siit0").contains("siit0"), "the persistent device stays");
    }

    @Test
    void shouldTakeOverTheRoutesAKilledRunLeftBehindAndRemoveThemOnStop() throws Exception {
        final String nsx = lab.namespace("x");
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", "siit0", "mode", "tun");
        final Path config = Files.writeString(lab.dir.resolve("siit.yaml"), String.join("\n",
            "translator:",
            "  pool6: \"2001:db8:64::/96\"",
            "dataplane:",
            "  siit-tun: siit0",
            "  workers: 1",
            "  manage-routes: true",
            ""));
        final Process first = startXlat(nsx, config);
        first.destroyForcibly(); // SIGKILL: nothing removes the route
        first.waitFor();
        assertTrue(lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "siit0").contains("2001:db8:64::/96"),
            "the killed run's route stays on the persistent device");

        final Process second = startXlat(nsx, config);
        assertTrue(SiitLab.read(xlatLog).contains("routes: 1 installed"), SiitLab.read(xlatLog));
        final String v6 = lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "siit0");
        assertEquals(1, v6.split("2001:db8:64::/96", -1).length - 1, "replaced, not duplicated:\n" + v6);

        NamespaceLab.stop(second, 10_000);
        assertFalse(lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "siit0").contains(METRIC));
    }

    @Test
    void shouldRouteInstancePrefixesAndTenantDefaultsFollowAReloadAndRemoveThemOnStop() throws Exception {
        final String nsx = lab.namespace("x");
        final String blue = lab.namespace("blue");
        final String red = lab.namespace("red");
        final String fabric = lab.namespace("fab");
        lab.sysctl(nsx, "net.ipv6.conf.all.forwarding=1");
        lab.veth(nsx, "xf", fabric, "fx");
        lab.run("ip", "-n", nsx, "addr", "add", "2001:db8:f::1/64", "dev", "xf", "nodad");
        lab.run("ip", "-n", fabric, "addr", "add", "2001:db8:f::2/64", "dev", "fx", "nodad");
        lab.run("ip", "-n", fabric, "addr", "add", "2001:db8:100:1::a00:c8/128", "dev", "fx", "nodad");
        lab.run("ip", "-n", fabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        lab.run("ip", "-n", nsx, "tuntap", "add", "dev", "xlat6", "mode", "tun");
        lab.run("ip", "-n", blue, "tuntap", "add", "dev", "xb-blue", "mode", "tun");
        lab.run("ip", "-n", red, "tuntap", "add", "dev", "xb-red", "mode", "tun");
        final Path config = lab.dir.resolve("tenants.yaml");
        Files.writeString(config, tenantConfig(blue, red, false));
        final Process xlat = startXlat(nsx, config);

        final String host = lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "xlat6");
        assertTrue(host.contains("2001:db8:100:1::a00:0/121 proto static " + METRIC), host);
        final String blueRoutes = lab.run("ip", "-n", blue, "route", "show", "dev", "xb-blue");
        assertTrue(blueRoutes.contains("default proto static scope link " + METRIC), blueRoutes);
        assertFalse(lab.run("ip", "-n", red, "route", "show").contains(METRIC), "red is not configured yet");

        // the routes carry traffic: blue's 10.0.0.1 out through its default, the reply in through the instance
        // prefix route on the host side
        lab.run("ip", "-n", blue, "addr", "add", "10.0.0.1/32", "dev", "xb-blue");
        final NamespaceLab.Result ping = lab.execIn(blue, 15_000, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "2",
            "10.0.0.200");
        assertEquals(0, ping.exitCode(), ping.output());

        Files.writeString(config, tenantConfig(blue, red, true));
        lab.run("kill", "-HUP", Long.toString(xlat.pid()));
        NamespaceLab.await("the reload to install red's routes", 10_000,
            () -> lab.run("ip", "-n", red, "route", "show", "dev", "xb-red").contains("default proto static"));
        assertTrue(lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "xlat6")
            .contains("2001:db8:100:2::a00:0/121 proto static " + METRIC));

        NamespaceLab.stop(xlat, 10_000);
        assertTrue(SiitLab.read(xlatLog).contains("routes: 4 removed"), SiitLab.read(xlatLog));
        assertFalse(lab.run("ip", "-n", nsx, "-6", "route", "show", "dev", "xlat6").contains(METRIC));
        assertFalse(lab.run("ip", "-n", blue, "route", "show").contains(METRIC));
        assertFalse(lab.run("ip", "-n", red, "route", "show").contains(METRIC));
    }

    private static String tenantConfig(String blue, String red, boolean withRed) {
        return NamespaceLab.blueTenantYaml(blue) + String.join("\n",
            withRed ? "  - name: red\n    prefix: \"2001:db8:100:2::/96\"\n    ipv4: [10.0.0.0/25]\n"
                + "    tun: xb-red\n    netns: " + red : "",
            "dataplane:",
            "  ipv6-tun: xlat6",
            "  manage-routes: true",
            "");
    }

    private Process startXlat(String ns, Path config) throws Exception {
        xlatLog = lab.dir.resolve("xlat-" + started.size() + ".log");
        final Path log = xlatLog;
        final Process p = lab.start(ns, log, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config",
            config.toString(), "--counters-file", lab.dir.resolve("counters-" + started.size()).toString());
        started.add(p);
        NamespaceLab.await("xlat to start (log: " + log + ")", 30_000, () -> !p.isAlive()
            || SiitLab.read(log).contains("routes: "));
        assertTrue(p.isAlive(), () -> "xlat exited " + p.exitValue() + ":\n" + SiitLab.read(log));
        return p;
    }
}
