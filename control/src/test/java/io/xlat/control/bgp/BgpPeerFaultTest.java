package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
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
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broken or hostile neighbour over loopback TCP, one fault after another on one speaker: each gets the
 * NOTIFICATION the RFCs ask for (or none where RFC 7606 says to carry on), the speaker comes back after its
 * backoff (never at once, never after minutes), and a well-behaved peer afterwards learns exactly our routes.
 */
class BgpPeerFaultTest {

    private static final long LOCAL_ASN = 4_200_000_001L;
    private static final long PEER_ASN = 64496;
    /** The configured backoff: 100 ms doubling to 200 ms, jittered down to at most three quarters. */
    private static final long MIN_RETRY_MILLIS = 75;
    private static final String MARKER = "ffffffffffffffffffffffffffffffff";

    private static SessionConfig config() {
        return SessionConfig.builder(LOCAL_ASN, PEER_ASN, 0xC000020B).name("faulty")
            .connectRetry(100, 200, TimeUnit.MILLISECONDS).build();
    }

    private static OpenMessage peerOpen(int holdTime) {
        return OpenMessage.of(PEER_ASN, holdTime, 0x0A000001, List.of(new Capability.Multiprotocol(1, 1),
            new Capability.Multiprotocol(2, 1), new Capability.FourOctetAs(PEER_ASN), new Capability.RouteRefresh(),
            new Capability.ExtendedNextHop(List.of(new Capability.ExtendedNextHop.Entry(1, 1, 2)))));
    }

    private static byte[] hex(String text) {
        return ByteBufUtil.decodeHexDump(text.replaceAll("\\s", ""));
    }

    /** Accepts the next connection and reads the speaker's OPEN; returns when it was accepted. */
    private static long acceptOpen(FakePeer peer) throws Exception {
        peer.accept();
        final long at = System.nanoTime();
        assertInstanceOf(OpenMessage.class, peer.receive());
        return at;
    }

    private static void establish(FakePeer peer) throws Exception {
        peer.send(peerOpen(9));
        assertInstanceOf(KeepaliveMessage.class, peer.receive());
        peer.send(KeepaliveMessage.INSTANCE);
    }

    private static NotificationMessage notificationThenClose(FakePeer peer) throws Exception {
        final NotificationMessage n = peer.receive(NotificationMessage.class);
        assertTrue(peer.closedBySpeaker(), "the speaker closes after its NOTIFICATION");
        peer.drop();
        return n;
    }

    @Test
    void shouldSurviveEveryFaultInTurnAndAnnounceCorrectlyAfterwards() throws Exception {
        // over IPv6 loopback, so that both families are announced (IPv4 with an RFC 8950 next hop)
        try (FakePeer peer = new FakePeer(InetAddress.getByName("::1"));
             BgpSpeaker speaker = new BgpSpeaker(List.of(new BgpPeer("::1", peer.port(), null, null, config())))) {
            speaker.routes(RouteSet.builder().add("2001:db8:64::/96", RouteAttributes.DEFAULT)
                .add("192.0.2.0/24", RouteAttributes.DEFAULT).build());
            speaker.start();

            // accepted and closed at once, five times (a leaf restarting its daemon): each retry comes after
            // the backoff, not after the 240 s OpenSent hold timer, and not in a tight loop
            long previous = 0;
            for (int i = 0; i < 5; i++) {
                peer.accept();
                final long at = System.nanoTime();
                peer.drop();
                if (i > 0) {
                    final long millis = TimeUnit.NANOSECONDS.toMillis(at - previous);
                    assertTrue(millis >= MIN_RETRY_MILLIS, "retry " + i + " after " + millis + " ms: a tight loop");
                }
                previous = at;
            }

            // garbage: RFC 4271 section 6.1, Connection Not Synchronized
            acceptOpen(peer);
            peer.sendRaw("this is not BGP at all, just text".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            NotificationMessage n = notificationThenClose(peer);
            assertEquals(List.of(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.CONNECTION_NOT_SYNCHRONIZED),
                List.of(n.code(), n.subcode()));

            // a length beyond 4096: Bad Message Length, with the erroneous length as data
            acceptOpen(peer);
            peer.sendRaw(hex(MARKER + "1001 04"));
            n = notificationThenClose(peer);
            assertEquals(List.of(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH),
                List.of(n.code(), n.subcode()));
            assertArrayEquals(hex("1001"), n.data());

            // a KEEPALIVE with a body: Bad Message Length too
            acceptOpen(peer);
            peer.sendRaw(hex(MARKER + "0014 04 00"));
            n = notificationThenClose(peer);
            assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
            assertArrayEquals(hex("0014"), n.data());

            // RFC 4271 section 6.2: "An implementation MUST reject Hold Time values of one or two seconds."
            acceptOpen(peer);
            peer.send(peerOpen(2));
            n = notificationThenClose(peer);
            assertEquals(List.of(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNACCEPTABLE_HOLD_TIME),
                List.of(n.code(), n.subcode()));

            // established, then a keepalive flood and a malformed UPDATE: RFC 7606 treat-as-withdraw keeps the
            // session; we must still announce, withdraw and answer
            acceptOpen(peer);
            establish(peer);
            assertEquals(4, receiveUpdates(peer).size(), "two announcements and two End-of-RIB markers");
            final byte[] keepalive = hex(MARKER + "0013 04");
            final byte[] flood = new byte[keepalive.length * 10_000];
            for (int i = 0; i < 10_000; i++) {
                System.arraycopy(keepalive, 0, flood, i * keepalive.length, keepalive.length);
            }
            peer.sendRaw(flood);
            // ORIGIN with a length of 2 (RFC 7606 section 7.1: treat-as-withdraw)
            peer.sendRaw(hex(MARKER + "0030 02 0000 0015 40010200 00 400206020100 00fde9 400304c0000201 18c63364"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (speaker.status().get(0).malformedIn() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            speaker.routes(RouteSet.builder().add("2001:db8:64::/96", RouteAttributes.DEFAULT).build());
            final UpdateMessage withdrawal = peer.receive(UpdateMessage.class);
            assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")),
                withdrawal.attribute(PathAttribute.MpUnreachAttribute.class).withdrawn());
            final BgpPeerStatus status = speaker.status().get(0);
            assertEquals(SessionState.ESTABLISHED, status.state(), status.lastError());
            assertEquals(1, status.malformedIn());
            assertTrue(status.messagesIn() >= 10_002, "every keepalive was read: " + status.messagesIn());

            // the peer sends a Cease and closes; after the backoff a fresh session announces the current set
            peer.send(NotificationMessage.cease(NotificationMessage.CEASE_ADMINISTRATIVE_SHUTDOWN, "maintenance"));
            assertTrue(peer.closedBySpeaker());
            peer.drop();
            acceptOpen(peer);
            establish(peer);
            final List<UpdateMessage> updates = receiveUpdates(peer);
            assertEquals(List.of(IpPrefix.parse("2001:db8:64::/96")),
                updates.get(0).attribute(PathAttribute.MpReachAttribute.class).nlri());
            assertEquals(3, updates.size(), "pool6 alone, then the two End-of-RIB markers");
            speaker.stop("test over").get(5, TimeUnit.SECONDS);
        }
    }

    /** UPDATEs up to and including the IPv6 End-of-RIB (the last one a session sends after Established). */
    private static List<UpdateMessage> receiveUpdates(FakePeer peer) throws Exception {
        final List<UpdateMessage> out = new java.util.ArrayList<>();
        while (true) {
            final UpdateMessage u = peer.receive(UpdateMessage.class);
            out.add(u);
            if (u.equals(UpdateMessage.endOfRib(2, 1))) {
                return out;
            }
        }
    }
}
