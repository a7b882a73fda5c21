package io.xlat.control.bgp;

import static io.xlat.control.bgp.BgpInteropContract.ESTABLISH_MILLIS;
import static io.xlat.control.bgp.BgpInteropContract.PEER_ASN;
import static io.xlat.control.bgp.BgpInteropContract.ROUTES4;
import static io.xlat.control.bgp.BgpInteropContract.ROUTES6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.SessionState;
import io.xlat.control.cli.Main;
import java.nio.file.Path;
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
 * only as far as BGP is concerned: neither side names the other's address. The speaker runs in a child JVM
 * ({@link SpeakerProcess}), and once as {@code xlat run} from a configuration with {@code bgp.listen} and an
 * {@code interface} peer. Needs root; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
@Timeout(180)
class FrrUnnumberedIT {

    /** Connections from a stranger in a row; the speaker must close each at once and log one line for all. */
    private static final int STRANGERS = 20;
    private static final String POOL6 = "64:ff9b::/96";
    private static final String EAM4 = "198.51.100.0/24";

    @BeforeEach
    void requireRoot() {
        InteropLab.requireRoot(FrrLeaf.PROGRAMS);
    }

    @Test
    void shouldEstablishWhenFrrConnectsOverLinkLocalRejectStrangersAndComeBackAfterAClear() throws Exception {
        try (InteropLab lab = new InteropLab("xunn")) {
            final InteropLab.Link link = BgpInteropContract.pair(lab);
            advertise(lab, link);
            final List<String> args = new ArrayList<>(BgpInteropContract.speakerArguments("192.0.2.11"));
            args.add("listen=::," + io.xlat.control.bgp.wire.Bgp.PORT);
            args.add("interface-peer=" + link.ifA() + "," + PEER_ASN);
            final SpeakerProcess speaker = SpeakerProcess.start(lab, link.nsA(), "xlat.log", args);
            final FrrLeaf frr = unnumberedLeaf(lab, link);

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

    @Test
    void shouldPeerUnnumberedFromXlatRunGivenListenAndAnInterfacePeer() throws Exception {
        try (InteropLab lab = new InteropLab("xrunn")) {
            final InteropLab.Link link = BgpInteropContract.pair(lab);
            advertise(lab, link);
            final Path config = lab.write("xlat.yaml", String.join("\n",
                "translator:",
                "  pool6: \"" + POOL6 + "\"",
                "  eamt:",
                "    - {ipv4: " + EAM4 + ", ipv6: \"2001:db8:eeee::/120\"}",
                "dataplane:",
                "  siit-tun: xlt0",
                "  workers: 1",
                "  counters-file: " + lab.dir().resolve("counters"),
                "bgp:",
                "  asn: " + BgpInteropContract.XLAT_ASN,
                "  router-id: 192.0.2.11",
                "  listen: \"[::]:179\"",
                "  peers:",
                "    - {interface: " + link.ifA() + ", asn: " + PEER_ASN + "}",
                ""));
            final Process xlat = lab.start(link.nsA(), "xlat.log", Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--config", config.toString());
            // FRR connects as soon as it has learnt our address, and retries a refused connection only after its
            // ConnectRetry time (120 s with "frr defaults traditional"): start it once xlat listens
            InteropLab.await("xlat listening", 20_000, () -> lab.read("xlat.log").contains("listening on [::]:179"));
            final FrrLeaf frr = unnumberedLeaf(lab, link);
            try {
                InteropLab.await("pool6 and the EAM prefix in FRR's RIB", 30_000,
                    () -> frr.routes(true).size() == 1 && frr.routes(false).size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nxlat:\n" + lab.read("xlat.log") + "\nbgpd:\n"
                    + frr.bgpdLog(), e);
            }
            assertEquals(POOL6, frr.routes(true).get(0).prefix());
            assertEquals(EAM4, frr.routes(false).get(0).prefix());
            assertTrue(frr.established(link.ifB()));
            xlat.destroy(); // SIGTERM: withdraw, Cease
            assertTrue(xlat.waitFor(10, TimeUnit.SECONDS), "xlat stops on SIGTERM");
            InteropLab.await("routes withdrawn on stop", 5_000,
                () -> frr.routes(true).isEmpty() && frr.routes(false).isEmpty());
        }
    }

    /**
     * Router advertisements from the translator's side (a zebra of its own), so that FRR learns fe80::1 on its
     * eth0: an unnumbered FRR neighbour learns its peer's address only so.
     */
    private static void advertise(InteropLab lab, InteropLab.Link link) throws Exception {
        FrrLeaf.start(lab, link.nsA(), "ra", String.join("\n",
            "hostname xlat-" + lab.id,
            "interface " + link.ifA(),
            " ipv6 nd ra-interval 1",
            " no ipv6 nd suppress-ra",
            ""), null);
    }

    /** FRR with {@code neighbor eth0 interface remote-as external}, IPv4 and IPv6 unicast. */
    private static FrrLeaf unnumberedLeaf(InteropLab lab, InteropLab.Link link) throws Exception {
        return FrrLeaf.start(lab, link.nsB(), "frr", "hostname peer-" + lab.id + "\n",
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
