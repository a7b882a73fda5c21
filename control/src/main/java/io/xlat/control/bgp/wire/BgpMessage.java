package io.xlat.control.bgp.wire;

/** A decoded or to-be-encoded BGP message (RFC 4271 section 4). Implementations are immutable. */
public sealed interface BgpMessage
    permits OpenMessage, UpdateMessage, NotificationMessage, KeepaliveMessage, RouteRefreshMessage,
    MalformedUpdateMessage {

    /** The message type octet of the header. */
    int type();
}
