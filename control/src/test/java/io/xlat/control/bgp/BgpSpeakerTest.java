package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.session.SessionConfig;
import io.xlat.control.bgp.session.SessionState;
import io.xlat.control.bgp.wire.Capability;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.KeepaliveMessage;
import io.xlat.control.bgp.wire.NextHop;
import io.xlat.control.bgp.wire.NotificationMessage;
import io.xlat.control.bgp.wire.OpenMessage;
import io.xlat.control.bgp.wire.PathAttribute;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Netty wiring against a scripted peer over loopback TCP (no root needed). */
class BgpSpeakerTest {

    private static final long LOCAL_ASN = 4_200_000_001L;
    private static final long PEER_ASN = 64496;

    private static SessionConfig config() {
        return SessionConfig.builder(LOCAL_ASN, PEER_ASN, 0xC000020B).name("fake")
            .connectRetry(100, 200, TimeUnit.MILLISECONDS).build();
    }

    private static OpenMessage peerOpen() {
        return OpenMessage.of(PEER_ASN, 9, 0x0A000001, List.of(new Capability.Multiprotocol(1, 1),
            new Capability.Multiprotocol(2, 1), new Capability.FourOctetAs(PEER_ASN), new Capability.RouteRefresh(),
            new Capability.ExtendedNextHop(List.of(new Capability.ExtendedNextHop.Entry(1, 1, 2)))));
    }

    private static void handshake(FakePeer peer) throws Exception {
        peer.accept();
        final OpenMessage open = assertInstanceOf(OpenMessage.class, peer.receive());
        assertEquals(LOCAL_ASN, open.asn());
        peer.send(peerOpen());
        assertInstanceOf(KeepaliveMessage.class, peer.receive());
        peer.send(KeepaliveMessage.INSTANCE);
    }

    @Test
    void shouldEstablishAnnounceAndWithdrawBeforeCeaseOverIpv6Loopback() throws Exception {
        final InetAddress loopback = InetAddress.getByName("::1");
        try (FakePeer peer = new FakePeer(loopback);
             BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("::1", peer.port(), null, null, config())))) {
            speaker.routes(RouteSet.builder().add("2001:db8:64::/96", RouteAttributes.DEFAULT)
                .add("192.0.2.0/24", RouteAttributes.DEFAULT).build());
            speaker.start();
            handshake(peer);

            final UpdateMessage v4 = peer.receive(UpdateMessage.class);
            final PathAttribute.MpReachAttribute reach4 = v4.attribute(PathAttribute.MpReachAttribute.class);
            assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")), reach4.nlri());
            assertEquals(NextHop.of((Inet6Address) loopback), reach4.nextHop(), "RFC 8950 next hop = local address");
            final UpdateMessage v6 = peer.receive(UpdateMessage.class);
            assertEquals(List.of(IpPrefix.parse("2001:db8:64::/96")),
                v6.attribute(PathAttribute.MpReachAttribute.class).nlri());
            assertEquals(UpdateMessage.endOfRib(1, 1), peer.receive(UpdateMessage.class));
            assertEquals(UpdateMessage.endOfRib(2, 1), peer.receive(UpdateMessage.class));

            final BgpPeerStatus status = speaker.status().get(0);
            assertEquals(SessionState.ESTABLISHED, status.state());
            assertEquals(2, status.advertised());

            speaker.routes(RouteSet.builder().add("2001:db8:64::/96", RouteAttributes.DEFAULT).build());
            assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")), peer.receive(UpdateMessage.class)
                .attribute(PathAttribute.MpUnreachAttribute.class).withdrawn());

            speaker.withdrawAll().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(IpPrefix.parse("2001:db8:64::/96")), peer.receive(UpdateMessage.class)
                .attribute(PathAttribute.MpUnreachAttribute.class).withdrawn());

            speaker.stop("xlat shutting down").get(5, TimeUnit.SECONDS);
            final NotificationMessage cease = peer.receive(NotificationMessage.class);
            assertEquals("xlat shutting down", cease.shutdownCommunication());
            assertTrue(peer.closedBySpeaker());
            assertEquals(SessionState.IDLE, speaker.status().get(0).state());
        }
    }

    @Test
    void shouldAnswerGarbageWithConnectionNotSynchronizedAndReconnect() throws Exception {
        try (FakePeer peer = new FakePeer(InetAddress.getByName("127.0.0.1"));
             BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("127.0.0.1", peer.port(), null, null,
                 config())))) {
            speaker.start();
            peer.accept();
            assertInstanceOf(OpenMessage.class, peer.receive());
            peer.sendRaw(new byte[19]); // all-zero marker
            final NotificationMessage n = peer.receive(NotificationMessage.class);
            assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
            assertEquals(NotificationMessage.CONNECTION_NOT_SYNCHRONIZED, n.subcode());
            assertTrue(peer.closedBySpeaker());
            // the session restarts by itself after the backoff and opens a new connection
            peer.accept();
            assertInstanceOf(OpenMessage.class, peer.receive());
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }
}
