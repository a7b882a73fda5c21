package io.xlat.control.bgp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xlat.control.bgp.wire.BgpDecoder;
import io.xlat.control.bgp.wire.BgpEncoder;
import io.xlat.control.bgp.wire.BgpMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A blocking, scripted BGP neighbour on a loopback port, for wiring tests without root: it waits for the speaker
 * to connect, or ({@link #connectTo}) connects to the speaker's listening socket itself.
 */
final class FakePeer implements AutoCloseable {

    /** Null for a peer that connected out. */
    private final ServerSocket server;
    private final ByteBuf inbound = Unpooled.buffer();
    private Socket socket;

    FakePeer(InetAddress address) throws IOException {
        server = new ServerSocket(0, 1, address);
        server.setSoTimeout(10_000);
    }

    private FakePeer(Socket socket) throws IOException {
        server = null;
        this.socket = socket;
        socket.setSoTimeout(10_000);
    }

    /** A peer that connects from {@code from} to the speaker listening on {@code speaker}. */
    static FakePeer connectTo(InetSocketAddress speaker, InetAddress from) throws IOException {
        final Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(speaker, 10_000);
        return new FakePeer(s);
    }

    int port() {
        return server.getLocalPort();
    }

    void accept() throws IOException {
        socket = server.accept();
        socket.setSoTimeout(10_000);
    }

    /** Closes the accepted connection (the server socket stays open for the next one). */
    void drop() throws IOException {
        socket.close();
        socket = null;
        inbound.clear();
    }

    void send(BgpMessage message) throws IOException {
        final ByteBuf buf = Unpooled.buffer();
        try {
            BgpEncoder.encode(message, buf);
            sendRaw(io.netty.buffer.ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next message from the speaker; fails after 10 s of silence. */
    BgpMessage receive() throws IOException {
        final InputStream in = socket.getInputStream();
        final byte[] chunk = new byte[4096];
        while (true) {
            final BgpMessage m = BgpDecoder.decodeOne(inbound, true);
            if (m != null) {
                inbound.discardReadBytes();
                return m;
            }
            final int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("speaker closed the connection");
            }
            inbound.writeBytes(chunk, 0, n);
        }
    }

    /** The next message of the given type, skipping others (keepalives). */
    <T extends BgpMessage> T receive(Class<T> type) throws IOException {
        while (true) {
            final BgpMessage m = receive();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    /** True when the speaker closes the connection (EOF) before the timeout, skipping remaining messages. */
    boolean closedBySpeaker() throws IOException {
        try {
            final InputStream in = socket.getInputStream();
            final byte[] chunk = new byte[4096];
            while (in.read(chunk) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset counts as closed
        }
    }

    @Override
    public void close() throws IOException {
        inbound.release();
        if (socket != null) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
