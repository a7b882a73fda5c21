package io.xlat.control.bgp.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.wire.BgpMessage;
import io.xlat.control.bgp.wire.BgpProtocolException;
import io.xlat.control.bgp.wire.Capability;
import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.KeepaliveMessage;
import io.xlat.control.bgp.wire.MalformedUpdateMessage;
import io.xlat.control.bgp.wire.NextHop;
import io.xlat.control.bgp.wire.NotificationMessage;
import io.xlat.control.bgp.wire.OpenMessage;
import io.xlat.control.bgp.wire.PathAttribute;
import io.xlat.control.bgp.wire.RouteRefreshMessage;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

/** RFC 4271 section 8 with a manual clock and a fake transport: no sockets, no sleeps. */
class BgpSessionTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long LOCAL_ASN = 4_200_000_001L;
    private static final long PEER_ASN = 64496;
    private static final int ROUTER_ID = 0xC000020B;
    private static final Capability MP4 = new Capability.Multiprotocol(1, 1);
    private static final Capability MP6 = new Capability.Multiprotocol(2, 1);
    private static final Capability ENH = new Capability.ExtendedNextHop(
        List.of(new Capability.ExtendedNextHop.Entry(1, 1, 2)));
    private static final Capability RR = new Capability.RouteRefresh();

    private final CachedNanoClock clock = new CachedNanoClock();
    private final FakeTransport transport = new FakeTransport();

    private static RouteSet routes(String... prefixes) {
        final RouteSet.Builder b = RouteSet.builder();
        for (final String p : prefixes) {
            b.add(p, RouteAttributes.DEFAULT);
        }
        return b.build();
    }

    private static SessionConfig.Builder ebgp() {
        return SessionConfig.builder(LOCAL_ASN, PEER_ASN, ROUTER_ID).name("test");
    }

    private BgpSession session(SessionConfig config) {
        return new BgpSession(config, clock, transport, new FixedRandom(0));
    }

    private static OpenMessage peerOpen(long asn, int hold, Capability... capabilities) {
        final List<Capability> caps = new ArrayList<>(List.of(capabilities));
        caps.add(new Capability.FourOctetAs(asn));
        return OpenMessage.of(asn, hold, 0x0A000001, caps);
    }

    private static OpenMessage fullPeerOpen() {
        return peerOpen(PEER_ASN, 90, MP4, MP6, ENH, RR);
    }

    private void advance(long nanos) {
        clock.advance(nanos);
    }

    /** Runs the session through Connect, OpenSent and OpenConfirm to Established over a local address. */
    private BgpSession establish(SessionConfig config, OpenMessage peerOpen, String local) throws Exception {
        final BgpSession s = session(config);
        s.start();
        s.onConnected(InetAddress.getByName(local));
        s.onMessage(peerOpen);
        s.onMessage(KeepaliveMessage.INSTANCE);
        assertEquals(SessionState.ESTABLISHED, s.state());
        return s;
    }

    private NotificationMessage lastNotification() {
        return assertInstanceOf(NotificationMessage.class, transport.last());
    }

    // ------------------------------------------------------------------------------------------ connecting

    @Test
    void shouldConnectOnStartAndBackOffExponentiallyUpToTheCapWhenConnectsFail() {
        final BgpSession s = session(ebgp().connectRetry(1, 8, TimeUnit.SECONDS).build());
        s.start();
        assertEquals(SessionState.CONNECT, s.state());
        assertEquals(1, transport.connects);
        final long[] expected = {1, 2, 4, 8, 8};
        for (int i = 0; i < expected.length; i++) {
            s.onConnectFailed("refused");
            assertEquals(SessionState.ACTIVE, s.state());
            advance(expected[i] * SECOND - 1);
            s.onTimer();
            assertEquals(i + 1, transport.connects, "not before the backoff delay");
            advance(1);
            s.onTimer();
            assertEquals(i + 2, transport.connects, "exactly at the backoff delay of " + expected[i] + " s");
            assertEquals(SessionState.CONNECT, s.state());
        }
    }

    @Test
    void shouldKeepJitteredBackoffBetweenThreeQuartersAndAllOfTheBase() {
        final ReconnectBackoff low = new ReconnectBackoff(SECOND, 60 * SECOND, new FixedRandom(0.999_999));
        final ReconnectBackoff seeded = new ReconnectBackoff(SECOND, 60 * SECOND, new java.util.Random(7));
        long base = SECOND;
        for (int i = 0; i < 10; i++) {
            final long lowDelay = low.nextDelayNanos();
            final long seededDelay = seeded.nextDelayNanos();
            assertTrue(lowDelay >= base * 3 / 4 && lowDelay < base * 3 / 4 + base / 1000, "low " + lowDelay);
            assertTrue(seededDelay >= base * 3 / 4 && seededDelay <= base, "seeded " + seededDelay);
            base = Math.min(60 * SECOND, base * 2);
        }
        assertEquals(60 * SECOND, base, "the cap was reached");
        seeded.reset();
        assertTrue(seeded.nextDelayNanos() <= SECOND);
    }

    @Test
    void shouldAbandonAConnectThatTakesLongerThanTheConnectTimeout() {
        final BgpSession s = session(ebgp().connectTimeout(5, TimeUnit.SECONDS).build());
        s.start();
        advance(5 * SECOND);
        s.onTimer();
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(1, transport.closes);
        assertEquals("connect timed out", s.lastError());
    }

    @Test
    void shouldIgnoreLateTransportEventsOutsideTheirState() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(KeepaliveMessage.INSTANCE);
        s.onDisconnected("late");
        assertEquals(SessionState.IDLE, s.state());
        assertTrue(transport.sent.isEmpty());
        assertEquals(0, transport.connects);
    }

    // ------------------------------------------------------------------------------------------ OPEN exchange

    @Test
    void shouldSendOpenWithAsTransAndOurCapabilitiesOnConnect() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        assertEquals(SessionState.OPEN_SENT, s.state());
        final OpenMessage open = assertInstanceOf(OpenMessage.class, transport.last());
        assertEquals(23456, open.myAs());
        assertEquals(LOCAL_ASN, open.asn());
        assertEquals(9, open.holdTime());
        assertEquals(ROUTER_ID, open.bgpIdentifier());
        assertEquals(List.of(MP4, MP6, RR, new Capability.FourOctetAs(LOCAL_ASN), ENH), open.capabilities());
        assertNull(open.capability(Capability.GracefulRestart.class), "graceful restart is off by default");
    }

    @Test
    void shouldAdvertiseGracefulRestartOnlyWhenConfigured() {
        final OpenMessage open = session(ebgp().gracefulRestartTime(120).build()).buildOpen();
        final Capability.GracefulRestart gr = open.capability(Capability.GracefulRestart.class);
        assertEquals(120, gr.restartTime());
        assertEquals(List.of(new Capability.GracefulRestart.Family(1, 1, false),
            new Capability.GracefulRestart.Family(2, 1, false)), gr.families());
    }

    @Test
    void shouldNegotiateTheSmallerHoldTimeAndSendKeepalivesAtOneThird() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(peerOpen(PEER_ASN, 90, MP6));
        assertEquals(SessionState.OPEN_CONFIRM, s.state());
        assertEquals(9, s.negotiated().holdTime());
        assertEquals(Boolean.TRUE, transport.fourOctetAs);
        assertInstanceOf(KeepaliveMessage.class, transport.last());
        s.onMessage(KeepaliveMessage.INSTANCE);
        transport.drain();
        advance(3 * SECOND - 1);
        s.onTimer();
        assertTrue(transport.sent.isEmpty());
        advance(1);
        s.onTimer();
        assertEquals(List.of(KeepaliveMessage.INSTANCE), transport.drain());
    }

    @Test
    void shouldTakeThePeersShorterHoldTime() throws Exception {
        final BgpSession s = establish(ebgp().build(), peerOpen(PEER_ASN, 6, MP6), "2001:db8::2");
        assertEquals(6, s.negotiated().holdTime());
        assertEquals(2 * SECOND, s.nextDeadline() - clock.nanoTime(), "keepalive after hold/3");
    }

    @Test
    void shouldApplyKeepaliveJitterWithinRfc4271Bounds() throws Exception {
        final BgpSession s = new BgpSession(ebgp().build(), clock, transport, new FixedRandom(0.5));
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(fullPeerOpen());
        assertEquals(3 * SECOND - 3 * SECOND / 8, s.nextDeadline() - clock.nanoTime());
    }

    @Test
    void shouldSendHoldTimerExpiredWhenThePeerGoesSilentAndReconnectLater() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        for (int i = 0; i < 8; i++) {
            advance(SECOND);
            s.onTimer();
        }
        assertEquals(SessionState.ESTABLISHED, s.state());
        assertTrue(transport.sent(KeepaliveMessage.class).size() >= 3, "keepalives kept going out");
        advance(SECOND);
        s.onTimer();
        assertEquals(new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0), lastNotification());
        assertEquals(SessionState.IDLE, s.state());
        assertEquals(1, transport.closes);
        assertTrue(s.advertised().isEmpty());
        advance(SECOND);
        s.onTimer();
        assertEquals(SessionState.CONNECT, s.state(), "automatic restart after the backoff");
        assertEquals(2, transport.connects);
    }

    @Test
    void shouldRestartTheHoldTimerOnKeepaliveAndUpdate() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        advance(8 * SECOND);
        s.onMessage(KeepaliveMessage.INSTANCE);
        advance(8 * SECOND);
        s.onMessage(UpdateMessage.endOfRibIpv4());
        advance(8 * SECOND);
        s.onMessage(new MalformedUpdateMessage(5, "test"));
        advance(8 * SECOND);
        s.onTimer();
        assertEquals(SessionState.ESTABLISHED, s.state());
        assertEquals(1, s.malformedUpdatesIn());
    }

    @Test
    void shouldRunNoTimersWhenHoldTimeIsZero() throws Exception {
        final BgpSession s = establish(ebgp().build(), peerOpen(PEER_ASN, 0, MP6), "2001:db8::2");
        transport.drain();
        assertEquals(Long.MAX_VALUE, s.nextDeadline());
        advance(TimeUnit.HOURS.toNanos(1));
        s.onTimer();
        assertEquals(SessionState.ESTABLISHED, s.state());
        assertTrue(transport.sent.isEmpty());
    }

    @Test
    void shouldExpireAnOpenSentThatNeverGetsAnOpen() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        advance(TimeUnit.MINUTES.toNanos(4));
        s.onTimer();
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, lastNotification().code());
        assertEquals(SessionState.IDLE, s.state());
    }

    @Test
    void shouldSendBadPeerAsForAnUnexpectedAsn() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(peerOpen(64497, 90, MP6));
        assertEquals(new NotificationMessage(2, NotificationMessage.BAD_PEER_AS), lastNotification());
        assertEquals(SessionState.IDLE, s.state());
    }

    @Test
    void shouldReadTheFourOctetPeerAsnFromTheCapabilityNotFromAsTrans() throws Exception {
        final SessionConfig config = SessionConfig.builder(64496, 4_200_000_002L, ROUTER_ID).build();
        final BgpSession s = establish(config, peerOpen(4_200_000_002L, 9, MP6), "2001:db8::2");
        assertEquals(4_200_000_002L, s.negotiated().peerAsn());
    }

    @Test
    void shouldSendBadBgpIdentifierWhenAnInternalPeerUsesOurs() throws Exception {
        final SessionConfig ibgp = SessionConfig.builder(65001, 65001, 0x0A000001).build();
        final BgpSession s = session(ibgp);
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(peerOpen(65001, 90, MP6));
        assertEquals(new NotificationMessage(2, NotificationMessage.BAD_BGP_IDENTIFIER), lastNotification());
    }

    @Test
    void shouldSendUnsupportedCapabilityListingOurFamiliesWhenNoneIsShared() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(peerOpen(PEER_ASN, 90, new Capability.Multiprotocol(25, 65)));
        final NotificationMessage n = lastNotification();
        assertEquals(NotificationMessage.UNSUPPORTED_CAPABILITY, n.subcode());
        assertArrayEquals(io.netty.buffer.ByteBufUtil.decodeHexDump("010400010001" + "010400020001"), n.data());
    }

    @Test
    void shouldSendFsmErrorForMessagesUnexpectedInEachState() throws Exception {
        BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(UpdateMessage.endOfRibIpv4());
        assertEquals(new NotificationMessage(5, 1), lastNotification());

        s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(fullPeerOpen());
        s.onMessage(new RouteRefreshMessage(2, 1));
        assertEquals(new NotificationMessage(5, 2), lastNotification());

        s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.onMessage(fullPeerOpen());
        assertEquals(new NotificationMessage(5, 3), lastNotification());
        assertEquals(SessionState.IDLE, s.state());
    }

    @Test
    void shouldAnswerADecodeErrorWithItsNotificationAndClose() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.onProtocolError(new BgpProtocolException(new NotificationMessage(1, 1), "bad marker"));
        assertEquals(new NotificationMessage(1, 1), lastNotification());
        assertEquals(SessionState.IDLE, s.state());
        assertEquals(1, transport.closes);
    }

    @Test
    void shouldGoIdleAndReconnectAfterThePeersNotification() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.onMessage(NotificationMessage.cease(2, "peer maintenance"));
        assertEquals(SessionState.IDLE, s.state());
        assertTrue(s.lastError().contains("peer maintenance"), s.lastError());
        advance(SECOND);
        s.onTimer();
        assertEquals(SessionState.CONNECT, s.state());
    }

    @Test
    void shouldGoActiveWhenTheConnectionDropsInOpenSent() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onDisconnected("reset");
        assertEquals(SessionState.ACTIVE, s.state());
    }

    @Test
    void shouldBeInOpenSentWhenTheOpenIsWrittenSoThatAFailedWriteIsNotLost() throws Exception {
        // a peer that accepts and closes at once fails the OPEN's write: that failure must find OpenSent
        final List<SessionState> whenSent = new ArrayList<>();
        final BgpSession[] holder = new BgpSession[1];
        final BgpSession s = new BgpSession(ebgp().build(), clock, new FakeTransport() {
            @Override
            public void send(BgpMessage message) {
                whenSent.add(holder[0].state());
                super.send(message);
            }
        }, new FixedRandom(0));
        holder[0] = s;
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        assertEquals(List.of(SessionState.OPEN_SENT), whenSent);
        s.onDisconnected("write failed: connection reset");
        assertEquals(SessionState.ACTIVE, s.state(), "not left in OpenSent for the 4-minute hold timer");
        assertTrue(s.nextDeadline() - clock.nanoTime() <= SECOND, "retried after the backoff, not after 240 s");
    }

    @Test
    void shouldGoActiveWithBackoffWhenTheConnectionIsLostBeforeItIsConfirmed() throws Exception {
        final BgpSession s = session(ebgp().connectRetry(1, 8, TimeUnit.SECONDS).build());
        s.start();
        s.onDisconnected("connection closed by peer");
        assertEquals(SessionState.ACTIVE, s.state());
        assertTrue(s.lastError().contains("before it was confirmed"), s.lastError());
        advance(SECOND);
        s.onTimer();
        assertEquals(SessionState.CONNECT, s.state());
        assertEquals(2, transport.connects);
    }

    @Test
    void shouldBackOffEachTimeAPeerAcceptsAndClosesAtOnce() throws Exception {
        // the leaf restarting its daemon: accepted, closed, again and again; the delays double, never a tight loop
        final BgpSession s = session(ebgp().connectRetry(1, 8, TimeUnit.SECONDS).build());
        s.start();
        final long[] expected = {1, 2, 4, 8, 8};
        for (final long delay : expected) {
            s.onConnected(InetAddress.getByName("2001:db8::2"));
            s.onDisconnected("connection closed by peer");
            assertEquals(SessionState.ACTIVE, s.state());
            assertEquals(delay * SECOND, s.nextDeadline() - clock.nanoTime());
            advance(delay * SECOND);
            s.onTimer();
            assertEquals(SessionState.CONNECT, s.state());
        }
        // and once the peer is back, the session comes up as usual
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(fullPeerOpen());
        s.onMessage(KeepaliveMessage.INSTANCE);
        assertEquals(SessionState.ESTABLISHED, s.state());
    }

    @Test
    void shouldLogProtocolErrorsAsWarningsAndAStopAsInformation() throws Exception {
        final java.io.StringWriter written = new java.io.StringWriter();
        io.xlat.control.log.XlatLogging.configure(io.xlat.control.log.LogFormat.JSON, false);
        io.xlat.control.log.XlatLogging.redirect(new java.io.PrintWriter(written, true));
        try {
            final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
            written.getBuffer().setLength(0);
            s.onProtocolError(new BgpProtocolException(new NotificationMessage(1, 1), "bad marker"));
            final String[] fault = written.toString().split("\n");
            assertEquals(1, fault.length, "one line per fault: " + written);
            assertTrue(fault[0].contains("\"level\":\"warning\""), fault[0]);
            final BgpSession other = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
            written.getBuffer().setLength(0);
            other.stop("maintenance");
            assertTrue(written.toString().split("\n")[0].contains("\"level\":\"info\""), written.toString());
        } finally {
            io.xlat.control.log.XlatLogging.redirect(null);
            io.xlat.control.log.XlatLogging.configure(io.xlat.control.log.LogFormat.TEXT, false);
        }
    }


    @Test
    void shouldResetTheBackoffAfterASessionThatStayedUp() throws Exception {
        final BgpSession s = session(ebgp().connectRetry(1, 8, TimeUnit.SECONDS).build());
        s.start();
        for (int i = 0; i < 4; i++) {
            s.onConnectFailed("refused");
            advance(TimeUnit.MINUTES.toNanos(1));
            s.onTimer();
        }
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(peerOpen(PEER_ASN, 0, MP6));
        s.onMessage(KeepaliveMessage.INSTANCE);
        advance(8 * SECOND);
        s.onDisconnected("reset");
        assertEquals(SECOND, s.nextDeadline() - clock.nanoTime(), "back to the first delay");
    }

    // ------------------------------------------------------------------------------------------ routes

    @Test
    void shouldAnnounceTheDesiredSetOnceEstablishedThenEndOfRib() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.routes(routes("2001:db8:64::/96", "192.0.2.0/24"));
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        s.onMessage(fullPeerOpen());
        assertTrue(transport.sent(UpdateMessage.class).isEmpty(), "nothing before Established");
        s.onMessage(KeepaliveMessage.INSTANCE);
        final List<UpdateMessage> updates = transport.sent(UpdateMessage.class);
        assertEquals(4, updates.size());
        final NextHop nh = NextHop.of((Inet6Address) InetAddress.getByName("2001:db8::2"));
        final PathAttribute.MpReachAttribute v4 = updates.get(0).attribute(PathAttribute.MpReachAttribute.class);
        assertEquals(new PathAttribute.MpReachAttribute(1, 1, nh, List.of(IpPrefix.parse("192.0.2.0/24"))), v4,
            "RFC 8950: IPv4 NLRI with the IPv6 next hop");
        assertEquals(PathAttribute.MP_REACH_NLRI, updates.get(0).attributes().get(0).typeCode(), "MP_REACH first");
        final PathAttribute.MpReachAttribute v6 = updates.get(1).attribute(PathAttribute.MpReachAttribute.class);
        assertEquals(new PathAttribute.MpReachAttribute(2, 1, nh, List.of(IpPrefix.parse("2001:db8:64::/96"))), v6);
        assertEquals(List.of(new PathAttribute.Segment(PathAttribute.AS_SEQUENCE, List.of(LOCAL_ASN))),
            updates.get(1).attribute(PathAttribute.AsPathAttribute.class).segments());
        assertNull(updates.get(1).attribute(PathAttribute.LocalPrefAttribute.class), "no LOCAL_PREF on eBGP");
        assertEquals(UpdateMessage.endOfRib(1, 1), updates.get(2));
        assertEquals(UpdateMessage.endOfRib(2, 1), updates.get(3));
        assertEquals(2, s.advertised().size());
    }

    @Test
    void shouldSendOnlyTheDeltaWhenTheDesiredSetChanges() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.routes(routes("2001:db8:1::/48", "2001:db8:2::/48", "2001:db8:3::/48"));
        transport.drain();
        final RouteAttributes drained = RouteAttributes.DEFAULT.withAsPathPrepend(2);
        s.routes(RouteSet.builder().add("2001:db8:1::/48", RouteAttributes.DEFAULT)
            .add("2001:db8:3::/48", drained).add("2001:db8:4::/48", RouteAttributes.DEFAULT).build());
        final List<BgpMessage> sent = transport.drain();
        assertEquals(3, sent.size(), sent.toString());
        final UpdateMessage withdraw = (UpdateMessage) sent.get(0);
        assertEquals(new PathAttribute.MpUnreachAttribute(2, 1, List.of(IpPrefix.parse("2001:db8:2::/48"))),
            withdraw.attribute(PathAttribute.MpUnreachAttribute.class));
        final UpdateMessage plain = (UpdateMessage) sent.get(2);
        assertEquals(List.of(IpPrefix.parse("2001:db8:4::/48")),
            plain.attribute(PathAttribute.MpReachAttribute.class).nlri());
        final UpdateMessage prepended = (UpdateMessage) sent.get(1); // groups follow prefix order
        assertEquals(List.of(IpPrefix.parse("2001:db8:3::/48")),
            prepended.attribute(PathAttribute.MpReachAttribute.class).nlri());
        assertEquals(List.of(LOCAL_ASN, LOCAL_ASN, LOCAL_ASN),
            prepended.attribute(PathAttribute.AsPathAttribute.class).segments().get(0).asns());

        s.routes(RouteSet.builder().addAll(s.advertised()).build());
        assertTrue(transport.sent.isEmpty(), "an unchanged set sends nothing");
    }

    @Test
    void shouldWithdrawEverythingThenSendCeaseWithTheShutdownCommunicationOnStop() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.routes(routes("2001:db8:1::/48", "192.0.2.0/24"));
        transport.drain();
        s.stop("xlat stopping for maintenance");
        final List<BgpMessage> sent = transport.drain();
        assertEquals(3, sent.size());
        assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")),
            ((UpdateMessage) sent.get(0)).attribute(PathAttribute.MpUnreachAttribute.class).withdrawn());
        assertEquals(List.of(IpPrefix.parse("2001:db8:1::/48")),
            ((UpdateMessage) sent.get(1)).attribute(PathAttribute.MpUnreachAttribute.class).withdrawn());
        final NotificationMessage cease = (NotificationMessage) sent.get(2);
        assertEquals(NotificationMessage.CEASE, cease.code());
        assertEquals(NotificationMessage.CEASE_ADMINISTRATIVE_SHUTDOWN, cease.subcode());
        assertEquals("xlat stopping for maintenance", cease.shutdownCommunication());
        assertEquals(1, transport.closes);
        assertEquals(SessionState.IDLE, s.state());
        advance(TimeUnit.HOURS.toNanos(1));
        s.onTimer();
        assertEquals(SessionState.IDLE, s.state(), "a stopped session does not restart by itself");
        assertEquals(1, transport.connects);
    }

    @Test
    void shouldCeaseWithoutUpdatesWhenStoppedBeforeEstablished() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("2001:db8::2"));
        transport.drain();
        s.stop("bye");
        assertEquals(List.of(NotificationMessage.cease(2, "bye")), transport.drain());
    }

    @Test
    void shouldWithdrawAllButStayUpAndAnnounceAgainOnResume() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.routes(routes("2001:db8:1::/48"));
        transport.drain();
        s.withdrawAll();
        assertEquals(1, transport.drain().size());
        assertTrue(s.advertised().isEmpty());
        s.routes(routes("2001:db8:1::/48", "2001:db8:2::/48"));
        assertTrue(transport.sent.isEmpty(), "withdrawn stays withdrawn");
        s.resumeAnnouncing();
        assertEquals(2, s.advertised().size());
        assertEquals(SessionState.ESTABLISHED, s.state());
    }

    @Test
    void shouldResendTheRequestedFamilyOnRouteRefresh() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "2001:db8::2");
        s.routes(routes("2001:db8:1::/48", "192.0.2.0/24"));
        transport.drain();
        s.onMessage(new RouteRefreshMessage(2, 1));
        final List<UpdateMessage> again = transport.sent(UpdateMessage.class);
        assertEquals(1, again.size());
        assertEquals(List.of(IpPrefix.parse("2001:db8:1::/48")),
            again.get(0).attribute(PathAttribute.MpReachAttribute.class).nlri());
        transport.drain();
        s.onMessage(new RouteRefreshMessage(2, 128));
        s.onMessage(new RouteRefreshMessage(25, 65));
        assertTrue(transport.sent.isEmpty(), "families we did not negotiate are ignored (RFC 2918 section 4)");
    }

    @Test
    void shouldUsePlainNlriWithTheLocalAddressAsNextHopOnAnIpv4Session() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "192.0.2.11");
        s.routes(routes("198.51.100.0/24", "2001:db8:1::/48"));
        final List<UpdateMessage> updates = transport.sent(UpdateMessage.class);
        final UpdateMessage last = updates.get(updates.size() - 1);
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), last.nlri());
        assertEquals(new PathAttribute.NextHopAttribute(0xC000020B), last.attribute(PathAttribute.NextHopAttribute.class));
        assertEquals(List.of(IpPrefix.parse("2001:db8:1::/48")), s.unsendable(), "no IPv6 next hop configured");
        s.routes(routes());
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), transport.sent(UpdateMessage.class)
            .get(transport.sent(UpdateMessage.class).size() - 1).withdrawn());
    }

    @Test
    void shouldLeaveIpv4UnannouncedOnAnIpv6SessionWithoutExtendedNextHop() throws Exception {
        final BgpSession s = establish(ebgp().build(), peerOpen(PEER_ASN, 9, MP4, MP6), "2001:db8::2");
        s.routes(routes("198.51.100.0/24", "2001:db8:1::/48"));
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), s.unsendable());
        assertEquals(1, s.advertised().size());
    }

    @Test
    void shouldSendA32OctetNextHopOnALinkLocalSession() throws Exception {
        final BgpSession s = establish(ebgp().build(), fullPeerOpen(), "fe80::2");
        s.routes(routes("2001:db8:1::/48"));
        final NextHop nh = transport.sent(UpdateMessage.class).get(transport.sent(UpdateMessage.class).size() - 1)
            .attribute(PathAttribute.MpReachAttribute.class).nextHop();
        assertEquals(32, nh.length());
        assertEquals(InetAddress.getByName("fe80::2"), nh.linkLocal());
        assertEquals(InetAddress.getByName("fe80::2"), nh.global());
    }

    @Test
    void shouldPreferAConfiguredGlobalNextHopWithTheLinkLocalSessionAddress() throws Exception {
        final Inet6Address global = (Inet6Address) InetAddress.getByName("2001:db8::11");
        final BgpSession s = establish(ebgp().nextHopIpv6(global).build(), fullPeerOpen(), "fe80::2");
        s.routes(routes("2001:db8:1::/48"));
        final NextHop nh = transport.sent(UpdateMessage.class).get(transport.sent(UpdateMessage.class).size() - 1)
            .attribute(PathAttribute.MpReachAttribute.class).nextHop();
        assertEquals(NextHop.of(global, (Inet6Address) InetAddress.getByName("fe80::2")), nh);
    }

    @Test
    void shouldSendLocalPrefAndAnEmptyAsPathToInternalPeersAndIgnorePrepend() throws Exception {
        final SessionConfig ibgp = SessionConfig.builder(65001, 65001, ROUTER_ID).build();
        final BgpSession s = establish(ibgp, peerOpen(65001, 9, MP6), "2001:db8::2");
        s.routes(RouteSet.builder().add("2001:db8:1::/48", RouteAttributes.DEFAULT.withAsPathPrepend(3).withMed(10)
            .withCommunities(List.of(Community.parse("65001:7")))).build());
        final UpdateMessage u = transport.sent(UpdateMessage.class).get(transport.sent(UpdateMessage.class).size() - 1);
        assertEquals(List.of(), u.attribute(PathAttribute.AsPathAttribute.class).segments());
        assertEquals(100, u.attribute(PathAttribute.LocalPrefAttribute.class).localPref());
        assertEquals(10, u.attribute(PathAttribute.MultiExitDiscAttribute.class).med());
        assertEquals(List.of(Community.parse("65001:7")),
            u.attribute(PathAttribute.CommunitiesAttribute.class).communities());
        final List<Integer> types = new ArrayList<>();
        for (final PathAttribute a : u.attributes()) {
            types.add(a.typeCode());
        }
        assertEquals(List.of(14, 1, 2, 4, 5, 8), types, "MP_REACH first, then ascending type codes");
    }

    @Test
    void shouldSendAs4PathToAPeerWithoutFourOctetAsSupport() throws Exception {
        final BgpSession s = establish(ebgp().build(),
            new OpenMessage(4, (int) PEER_ASN, 9, 0x0A000001, List.of(MP6)), "2001:db8::2");
        assertEquals(Boolean.FALSE, transport.fourOctetAs);
        s.routes(routes("2001:db8:1::/48"));
        final UpdateMessage u = transport.sent(UpdateMessage.class).get(transport.sent(UpdateMessage.class).size() - 1);
        assertFalse(u.attribute(PathAttribute.AsPathAttribute.class).fourOctet());
        assertEquals(List.of(LOCAL_ASN), u.attribute(PathAttribute.As4PathAttribute.class).segments().get(0).asns());
    }

    @Test
    void shouldAssumeIpv4UnicastOnlyWhenThePeerSendsNoMultiprotocolCapability() throws Exception {
        final BgpSession s = establish(ebgp().build(), peerOpen(PEER_ASN, 9), "192.0.2.11");
        assertTrue(s.negotiated().ipv4());
        assertFalse(s.negotiated().ipv6());
    }

    // ------------------------------------------------------------------------------------------ passive, accepted

    @Test
    void shouldWaitInActiveForThePeerAndNeverConnectWhenPassive() throws Exception {
        final BgpSession s = session(ebgp().passive(true).build());
        s.start();
        assertEquals(SessionState.ACTIVE, s.state());
        advance(3600 * SECOND);
        s.onTimer();
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(0, transport.connects);
        assertEquals(Long.MAX_VALUE, s.nextDeadline(), "no timer: only the peer's connection moves it on");

        assertTrue(s.onAccepted(InetAddress.getByName("fe80::1%1")));
        assertEquals(SessionState.OPEN_SENT, s.state());
        assertInstanceOf(OpenMessage.class, transport.last());
        s.onMessage(fullPeerOpen());
        s.onMessage(KeepaliveMessage.INSTANCE);
        assertEquals(SessionState.ESTABLISHED, s.state());
        assertEquals(0, transport.connects);
    }

    @Test
    void shouldWaitForThePeerAgainAtOnceWhenAPassiveSessionFails() throws Exception {
        final BgpSession s = session(ebgp().passive(true).build());
        s.start();
        s.onAccepted(InetAddress.getByName("2001:db8::2"));
        s.onMessage(fullPeerOpen());
        s.onMessage(KeepaliveMessage.INSTANCE);
        s.onMessage(NotificationMessage.cease(NotificationMessage.CEASE_ADMINISTRATIVE_RESET, ""));
        assertEquals(SessionState.IDLE, s.state());
        assertTrue(s.onAccepted(InetAddress.getByName("2001:db8::2")), "the peer's reconnect is taken in Idle");
        assertEquals(SessionState.OPEN_SENT, s.state());
        s.onDisconnected("reset");
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(Long.MAX_VALUE, s.nextDeadline());
        assertEquals(0, transport.connects);
    }

    @Test
    void shouldTakeAnAcceptedConnectionWhileConnectingAndRefuseItWhenOpenOrStopped() throws Exception {
        final BgpSession s = session(ebgp().build());
        assertFalse(s.onAccepted(InetAddress.getByName("192.0.2.11")), "not started");
        s.start();
        assertEquals(SessionState.CONNECT, s.state());
        assertTrue(s.onAccepted(InetAddress.getByName("192.0.2.11")));
        assertEquals(SessionState.OPEN_SENT, s.state());
        assertFalse(s.onAccepted(InetAddress.getByName("192.0.2.11")), "a second one is a collision");
        s.onConnected(InetAddress.getByName("192.0.2.11"));
        assertEquals(1, transport.sent(OpenMessage.class).size(), "our late connect is ignored");
    }

    @Test
    void shouldCeaseWithConnectionCollisionResolutionAndWaitInActiveWhenTheCollisionIsLost() throws Exception {
        final BgpSession s = session(ebgp().build());
        s.start();
        s.onConnected(InetAddress.getByName("192.0.2.11"));
        s.onMessage(fullPeerOpen());
        assertEquals(SessionState.OPEN_CONFIRM, s.state());
        s.onCollisionLost();
        assertEquals(new NotificationMessage(NotificationMessage.CEASE,
            NotificationMessage.CEASE_CONNECTION_COLLISION), lastNotification());
        assertEquals(1, transport.closes);
        assertEquals(SessionState.ACTIVE, s.state());
        assertTrue(s.onAccepted(InetAddress.getByName("192.0.2.11")), "the winning connection is taken at once");
        s.onMessage(fullPeerOpen());
        s.onMessage(KeepaliveMessage.INSTANCE);
        assertEquals(SessionState.ESTABLISHED, s.state());
    }
}
