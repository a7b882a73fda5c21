package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interop scenarios every BGP daemon must pass against the speaker. Each test builds its own lab: an xlat
 * namespace running the speaker in a child JVM ({@link SpeakerProcess}), a peer namespace running the daemon, and
 * a veth pair between them with lab-unique ULA addresses. Subclasses start their daemon and read its RIB;
 * daemon-specific scenarios (TCP-MD5, link-local, ECMP, attributes) live in the subclasses.
 */
@Timeout(120) // a wedged daemon must not hang CI; the lab still cleans up
abstract class BgpInteropContract {

    static final long PEER_ASN = 64496;
    static final long XLAT_ASN = 4_200_000_001L;
    static final long MED = 10;
    /** pool6 and the RFC 6052 image of a tenant range, as {@code xlat routes} would give them. */
    static final List<String> ROUTES6 = List.of("2001:db8:64::/96", "2001:db8:ce::c633:6400/120");
    /** EAM pools announced over the IPv6 session with IPv6 next hops (RFC 8950). */
    static final List<String> ROUTES4 = List.of("192.0.2.0/24", "203.0.113.128/25");
    /** Long enough for a daemon to start and for connect-retry (200 ms up to 1 s) to find it. */
    static final long ESTABLISH_MILLIS = 15_000;
    /** RFC 4271 hold time the speaker offers; a TCP close must be noticed well before it runs out. */
    static final int HOLD_TIME = 9;
    /** The shortest hold time RFC 4271 allows, for the test that waits for it to run out. */
    static final int SHORT_HOLD_TIME = 3;

    /** A neighbour as the daemon is configured: the xlat side's address, its interface if link-local. */
    record Neighbor(String address, String ifName, long asn, String password) {
        static Neighbor xlat(String address) {
            return new Neighbor(address, null, XLAT_ASN, null);
        }
    }

    /** One path in the daemon's RIB: next hops as the daemon lists them (global first, then link-local). */
    record Route(String prefix, List<String> nextHops, String asPath, long med) {
    }

    /** Programs the daemon needs, checked before anything is created. */
    abstract String[] programs();

    /** Short tag for this daemon's namespaces. */
    abstract String tag();

    /**
     * Starts the daemon in {@code ns} as AS {@link #PEER_ASN}, peering with {@code neighbors}; returns once it
     * answers queries. {@code multipath}: install up to 2 equal eBGP paths.
     */
    abstract void startDaemon(InteropLab lab, String ns, List<Neighbor> neighbors, boolean multipath)
        throws Exception;

    /** Whether the daemon has the session with {@code neighbor} in Established. */
    abstract boolean established(Neighbor neighbor);

    /** Every path the daemon received, of one family. */
    abstract List<Route> routes(boolean ipv6);

    /** The daemon's log, for failure messages. */
    abstract String daemonLog();

    @BeforeEach
    void requireRoot() {
        InteropLab.requireRoot(programs());
    }

    @Test
    void shouldEstablishAndHoldExactlyOurPrefixesWithOurNextHopThenLoseThemWithin1sOfStop() throws Exception {
        try (InteropLab lab = new InteropLab(tag())) {
            final InteropLab.Link link = pair(lab);
            final Neighbor xlat = Neighbor.xlat(link.addressA());
            startDaemon(lab, link.nsB(), List.of(xlat), false);
            final SpeakerProcess speaker = SpeakerProcess.start(lab, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", link.addressB() + "," + PEER_ASN));
            awaitAllRoutes(speaker, xlat, 1);

            assertOurRoutes(routes(true), ROUTES6, List.of(link.addressA()));
            assertOurRoutes(routes(false), ROUTES4, List.of(link.addressA()));

            final long stopAt = System.nanoTime();
            speaker.stop("xlat interop test over");
            InteropLab.await("routes withdrawn", 1_000, () -> routes(true).isEmpty() && routes(false).isEmpty());
            final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt);
            assertTrue(tookMillis < 1_000, "withdrawn within 1 s of stop, took " + tookMillis + " ms");
            speaker.awaitStopped();
            InteropLab.await("session down after Cease", 5_000, () -> !established(xlat));
        }
    }

    @Test
    void shouldLoseOurPrefixesSoonAfterTheSpeakerIsKilledWithoutNotification() throws Exception {
        try (InteropLab lab = new InteropLab(tag())) {
            final InteropLab.Link link = pair(lab);
            final Neighbor xlat = Neighbor.xlat(link.addressA());
            startDaemon(lab, link.nsB(), List.of(xlat), false);
            final SpeakerProcess speaker = SpeakerProcess.start(lab, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", link.addressB() + "," + PEER_ASN));
            awaitAllRoutes(speaker, xlat, 1);

            final long killedAt = System.nanoTime();
            speaker.kill();
            // the kernel closes the socket of a killed process (FIN): the daemon must act on that, not wait for
            // the hold timer (9 s), which would keep a dead translator in the fabric for that long
            InteropLab.await("routes gone after SIGKILL", HOLD_TIME * 1000L / 3,
                () -> routes(true).isEmpty() && routes(false).isEmpty());
            final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(tookMillis < HOLD_TIME * 1000L / 3, "gone by TCP close, not hold time: " + tookMillis + " ms");
            assertTrue(!established(xlat), "session down:\n" + daemonLog());
        }
    }

    @Test
    void shouldLoseOurPrefixesAfterTheHoldTimeWhenTheSpeakerHangs() throws Exception {
        try (InteropLab lab = new InteropLab(tag())) {
            final InteropLab.Link link = pair(lab);
            final Neighbor xlat = Neighbor.xlat(link.addressA());
            startDaemon(lab, link.nsB(), List.of(xlat), false);
            final SpeakerProcess speaker = SpeakerProcess.start(lab, link.nsA(), "xlat.log",
                speakerArguments("192.0.2.11", SHORT_HOLD_TIME, link.addressB() + "," + PEER_ASN));
            awaitAllRoutes(speaker, xlat, 1);

            final long hungAt = System.nanoTime();
            speaker.hang();
            // nothing closes the connection: only the peer's hold timer (RFC 4271 section 6.5) ends the session,
            // between hold - keepalive (the last KEEPALIVE may be that old) and hold seconds after the hang
            InteropLab.await("routes gone after the hold time", SHORT_HOLD_TIME * 1000L + 2_000,
                () -> routes(true).isEmpty() && routes(false).isEmpty());
            final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hungAt);
            assertTrue(tookMillis >= SHORT_HOLD_TIME * 1000L / 2, "the hold timer, not a close: " + tookMillis + " ms");
            assertTrue(!established(xlat), "session down:\n" + daemonLog());
            speaker.kill();
        }
    }

    /** An xlat namespace (end A, {@code eth0}) and a peer namespace (end B, {@code eth0}) on subnet 1. */
    static InteropLab.Link pair(InteropLab lab) {
        return lab.veth(lab.namespace("xlat"), "eth0", lab.namespace("peer"), "eth0", 1);
    }

    /** Arguments of {@link SpeakerProcess} announcing {@link #ROUTES6} and {@link #ROUTES4} to {@code peers}. */
    static List<String> speakerArguments(String routerId, String... peers) {
        return speakerArguments(routerId, HOLD_TIME, peers);
    }

    static List<String> speakerArguments(String routerId, int holdTime, String... peers) {
        return speakerArguments(XLAT_ASN, routerId, holdTime, peers);
    }

    static List<String> speakerArguments(long asn, String routerId, int holdTime, String... peers) {
        final List<String> args = new ArrayList<>(List.of("local-asn=" + asn, "router-id=" + routerId,
            "hold-time=" + holdTime, "med=" + MED, "community=64496:100", "large-community=4200000001:1:1"));
        for (final String peer : peers) {
            args.add("peer=" + peer);
        }
        for (final String route : ROUTES6) {
            args.add("route=" + route);
        }
        for (final String route : ROUTES4) {
            args.add("route=" + route);
        }
        return args;
    }

    /** Waits for the session on both sides and for {@code paths} paths of every prefix in the daemon's RIB. */
    void awaitAllRoutes(SpeakerProcess speaker, Neighbor neighbor, int paths) throws InterruptedException {
        speaker.awaitState(0, SessionState.ESTABLISHED, ESTABLISH_MILLIS);
        InteropLab.await("daemon Established with " + neighbor.address() + ":\n" + daemonLog(), 5_000,
            () -> established(neighbor));
        InteropLab.await("all routes in the daemon's RIB", 5_000,
            () -> routes(true).size() == ROUTES6.size() * paths && routes(false).size() == ROUTES4.size() * paths);
    }

    /** Exactly {@code prefixes}, one path each, from our AS, with our MED and {@code nextHops}. */
    static void assertOurRoutes(List<Route> routes, List<String> prefixes, List<String> nextHops) {
        final TreeSet<String> seen = new TreeSet<>();
        for (final Route r : routes) {
            assertTrue(seen.add(r.prefix()), "one path per prefix: " + routes);
            assertEquals(nextHops, r.nextHops(), "next hops of " + r);
            assertEquals(Long.toString(XLAT_ASN), r.asPath(), "AS path of " + r);
            assertEquals(MED, r.med(), "MED of " + r);
        }
        assertEquals(new TreeSet<>(prefixes), seen, "exactly our prefixes");
    }
}
