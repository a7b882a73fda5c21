package io.xlat.control.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Frames a {@link BgpMessage}: marker, length, type, body (RFC 4271 section 4.1). A message over 4096 octets is
 * a bug in whoever built it (the session splits UPDATEs to fit), so it fails the write instead of being sent.
 */
@Sharable
public final class BgpEncoder extends MessageToByteEncoder<BgpMessage> {

    public BgpEncoder() {
        super(BgpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BgpMessage message, ByteBuf out) {
        encode(message, out);
    }

    /** Appends one framed message to {@code out}. */
    public static void encode(BgpMessage message, ByteBuf out) {
        if (message instanceof MalformedUpdateMessage) {
            throw new EncoderException("a MalformedUpdateMessage is a receive-side verdict, not a message");
        }
        final int start = out.writerIndex();
        for (int i = 0; i < Bgp.MARKER_LENGTH; i++) {
            out.writeByte(0xFF);
        }
        out.writeShort(0); // length, filled in below
        out.writeByte(message.type());
        MessageWriter.writeBody(message, out);
        final int length = out.writerIndex() - start;
        if (length > Bgp.MAX_MESSAGE_LENGTH) {
            out.writerIndex(start);
            throw new EncoderException(Bgp.typeName(message.type()) + " of " + length + " octets exceeds 4096");
        }
        out.setShort(start + Bgp.LENGTH_OFFSET, length);
    }
}
