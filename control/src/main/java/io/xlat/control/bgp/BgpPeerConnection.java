package io.xlat.control.bgp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.xlat.control.bgp.session.BgpSession;
import io.xlat.control.bgp.session.BgpTransport;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.wire.BgpDecoder;
import io.xlat.control.bgp.wire.BgpEncoder;
import io.xlat.control.bgp.wire.BgpMessage;
import io.xlat.control.bgp.wire.BgpProtocolException;
import io.xlat.control.bgp.wire.NotificationMessage;
import io.xlat.control.bgp.wire.OpenMessage;
import io.xlat.control.bgp.session.SessionState;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The {@link BgpTransport} of one peer: one TCP connection at a time on one event loop, which is also the only
 * thread that touches the {@link BgpSession}. Events from a channel the session has already given up are
 * dropped, so the session never hears about a connection it closed.
 *
 * <p>The connection is one we opened ({@link #connect}) or one {@link BgpListener} accepted ({@link #accepted}).
 * A connection accepted while the session already has one in OpenSent or OpenConfirm is a collision (RFC 4271
 * section 6.8): it is held as the candidate, unread by the session, until its OPEN names the peer's BGP
 * Identifier, and then one of the two is closed with Cease / Connection Collision Resolution (RFC 4486).
 */
final class BgpPeerConnection implements BgpTransport {

    private static final System.Logger LOG = System.getLogger(BgpPeerConnection.class.getName());

    /** How often the session's timers are checked; the shortest timer (keepalive at 1 s for hold 3) needs less. */
    static final long TICK_MILLIS = 100;
    /** A peer that stops reading must not keep a closing socket open for ever. */
    static final long CLOSE_GRACE_MILLIS = 1000;
    /** RFC 4271 gives no DSCP; routing protocols customarily use CS6 (RFC 4594 section 3.1). */
    static final int TOS_CS6 = 0xC0;
    /**
     * How long a colliding connection may take to send its OPEN. A peer sends it as soon as TCP is up; the wait
     * only bounds what a silent one costs (a socket), since the existing connection carries on meanwhile.
     */
    static final long CANDIDATE_OPEN_MILLIS = 30_000;

    private final BgpPeer peer;
    private final EventLoop loop;
    private final boolean epoll;
    private final BgpSession session;

    private Channel channel;
    /** Whether {@link #channel} is one the peer opened (for collision resolution). */
    private boolean inbound;
    /** A second connection from the peer during OpenSent or OpenConfirm, waiting for its OPEN; or null. */
    private Channel candidate;
    private ScheduledFuture<?> candidateTimeout;
    private boolean wrote;
    private ScheduledFuture<?> tick;

    BgpPeerConnection(BgpPeer peer, EventLoop loop, boolean epoll) {
        this.peer = peer;
        this.loop = loop;
        this.epoll = epoll;
        this.session = new BgpSession(peer.session(), SystemNanoClock.INSTANCE, this, new SecureRandom());
    }

    BgpPeer peer() {
        return peer;
    }

    // ------------------------------------------------------------------------------------------ speaker side

    void start(RouteSet routes) {
        loop.execute(() -> {
            session.routes(routes);
            session.start();
            if (tick == null) {
                tick = loop.scheduleAtFixedRate(this::onTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
            flush();
        });
    }

    void routes(RouteSet routes) {
        loop.execute(() -> {
            session.routes(routes);
            flush();
        });
    }

    /** Withdraws everything; completes when the withdrawals have been handed to the kernel. */
    CompletableFuture<Void> withdrawAll() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            session.withdrawAll();
            flushThen(done);
        });
        return done;
    }

    CompletableFuture<Void> resumeAnnouncing() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            session.resumeAnnouncing();
            flushThen(done);
        });
        return done;
    }

    /** Withdraw, Cease, close; completes when the socket is closed. */
    CompletableFuture<Void> stop(String shutdownCommunication) {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (tick != null) {
                tick.cancel(false);
                tick = null;
            }
            final Channel open = channel;
            dropCandidate();
            session.stop(shutdownCommunication);
            if (open == null) {
                done.complete(null);
            } else {
                open.closeFuture().addListener(f -> done.complete(null));
            }
        });
        return done;
    }

    CompletableFuture<BgpPeerStatus> status() {
        final CompletableFuture<BgpPeerStatus> out = new CompletableFuture<>();
        loop.execute(() -> out.complete(new BgpPeerStatus(session.config().name(), session.state(),
            session.uptimeNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(session.uptimeNanos()),
            session.messagesIn(), session.messagesOut(), session.advertised().size(), session.unsendable().size(),
            session.malformedUpdatesIn(), session.lastError())));
        return out;
    }

    private void onTick() {
        session.onTimer();
        flush();
    }

    private void flush() {
        if (wrote && channel != null) {
            channel.flush();
        }
        wrote = false;
    }

    private void flushThen(CompletableFuture<Void> done) {
        wrote = false;
        if (channel == null) {
            done.complete(null);
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> done.complete(null));
    }

    // ------------------------------------------------------------------------------------------ BgpTransport

    @Override
    public void connect() {
        final InetSocketAddress remote;
        try {
            // a literal never triggers DNS; "fe80::1%eth0" resolves the zone to the interface's scope id
            remote = new InetSocketAddress(InetAddress.getByName(peer.address()), peer.port());
        } catch (UnknownHostException e) {
            loop.execute(() -> {
                session.onConnectFailed("cannot resolve " + peer.address() + ": " + e.getMessage());
                flush();
            });
            return;
        }
        final Bootstrap bootstrap = new Bootstrap().group(loop)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) TimeUnit.NANOSECONDS.toMillis(peer.session().connectTimeoutNanos()))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.IP_TOS, TOS_CS6)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    pipeline(ch);
                }
            });
        final InternetProtocolFamily family = remote.getAddress() instanceof Inet4Address
            ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        if (epoll) {
            bootstrap.channelFactory(() -> new EpollSocketChannel(family));
            if (peer.password() != null) {
                // RFC 2385 via Linux TCP_MD5SIG, keyed by the peer address (its scope id travels with it)
                bootstrap.option(EpollChannelOption.TCP_MD5SIG,
                    Map.of(remote.getAddress(), peer.password().getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            bootstrap.channel(NioSocketChannel.class);
        }
        final ChannelFuture future = peer.localAddress() == null ? bootstrap.connect(remote)
            : bootstrap.connect(remote, new InetSocketAddress(peer.localAddress(), 0));
        channel = future.channel();
        inbound = false;
        // always report on a later turn of the loop: the session is still inside connect() right now
        future.addListener(f -> loop.execute(() -> onConnectDone(future)));
    }

    /** The codec and the session handler; the same for connections we open and connections we accept. */
    void pipeline(Channel ch) {
        ch.pipeline().addLast("decoder", new BgpDecoder(false));
        ch.pipeline().addLast("encoder", new BgpEncoder());
        ch.pipeline().addLast("session", new SessionHandler(ch));
    }

    // ------------------------------------------------------------------------------------------ accepted connections

    /**
     * A connection from this peer, already given its {@link #pipeline} and not yet read from (auto-read off):
     * the session takes it if it has none open, else it is a collision or, in Established, closed at once.
     * Runs on the loop.
     */
    void accepted(Channel ch) {
        final SessionState state = session.state();
        if (state == SessionState.OPEN_SENT || state == SessionState.OPEN_CONFIRM) {
            LOG.log(Level.INFO, "{0}: connection from the peer while in {1}: a collision, resolved when its OPEN "
                + "arrives (RFC 4271 section 6.8)", session.config().name(), state);
            dropCandidate(); // a newer one supersedes it: the peer has given the older one up
            candidate = ch;
            candidateTimeout = loop.schedule(() -> {
                if (candidate == ch) {
                    LOG.log(Level.WARNING, "{0}: colliding connection sent no OPEN within {1} ms; closed",
                        session.config().name(), CANDIDATE_OPEN_MILLIS);
                    dropCandidate();
                }
            }, CANDIDATE_OPEN_MILLIS, TimeUnit.MILLISECONDS);
            ch.config().setAutoRead(true);
            return;
        }
        if (state == SessionState.ESTABLISHED) {
            // RFC 4271 section 6.8: "a connection collision with an existing BGP connection that is in the
            // Established state causes closing of the newly created connection"
            LOG.log(Level.INFO, "{0}: connection from the peer while Established: closed (RFC 4271 section 6.8)",
                session.config().name());
            closeColliding(ch);
            return;
        }
        adopt(ch, null);
    }

    /** Hands {@code ch} to the session as its connection; then the OPEN already read on it, if any. */
    private void adopt(Channel ch, OpenMessage open) {
        final Channel attempt = channel;
        channel = ch;
        inbound = true;
        if (!session.onAccepted(((InetSocketAddress) ch.localAddress()).getAddress())) {
            channel = attempt;
            LOG.log(Level.INFO, "{0}: connection from the peer refused: the session is stopped",
                session.config().name());
            ch.close();
            return;
        }
        if (attempt != null) {
            attempt.close(); // our own TCP open still in progress; onConnectDone ignores it now
        }
        LOG.log(Level.INFO, "{0}: accepted the connection from {1}", session.config().name(), ch.remoteAddress());
        ch.config().setAutoRead(true);
        if (open != null) {
            session.onMessage(open);
        }
        flush();
    }

    /**
     * RFC 4271 section 6.8 when the candidate's OPEN arrives: "If the value of the local BGP Identifier is less
     * than the remote one, the local system closes the BGP connection that already exists [...] and accepts the
     * BGP connection initiated by the remote system. Otherwise, the local system closes the newly created BGP
     * connection". When the existing connection was opened by the peer as well, the rule cannot tell them apart;
     * the newer one wins, since the peer evidently gave the older up.
     */
    private void onCandidateOpen(Channel ch, OpenMessage open) {
        final SessionState state = session.state();
        if (state == SessionState.ESTABLISHED) {
            closeColliding(ch);
            return;
        }
        if (state != SessionState.OPEN_SENT && state != SessionState.OPEN_CONFIRM) {
            adopt(ch, open); // the existing connection is gone meanwhile: no collision left
            return;
        }
        final boolean newWins = inbound || Integer.compareUnsigned(session.config().routerId(),
            open.bgpIdentifier()) < 0;
        LOG.log(Level.INFO, "{0}: collision resolved (RFC 4271 section 6.8): keeping the {1} connection",
            session.config().name(), newWins ? "peer's new" : "existing");
        if (newWins) {
            session.onCollisionLost(); // Cease on the existing connection, close it, Active
            adopt(ch, open);
        } else {
            closeColliding(ch);
        }
    }

    private void dropCandidate() {
        if (candidateTimeout != null) {
            candidateTimeout.cancel(false);
            candidateTimeout = null;
        }
        if (candidate != null) {
            candidate.close();
            candidate = null;
        }
    }

    /** Cease / Connection Collision Resolution (RFC 4486 subcode 7) on a connection the session never used. */
    private static void closeColliding(Channel ch) {
        ch.writeAndFlush(new NotificationMessage(NotificationMessage.CEASE,
            NotificationMessage.CEASE_CONNECTION_COLLISION)).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void onConnectDone(ChannelFuture future) {
        if (future.channel() != channel) {
            future.channel().close();
            return;
        }
        if (future.isSuccess()) {
            session.onConnected(((InetSocketAddress) channel.localAddress()).getAddress());
        } else {
            channel = null;
            session.onConnectFailed(String.valueOf(future.cause()));
        }
        flush();
    }

    @Override
    public void send(BgpMessage message) {
        if (channel != null) {
            channel.write(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            wrote = true;
        }
    }

    @Override
    public void close() {
        final Channel closing = channel;
        channel = null;
        wrote = false;
        if (closing == null) {
            return;
        }
        // flush first: a NOTIFICATION queued just before close() must reach the peer
        closing.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        closing.eventLoop().schedule(() -> closing.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void fourOctetAs(boolean fourOctetAs) {
        if (channel != null) {
            channel.pipeline().get(BgpDecoder.class).fourOctetAs(fourOctetAs);
        }
    }

    /** Forwards a channel's events to the session while that channel is the current one. */
    private final class SessionHandler extends SimpleChannelInboundHandler<BgpMessage> {
        private final Channel owner;

        SessionHandler(Channel owner) {
            this.owner = owner;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BgpMessage message) {
            if (owner == channel) {
                session.onMessage(message);
                flush();
            } else if (owner == candidate) {
                candidate = null;
                candidateTimeout.cancel(false);
                candidateTimeout = null;
                if (message instanceof OpenMessage open) {
                    onCandidateOpen(owner, open);
                } else {
                    // RFC 4271 section 8.2.2: the peer must send OPEN first; this connection never joined the session
                    closeColliding(owner);
                }
            }
        }

        /*
         * Closes and errors are handed to the session on a later turn of the loop, never from inside a call into
         * it: a write to a peer that has just closed fails inside session.send(), and the session must finish
         * the step it is in (OPEN sent, state OpenSent) before it hears that the connection is gone.
         */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            loop.execute(this::onInactive);
        }

        private void onInactive() {
            if (owner == candidate) {
                dropCandidate();
            } else if (owner == channel) {
                channel = null;
                session.onDisconnected("connection closed by peer");
                flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            loop.execute(() -> onException(cause));
        }

        private void onException(Throwable cause) {
            if (owner == candidate) {
                dropCandidate();
                return;
            }
            if (owner != channel) {
                return;
            }
            if (cause instanceof BgpProtocolException protocolError) {
                session.onProtocolError(protocolError); // sends the NOTIFICATION and calls close()
                flush();
            } else {
                channel = null;
                owner.close();
                session.onDisconnected(String.valueOf(cause));
                flush();
            }
        }
    }
}
