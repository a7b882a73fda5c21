package io.xlat.control.bgp;

import io.xlat.control.bgp.BgpInteropContract.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FRR (Debian package {@code frr}, 8.4 on Debian 12) in a namespace of an {@link InteropLab}: zebra and, given a
 * configuration, bgpd, with their own configuration, pid files, zebra socket and vty sockets in a directory of
 * the lab (the system service and /etc/frr are not touched); {@code vtysh --vty_socket} queries them.
 */
final class FrrLeaf {

    static final String FRR = "/usr/lib/frr/";
    /** What the tests that start FRR need installed. */
    static final String[] PROGRAMS = {FRR + "zebra", FRR + "bgpd", "vtysh"};

    private final InteropLab lab;
    private final Path dir;
    private final String name;

    private FrrLeaf(InteropLab lab, Path dir, String name) {
        this.lab = lab;
        this.dir = dir;
        this.name = name;
    }

    /**
     * The start of a bgpd.conf for AS {@code asn}: router id 198.51.100.2, eBGP without a policy (FRR 8 wants one
     * before it exchanges eBGP routes, RFC 8212; the tests accept everything), no family activated by default.
     */
    static String bgpdHeader(InteropLab lab, long asn) {
        return String.join("\n",
            "frr defaults traditional",
            "hostname peer-" + lab.id,
            "router bgp " + asn,
            " bgp router-id 198.51.100.2",
            " no bgp ebgp-requires-policy",
            " no bgp default ipv4-unicast",
            "");
    }

    /**
     * Starts zebra with {@code zebraConf} and, unless {@code bgpdConf} is null, bgpd with it, in {@code ns}; their
     * files live in {@code <lab>/<name>}, their logs are {@code <name>-zebra.log} and {@code <name>-bgpd.log}.
     * Returns once they answer on their vty sockets.
     */
    static FrrLeaf start(InteropLab lab, String ns, String name, String zebraConf, String bgpdConf) throws Exception {
        // the daemons drop to user frr: it must reach its own directory inside the root-only lab directory
        Files.setPosixFilePermissions(lab.dir(), PosixFilePermissions.fromString("rwx--x--x"));
        final Path dir = Files.createDirectory(lab.dir().resolve(name));
        final Path zebraFile = Files.writeString(dir.resolve("zebra.conf"), zebraConf);
        final Path bgpdFile = bgpdConf == null ? null : Files.writeString(dir.resolve("bgpd.conf"), bgpdConf);
        lab.run("chown", "-R", "frr:frr", dir.toString());

        final String zserv = dir.resolve("zserv.api").toString();
        lab.start(ns, name + "-zebra.log", FRR + "zebra", "-u", "frr", "-g", "frr", "-f", zebraFile.toString(),
            "-i", dir.resolve("zebra.pid").toString(), "-z", zserv, "--vty_socket", dir.toString(),
            "-P", "0", "--log", "stdout");
        InteropLab.await("zebra socket", 10_000, () -> Files.exists(Path.of(zserv)));
        if (bgpdFile != null) {
            lab.start(ns, name + "-bgpd.log", FRR + "bgpd", "-u", "frr", "-g", "frr", "-f", bgpdFile.toString(),
                "-i", dir.resolve("bgpd.pid").toString(), "-z", zserv, "--vty_socket", dir.toString(),
                "-P", "0", "--log", "stdout");
            InteropLab.await("bgpd vty socket", 10_000, () -> Files.exists(dir.resolve("bgpd.vty")));
        }
        return new FrrLeaf(lab, dir, name);
    }

    /** A vtysh command's output. */
    String vtysh(String command) {
        return lab.run("vtysh", "--vty_socket", dir.toString(), "-c", command);
    }

    /** A vtysh command that prints JSON, parsed. */
    Object vtyshJson(String command) {
        return Json.parse(vtysh(command));
    }

    /** Whether bgpd has the session with {@code neighbor} (an address, or an interface name) in Established. */
    boolean established(String neighbor) {
        for (final Map.Entry<String, Object> e : Json.object(vtyshJson("show bgp neighbors json")).entrySet()) {
            // a link-local neighbour may be listed with its interface as fe80::1%eth0
            if (e.getKey().equals(neighbor) || e.getKey().startsWith(neighbor + "%")) {
                return "Established".equals(Json.object(e.getValue()).get("bgpState"));
            }
        }
        return false;
    }

    /** Every path bgpd received, of one family. */
    List<Route> routes(boolean ipv6) {
        final Map<String, Object> table = Json.object(vtyshJson("show bgp " + (ipv6 ? "ipv6" : "ipv4")
            + " unicast json"));
        final List<Route> out = new ArrayList<>();
        final Object routes = table.get("routes");
        if (routes == null) {
            return out;
        }
        for (final Map.Entry<String, Object> e : Json.object(routes).entrySet()) {
            for (final Object p : Json.array(e.getValue())) {
                final Map<String, Object> path = Json.object(p);
                final List<String> nextHops = new ArrayList<>();
                for (final Object nh : Json.array(path.get("nexthops"))) {
                    nextHops.add((String) Json.object(nh).get("ip"));
                }
                final Object metric = path.get("metric");
                out.add(new Route(e.getKey(), nextHops, (String) path.get("path"),
                    metric == null ? -1 : (Long) metric));
            }
        }
        return out;
    }

    /** bgpd's log, for failure messages. */
    String bgpdLog() {
        return lab.read(name + "-bgpd.log");
    }
}
