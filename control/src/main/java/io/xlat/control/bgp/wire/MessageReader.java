package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.NotificationMessage.OPEN_MESSAGE_ERROR;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses message bodies that {@link BgpDecoder} has framed and length-checked. Errors that RFC 4271 section 6
 * answers with a NOTIFICATION are thrown as {@link BgpProtocolException}.
 */
public final class MessageReader {

    private MessageReader() {
    }

    /**
     * Parses one body (the octets after the header).
     *
     * @param fourOctetAs whether the session negotiated RFC 6793 4-octet AS numbers (AS_PATH width)
     */
    public static BgpMessage read(int type, ByteBuf body, boolean fourOctetAs) {
        switch (type) {
            case Bgp.TYPE_OPEN:
                return readOpen(body);
            case Bgp.TYPE_UPDATE:
                return UpdateReader.read(body, fourOctetAs);
            case Bgp.TYPE_NOTIFICATION:
                return new NotificationMessage(body.readUnsignedByte(), body.readUnsignedByte(),
                    ByteBufUtil.getBytes(body));
            case Bgp.TYPE_KEEPALIVE:
                return KeepaliveMessage.INSTANCE;
            case Bgp.TYPE_ROUTE_REFRESH: {
                final int afi = body.readUnsignedShort();
                body.skipBytes(1); // reserved
                return new RouteRefreshMessage(afi, body.readUnsignedByte());
            }
            default:
                throw new IllegalArgumentException("type " + type + " should have been rejected by the framer");
        }
    }

    static BgpProtocolException openError(int subcode, String reason) {
        return new BgpProtocolException(new NotificationMessage(OPEN_MESSAGE_ERROR, subcode), reason);
    }

    private static OpenMessage readOpen(ByteBuf body) {
        final int version = body.readUnsignedByte();
        if (version != Bgp.VERSION) {
            // RFC 4271 section 6.2: the Data field "indicates the largest, locally-supported version number
            // less than the version the remote BGP peer bid"
            throw new BgpProtocolException(NotificationMessage.withShort(OPEN_MESSAGE_ERROR,
                NotificationMessage.UNSUPPORTED_VERSION_NUMBER, Bgp.VERSION), "OPEN version " + version);
        }
        final int myAs = body.readUnsignedShort();
        final int holdTime = body.readUnsignedShort();
        // RFC 4271 section 6.2: "An implementation MUST reject Hold Time values of one or two seconds."
        if (holdTime == 1 || holdTime == 2) {
            throw openError(NotificationMessage.UNACCEPTABLE_HOLD_TIME, "OPEN hold time " + holdTime);
        }
        final int bgpIdentifier = body.readInt();
        // RFC 6286 section 2.1: the BGP Identifier is "a 4-octet, unsigned, non-zero integer"
        if (bgpIdentifier == 0) {
            throw openError(NotificationMessage.BAD_BGP_IDENTIFIER, "OPEN BGP Identifier 0");
        }
        int parametersLength = body.readUnsignedByte();
        boolean extended = false;
        // RFC 9072 section 2: a Non-Ext OP Len of 255 followed by Non-Ext OP Type 255 means 2-octet lengths
        if (parametersLength == 0xFF && body.isReadable() && body.getUnsignedByte(body.readerIndex()) == 0xFF) {
            body.skipBytes(1);
            if (body.readableBytes() < 2) {
                throw openError(NotificationMessage.UNSPECIFIC, "truncated RFC 9072 parameters length");
            }
            parametersLength = body.readUnsignedShort();
            extended = true;
        }
        if (parametersLength != body.readableBytes()) {
            throw openError(NotificationMessage.UNSPECIFIC, "Optional Parameters Length " + parametersLength
                + " but " + body.readableBytes() + " octets follow");
        }
        final List<Capability> capabilities = new ArrayList<>();
        while (body.isReadable()) {
            final int headerLength = extended ? 3 : 2;
            if (body.readableBytes() < headerLength) {
                throw openError(NotificationMessage.UNSPECIFIC, "truncated optional parameter");
            }
            final int parameterType = body.readUnsignedByte();
            final int length = extended ? body.readUnsignedShort() : body.readUnsignedByte();
            if (length > body.readableBytes()) {
                throw openError(NotificationMessage.UNSPECIFIC, "optional parameter overruns the OPEN");
            }
            final ByteBuf value = body.readSlice(length);
            if (parameterType != MessageWriter.PARAMETER_CAPABILITIES) {
                // RFC 4271 section 6.2: "If one of the Optional Parameters in the OPEN message is not
                // recognized, then the Error Subcode MUST be set to Unsupported Optional Parameters."
                throw openError(NotificationMessage.UNSUPPORTED_OPTIONAL_PARAMETER,
                    "optional parameter type " + parameterType);
            }
            readCapabilities(value, capabilities);
        }
        return new OpenMessage(version, myAs, holdTime, bgpIdentifier, capabilities);
    }

    private static void readCapabilities(ByteBuf value, List<Capability> out) {
        while (value.isReadable()) {
            if (value.readableBytes() < 2) {
                throw openError(NotificationMessage.UNSPECIFIC, "truncated capability");
            }
            final int code = value.readUnsignedByte();
            final int length = value.readUnsignedByte();
            if (length > value.readableBytes()) {
                throw openError(NotificationMessage.UNSPECIFIC, "capability " + code + " overruns its parameter");
            }
            out.add(readCapability(code, value.readSlice(length)));
        }
    }

    /**
     * RFC 4271 section 6.2: "If one of the Optional Parameters in the OPEN message is recognized, but is
     * malformed, then the Error Subcode MUST be set to 0 (Unspecific)." We read that as covering a known
     * capability with an impossible length.
     */
    private static Capability readCapability(int code, ByteBuf v) {
        final int length = v.readableBytes();
        switch (code) {
            case Capability.MULTIPROTOCOL:
                requireCapabilityLength(code, length == 4);
                final int afi = v.readUnsignedShort();
                v.skipBytes(1); // reserved
                return new Capability.Multiprotocol(afi, v.readUnsignedByte());
            case Capability.ROUTE_REFRESH:
                requireCapabilityLength(code, length == 0);
                return new Capability.RouteRefresh();
            case Capability.FOUR_OCTET_AS:
                requireCapabilityLength(code, length == 4);
                return new Capability.FourOctetAs(v.readUnsignedInt());
            case Capability.EXTENDED_NEXT_HOP: {
                requireCapabilityLength(code, length % 6 == 0);
                final List<Capability.ExtendedNextHop.Entry> entries = new ArrayList<>();
                while (v.isReadable()) {
                    entries.add(new Capability.ExtendedNextHop.Entry(v.readUnsignedShort(), v.readUnsignedShort(),
                        v.readUnsignedShort()));
                }
                return new Capability.ExtendedNextHop(entries);
            }
            case Capability.GRACEFUL_RESTART: {
                requireCapabilityLength(code, length >= 2 && (length - 2) % 4 == 0);
                final int flagsAndTime = v.readUnsignedShort();
                final List<Capability.GracefulRestart.Family> families = new ArrayList<>();
                while (v.isReadable()) {
                    families.add(new Capability.GracefulRestart.Family(v.readUnsignedShort(), v.readUnsignedByte(),
                        (v.readUnsignedByte() & 0x80) != 0));
                }
                return new Capability.GracefulRestart((flagsAndTime & 0x8000) != 0, (flagsAndTime & 0x4000) != 0,
                    flagsAndTime & 0xFFF, families);
            }
            default:
                return new Capability.Unknown(code, ByteBufUtil.getBytes(v));
        }
    }

    private static void requireCapabilityLength(int code, boolean ok) {
        if (!ok) {
            throw openError(NotificationMessage.UNSPECIFIC, "capability " + code + " has a malformed length");
        }
    }
}
