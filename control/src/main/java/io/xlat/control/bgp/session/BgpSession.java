package io.xlat.control.bgp.session;

import static io.xlat.control.bgp.wire.NotificationMessage.CEASE;
import static io.xlat.control.bgp.wire.NotificationMessage.CEASE_ADMINISTRATIVE_SHUTDOWN;
import static io.xlat.control.bgp.wire.NotificationMessage.CEASE_CONNECTION_COLLISION;
import static io.xlat.control.bgp.wire.NotificationMessage.FSM_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.OPEN_MESSAGE_ERROR;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.xlat.control.bgp.wire.Bgp;
import io.xlat.control.bgp.wire.BgpMessage;
import io.xlat.control.bgp.wire.BgpProtocolException;
import io.xlat.control.bgp.wire.Capability;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.KeepaliveMessage;
import io.xlat.control.bgp.wire.MalformedUpdateMessage;
import io.xlat.control.bgp.wire.NotificationMessage;
import io.xlat.control.bgp.wire.OpenMessage;
import io.xlat.control.bgp.wire.RouteRefreshMessage;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * One BGP session, RFC 4271 section 8, for an originate-only speaker. Driven by events (start, stop, TCP outcome,
 * received message, timer tick) on a single thread and a {@link NanoClock}, so tests run it with a manual clock
 * and a fake transport. The same machine runs a connection we opened ({@link #onConnected}) and one the peer
 * opened to our listening socket ({@link #onAccepted}); a {@linkplain SessionConfig#passive() passive} session
 * never opens one and waits in Active.
 *
 * <p>Deviations and simplifications:
 * <ul>
 * <li>The session holds one connection. Connection collisions (RFC 4271 section 6.8) are resolved by the
 *     transport, which holds the second connection until its OPEN arrives and then either closes it or hands it
 *     over after {@link #onCollisionLost()}.</li>
 * <li>Connect, Active and Idle all wait on one backoff timer. RFC 4271 retries a stuck TCP open at once when
 *     the ConnectRetryTimer fires; we back off first (the peer is probably down).</li>
 * <li>A connection from the peer is accepted in Idle too while an automatic restart is pending (RFC 4271 Idle
 *     refuses it): the backoff paces our own attempts, and a peer that connects is evidently up. A passive
 *     session restarts at once: the peer paces its attempts, and refusing one would leave it waiting its own
 *     ConnectRetryTimer (120 s in FRR).</li>
 * <li>Automatic restart after an error (RFC 4271 event 3 with DampPeerOscillations) waits for the same
 *     exponential backoff; the backoff is reset after a session stayed Established for the maximum delay.</li>
 * <li>MinRouteAdvertisementIntervalTimer is 0: a desired-set change is sent at once, since withdrawals must reach
 *     the fabric within a second and the set changes rarely.</li>
 * </ul>
 */
public final class BgpSession {

    private static final System.Logger LOG = System.getLogger(BgpSession.class.getName());

    /** RFC 4271 section 8.2.2 (Connect state): the hold timer in OpenSent is "a large value ... 4 minutes". */
    static final long OPEN_HOLD_NANOS = TimeUnit.MINUTES.toNanos(4);

    private static final long NONE = Long.MAX_VALUE;

    private final SessionConfig config;
    private final NanoClock clock;
    private final BgpTransport transport;
    private final ReconnectBackoff backoff;
    private final Random random;

    private SessionState state = SessionState.IDLE;
    private boolean started;
    private boolean withdrawn;
    private long retryDeadline = NONE;
    private long holdDeadline = NONE;
    private long keepaliveDeadline = NONE;

    private InetAddress localAddress;
    private Negotiated negotiated;
    private UpdatePlanner planner;
    private RouteSet desired = RouteSet.EMPTY;
    private RouteSet advertised = RouteSet.EMPTY;

    private long establishedAtNanos = NONE;
    private long messagesIn;
    private long messagesOut;
    private long updatesOut;
    private long malformedUpdatesIn;
    private int establishedCount;
    private String lastError = "";

    public BgpSession(SessionConfig config, NanoClock clock, BgpTransport transport, Random random) {
        this.config = config;
        this.clock = clock;
        this.transport = transport;
        this.random = random;
        this.backoff = new ReconnectBackoff(config.connectRetryNanos(), config.connectRetryMaxNanos(), random);
    }

    // ---------------------------------------------------------------------------------------------- commands

    /** ManualStart (RFC 4271 event 1): Idle to Connect. Ignored unless Idle and stopped. */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        backoff.reset();
        if (state == SessionState.IDLE) {
            connect();
        }
    }

    /**
     * ManualStop (RFC 4271 event 2): withdraws everything we announced, then sends Cease/Administrative Shutdown
     * with an RFC 8203 Shutdown Communication, closes and stays Idle until {@link #start()}.
     */
    public void stop(String shutdownCommunication) {
        started = false;
        if (state == SessionState.ESTABLISHED) {
            withdrawn = true;
            sync();
        }
        if (state == SessionState.OPEN_SENT || state == SessionState.OPEN_CONFIRM
            || state == SessionState.ESTABLISHED) {
            send(NotificationMessage.cease(CEASE_ADMINISTRATIVE_SHUTDOWN, shutdownCommunication));
        }
        if (state != SessionState.IDLE) {
            transport.close();
        }
        toIdle("stopped: " + shutdownCommunication, false);
    }

    /** The set we want the peer to hold. Sent at once as a delta when Established, else on the next Established. */
    public void routes(RouteSet routes) {
        desired = routes;
        if (state == SessionState.ESTABLISHED) {
            sync();
        }
    }

    /** Withdraws everything but keeps the session up (first step of a shutdown: withdraw, stop data plane, Cease). */
    public void withdrawAll() {
        withdrawn = true;
        if (state == SessionState.ESTABLISHED) {
            sync();
        }
    }

    /** Undoes {@link #withdrawAll()}: announces the desired set again. */
    public void resumeAnnouncing() {
        withdrawn = false;
        if (state == SessionState.ESTABLISHED) {
            sync();
        }
    }

    // ---------------------------------------------------------------------------------------------- transport events

    /** Tcp_CR_Acked (RFC 4271 event 16), our connection is up: send OPEN, go to OpenSent. */
    public void onConnected(InetAddress local) {
        if (state != SessionState.CONNECT) {
            return;
        }
        openSent(local);
    }

    /**
     * TcpConnectionConfirmed (RFC 4271 event 17), the peer connected to us: send OPEN, go to OpenSent. Taken in
     * Connect (the transport drops its own attempt), Active, and Idle while an automatic restart is pending;
     * false otherwise (stopped, or a connection is already open: a collision, the transport's to resolve), and
     * the transport closes the connection.
     */
    public boolean onAccepted(InetAddress local) {
        if (!started || (state != SessionState.IDLE && state != SessionState.CONNECT
            && state != SessionState.ACTIVE)) {
            return false;
        }
        openSent(local);
        return true;
    }

    /**
     * RFC 4271 section 6.8: the peer's connection won the collision, "the local system closes the BGP connection
     * that already exists (the one that is already in the OpenConfirm state)" with a Cease (RFC 4486 subcode 7,
     * Connection Collision Resolution); the session waits in Active for {@link #onAccepted} with the winner, at
     * once and without a backoff (nothing failed).
     */
    public void onCollisionLost() {
        if (state != SessionState.OPEN_SENT && state != SessionState.OPEN_CONFIRM) {
            return;
        }
        send(new NotificationMessage(CEASE, CEASE_CONNECTION_COLLISION));
        transport.close();
        LOG.log(Level.INFO, "{0}: {1} -> Active: the peer''s own connection won the collision (RFC 4271 section "
            + "6.8)", config.name(), state);
        resetSession();
        state = SessionState.ACTIVE;
        retryDeadline = NONE;
    }

    private void openSent(InetAddress local) {
        localAddress = local;
        retryDeadline = NONE;
        // RFC 4271 section 8.2.2, Connect, event 17: "sends an OPEN message to its peer, sets the HoldTimer to a
        // large value, and changes its state to OpenSent". The state changes first: a peer that closes at once
        // makes the OPEN's write fail, and that failure must find the session in OpenSent, not in Connect.
        state = SessionState.OPEN_SENT;
        holdDeadline = clock.nanoTime() + OPEN_HOLD_NANOS;
        send(buildOpen());
    }

    /** TcpConnectionFails (RFC 4271 event 18) while connecting: Connect to Active with a backoff. */
    public void onConnectFailed(String reason) {
        if (state != SessionState.CONNECT) {
            return;
        }
        lastError = "connect failed: " + reason;
        toActive();
    }

    /** TcpConnectionFails after the connection was up: the peer closed or reset it. */
    public void onDisconnected(String reason) {
        switch (state) {
            case CONNECT:
                // the connection was accepted and closed again before we saw it confirmed; without this the
                // session would wait in Connect for the connect timeout
                lastError = "connection lost before it was confirmed: " + reason;
                toActive();
                break;
            case OPEN_SENT:
                // RFC 4271 section 8.2.2, OpenSent, event 18: "changes its state to Active"
                lastError = "connection lost in OpenSent: " + reason;
                resetSession();
                toActive();
                break;
            case OPEN_CONFIRM:
            case ESTABLISHED:
                toIdle("connection lost in " + state + ": " + reason, true);
                break;
            default:
                break; // Idle/Connect/Active: nothing of ours was open
        }
    }

    /** A decoder error: RFC 4271 section 6 NOTIFICATION, close, Idle. */
    public void onProtocolError(BgpProtocolException error) {
        if (state == SessionState.OPEN_SENT || state == SessionState.OPEN_CONFIRM
            || state == SessionState.ESTABLISHED) {
            fail(error.notification(), error.getMessage());
        }
    }

    public void onMessage(BgpMessage message) {
        messagesIn++;
        switch (state) {
            case OPEN_SENT:
                onMessageInOpenSent(message);
                break;
            case OPEN_CONFIRM:
                onMessageInOpenConfirm(message);
                break;
            case ESTABLISHED:
                onMessageInEstablished(message);
                break;
            default:
                break; // late message from a connection we have already given up
        }
    }

    /** Fires the timers that are due. Call often (the Netty wiring ticks every 100 ms) or at {@link #nextDeadline()}. */
    public void onTimer() {
        final long now = clock.nanoTime();
        switch (state) {
            case IDLE:
                if (started && now >= retryDeadline) {
                    connect(); // automatic restart, RFC 4271 event 3
                }
                break;
            case CONNECT:
                if (now >= retryDeadline) {
                    lastError = "connect timed out";
                    transport.close();
                    toActive();
                }
                break;
            case ACTIVE:
                if (now >= retryDeadline) {
                    connect(); // ConnectRetryTimer_Expires, RFC 4271 event 9
                }
                break;
            default:
                if (now >= holdDeadline) {
                    // RFC 4271 section 6.5: "If a system does not receive successive KEEPALIVE, UPDATE, and/or
                    // NOTIFICATION messages within the period specified in the Hold Time field of the OPEN
                    // message, then the NOTIFICATION message with the Hold Timer Expired Error Code is sent"
                    fail(new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0), "hold timer expired");
                } else if (now >= keepaliveDeadline) {
                    send(KeepaliveMessage.INSTANCE);
                    armKeepalive(now);
                }
                break;
        }
    }

    /** The earliest time at which {@link #onTimer()} has something to do, or Long.MAX_VALUE. */
    public long nextDeadline() {
        switch (state) {
            case IDLE:
                return started ? retryDeadline : NONE;
            case CONNECT:
            case ACTIVE:
                return retryDeadline;
            default:
                return Math.min(holdDeadline, keepaliveDeadline);
        }
    }

    // ---------------------------------------------------------------------------------------------- message handling

    private void onMessageInOpenSent(BgpMessage message) {
        if (message instanceof OpenMessage open) {
            final Negotiated result = negotiate(open);
            if (result == null) {
                return; // negotiate() has sent the NOTIFICATION
            }
            negotiated = result;
            transport.fourOctetAs(result.fourOctetAs());
            planner = new UpdatePlanner(config, result, NextHops.resolve(config, localAddress));
            // RFC 4271 section 8.2.2, OpenSent, event 19: sends a KEEPALIVE, sets the KeepaliveTimer and the
            // HoldTimer to the negotiated value, changes its state to OpenConfirm
            send(KeepaliveMessage.INSTANCE);
            final long now = clock.nanoTime();
            restartHold(now);
            armKeepalive(now);
            state = SessionState.OPEN_CONFIRM;
        } else if (message instanceof NotificationMessage notification) {
            peerClosed(notification);
        } else {
            // RFC 6608 section 4: an unexpected message in OpenSent gets FSM Error subcode 1
            fail(new NotificationMessage(FSM_ERROR, NotificationMessage.FSM_UNEXPECTED_IN_OPEN_SENT),
                Bgp.typeName(message.type()) + " in OpenSent");
        }
    }

    private void onMessageInOpenConfirm(BgpMessage message) {
        if (message instanceof KeepaliveMessage) {
            established();
        } else if (message instanceof NotificationMessage notification) {
            peerClosed(notification);
        } else {
            fail(new NotificationMessage(FSM_ERROR, NotificationMessage.FSM_UNEXPECTED_IN_OPEN_CONFIRM),
                Bgp.typeName(message.type()) + " in OpenConfirm");
        }
    }

    private void onMessageInEstablished(BgpMessage message) {
        if (message instanceof NotificationMessage notification) {
            peerClosed(notification);
            return;
        }
        if (message instanceof OpenMessage) {
            fail(new NotificationMessage(FSM_ERROR, NotificationMessage.FSM_UNEXPECTED_IN_ESTABLISHED),
                "OPEN in Established");
            return;
        }
        // RFC 4271 section 8.2.2, Established, events 26 and 27: KEEPALIVE and UPDATE restart the HoldTimer
        restartHold(clock.nanoTime());
        if (message instanceof MalformedUpdateMessage malformed) {
            malformedUpdatesIn++;
            LOG.log(Level.WARNING, "{0}: malformed UPDATE treated as withdraw (RFC 7606): {1}", config.name(),
                malformed.reason());
        } else if (message instanceof RouteRefreshMessage refresh) {
            onRouteRefresh(refresh);
        }
        // UPDATE: validated by the decoder, then discarded (we install nothing)
    }

    /**
     * RFC 2918 section 4: re-send the Adj-RIB-Out of the requested family. A request for a family "that the
     * speaker didn't advertise to the peer at the session establishment time via capability advertisement" is
     * ignored.
     */
    private void onRouteRefresh(RouteRefreshMessage refresh) {
        if (refresh.safi() != Bgp.SAFI_UNICAST
            || (refresh.afi() != Bgp.AFI_IPV4 && refresh.afi() != Bgp.AFI_IPV6)
            || planner.encoding(refresh.afi()) == UpdatePlanner.Encoding.NONE) {
            return;
        }
        sendAll(planner.announce(advertised.family(refresh.afi())));
    }

    // ---------------------------------------------------------------------------------------------- OPEN

    OpenMessage buildOpen() {
        final List<Capability> capabilities = new ArrayList<>();
        if (config.ipv4()) {
            capabilities.add(new Capability.Multiprotocol(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST));
        }
        if (config.ipv6()) {
            capabilities.add(new Capability.Multiprotocol(Bgp.AFI_IPV6, Bgp.SAFI_UNICAST));
        }
        capabilities.add(new Capability.RouteRefresh());
        capabilities.add(new Capability.FourOctetAs(config.localAsn()));
        if (config.ipv4() && config.extendedNextHop()) {
            capabilities.add(new Capability.ExtendedNextHop(List.of(
                new Capability.ExtendedNextHop.Entry(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST, Bgp.AFI_IPV6))));
        }
        if (config.gracefulRestartTime() >= 0) {
            // RFC 4724: forwarding is not preserved across our restart (the data plane restarts with us)
            final List<Capability.GracefulRestart.Family> families = new ArrayList<>();
            if (config.ipv4()) {
                families.add(new Capability.GracefulRestart.Family(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST, false));
            }
            if (config.ipv6()) {
                families.add(new Capability.GracefulRestart.Family(Bgp.AFI_IPV6, Bgp.SAFI_UNICAST, false));
            }
            capabilities.add(new Capability.GracefulRestart(false, false, config.gracefulRestartTime(), families));
        }
        return OpenMessage.of(config.localAsn(), config.holdTime(), config.routerId(), capabilities);
    }

    /** Checks the peer's OPEN and settles the session parameters; null after sending a NOTIFICATION. */
    private Negotiated negotiate(OpenMessage open) {
        final long peerAsn = open.asn();
        if (peerAsn != config.peerAsn()) {
            // RFC 4271 section 6.2: "If the Autonomous System field of the OPEN message is unacceptable, then the
            // Error Subcode MUST be set to Bad Peer AS."
            fail(new NotificationMessage(OPEN_MESSAGE_ERROR, NotificationMessage.BAD_PEER_AS),
                "peer AS " + peerAsn + ", expected " + config.peerAsn());
            return null;
        }
        if (config.isInternal() && open.bgpIdentifier() == config.routerId()) {
            // RFC 6286 section 2.2: an internal peer with our own BGP Identifier is a Bad BGP Identifier
            fail(new NotificationMessage(OPEN_MESSAGE_ERROR, NotificationMessage.BAD_BGP_IDENTIFIER),
                "internal peer uses our BGP Identifier");
            return null;
        }
        // RFC 4760 section 8: without any Multiprotocol capability only IPv4 unicast is implied
        final boolean ipv4 = config.ipv4() && (open.hasNoMultiprotocol()
            || open.hasCapability(new Capability.Multiprotocol(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST)));
        final boolean ipv6 = config.ipv6()
            && open.hasCapability(new Capability.Multiprotocol(Bgp.AFI_IPV6, Bgp.SAFI_UNICAST));
        if (!ipv4 && !ipv6) {
            // RFC 5492 section 5: the Unsupported Capability NOTIFICATION "MUST contain the capability or
            // capabilities that cause the speaker to send the message"
            fail(new NotificationMessage(OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_CAPABILITY,
                multiprotocolCapabilities()), "no address family in common");
            return null;
        }
        final Capability.ExtendedNextHop enh = open.capability(Capability.ExtendedNextHop.class);
        final boolean extendedNextHop = ipv4 && config.extendedNextHop() && enh != null
            && enh.supports(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST, Bgp.AFI_IPV6);
        // RFC 4271 section 4.2: the Hold Timer is calculated "by using the smaller of its configured Hold Time
        // and the Hold Time received in the OPEN message"
        final int holdTime = Math.min(config.holdTime(), open.holdTime());
        return new Negotiated(holdTime, open.capability(Capability.FourOctetAs.class) != null, ipv4, ipv6,
            extendedNextHop, open.capability(Capability.RouteRefresh.class) != null, peerAsn,
            open.bgpIdentifier());
    }

    private byte[] multiprotocolCapabilities() {
        final ByteBuf buf = Unpooled.buffer();
        try {
            for (final Capability c : buildOpen().capabilities()) {
                if (c instanceof Capability.Multiprotocol) {
                    buf.writeByte(c.code());
                    buf.writeByte(c.valueLength());
                    c.writeValue(buf);
                }
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------------------------------------- routes

    private void established() {
        state = SessionState.ESTABLISHED;
        establishedAtNanos = clock.nanoTime();
        establishedCount++;
        restartHold(establishedAtNanos);
        LOG.log(Level.INFO, "{0}: Established, hold time {1} s, IPv4 {2}, IPv6 {3}", config.name(),
            negotiated.holdTime(), planner.encoding(Bgp.AFI_IPV4), planner.encoding(Bgp.AFI_IPV6));
        advertised = RouteSet.EMPTY;
        sync();
        sendAll(planner.endOfRib());
    }

    /** Sends what moves the peer from {@link #advertised} to the target set, and remembers the new set. */
    private void sync() {
        final RouteSet target = withdrawn ? RouteSet.EMPTY : planner.sendable(desired);
        final RouteSet.Delta delta = target.diffFrom(advertised);
        if (delta.isEmpty()) {
            return;
        }
        sendAll(planner.withdraw(delta.withdraw()));
        sendAll(planner.announce(delta.announce()));
        advertised = target;
    }

    private void sendAll(List<UpdateMessage> updates) {
        for (final UpdateMessage u : updates) {
            send(u);
            updatesOut++;
        }
        if (!updates.isEmpty() && negotiated.holdTime() != 0) {
            // RFC 4271 section 8.2.2: "Each time the local system sends a KEEPALIVE or UPDATE message, it
            // restarts its KeepaliveTimer, unless the negotiated HoldTime value is zero."
            armKeepalive(clock.nanoTime());
        }
    }

    // ---------------------------------------------------------------------------------------------- transitions

    private void connect() {
        if (config.passive()) {
            // RFC 4271 section 8.2.2, Idle, event 5 (AutomaticStart_with_PassiveTcpEstablishment): "changes its
            // state to Active"; only the peer's connection moves it on
            state = SessionState.ACTIVE;
            retryDeadline = NONE;
            return;
        }
        state = SessionState.CONNECT;
        retryDeadline = clock.nanoTime() + config.connectTimeoutNanos();
        transport.connect();
    }

    /** Waits for the next backoff delay, and says once why and for how long. */
    private void toActive() {
        if (config.passive()) {
            LOG.log(Level.WARNING, "{0}: {1} -> Active: {2}; waiting for the peer to connect", config.name(), state,
                lastError);
            state = SessionState.ACTIVE;
            retryDeadline = NONE;
            return;
        }
        final long delay = backoff.nextDelayNanos();
        LOG.log(Level.WARNING, "{0}: {1} -> Active: {2}; next attempt in {3} ms", config.name(), state, lastError,
            TimeUnit.NANOSECONDS.toMillis(delay));
        state = SessionState.ACTIVE;
        retryDeadline = clock.nanoTime() + delay;
    }

    /** Sends a NOTIFICATION for an error of ours to report, closes, and goes Idle with automatic restart. */
    private void fail(NotificationMessage notification, String reason) {
        send(notification);
        transport.close();
        toIdle("sent " + notification.describe() + ": " + reason, true);
    }

    private void peerClosed(NotificationMessage notification) {
        transport.close();
        toIdle("received " + notification.describe(), true);
    }

    private void toIdle(String reason, boolean restart) {
        final long now = clock.nanoTime();
        if (state == SessionState.ESTABLISHED && now - establishedAtNanos >= config.connectRetryMaxNanos()) {
            backoff.reset(); // it was stable: the next failure starts from the short delay again
        }
        final long delay = !restart || !started ? NONE : config.passive() ? 0 : backoff.nextDelayNanos();
        if (state != SessionState.IDLE || restart) {
            // an error (ours, the peer's NOTIFICATION or a lost connection) is a warning; a stop we asked for is not
            LOG.log(restart ? Level.WARNING : Level.INFO, "{0}: {1} -> Idle: {2}{3}", config.name(), state, reason,
                delay == NONE ? "" : config.passive() ? "; waiting for the peer to connect"
                    : "; next attempt in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
        }
        lastError = reason;
        resetSession();
        state = SessionState.IDLE;
        retryDeadline = delay == NONE ? NONE : now + delay;
    }

    private void resetSession() {
        holdDeadline = NONE;
        keepaliveDeadline = NONE;
        negotiated = null;
        planner = null;
        advertised = RouteSet.EMPTY;
        establishedAtNanos = NONE;
        if (!started) {
            withdrawn = false;
        }
    }

    private void restartHold(long now) {
        holdDeadline = negotiated.holdTime() == 0 ? NONE : now + negotiated.holdNanos();
    }

    /** KeepaliveTimer with RFC 4271 section 10 jitter (0.75 to 1.0 of hold/3). */
    private void armKeepalive(long now) {
        keepaliveDeadline = negotiated.holdTime() == 0 ? NONE
            : now + ReconnectBackoff.jitter(negotiated.keepaliveNanos(), random);
    }

    private void send(BgpMessage message) {
        messagesOut++;
        transport.send(message);
    }

    // ---------------------------------------------------------------------------------------------- stats

    public SessionState state() {
        return state;
    }

    public SessionConfig config() {
        return config;
    }

    /** Null unless OpenConfirm or Established. */
    public Negotiated negotiated() {
        return negotiated;
    }

    /** What the peer holds from us now. */
    public RouteSet advertised() {
        return advertised;
    }

    /** Nanoseconds (of the session clock) since Established, or -1. */
    public long uptimeNanos() {
        return state == SessionState.ESTABLISHED ? clock.nanoTime() - establishedAtNanos : -1;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long messagesOut() {
        return messagesOut;
    }

    public long updatesOut() {
        return updatesOut;
    }

    public long malformedUpdatesIn() {
        return malformedUpdatesIn;
    }

    public int establishedCount() {
        return establishedCount;
    }

    /** Why the session last left a state, for stats; empty at first. */
    public String lastError() {
        return lastError;
    }

    /** Prefixes of the desired set that this session cannot carry (family not negotiated, no next hop). */
    public List<IpPrefix> unsendable() {
        final List<IpPrefix> out = new ArrayList<>();
        if (planner == null) {
            return out;
        }
        for (final IpPrefix p : desired.routes().keySet()) {
            if (planner.encoding(p.afi()) == UpdatePlanner.Encoding.NONE) {
                out.add(p);
            }
        }
        return out;
    }
}
