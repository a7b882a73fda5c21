package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.session.SessionConfig;
import io.xlat.control.bgp.session.SessionState;
import io.xlat.control.bgp.wire.Capability;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.KeepaliveMessage;
import io.xlat.control.bgp.wire.NotificationMessage;
import io.xlat.control.bgp.wire.OpenMessage;
import io.xlat.control.bgp.wire.PathAttribute;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The speaker's listening socket over loopback: a passive peer is accepted and never connected to, a stranger is
 * closed at once and unread, and both ends connecting is resolved by BGP Identifier (RFC 4271 section 6.8).
 */
class BgpListenerTest {

    private static final long LOCAL_ASN = 4_200_000_001L;
    private static final long PEER_ASN = 64496;
    /** 192.0.2.11. */
    private static final int ROUTER_ID = 0xC000020B;
    /** 198.51.100.1: above ours (as unsigned), so the peer's connection wins a collision. */
    private static final int HIGHER_ID = 0xC6336401;
    /** 10.0.0.1: below ours, so our connection wins. */
    private static final int LOWER_ID = 0x0A000001;
    private static final NotificationMessage COLLISION = new NotificationMessage(NotificationMessage.CEASE,
        NotificationMessage.CEASE_CONNECTION_COLLISION);

    private static SessionConfig.Builder config() {
        return SessionConfig.builder(LOCAL_ASN, PEER_ASN, ROUTER_ID).name("listened")
            .connectRetry(100, 200, TimeUnit.MILLISECONDS);
    }

    private static OpenMessage peerOpen(int bgpIdentifier) {
        return OpenMessage.of(PEER_ASN, 9, bgpIdentifier, List.of(new Capability.Multiprotocol(1, 1),
            new Capability.Multiprotocol(2, 1), new Capability.FourOctetAs(PEER_ASN),
            new Capability.ExtendedNextHop(List.of(new Capability.ExtendedNextHop.Entry(1, 1, 2)))));
    }

    private static InetSocketAddress loopback(String address) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), 0);
    }

    /** Reads the speaker's OPEN, answers, and returns the first UPDATE once Established. */
    private static UpdateMessage establish(FakePeer peer, int bgpIdentifier) throws Exception {
        assertInstanceOf(OpenMessage.class, peer.receive());
        return answer(peer, bgpIdentifier);
    }

    private static UpdateMessage answer(FakePeer peer, int bgpIdentifier) throws Exception {
        peer.send(peerOpen(bgpIdentifier));
        assertInstanceOf(KeepaliveMessage.class, peer.receive());
        peer.send(KeepaliveMessage.INSTANCE);
        return peer.receive(UpdateMessage.class);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    /** An active speaker that also listens, with its own connection to {@code dialled} in OpenSent. */
    private static BgpSpeaker connectedInOpenSent(FakePeer dialled) throws Exception {
        final BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("::1", dialled.port(), null, null,
            config().build())), loopback("::1"));
        speaker.routes(pool6());
        speaker.start();
        dialled.accept();
        assertInstanceOf(OpenMessage.class, dialled.receive());
        return speaker;
    }

    private static RouteSet pool6() {
        return RouteSet.builder().add("2001:db8:64::/96", RouteAttributes.DEFAULT).build();
    }

    @Test
    void shouldAcceptAPassivePeerAndAnnounceOverItsConnectionWithoutEverConnectingToIt() throws Exception {
        try (ServerSocket neverDialled = new ServerSocket(0, 1, InetAddress.getByName("::1"));
             BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("::1", neverDialled.getLocalPort(), null, null,
                 config().passive(true).build())), loopback("::1"))) {
            speaker.routes(pool6());
            speaker.start();
            assertEquals(SessionState.ACTIVE, speaker.status().get(0).state());
            try (FakePeer peer = FakePeer.connectTo(speaker.listening(), InetAddress.getByName("::1"))) {
                final UpdateMessage update = establish(peer, HIGHER_ID);
                assertEquals(List.of(IpPrefix.parse("2001:db8:64::/96")),
                    update.attribute(PathAttribute.MpReachAttribute.class).nlri());
                assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());
            }
            neverDialled.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, neverDialled::accept, "a passive peer is never dialled");
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCloseConnectionsFromUnknownAddressesUnreadAndKeepServingTheConfiguredPeer() throws Exception {
        // [::] takes IPv4 too: the IPv4 peer's address arrives as 127.0.0.1, not as ::ffff:127.0.0.1
        try (BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("127.0.0.1", 179, null, null,
            config().passive(true).build())), loopback("::"))) {
            speaker.routes(RouteSet.builder().add("192.0.2.0/24", RouteAttributes.DEFAULT).build());
            speaker.start();
            final InetSocketAddress ipv4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                speaker.listening().getPort());
            // 127.0.0.2 is loopback too, but no peer of ours: garbage, or a real OPEN, is never answered
            final InetAddress stranger = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 20; i++) {
                try (FakePeer intruder = FakePeer.connectTo(ipv4, stranger)) {
                    if (i % 2 == 0) {
                        intruder.sendRaw("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        intruder.send(peerOpen(HIGHER_ID));
                    }
                    final long start = System.nanoTime();
                    assertTrue(intruder.closedBySpeaker(), "a stranger's connection is closed");
                    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2_000, "closed at once");
                } catch (java.net.SocketException reset) {
                    // the close of a connection with unread data is a reset, which may hit our write: also closed
                }
            }
            await("20 rejected", () -> speaker.rejectedConnections() == 20);
            assertEquals(SessionState.ACTIVE, speaker.status().get(0).state());

            try (FakePeer peer = FakePeer.connectTo(ipv4, InetAddress.getByName("127.0.0.1"))) {
                final UpdateMessage update = establish(peer, HIGHER_ID);
                assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")), update.nlri());
            }
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldKeepThePeersConnectionAndCeaseOursWhenThePeersIdentifierIsHigher() throws Exception {
        try (FakePeer dialled = new FakePeer(InetAddress.getByName("::1"));
             BgpSpeaker speaker = connectedInOpenSent(dialled)) {
            // our connection is in OpenSent; the peer's own arrives and names an identifier above ours
            try (FakePeer dialling = FakePeer.connectTo(speaker.listening(), InetAddress.getByName("::1"))) {
                dialling.send(peerOpen(HIGHER_ID));
                assertEquals(COLLISION, dialled.receive(NotificationMessage.class));
                assertTrue(dialled.closedBySpeaker());
                assertInstanceOf(OpenMessage.class, dialling.receive());
                assertInstanceOf(KeepaliveMessage.class, dialling.receive());
                dialling.send(KeepaliveMessage.INSTANCE);
                assertEquals(List.of(IpPrefix.parse("2001:db8:64::/96")), dialling.receive(UpdateMessage.class)
                    .attribute(PathAttribute.MpReachAttribute.class).nlri());
                assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());
            }
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldKeepOurConnectionAndCeaseThePeersWhenOurIdentifierIsHigher() throws Exception {
        try (FakePeer dialled = new FakePeer(InetAddress.getByName("::1"));
             BgpSpeaker speaker = connectedInOpenSent(dialled)) {
            try (FakePeer dialling = FakePeer.connectTo(speaker.listening(), InetAddress.getByName("::1"))) {
                dialling.send(peerOpen(LOWER_ID));
                assertEquals(COLLISION, dialling.receive(), "closed unanswered but for the Cease");
                assertTrue(dialling.closedBySpeaker());
            }
            answer(dialled, LOWER_ID);
            assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());

            // RFC 4271 section 6.8: against Established the new connection is closed, whatever the identifiers
            try (FakePeer late = FakePeer.connectTo(speaker.listening(), InetAddress.getByName("::1"))) {
                assertEquals(COLLISION, late.receive());
                assertTrue(late.closedBySpeaker());
            }
            assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCloseACollidingConnectionThatDoesNotStartWithAnOpenAndCarryOnWithOurs() throws Exception {
        try (FakePeer dialled = new FakePeer(InetAddress.getByName("::1"));
             BgpSpeaker speaker = connectedInOpenSent(dialled)) {
            try (FakePeer dialling = FakePeer.connectTo(speaker.listening(), InetAddress.getByName("::1"))) {
                dialling.send(KeepaliveMessage.INSTANCE);
                assertEquals(COLLISION, dialling.receive());
                assertTrue(dialling.closedBySpeaker());
            }
            answer(dialled, HIGHER_ID);
            assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldMatchAnUnnumberedPeerByTheScopeOfAnyLinkLocalAddressOnItsInterface() throws Exception {
        final NetworkInterface lo = NetworkInterface.getByName("lo");
        final BgpPeer peer = BgpPeer.onInterface("lo", config().passive(true).build());
        final byte[] fe80 = InetAddress.getByName("fe80::a8c1:abff:fe00:11").getAddress();
        assertTrue(peer.matches(Inet6Address.getByAddress(null, fe80, lo.getIndex())));
        assertFalse(peer.matches(Inet6Address.getByAddress(null, fe80, lo.getIndex() + 1000)), "another interface");
        assertFalse(peer.matches(InetAddress.getByName("2001:db8::11")), "not link-local");
        assertFalse(BgpPeer.onInterface("nosuch0", config().passive(true).build())
            .matches(Inet6Address.getByAddress(null, fe80, lo.getIndex())), "an interface that does not exist");

        // lo has no link-local address to derive a scope from its name, so the zone is given by number here
        final BgpPeer byAddress = BgpPeer.of("fe80::a8c1:abff:fe00:11%" + lo.getIndex(), config().build());
        assertTrue(byAddress.matches(Inet6Address.getByAddress(null, fe80, lo.getIndex())));
        assertFalse(byAddress.matches(Inet6Address.getByAddress(null, fe80, lo.getIndex() + 1000)),
            "the same link-local address on another interface is another peer");
    }

    @Test
    void shouldRefuseAPassivePeerWithoutAListenAddressAndAnUnnumberedOneThatIsNotPassive() {
        assertThrows(IllegalArgumentException.class, () -> new BgpSpeaker(List.of(BgpPeer.of("::1",
            config().passive(true).build())), null));
        assertThrows(IllegalArgumentException.class, () -> BgpPeer.onInterface("eth0", config().build()));
    }
}
