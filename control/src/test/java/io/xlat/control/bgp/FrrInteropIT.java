package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Interop with FRR (Debian package {@code frr}, 8.4 on Debian 12, started by {@link FrrLeaf}) inside the test's
 * peer namespace. Zebra installs what bgpd selects into the namespace's kernel table, so the tests also read
 * {@code ip route} there. Needs root; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
class FrrInteropIT extends BgpInteropContract {

    private static final String PASSWORD = "s3cret";

    private InteropLab lab;
    private FrrLeaf frr;

    @Override
    String[] programs() {
        return FrrLeaf.PROGRAMS;
    }

    @Override
    String tag() {
        return "xfrr";
    }

    @Override
    void startDaemon(InteropLab lab, String ns, List<Neighbor> neighbors, boolean multipath) throws Exception {
        this.lab = lab;
        final StringBuilder conf = new StringBuilder(FrrLeaf.bgpdHeader(lab, PEER_ASN));
        for (final Neighbor n : neighbors) {
            conf.append(" neighbor ").append(n.address()).append(" remote-as ").append(n.asn()).append('\n');
            if (n.ifName() != null) {
                // a link-local neighbour: FRR needs the interface to scope the address
                conf.append(" neighbor ").append(n.address()).append(" interface ").append(n.ifName()).append('\n');
            }
            if (n.asn() == PEER_ASN) {
                // iBGP: the translators of a rack are clients of the rack's route reflectors (RFC 4456)
                conf.append(" neighbor ").append(n.address()).append(" route-reflector-client\n");
            }
            if (n.password() != null) {
                conf.append(" neighbor ").append(n.address()).append(" password ").append(n.password()).append('\n');
            }
            // RFC 8950: accept IPv4 NLRI with IPv6 next hops on this IPv6 session
            conf.append(" neighbor ").append(n.address()).append(" capability extended-nexthop\n");
        }
        for (final String family : List.of("ipv4", "ipv6")) {
            conf.append(" address-family ").append(family).append(" unicast\n");
            conf.append("  maximum-paths ").append(multipath ? 2 : 1).append('\n');
            conf.append("  maximum-paths ibgp ").append(multipath ? 2 : 1).append('\n');
            for (final Neighbor n : neighbors) {
                conf.append("  neighbor ").append(n.address()).append(" activate\n");
            }
            conf.append(" exit-address-family\n");
        }
        frr = FrrLeaf.start(lab, ns, "frr", "hostname peer-" + lab.id + "\n", conf.toString());
    }

    private Object vtysh(String command) {
        return frr.vtyshJson(command);
    }

    @Override
    boolean established(Neighbor neighbor) {
        return frr.established(neighbor.address());
    }

    @Override
    List<Route> routes(boolean ipv6) {
        return frr.routes(ipv6);
    }

    @Override
    String daemonLog() {
        return frr == null ? "" : frr.bgpdLog();
    }

    /** The namespace's kernel route for {@code prefix}, as {@code ip route show} prints it. */
    private String kernelRoute(String ns, String prefix) {
        return lab.in(ns, "ip", prefix.indexOf(':') >= 0 ? "-6" : "-4", "route", "show", prefix);
    }

    @Test
    void shouldEstablishWithTheRightTcpMd5KeyAndNeverWithAWrongOne() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = new Neighbor(link.addressA(), null, XLAT_ASN, PASSWORD);
            startDaemon(l, link.nsB(), List.of(xlat), false);

            // RFC 2385: a segment with a wrong digest is dropped silently, so not even TCP gets established
            final SpeakerProcess wrong = SpeakerProcess.start(l, link.nsA(), "xlat-wrong.log",
                speakerArguments("192.0.2.11", link.addressB() + "," + PEER_ASN + ",not-the-key"));
            wrong.awaitState(0, SessionState.CONNECT, ESTABLISH_MILLIS);
            InteropLab.holds("no session with a wrong TCP-MD5 key", 4_000,
                () -> !wrong.everReached(0, SessionState.ESTABLISHED) && !established(xlat)
                    && routes(true).isEmpty());
            wrong.kill();

            final SpeakerProcess right = SpeakerProcess.start(l, link.nsA(), "xlat-right.log",
                speakerArguments("192.0.2.11", link.addressB() + "," + PEER_ASN + "," + PASSWORD));
            awaitAllRoutes(right, xlat, 1);
            assertOurRoutes(routes(true), ROUTES6, List.of(link.addressA()));
            assertOurRoutes(routes(false), ROUTES4, List.of(link.addressA()));
        }
    }

    @Test
    void shouldPeerOverLinkLocalAndInstallRoutesViaOurLinkLocalAddress() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = new Neighbor(link.linkLocalA(), link.ifB(), XLAT_ASN, null);
            startDaemon(l, link.nsB(), List.of(xlat), false);
            final SpeakerProcess speaker = SpeakerProcess.start(l, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", link.linkLocalB() + "%" + link.ifA() + "," + PEER_ASN));
            awaitAllRoutes(speaker, xlat, 1);

            // RFC 2545 section 3: the 32-octet next hop; with no global address on the link our link-local
            // address fills both halves, and FRR lists it as the global and the link-local next hop
            final List<String> nextHops = List.of(link.linkLocalA(), link.linkLocalA());
            assertOurRoutes(routes(true), ROUTES6, nextHops);
            assertOurRoutes(routes(false), ROUTES4, nextHops);
            for (final String prefix : ROUTES6) {
                final String route = kernelRoute(link.nsB(), prefix);
                assertTrue(route.contains("via " + link.linkLocalA() + " dev " + link.ifB()), route);
            }
            for (final String prefix : ROUTES4) {
                final String route = kernelRoute(link.nsB(), prefix);
                assertTrue(route.contains("via inet6 " + link.linkLocalA() + " dev " + link.ifB()), route);
            }
        }
    }

    @Test
    void shouldEstablishOverLinkLocalWithTcpMd5() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = new Neighbor(link.linkLocalA(), link.ifB(), XLAT_ASN, PASSWORD);
            startDaemon(l, link.nsB(), List.of(xlat), false);
            // the key is bound to the peer address with its scope id: without it the kernel would not sign
            final SpeakerProcess speaker = SpeakerProcess.start(l, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", link.linkLocalB() + "%" + link.ifA() + "," + PEER_ASN + ","
                    + PASSWORD));
            awaitAllRoutes(speaker, xlat, 1);
            assertEquals(ROUTES6.size(), routes(true).size());
        }
    }

    @Test
    void shouldAcceptFrrsConnectionAsAPassivePeerWithTcpMd5OnTheListeningSocket() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = new Neighbor(link.addressA(), null, XLAT_ASN, PASSWORD);
            startDaemon(l, link.nsB(), List.of(xlat), false);
            // the key is set on the listening socket: Linux checks FRR's SYN against it
            final List<String> args = new ArrayList<>(speakerArguments("192.0.2.11"));
            args.add("listen=::,179");
            args.add("passive-peer=" + link.addressB() + "," + PEER_ASN + "," + PASSWORD);
            final SpeakerProcess speaker = SpeakerProcess.start(l, link.nsA(), "xlat.log", args);
            awaitAllRoutes(speaker, xlat, 1);
            assertOurRoutes(routes(true), ROUTES6, List.of(link.addressA()));
        }
    }

    @Test
    void shouldSettleOnOneSessionWhenBothEndsConnect() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final InteropLab.Link link = pair(l);
            final Neighbor xlat = Neighbor.xlat(link.addressA());
            startDaemon(l, link.nsB(), List.of(xlat), false);
            // xlat connects and listens, FRR connects and listens: RFC 4271 section 6.8 on both sides
            final List<String> args = new ArrayList<>(speakerArguments("192.0.2.11",
                link.addressB() + "," + PEER_ASN));
            args.add("listen=::,179");
            final SpeakerProcess speaker = SpeakerProcess.start(l, link.nsA(), "xlat.log", args);
            for (int round = 0; round < 3; round++) {
                awaitAllRoutes(speaker, xlat, 1);
                InteropLab.holds("one session, and it stays up", 2_000,
                    () -> speaker.state(0) == SessionState.ESTABLISHED && established(xlat));
                frr.vtysh("clear bgp *"); // both ends reconnect at once
                InteropLab.await("the speaker saw the reset", 5_000,
                    () -> speaker.state(0) != SessionState.ESTABLISHED);
            }
            awaitAllRoutes(speaker, xlat, 1);
            // which connections collided depends on timing; the log says, for whoever reads the test's output
            final String log = l.read("xlat.log");
            System.out.println("both ends connecting: " + log.lines().filter(s -> s.contains("collision resolved"))
                .count() + " collisions resolved by identifier, " + log.lines().filter(s -> s.contains(
                    "while Established: closed")).count() + " late connections closed, "
                + log.lines().filter(s -> s.contains("accepted the connection")).count() + " accepted");
        }
    }

    @Test
    void shouldInstallATwoWayEcmpRouteWhenTwoTranslatorsAnnounceTheSamePrefixes() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final String peer = l.namespace("peer");
            final InteropLab.Link one = l.veth(l.namespace("xlat1"), "eth0", peer, "eth1", 1);
            final InteropLab.Link two = l.veth(l.namespace("xlat2"), "eth0", peer, "eth2", 2);
            final Neighbor xlat1 = Neighbor.xlat(one.addressA());
            final Neighbor xlat2 = Neighbor.xlat(two.addressA());
            startDaemon(l, peer, List.of(xlat1, xlat2), true);
            final SpeakerProcess speaker1 = SpeakerProcess.start(l, one.nsA(), "xlat1.log",
                speakerArguments("192.0.2.11", one.addressB() + "," + PEER_ASN));
            final SpeakerProcess speaker2 = SpeakerProcess.start(l, two.nsA(), "xlat2.log",
                speakerArguments("192.0.2.12", two.addressB() + "," + PEER_ASN));
            speaker1.awaitState(0, SessionState.ESTABLISHED, ESTABLISH_MILLIS);
            awaitAllRoutes(speaker2, xlat2, 2);

            // equal ORIGIN, AS path and MED from both: the fabric must spread traffic over the two translators
            for (final String prefix : concat(ROUTES6, ROUTES4)) {
                final String via = prefix.indexOf(':') >= 0 ? "via " : "via inet6 ";
                InteropLab.await("2-way ECMP for " + prefix + " in the kernel", 5_000, () -> {
                    final String route = kernelRoute(peer, prefix);
                    return route.contains("nexthop " + via + one.addressA() + " dev " + one.ifB())
                        && route.contains("nexthop " + via + two.addressA() + " dev " + two.ifB());
                });
            }

            speaker1.kill();
            for (final String prefix : concat(ROUTES6, ROUTES4)) {
                InteropLab.await("single path via the survivor for " + prefix, 3_000, () -> {
                    final String route = kernelRoute(peer, prefix);
                    return !route.contains("nexthop") && !route.contains(one.addressA())
                        && route.contains(two.addressA() + " dev " + two.ifB());
                });
            }
            assertFalse(established(xlat1));
        }
    }

    @Test
    void shouldInstallATwoWayEcmpRouteFromTwoInternalTranslatorsAtARouteReflector() throws Exception {
        try (InteropLab l = new InteropLab(tag())) {
            final String peer = l.namespace("peer");
            final InteropLab.Link one = l.veth(l.namespace("xlat1"), "eth0", peer, "eth1", 1);
            final InteropLab.Link two = l.veth(l.namespace("xlat2"), "eth0", peer, "eth2", 2);
            final Neighbor xlat1 = new Neighbor(one.addressA(), null, PEER_ASN, null);
            final Neighbor xlat2 = new Neighbor(two.addressA(), null, PEER_ASN, null);
            startDaemon(l, peer, List.of(xlat1, xlat2), true);
            final SpeakerProcess speaker1 = SpeakerProcess.start(l, one.nsA(), "xlat1.log",
                speakerArguments(PEER_ASN, "192.0.2.11", HOLD_TIME, one.addressB() + "," + PEER_ASN));
            final SpeakerProcess speaker2 = SpeakerProcess.start(l, two.nsA(), "xlat2.log",
                speakerArguments(PEER_ASN, "192.0.2.12", HOLD_TIME, two.addressB() + "," + PEER_ASN));
            speaker1.awaitState(0, SessionState.ESTABLISHED, ESTABLISH_MILLIS);
            awaitAllRoutes(speaker2, xlat2, 2);

            // RFC 4271 section 5.1.2: an internal route carries an empty AS_PATH; 5.1.5: and LOCAL_PREF
            for (final boolean ipv6 : new boolean[] {true, false}) {
                for (final Route r : routes(ipv6)) {
                    assertEquals("", r.asPath(), "internal AS path of " + r);
                    assertEquals(MED, r.med(), "MED of " + r);
                    assertTrue(r.nextHops().equals(List.of(one.addressA())) || r.nextHops().equals(
                        List.of(two.addressA())), "next hop of " + r);
                }
            }
            final Map<String, Object> table = Json.object(vtysh("show bgp ipv6 unicast json"));
            for (final Object path : Json.array(Json.object(table.get("routes")).get(ROUTES6.get(0)))) {
                assertEquals(100L, Json.object(path).get("locPrf"), "LOCAL_PREF in " + path);
            }
            for (final String prefix : concat(ROUTES6, ROUTES4)) {
                final String via = prefix.indexOf(':') >= 0 ? "via " : "via inet6 ";
                InteropLab.await("2-way iBGP ECMP for " + prefix + " in the kernel", 5_000, () -> {
                    final String route = kernelRoute(peer, prefix);
                    return route.contains("nexthop " + via + one.addressA() + " dev " + one.ifB())
                        && route.contains("nexthop " + via + two.addressA() + " dev " + two.ifB());
                });
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        final List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
