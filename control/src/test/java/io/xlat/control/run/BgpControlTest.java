package io.xlat.control.run;

import io.xlat.control.bgp.BgpPeer;
import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.PathAttribute.Origin;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.routes.HostRoutes;
import io.xlat.tunio.dataplane.DataplaneSettings;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BgpControlTest {

    private static final String TRANSLATOR = """
        translator:
          pool6: "64:ff9b::/96"
          eamt:
            - {ipv4: 192.0.2.0/25, ipv6: "2001:db8:aaaa::/121"}
            - {ipv4: 192.0.2.128/25, ipv6: "2001:db8:bbbb::/121"}
        """;

    private static XlatConfig config(String communities) throws Exception {
        return ConfigLoader.parse(TRANSLATOR + """
            bgp:
              asn: 4200000001
              router-id: 192.0.2.11
              hold-time: 6
              peers:
                - {address: "2001:db8:ffff::1", asn: 64496, password: "s3cret"}
                - {address: "fe80::1%eth0", asn: 4200000001}
              communities: [COMMUNITIES]
            """.replace("COMMUNITIES", communities), "t.yaml");
    }

    private final List<RouteSet> sent = new ArrayList<>();
    private final StringWriter logged = new StringWriter();
    private final RunLog log = new RunLog(new PrintWriter(logged, true), false);

    private BgpControl control(XlatConfig c) {
        final BgpControl control = new BgpControl(c.bgp(), BgpControl.routes(siit(c)), sent::add, null, log);
        // the first publication, as start() makes it before the sessions open
        control.reload(c.bgp(), siit(c));
        return control;
    }

    /** Plain SIIT on one device, with the file's translator section. */
    private static DataplaneSettings siit(XlatConfig c) {
        return DataplaneSettings.builder().siitTun("xlat0").translator(c.translator())
            .countersFile(java.nio.file.Path.of("/run/xlat/counters"), true).build();
    }

    @Test
    void shouldAnnouncePool6AndTheAggregatedEamPrefixesWithTheSameAttributesEverywhere() throws Exception {
        final XlatConfig c = config("\"64496:100\"");
        final RouteSet set = BgpControl.routeSet(c.bgp(), HostRoutes.of(c.translator(), List.of()));
        final RouteAttributes expected = RouteAttributes.DEFAULT.withCommunities(List.of(Community.parse("64496:100")));
        assertEquals(java.util.Set.of(IpPrefix.parse("192.0.2.0/24"), IpPrefix.parse("64:ff9b::/96")),
            set.routes().keySet());
        for (final RouteAttributes a : set.routes().values()) {
            assertEquals(expected, a);
            assertEquals(Origin.IGP, a.origin());
            assertEquals(-1, a.med());
            assertEquals(0, a.asPathPrepend());
        }
    }

    @Test
    void shouldCarryTheConfiguredMedLocalPrefAndDrainingPrepend() throws Exception {
        final XlatConfig c = config("\"64496:100\"");
        final io.xlat.control.config.BgpConfig b = c.bgp();
        final io.xlat.control.config.BgpConfig draining = new io.xlat.control.config.BgpConfig(b.asn(), b.routerId(),
            b.holdTime(), b.peers(), b.communities(), b.largeCommunities(), 50, 200, 3, b.listen());
        for (final RouteAttributes a : BgpControl.routeSet(draining, HostRoutes.of(c.translator(), List.of()))
            .routes().values()) {
            assertEquals(50, a.med());
            assertEquals(200, a.localPref());
            assertEquals(3, a.asPathPrepend());
        }
    }

    @Test
    void shouldBuildOnePeerPerNeighbourWithTheSectionsAsnRouterIdHoldTimeAndPassword() throws Exception {
        final List<BgpPeer> peers = BgpControl.peers(config("").bgp());
        assertEquals(2, peers.size());
        assertEquals("2001:db8:ffff::1", peers.get(0).address());
        assertEquals("s3cret", peers.get(0).password());
        assertEquals(4200000001L, peers.get(0).session().localAsn());
        assertEquals(64496, peers.get(0).session().peerAsn());
        assertEquals(6, peers.get(0).session().holdTime());
        assertEquals(0xC000020B, peers.get(0).session().routerId());
        assertEquals(null, peers.get(1).password());
        assertTrue(peers.get(1).session().isInternal());
    }

    @Test
    void shouldBuildPassiveAndUnnumberedPeersAndTheListenAddress() throws Exception {
        final XlatConfig c = ConfigLoader.parse(TRANSLATOR + """
            bgp:
              asn: 4200000001
              router-id: 192.0.2.11
              peers:
                - {interface: eth1, asn: 64496}
                - {address: "192.0.2.1", asn: 64496, passive: true}
              listen: "[::]:179"
            """, "t.yaml");
        final List<BgpPeer> peers = BgpControl.peers(c.bgp());
        assertEquals("eth1", peers.get(0).interfaceName());
        assertEquals(null, peers.get(0).address());
        assertEquals("eth1", peers.get(0).session().name());
        assertTrue(peers.get(0).session().passive());
        assertTrue(peers.get(1).session().passive());
        assertEquals(false, BgpControl.peers(config("").bgp()).get(0).session().passive(), "active by default");
        assertEquals(new java.net.InetSocketAddress("::", 179), BgpControl.listen(c.bgp()));
        assertEquals(null, BgpControl.listen(config("").bgp()), "nothing listens unless asked");
    }

    @Test
    void shouldTellTheSpeakerOnlyWhenTheDesiredSetChanges() throws Exception {
        final XlatConfig c = config("\"64496:100\"");
        final BgpControl control = control(c);
        assertEquals(1, sent.size());
        control.reload(c.bgp(), siit(c));
        control.health(true);
        assertEquals(1, sent.size());
        final XlatConfig changed = config("\"64496:200\"");
        control.reload(changed.bgp(), siit(changed));
        assertEquals(2, sent.size());
        assertEquals(List.of(Community.parse("64496:200")),
            sent.get(1).routes().firstEntry().getValue().communities());
    }

    @Test
    void shouldWithdrawEverythingWhileUnhealthyAndAnnounceAgainWhenHealthy() throws Exception {
        final XlatConfig c = config("");
        final BgpControl control = control(c);
        final RouteSet full = sent.get(0);
        assertEquals(2, full.size());
        control.health(false);
        assertEquals(RouteSet.EMPTY, control.announced());
        control.health(false);
        assertEquals(2, sent.size());
        control.health(true);
        assertEquals(full, control.announced());
        assertEquals(3, sent.size());
    }

    @Test
    void shouldWriteOneTabSeparatedStatusLinePerPeerForXlatStats() {
        final RouteSet announced = RouteSet.builder().add("64:ff9b::/96", RouteAttributes.DEFAULT).build();
        final String text = BgpControl.status(List.of(
            new io.xlat.control.bgp.BgpPeerStatus("2001:db8:ffff::1", io.xlat.control.bgp.session.SessionState
                .ESTABLISHED, 1500, 7, 9, 1, 0, 0, ""),
            new io.xlat.control.bgp.BgpPeerStatus("fe80::1%eth0", io.xlat.control.bgp.session.SessionState.ACTIVE,
                -1, 0, 0, 0, 0, 0, "connect:\trefused")), announced, 42);
        assertEquals("# xlat bgp status, written at 42\n"
            + "announced\t1\t[64:ff9b::/96]\n"
            + "peer\t2001:db8:ffff::1\tESTABLISHED\t1500\t7\t9\t1\t0\t0\t\n"
            + "peer\tfe80::1%eth0\tACTIVE\t-1\t0\t0\t0\t0\t0\tconnect: refused\n", text);
    }

    @Test
    void shouldKeepTheRoutesWithdrawnOnceStoppingEvenWhenHealthReturns() throws Exception {
        final BgpControl control = control(config(""));
        control.withdrawForStop();
        assertEquals(RouteSet.EMPTY, control.announced());
        control.health(false);
        control.health(true);
        assertEquals(RouteSet.EMPTY, control.announced());
    }
}
