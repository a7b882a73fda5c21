package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.NotificationMessage.MESSAGE_HEADER_ERROR;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames BGP messages out of the TCP stream and checks the header (RFC 4271 section 6.1) before the body arrives,
 * so that a peer cannot make us buffer more than one 4096-octet message. After the first error it throws a
 * {@link BgpProtocolException} (the handler sends the NOTIFICATION and closes) and discards everything after.
 * Not sharable: it holds the per-session AS width and the failed flag.
 */
public final class BgpDecoder extends ByteToMessageDecoder {

    private boolean fourOctetAs;
    private boolean failed;

    /** @param fourOctetAs the AS_PATH width until the session says otherwise (RFC 6793). */
    public BgpDecoder(boolean fourOctetAs) {
        this.fourOctetAs = fourOctetAs;
    }

    /** Set once the OPEN exchange has decided whether both sides speak RFC 6793. */
    public void fourOctetAs(boolean fourOctetAs) {
        this.fourOctetAs = fourOctetAs;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            final BgpMessage message = decodeOne(in, fourOctetAs);
            if (message != null) {
                out.add(message);
            }
        } catch (BgpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * Decodes one message if a whole one is buffered, else returns null and consumes nothing. Throws
     * {@link BgpProtocolException} as soon as the header is known to be bad.
     */
    public static BgpMessage decodeOne(ByteBuf in, boolean fourOctetAs) {
        if (in.readableBytes() < Bgp.HEADER_LENGTH) {
            return null;
        }
        final int start = in.readerIndex();
        // RFC 4271 section 6.1: "If the Marker field of the message header is not as expected, then a
        // synchronization error has occurred and the Error Subcode MUST be set to Connection Not Synchronized."
        if (in.getLong(start) != -1L || in.getLong(start + 8) != -1L) {
            throw new BgpProtocolException(new NotificationMessage(MESSAGE_HEADER_ERROR,
                NotificationMessage.CONNECTION_NOT_SYNCHRONIZED), "bad marker");
        }
        final int length = in.getUnsignedShort(start + Bgp.LENGTH_OFFSET);
        final int type = in.getUnsignedByte(start + Bgp.TYPE_OFFSET);
        checkLength(length, type);
        if (in.readableBytes() < length) {
            return null;
        }
        final ByteBuf body = in.slice(start + Bgp.HEADER_LENGTH, length - Bgp.HEADER_LENGTH);
        in.skipBytes(length);
        return MessageReader.read(type, body, fourOctetAs);
    }

    /**
     * RFC 4271 section 6.1: a Length below 19 or above 4096, or below the type's minimum (OPEN 29, UPDATE 23,
     * NOTIFICATION 21), or a KEEPALIVE other than 19, is Bad Message Length, "the Data field MUST contain the
     * erroneous Length field". RFC 2918 fixes ROUTE-REFRESH at 23 octets; we treat any other length the same way.
     */
    private static void checkLength(int length, int type) {
        final boolean ok;
        switch (type) {
            case Bgp.TYPE_OPEN: ok = length >= Bgp.OPEN_MIN_LENGTH; break;
            case Bgp.TYPE_UPDATE: ok = length >= Bgp.UPDATE_MIN_LENGTH; break;
            case Bgp.TYPE_NOTIFICATION: ok = length >= Bgp.NOTIFICATION_MIN_LENGTH; break;
            case Bgp.TYPE_KEEPALIVE: ok = length == Bgp.KEEPALIVE_LENGTH; break;
            case Bgp.TYPE_ROUTE_REFRESH: ok = length == Bgp.ROUTE_REFRESH_LENGTH; break;
            default: ok = true; break;
        }
        if (length < Bgp.HEADER_LENGTH || length > Bgp.MAX_MESSAGE_LENGTH || !ok) {
            throw new BgpProtocolException(NotificationMessage.withShort(MESSAGE_HEADER_ERROR,
                NotificationMessage.BAD_MESSAGE_LENGTH, length), "length " + length + " for " + Bgp.typeName(type));
        }
        if (type < Bgp.TYPE_OPEN || type > Bgp.TYPE_ROUTE_REFRESH) {
            // RFC 4271 section 6.1: "the Data field MUST contain the erroneous Type field"
            throw new BgpProtocolException(NotificationMessage.withByte(MESSAGE_HEADER_ERROR,
                NotificationMessage.BAD_MESSAGE_TYPE, type), "unknown message type " + type);
        }
    }
}
