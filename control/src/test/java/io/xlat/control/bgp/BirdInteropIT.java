package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interop with BIRD 2 (Debian package {@code bird2}): {@code bird} runs in the foreground inside the test's peer
 * namespace with its configuration and control socket in the lab directory, and {@code birdc -s} queries it.
 * One BGP protocol per neighbour ({@code xlat0}, {@code xlat1}, ...). Needs root; skips otherwise, unless
 * XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
class BirdInteropIT extends BgpInteropContract {

    private InteropLab lab;
    private Path socket;
    private List<Neighbor> neighbors;

    @Override
    String[] programs() {
        return new String[] {"bird", "birdc"};
    }

    @Override
    String tag() {
        return "xbrd";
    }

    @Override
    void startDaemon(InteropLab lab, String ns, List<Neighbor> neighbors, boolean multipath) throws Exception {
        this.lab = lab;
        this.neighbors = neighbors;
        final StringBuilder conf = new StringBuilder(String.join("\n",
            "router id 198.51.100.2;",
            "protocol device { scan time 1; }",
            ""));
        for (int i = 0; i < neighbors.size(); i++) {
            final Neighbor n = neighbors.get(i);
            conf.append(String.join("\n",
                "protocol bgp xlat" + i + " {",
                "  local as " + PEER_ASN + ";",
                "  neighbor " + n.address() + (n.ifName() == null ? "" : "%" + n.ifName()) + " as " + n.asn() + ";",
                n.password() == null ? "" : "  password \"" + n.password() + "\";",
                "  hold time " + HOLD_TIME + ";",
                "  ipv6 { import all; export none; };",
                // RFC 8950: IPv4 NLRI with IPv6 next hops on this IPv6 session
                "  ipv4 { import all; export none; extended next hop on; };",
                "}",
                ""));
        }
        final Path file = lab.write("bird.conf", conf.toString());
        socket = lab.dir().resolve("bird.ctl");
        lab.start(ns, "bird.log", "bird", "-f", "-c", file.toString(), "-s", socket.toString());
        InteropLab.await("BIRD control socket", 10_000, () -> Files.exists(socket));
    }

    private String birdc(String... command) {
        return BirdLeaf.birdc(lab, socket, command);
    }

    @Override
    boolean established(Neighbor neighbor) {
        return birdc("show", "protocols", "xlat" + neighbors.indexOf(neighbor)).contains("Established");
    }

    /**
     * Parses {@code show route all}: a route starts on an unindented line with its prefix (further paths of the
     * same prefix start with spaces and {@code unicast}), and its attributes follow on tab-indented lines.
     */
    @Override
    List<Route> routes(boolean ipv6) {
        final List<Route> out = new ArrayList<>();
        String prefix = null;
        List<String> nextHops = null;
        String asPath = null;
        long med = -1;
        for (final String line : birdc("show", "route", "table", ipv6 ? "master6" : "master4", "all").split("\n")) {
            final String t = line.trim();
            final boolean first = !line.startsWith(" ") && !line.startsWith("\t") && t.matches("^[0-9a-f:.]+/\\d+\\s.*");
            final boolean another = line.startsWith(" ") && t.startsWith("unicast");
            if (first || another) {
                if (prefix != null && nextHops != null) {
                    out.add(new Route(prefix, nextHops, asPath, med));
                }
                if (first) {
                    prefix = t.split("\\s+")[0];
                }
                nextHops = null;
                asPath = null;
                med = -1;
            } else if (t.startsWith("BGP.next_hop:")) {
                nextHops = List.of(t.substring("BGP.next_hop:".length()).trim().split("\\s+"));
            } else if (t.startsWith("BGP.as_path:")) {
                asPath = t.substring("BGP.as_path:".length()).trim();
            } else if (t.startsWith("BGP.med:")) {
                med = Long.parseLong(t.substring("BGP.med:".length()).trim());
            }
        }
        if (prefix != null && nextHops != null) {
            out.add(new Route(prefix, nextHops, asPath, med));
        }
        return out;
    }

    @Override
    String daemonLog() {
        return lab == null ? "" : lab.read("bird.log");
    }

    @Test
    void shouldShowOurCommunitiesAndOurRfc8203ShutdownMessage() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = Neighbor.xlat(link.addressA());
            startDaemon(l, link.nsB(), List.of(xlat), false);
            final SpeakerProcess speaker = SpeakerProcess.start(l, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", link.addressB() + "," + PEER_ASN));
            awaitAllRoutes(speaker, xlat, 1);

            for (final String table : List.of("master6", "master4")) {
                final String routes = birdc("show", "route", "table", table, "all");
                assertTrue(routes.contains("BGP.community: (64496,100)"), "community:\n" + routes);
                assertTrue(routes.contains("BGP.large_community: (4200000001, 1, 1)"), "large community:\n" + routes);
            }
            speaker.stop("xlat interop test over");
            speaker.awaitStopped();
            InteropLab.await("session down", 5_000, () -> !established(xlat));
            final String protocol = birdc("show", "protocols", "all", "xlat0");
            assertTrue(protocol.contains("xlat interop test over"), "RFC 8203 message shown by BIRD:\n" + protocol);
        }
    }
}
