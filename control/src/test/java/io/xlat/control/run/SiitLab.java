package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.control.cli.Main;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain-SIIT topology of {@link SiitNamespaceIT} for the tests that need their own translator settings or
 * their own xlat process (path MTU, restart): an IPv4-only namespace, a translator namespace with a persistent
 * device xlat0, and an IPv6-only namespace, with the same documentation addresses.
 *
 * <pre>
 *  v4 ns                    translator ns                               v6 ns
 *  192.0.2.2 --veth-- 192.0.2.1 | xlat0 (xlat) | 2001:db8:6::1 --veth-- 2001:db8:6::2
 *                                                                      2001:db8:64::c633:640a (198.51.100.10)
 * </pre>
 */
final class SiitLab implements AutoCloseable {

    static final String CLIENT_V4 = SiitNamespaceIT.CLIENT_V4;
    static final String SERVER_V4 = SiitNamespaceIT.SERVER_V4;
    static final String CLIENT_AS_V6 = SiitNamespaceIT.CLIENT_AS_V6;
    static final String SERVER_V6 = SiitNamespaceIT.SERVER_V6;
    static final String XLAT_V4 = SiitNamespaceIT.XLAT_V4;
    static final String XLAT_V6 = SiitNamespaceIT.XLAT_V6;
    static final String DEVICE = "xlat0";

    final NamespaceLab lab;
    final String ns4;
    final String nsx;
    final String ns6;
    final Path countersFile;
    private Process xlat;
    private Path xlatLog;
    private int starts;

    /**
     * Builds the namespaces; {@code deviceMtu} is xlat0's, {@code v6LinkMtu} the veth's between the translator and
     * the IPv6 host. Routes into xlat0 go in once xlat is attached (a route into a device without carrier is
     * refused by nothing, but packets would be lost silently).
     */
    SiitLab(String prefix, int deviceMtu, int v6LinkMtu) throws IOException {
        lab = new NamespaceLab(prefix);
        boolean built = false;
        try {
            ns4 = lab.namespace("v4");
            nsx = lab.namespace("x");
            ns6 = lab.namespace("v6");
            lab.sysctl(ns4, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            lab.sysctl(nsx, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            lab.veth(ns4, "v4h", nsx, "v4x");
            lab.veth(ns6, "v6h", nsx, "v6x");
            lab.run("ip", "-n", ns6, "link", "set", "v6h", "mtu", Integer.toString(v6LinkMtu));
            lab.run("ip", "-n", nsx, "link", "set", "v6x", "mtu", Integer.toString(v6LinkMtu));
            lab.run("ip", "-n", ns4, "addr", "add", CLIENT_V4 + "/24", "dev", "v4h");
            lab.run("ip", "-n", ns4, "route", "add", "default", "via", "192.0.2.1");
            lab.run("ip", "-n", nsx, "addr", "add", "192.0.2.1/24", "dev", "v4x");
            lab.run("ip", "-n", nsx, "addr", "add", "2001:db8:6::1/64", "dev", "v6x", "nodad");
            lab.run("ip", "-n", ns6, "addr", "add", "2001:db8:6::2/64", "dev", "v6h", "nodad");
            lab.run("ip", "-n", ns6, "addr", "add", SERVER_V6 + "/128", "dev", "v6h", "nodad");
            lab.run("ip", "-n", ns6, "-6", "route", "add", "2001:db8:64::/96", "via", "2001:db8:6::1", "src",
                SERVER_V6);
            lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:64::c633:6400/120", "via", "2001:db8:6::2");
            lab.run("ip", "-n", nsx, "tuntap", "add", "dev", DEVICE, "mode", "tun");
            lab.run("ip", "-n", nsx, "link", "set", DEVICE, "mtu", Integer.toString(deviceMtu), "up");
            countersFile = lab.dir.resolve("counters");
            built = true;
        } finally {
            if (!built) {
                lab.close();
            }
        }
    }

    /** Writes a configuration file into the scratch directory and returns its path. */
    Path config(String yaml) throws IOException {
        return Files.writeString(lab.dir.resolve("xlat.yaml"), yaml);
    }

    /** Starts {@code xlat run} with these arguments in the translator namespace and waits until it runs. */
    Process startXlat(String... args) throws Exception {
        starts++;
        xlatLog = lab.dir.resolve("xlat-" + starts + ".log");
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
            System.getProperty("java.class.path"), Main.class.getName(), "run"));
        command.addAll(List.of(args));
        final Process p = lab.start(nsx, xlatLog, command.toArray(new String[0]));
        xlat = p;
        NamespaceLab.await("xlat to start (log: " + xlatLog + ")", 30_000, () -> !p.isAlive()
            || log().contains("xlat: started: "));
        assertTrue(p.isAlive(), () -> "xlat exited " + p.exitValue() + ":\n" + log());
        return p;
    }

    /** The routes into xlat0 that SiitNamespaceIT installs: the IPv4 server range, pool6 for the client, ours. */
    void routesIntoDevice() {
        lab.run("ip", "-n", nsx, "route", "replace", "198.51.100.0/24", "dev", DEVICE);
        lab.run("ip", "-n", nsx, "route", "replace", XLAT_V4 + "/32", "dev", DEVICE);
        lab.run("ip", "-n", nsx, "-6", "route", "replace", "2001:db8:64::c000:200/120", "dev", DEVICE);
        lab.run("ip", "-n", nsx, "-6", "route", "replace", XLAT_V6 + "/128", "dev", DEVICE);
    }

    /** The log of the xlat started last. */
    String log() {
        return xlatLog == null ? "(not started)" : read(xlatLog);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (xlat != null) {
                NamespaceLab.stop(xlat, 10_000);
                System.out.println("xlat log:\n" + log());
            }
        } finally {
            lab.close();
        }
    }
}
