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
 */
final class BgpPeerConnection implements BgpTransport {

    /** How often the session's timers are checked; the shortest timer (keepalive at 1 s for hold 3) needs less. */
    static final long TICK_MILLIS = 100;
    /** A peer that stops reading must not keep a closing socket open for ever. */
    static final long CLOSE_GRACE_MILLIS = 1000;
    /** RFC 4271 gives no DSCP; routing protocols customarily use CS6 (RFC 4594 section 3.1). */
    static final int TOS_CS6 = 0xC0;

    private final BgpPeer peer;
    private final EventLoop loop;
    private final boolean epoll;
    private final BgpSession session;

    private Channel channel;
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
                    ch.pipeline().addLast("decoder", new BgpDecoder(false));
                    ch.pipeline().addLast("encoder", new BgpEncoder());
                    ch.pipeline().addLast("session", new SessionHandler(ch));
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
        // always report on a later turn of the loop: the session is still inside connect() right now
        future.addListener(f -> loop.execute(() -> onConnectDone(future)));
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
            if (owner == channel) {
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
