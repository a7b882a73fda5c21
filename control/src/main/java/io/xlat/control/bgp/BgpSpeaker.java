package io.xlat.control.bgp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.xlat.control.bgp.session.RouteSet;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The originate-only BGP-4 speaker: it pins the translator's prefixes to the fabric and withdraws them on
 * failure or shutdown.
 *
 * <h2>Design</h2>
 * <ul>
 * <li><b>Three layers.</b> {@code wire} is the RFC 4271 codec (immutable messages, a Netty framer that checks
 *     the header before buffering a body, RFC 7606 error classification). {@code session} is the RFC 4271 FSM,
 *     {@link io.xlat.control.bgp.session.BgpSession}, driven by events and a clock, with no sockets or threads:
 *     all protocol decisions live there and are unit-tested with a manual clock. This package is the thin Netty
 *     wiring: {@link BgpPeerConnection} turns channel events into session events.</li>
 * <li><b>Threads.</b> One event loop thread (epoll when available, else NIO) owns every session and channel;
 *     public methods of this class hand work to it, so sessions need no locks.</li>
 * <li><b>Active, and passive on request.</b> We connect to each configured peer (port 179). Given a listen
 *     address, {@link BgpListener} also accepts connections from configured peers (and closes any other at
 *     once); a passive peer is only accepted, never connected to, and an unnumbered peer (given by interface) is
 *     whoever connects from a link-local address on that interface. Both sides connecting is a collision,
 *     resolved by BGP Identifier (RFC 4271 section 6.8) in {@link BgpPeerConnection}. Link-local peers are given
 *     with their zone ({@code fe80::1%eth0}); TCP-MD5 uses Linux TCP_MD5SIG through
 *     {@code EpollChannelOption.TCP_MD5SIG}, on the listening socket too.</li>
 * <li><b>What is sent.</b> The caller owns the desired {@link RouteSet} (from {@code xlat routes}, coupled to
 *     data-plane health) and replaces it with {@link #routes}; each session sends only the delta to what its
 *     peer holds. Nothing received is installed: UPDATEs are validated structurally and dropped.</li>
 * <li><b>Shutdown order.</b> {@link #withdrawAll()} first (the fabric moves traffic to other translators),
 *     then the caller stops the data plane, then {@link #stop} sends Cease with an RFC 8203 message.</li>
 * </ul>
 *
 * <h2>Requirements and where they are tested</h2>
 * <ul>
 * <li>RFC 4271 4.1/6.1 framing, header errors: {@code MessageHeaderCodecTest}; 4.2/6.2 OPEN and capabilities
 *     (RFC 5492, 4760, 6793, 8950, 2918, 4724, 9072): {@code OpenMessageCodecTest}.</li>
 * <li>RFC 4271 4.3/6.3 UPDATE and attributes (RFC 1997, 8092, 2545, 6793 AS4_PATH): {@code UpdateMessageCodecTest};
 *     RFC 7606 session reset / treat-as-withdraw / attribute discard: {@code UpdateErrorHandlingTest}.</li>
 * <li>RFC 4271 8 FSM, 4.4/6.5 hold and keepalive timers, 10 jitter, backoff, deltas, route refresh, RFC 8203 stop:
 *     {@code BgpSessionTest}; UPDATE packing within 4096 octets: {@code UpdatePlannerTest}.</li>
 * <li>Netty wiring over loopback: {@code BgpSpeakerTest}; the listening socket (passive peers, strangers closed
 *     unread, RFC 4271 6.8 collisions both ways and against Established, unnumbered matching by scope id):
 *     {@code BgpListenerTest}; passive and accepted sessions in the FSM: {@code BgpSessionTest}.</li>
 * <li>Interop with BIRD 2, FRR and GoBGP, the speaker in its own JVM and namespace ({@code BgpInteropContract}
 *     and its {@code *InteropIT}s): exact RIB with RFC 8950 IPv4 over IPv6, 4-octet AS and MED; withdrawal within
 *     1 s of stop; routes gone on SIGKILL (TCP close) and after the hold time on a hang. BIRD: communities, large
 *     communities, RFC 8203 message. FRR: TCP-MD5 right and wrong key, link-local peering (next hops in RIB and
 *     kernel), TCP-MD5 on link-local, 2-way ECMP of two speakers in the kernel and fail-over to one; FRR's
 *     {@code neighbor eth0 interface} against a passive speaker ({@code FrrUnnumberedIT}).</li>
 * <li>Health coupling and stop order with {@code xlat run} ({@code io.xlat.control.run.BgpControl} and
 *     {@code HealthMonitor}): {@code BgpControlTest}, {@code HealthMonitorTest}; end to end against BIRD (device
 *     down or deleted withdraws within 2 s, SIGTERM withdraws before Cease): {@code XlatRunBgpIT}.</li>
 * </ul>
 */
public final class BgpSpeaker implements AutoCloseable {

    private final EventLoopGroup group;
    private final boolean epoll;
    private final List<BgpPeerConnection> connections = new ArrayList<>();
    private final InetSocketAddress listen;
    private final BgpListener listener;
    private volatile InetSocketAddress listening;
    private volatile RouteSet routes = RouteSet.EMPTY;

    /** Active sessions only: nothing listens. */
    public BgpSpeaker(List<BgpPeer> peers) {
        this(peers, null);
    }

    /**
     * @param listen where to accept connections from the peers (port 0: any free one, for tests), or null to
     *               listen nowhere; passive and unnumbered peers need it
     */
    public BgpSpeaker(List<BgpPeer> peers, InetSocketAddress listen) {
        epoll = Epoll.isAvailable();
        for (final BgpPeer peer : peers) {
            if (peer.password() != null && !epoll) {
                throw new IllegalStateException("TCP-MD5 for " + peer.label() + " needs the epoll transport: "
                    + Epoll.unavailabilityCause());
            }
            if (peer.session().passive() && listen == null) {
                throw new IllegalArgumentException("passive peer " + peer.label() + " needs a listen address");
            }
        }
        this.listen = listen;
        final DefaultThreadFactory threads = new DefaultThreadFactory("xlat-bgp", true);
        group = epoll ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        for (final BgpPeer peer : peers) {
            connections.add(new BgpPeerConnection(peer, group.next(), epoll));
        }
        listener = listen == null ? null : new BgpListener(connections);
    }

    /** Whether the native epoll transport is in use. */
    public boolean usesEpoll() {
        return epoll;
    }

    /**
     * Starts every session (connects, announces {@link #routes} once Established) and binds the listen address;
     * throws IllegalStateException if it cannot be bound.
     */
    public void start() {
        if (listener != null && listening == null) {
            listening = listener.bind(group, epoll, listen);
        }
        for (final BgpPeerConnection c : connections) {
            c.start(routes);
        }
    }

    /** Replaces the desired route set; sessions send the difference. Thread-safe. */
    public void routes(RouteSet desired) {
        routes = desired;
        for (final BgpPeerConnection c : connections) {
            c.routes(desired);
        }
    }

    /** Withdraws everything from every peer and keeps the sessions up; completes once the UPDATEs are written. */
    public CompletableFuture<Void> withdrawAll() {
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final BgpPeerConnection c : connections) {
            all.add(c.withdrawAll());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** Announces the desired set again after {@link #withdrawAll()}. */
    public CompletableFuture<Void> resumeAnnouncing() {
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final BgpPeerConnection c : connections) {
            all.add(c.resumeAnnouncing());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** Withdraws, sends Cease/Administrative Shutdown with {@code message} and closes every session. */
    public CompletableFuture<Void> stop(String message) {
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (final BgpPeerConnection c : connections) {
            all.add(c.stop(message));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** One snapshot per peer, in configuration order. Blocks: never call it from the BGP event loop. */
    public List<BgpPeerStatus> status() {
        final List<BgpPeerStatus> out = new ArrayList<>();
        for (final BgpPeerConnection c : connections) {
            out.add(c.status().join());
        }
        return out;
    }

    /** The bound listen address after {@link #start} (its port when 0 was asked for), or null. */
    public InetSocketAddress listening() {
        return listening;
    }

    /** Connections closed because they came from no configured peer; 0 when not listening. */
    public long rejectedConnections() {
        return listener == null ? 0 : listener.rejected();
    }

    /** Stops listening and the event loop; call {@link #stop} first for a clean Cease. */
    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
