package io.xlat.control.bgp;

import static io.xlat.control.bgp.BgpInteropContract.ESTABLISH_MILLIS;
import static io.xlat.control.bgp.BgpInteropContract.PEER_ASN;
import static io.xlat.control.bgp.BgpInteropContract.ROUTES4;
import static io.xlat.control.bgp.BgpInteropContract.ROUTES6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FRR's fully unnumbered form, {@code neighbor eth0 interface remote-as external}, against a passive speaker: FRR
 * learns the translator's link-local address from its router advertisements (here a zebra of its own in the xlat
 * namespace sends them; on a real host radvd or systemd-networkd would) and connects to it, and the speaker
 * accepts the connection on {@code [::]:179} as the peer of interface eth0. The link carries link-local addresses
 * only as far as BGP is concerned: neither side names the other's address. Needs root; skips otherwise, unless
 * XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
@Timeout(180)
class FrrUnnumberedIT {

    /** Connections from a stranger in a row; the speaker must close each at once and log one line for all. */
    private static final int STRANGERS = 20;

    @BeforeEach
    void requireRoot() {
        InteropLab.requireRoot(FrrLeaf.PROGRAMS);
    }

    @Test
    void shouldEstablishWhenFrrConnectsOverLinkLocalRejectStrangersAndComeBackAfterAClear() throws Exception {
        try (InteropLab lab = new InteropLab("xunn")) {
            final InteropLab.Link link = BgpInteropContract.pair(lab);
            // the translator's side advertises itself, so that FRR learns fe80::1 on its eth0
            FrrLeaf.start(lab, link.nsA(), "ra", String.join("\n",
                "hostname xlat-" + lab.id,
                "interface " + link.ifA(),
                " ipv6 nd ra-interval 1",
                " no ipv6 nd suppress-ra",
                ""), null);
            final List<String> args = new ArrayList<>(BgpInteropContract.speakerArguments("192.0.2.11"));
            args.add("listen=::," + io.xlat.control.bgp.wire.Bgp.PORT);
            args.add("interface-peer=" + link.ifA() + "," + PEER_ASN);
            final SpeakerProcess speaker = SpeakerProcess.start(lab, link.nsA(), "xlat.log", args);
            final FrrLeaf frr = FrrLeaf.start(lab, link.nsB(), "frr", "hostname peer-" + lab.id + "\n",
                FrrLeaf.bgpdHeader(lab, PEER_ASN) + String.join("\n",
                    // no address: FRR learns ours from our router advertisements and connects to it
                    " neighbor " + link.ifB() + " interface remote-as external",
                    " address-family ipv4 unicast",
                    "  neighbor " + link.ifB() + " activate",
                    " exit-address-family",
                    " address-family ipv6 unicast",
                    "  neighbor " + link.ifB() + " activate",
                    " exit-address-family",
                    ""));

            final long startedAt = System.nanoTime();
            awaitOurRoutes(speaker, frr, link);
            System.out.println("unnumbered session up and routes in FRR's RIB "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt) + " ms after bgpd started");
            for (final String prefix : ROUTES6) {
                final String route = lab.in(link.nsB(), "ip", "-6", "route", "show", prefix);
                assertTrue(route.contains("via " + link.linkLocalA() + " dev " + link.ifB()), route);
            }

            // a stranger (FRR's namespace, but from its global address: no peer of ours) sends garbage to port 179
            final String script = "for i in $(seq " + STRANGERS + "); do timeout 3 bash -c 'exec 3<>/dev/tcp/"
                + link.addressA() + "/179 && printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3 >/dev/null'; "
                + "echo \"exit $?\"; done; true";
            final long strangersAt = System.nanoTime();
            final String outcome = lab.in(link.nsB(), "bash", "-c", script);
            final long strangersMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - strangersAt);
            assertTrue(!outcome.contains("exit 124"), "every stranger closed before 3 s:\n" + outcome);
            System.out.println(STRANGERS + " strangers rejected in " + strangersMillis + " ms");
            final long warnings = lab.read("xlat.log").lines().filter(l -> l.contains("closed a connection from"))
                .count();
            assertTrue(warnings >= 1 && warnings <= 1 + strangersMillis / 10_000, warnings + " warnings:\n"
                + lab.read("xlat.log"));
            assertEquals(SessionState.ESTABLISHED, speaker.state(0));
            assertTrue(frr.established(link.ifB()), frr.bgpdLog());
            assertEquals(ROUTES6.size(), frr.routes(true).size());

            // FRR resets the session (Cease); it reconnects and the speaker takes the new connection at once
            final long clearedAt = System.nanoTime();
            frr.vtysh("clear bgp *");
            InteropLab.await("the speaker saw the reset", 5_000, () -> speaker.state(0) != SessionState.ESTABLISHED);
            awaitOurRoutes(speaker, frr, link);
            System.out.println("back after clear bgp * in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clearedAt) + " ms");
        }
    }

    /** Established on both sides and exactly our prefixes in FRR's RIB via our link-local address. */
    private static void awaitOurRoutes(SpeakerProcess speaker, FrrLeaf frr, InteropLab.Link link)
        throws InterruptedException {
        speaker.awaitState(0, SessionState.ESTABLISHED, 2 * ESTABLISH_MILLIS);
        InteropLab.await("FRR Established with " + link.ifB() + ":\n" + frr.bgpdLog(), 5_000,
            () -> frr.established(link.ifB()));
        InteropLab.await("all routes in FRR's RIB", 5_000,
            () -> frr.routes(true).size() == ROUTES6.size() && frr.routes(false).size() == ROUTES4.size());
        // RFC 2545 section 3 on a link-local session: our link-local address in both halves of the next hop
        final List<String> nextHops = List.of(link.linkLocalA(), link.linkLocalA());
        BgpInteropContract.assertOurRoutes(frr.routes(true), ROUTES6, nextHops);
        BgpInteropContract.assertOurRoutes(frr.routes(false), ROUTES4, nextHops);
    }
}
