package io.xlat.control.bgp.session;

import io.xlat.control.bgp.wire.BgpMessage;

/**
 * What the session needs from a TCP connection. The Netty implementation reports back through
 * {@link BgpSession#onConnected}, {@link BgpSession#onConnectFailed}, {@link BgpSession#onDisconnected},
 * {@link BgpSession#onMessage} and {@link BgpSession#onProtocolError}, all on one thread.
 */
public interface BgpTransport {

    /** Starts an active TCP open to the peer; the outcome is reported later, never from inside this call. */
    void connect();

    /** Queues a message; the transport flushes when the current event has been handled. */
    void send(BgpMessage message);

    /** Flushes what was queued, then closes; no event for this connection is reported after this call. */
    void close();

    /** The AS_PATH width the decoder must use from now on (RFC 6793). */
    void fourOctetAs(boolean fourOctetAs);
}
