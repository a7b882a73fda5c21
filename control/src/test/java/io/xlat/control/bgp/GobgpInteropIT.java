package io.xlat.control.bgp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Interop with GoBGP (Debian package {@code gobgpd}, 3.10 on Debian 12): {@code gobgpd} runs inside the test's
 * peer namespace with a TOML configuration from the lab directory and its gRPC API on that namespace's loopback,
 * and the {@code gobgp} CLI, run in the same namespace, reads its RIB. GoBGP only holds routes (no kernel
 * table), so this class checks the RIB. Needs root; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it
 * fails.
 */
class GobgpInteropIT extends BgpInteropContract {

    /** gobgp's session_state enum: UNKNOWN, IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM, ESTABLISHED. */
    private static final long ESTABLISHED = 6;
    /** Path attribute type codes (RFC 4271, RFC 4760) as gobgp prints them. */
    private static final long AS_PATH = 2;
    private static final long MULTI_EXIT_DISC = 4;
    private static final long MP_REACH_NLRI = 14;

    private InteropLab lab;
    private String ns;

    @Override
    String[] programs() {
        return new String[] {"gobgpd", "gobgp"};
    }

    @Override
    String tag() {
        return "xgob";
    }

    @Override
    void startDaemon(InteropLab lab, String ns, List<Neighbor> neighbors, boolean multipath) throws Exception {
        this.lab = lab;
        this.ns = ns;
        final StringBuilder conf = new StringBuilder(String.join("\n",
            "[global.config]",
            "  as = " + PEER_ASN,
            "  router-id = \"198.51.100.3\"",
            ""));
        for (final Neighbor n : neighbors) {
            conf.append(String.join("\n",
                "[[neighbors]]",
                "  [neighbors.config]",
                "    neighbor-address = \"" + n.address() + "\"",
                "    peer-as = " + n.asn(),
                n.password() == null ? "" : "    auth-password = \"" + n.password() + "\"",
                n.ifName() == null ? "" : "    neighbor-interface = \"" + n.ifName() + "\"",
                "  [[neighbors.afi-safis]]",
                "    [neighbors.afi-safis.config]",
                "      afi-safi-name = \"ipv6-unicast\"",
                // IPv4 over this IPv6 session: GoBGP then offers the RFC 8950 extended next hop capability
                "  [[neighbors.afi-safis]]",
                "    [neighbors.afi-safis.config]",
                "      afi-safi-name = \"ipv4-unicast\"",
                ""));
        }
        final Path file = lab.write("gobgpd.toml", conf.toString());
        lab.start(ns, "gobgpd.log", "gobgpd", "-f", file.toString(), "-t", "toml", "-p", "--pprof-disable",
            "--api-hosts", "127.0.0.1:50051");
        InteropLab.await("gobgpd API", 10_000, () -> lab.execIn(ns, 5_000, "gobgp", "global").exitCode() == 0);
    }

    private Object gobgp(String... args) {
        final String[] argv = new String[args.length + 2];
        argv[0] = "gobgp";
        System.arraycopy(args, 0, argv, 1, args.length);
        argv[argv.length - 1] = "-j";
        final String out = lab.in(ns, argv).trim();
        return out.isEmpty() ? null : Json.parse(out);
    }

    @Override
    boolean established(Neighbor neighbor) {
        final Object all = gobgp("neighbor");
        if (all == null) {
            return false;
        }
        for (final Object n : Json.array(all)) {
            final Map<String, Object> state = Json.object(Json.object(n).get("state"));
            if (neighbor.address().equals(state.get("neighbor_address"))) {
                return Long.valueOf(ESTABLISHED).equals(state.get("session_state"));
            }
        }
        return false;
    }

    @Override
    List<Route> routes(boolean ipv6) {
        final List<Route> out = new ArrayList<>();
        final Object rib = gobgp("global", "rib", "-a", ipv6 ? "ipv6" : "ipv4");
        if (rib == null) {
            return out;
        }
        for (final Map.Entry<String, Object> e : Json.object(rib).entrySet()) {
            for (final Object p : Json.array(e.getValue())) {
                final List<String> nextHops = new ArrayList<>();
                final StringBuilder asPath = new StringBuilder();
                long med = -1;
                for (final Object a : Json.array(Json.object(p).get("attrs"))) {
                    final Map<String, Object> attr = Json.object(a);
                    final long type = (Long) attr.get("type");
                    if (type == MP_REACH_NLRI) {
                        nextHops.add((String) attr.get("nexthop"));
                        final Object linkLocal = attr.get("linklocal_nexthop");
                        if (linkLocal != null) {
                            nextHops.add((String) linkLocal);
                        }
                    } else if (type == AS_PATH) {
                        for (final Object segment : Json.array(attr.get("as_paths"))) {
                            for (final Object asn : Json.array(Json.object(segment).get("asns"))) {
                                asPath.append(asPath.length() == 0 ? "" : " ").append(asn);
                            }
                        }
                    } else if (type == MULTI_EXIT_DISC) {
                        med = (Long) attr.get("metric");
                    }
                }
                out.add(new Route(e.getKey(), nextHops, asPath.toString(), med));
            }
        }
        return out;
    }

    @Override
    String daemonLog() {
        return lab == null ? "" : lab.read("gobgpd.log");
    }
}
