package io.xlat.control.bgp.wire;

import io.netty.handler.codec.DecoderException;

/**
 * A received message that RFC 4271 section 6 answers with a NOTIFICATION and a closed connection ("session
 * reset" in RFC 7606 terms). Extends DecoderException so that Netty's ByteToMessageDecoder passes it through
 * unwrapped to {@code exceptionCaught}.
 */
public final class BgpProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final transient NotificationMessage notification;

    public BgpProtocolException(NotificationMessage notification, String reason) {
        super(reason + " -> " + notification.describe());
        this.notification = notification;
    }

    /** The NOTIFICATION to send before closing. */
    public NotificationMessage notification() {
        return notification;
    }
}
