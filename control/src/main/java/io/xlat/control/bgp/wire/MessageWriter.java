package io.xlat.control.bgp.wire;

import io.netty.buffer.ByteBuf;

/** Writes message bodies (everything after the 19-octet header) in wire order. */
final class MessageWriter {

    /** RFC 5492 section 4: Optional Parameter type 2 carries capabilities. */
    static final int PARAMETER_CAPABILITIES = 2;

    private MessageWriter() {
    }

    static void writeBody(BgpMessage message, ByteBuf out) {
        if (message instanceof OpenMessage open) {
            writeOpen(open, out);
        } else if (message instanceof UpdateMessage update) {
            writeUpdate(update, out);
        } else if (message instanceof NotificationMessage notification) {
            out.writeByte(notification.code());
            out.writeByte(notification.subcode());
            out.writeBytes(notification.dataUnsafe());
        } else if (message instanceof RouteRefreshMessage refresh) {
            out.writeShort(refresh.afi());
            out.writeByte(0); // reserved (RFC 7313 Message Subtype 0: normal route refresh)
            out.writeByte(refresh.safi());
        } else if (message instanceof KeepaliveMessage) {
            return; // header only
        } else {
            throw new IllegalArgumentException("cannot encode " + message);
        }
    }

    private static void writeOpen(OpenMessage open, ByteBuf out) {
        out.writeByte(open.version());
        out.writeShort(open.myAs());
        out.writeShort(open.holdTime());
        out.writeInt(open.bgpIdentifier());
        final int capabilities = open.capabilitiesLength();
        if (open.capabilities().isEmpty()) {
            out.writeByte(0); // Optional Parameters Length
            return;
        }
        if (capabilities + 2 > 0xFF) {
            // RFC 9072 extended parameters would be needed; our capability set is far smaller than this
            throw new IllegalArgumentException("capabilities do not fit one optional parameter: " + capabilities);
        }
        out.writeByte(capabilities + 2); // Optional Parameters Length
        out.writeByte(PARAMETER_CAPABILITIES);
        out.writeByte(capabilities);
        for (final Capability c : open.capabilities()) {
            out.writeByte(c.code());
            out.writeByte(c.valueLength());
            c.writeValue(out);
        }
    }

    private static void writeUpdate(UpdateMessage update, ByteBuf out) {
        out.writeShort(UpdateMessage.prefixesLength(update.withdrawn()));
        for (final IpPrefix p : update.withdrawn()) {
            p.write(out);
        }
        out.writeShort(update.attributesLength());
        for (final PathAttribute a : update.attributes()) {
            writeAttribute(a, out);
        }
        for (final IpPrefix p : update.nlri()) {
            p.write(out);
        }
    }

    static void writeAttribute(PathAttribute attribute, ByteBuf out) {
        final int length = attribute.valueLength();
        if (length > 0xFF) {
            out.writeByte(attribute.flags() | PathAttribute.FLAG_EXTENDED_LENGTH);
            out.writeByte(attribute.typeCode());
            out.writeShort(length);
        } else {
            out.writeByte(attribute.flags());
            out.writeByte(attribute.typeCode());
            out.writeByte(length);
        }
        final int start = out.writerIndex();
        attribute.writeValue(out);
        if (out.writerIndex() - start != length) {
            throw new IllegalStateException("attribute " + attribute.typeCode() + " wrote "
                + (out.writerIndex() - start) + " octets, declared " + length);
        }
    }
}
