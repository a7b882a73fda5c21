package io.xlat.control.bgp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The speaker's listening socket: each accepted connection is matched to a configured peer by its source address
 * and handed to that peer's {@link BgpPeerConnection}, which runs the one session state machine on it. A
 * connection that matches no peer is closed unread: BGP has no anonymous neighbours, and a peer we do not know
 * gets nothing from us, not even an OPEN.
 *
 * <p>Children are accepted with auto-read off, so nothing of a rejected connection is ever read. The speaker's
 * group has one thread: the child's loop is the loop of every {@link BgpPeerConnection}.
 */
final class BgpListener {

    private static final System.Logger LOG = System.getLogger(BgpListener.class.getName());

    /** A scanner or a misconfigured neighbour reconnecting in a loop gets one log line per interval, not one each. */
    static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<BgpPeerConnection> connections;
    private Channel server;
    private long lastRejectLogNanos;
    private boolean rejectLogged;
    private long rejectedSinceLog;
    private volatile long rejected;

    BgpListener(List<BgpPeerConnection> connections) {
        this.connections = List.copyOf(connections);
    }

    /** Binds; throws with the reason (port in use, no permission for 179) so that the caller fails at start. */
    InetSocketAddress bind(EventLoopGroup group, boolean epoll, InetSocketAddress address) {
        final ServerBootstrap bootstrap = new ServerBootstrap().group(group, group)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.IP_TOS, BgpPeerConnection.TOS_CS6)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    onAccepted(ch);
                }
            });
        if (epoll) {
            bootstrap.channel(EpollServerSocketChannel.class);
            final Map<InetAddress, byte[]> keys = md5Keys();
            if (!keys.isEmpty()) {
                // RFC 2385 on the listening socket: Linux checks the peer's first segment against these keys
                bootstrap.option(EpollChannelOption.TCP_MD5SIG, keys);
            }
        } else {
            bootstrap.channel(NioServerSocketChannel.class);
        }
        try {
            server = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException("bgp: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "bgp: listening on {0}", server.localAddress());
        return (InetSocketAddress) server.localAddress();
    }

    /** The TCP-MD5 key of every peer with an address and a password (interface peers have none). */
    private Map<InetAddress, byte[]> md5Keys() {
        final Map<InetAddress, byte[]> keys = new HashMap<>();
        for (final BgpPeerConnection c : connections) {
            final BgpPeer peer = c.peer();
            if (peer.password() == null) {
                continue;
            }
            try {
                keys.put(InetAddress.getByName(peer.address()), peer.password().getBytes(StandardCharsets.UTF_8));
            } catch (UnknownHostException e) {
                LOG.log(Level.WARNING, "bgp: no TCP-MD5 key on the listening socket for {0}: {1}", peer.label(),
                    e.getMessage());
            }
        }
        return keys;
    }

    /** On the loop: the peer whose address matches, else the unnumbered peer of the interface, else closed. */
    private void onAccepted(Channel ch) {
        final InetAddress remote = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        BgpPeerConnection match = null;
        for (final BgpPeerConnection c : connections) {
            if (c.peer().address() != null && c.peer().matches(remote)) {
                match = c;
                break;
            }
        }
        for (int i = 0; match == null && i < connections.size(); i++) {
            if (connections.get(i).peer().interfaceName() != null && connections.get(i).peer().matches(remote)) {
                match = connections.get(i);
            }
        }
        if (match == null) {
            reject(ch);
            return;
        }
        match.pipeline(ch);
        match.accepted(ch);
    }

    private void reject(Channel ch) {
        rejected++;
        rejectedSinceLog++;
        final long now = System.nanoTime();
        if (!rejectLogged || now - lastRejectLogNanos >= REJECT_LOG_INTERVAL_NANOS) {
            LOG.log(Level.WARNING, "bgp: closed a connection from {0}: no configured peer has that address{1}",
                ch.remoteAddress(), rejectedSinceLog == 1 ? "" : " (" + rejectedSinceLog + " rejected since the "
                    + "last such message)");
            rejectLogged = true;
            lastRejectLogNanos = now;
            rejectedSinceLog = 0;
        }
        ch.close();
    }

    /** Connections closed because they matched no peer, since start. Loop thread only. */
    long rejected() {
        return rejected;
    }

    void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
