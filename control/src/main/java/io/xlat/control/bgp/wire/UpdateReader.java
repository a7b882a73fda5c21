package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.NotificationMessage.ATTRIBUTE_FLAGS_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.ATTRIBUTE_LENGTH_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.INVALID_NETWORK_FIELD;
import static io.xlat.control.bgp.wire.NotificationMessage.MALFORMED_ATTRIBUTE_LIST;
import static io.xlat.control.bgp.wire.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.UPDATE_MESSAGE_ERROR;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a received UPDATE (RFC 4271 section 4.3) and classifies every error by RFC 7606: "session reset" errors
 * throw {@link BgpProtocolException}; "treat-as-withdraw" errors yield a {@link MalformedUpdateMessage};
 * "attribute discard" errors drop the attribute. We install no received routes, so treat-as-withdraw and
 * attribute discard differ from a clean UPDATE only in counters: what matters is that the session survives.
 */
final class UpdateReader {

    private int withdrawSubcode = -1;
    private String withdrawReason;

    private UpdateReader() {
    }

    static BgpMessage read(ByteBuf body, boolean fourOctetAs) {
        return new UpdateReader().readUpdate(body, fourOctetAs);
    }

    private static BgpProtocolException sessionReset(int subcode, String reason) {
        return new BgpProtocolException(new NotificationMessage(UPDATE_MESSAGE_ERROR, subcode), reason);
    }

    private void treatAsWithdraw(int subcode, String reason) {
        if (withdrawReason == null) {
            withdrawSubcode = subcode;
            withdrawReason = reason;
        }
    }

    private BgpMessage readUpdate(ByteBuf body, boolean fourOctetAs) {
        final int end = body.writerIndex();
        final int withdrawnLength = body.readUnsignedShort();
        // RFC 7606 section 4: "If the Withdrawn Routes Length or Total Attribute Length is too large ..., then
        // the Error Subcode MUST be set to Malformed Attribute List" -- one of the few session resets left
        if (body.readerIndex() + withdrawnLength + 2 > end) {
            throw sessionReset(MALFORMED_ATTRIBUTE_LIST, "Withdrawn Routes Length " + withdrawnLength
                + " overruns the UPDATE");
        }
        final List<IpPrefix> withdrawn = readPrefixes(body, body.readerIndex() + withdrawnLength, Bgp.AFI_IPV4);
        if (withdrawn == null) {
            throw sessionReset(INVALID_NETWORK_FIELD, "malformed Withdrawn Routes");
        }
        final int attributesLength = body.readUnsignedShort();
        final int attributesEnd = body.readerIndex() + attributesLength;
        if (attributesEnd > end) {
            throw sessionReset(MALFORMED_ATTRIBUTE_LIST, "Total Path Attribute Length " + attributesLength
                + " overruns the UPDATE");
        }
        final List<PathAttribute> attributes = readAttributes(body, attributesEnd, fourOctetAs);
        // RFC 7606 section 4: "the Total Attribute Length MUST be relied upon to enable the beginning of the
        // NLRI field to be located"
        body.readerIndex(attributesEnd);
        final List<IpPrefix> nlri = readPrefixes(body, end, Bgp.AFI_IPV4);
        if (nlri == null) {
            // RFC 7606 section 5.3: syntactically incorrect NLRI "SHOULD result in the "session reset""
            throw sessionReset(INVALID_NETWORK_FIELD, "malformed NLRI");
        }
        if (withdrawReason == null) {
            checkMandatory(attributes, !nlri.isEmpty());
        }
        if (withdrawReason != null) {
            return new MalformedUpdateMessage(withdrawSubcode, withdrawReason);
        }
        return new UpdateMessage(withdrawn, attributes, nlri);
    }

    /** Reads prefixes up to {@code limit}; null when one is syntactically incorrect (RFC 7606 section 5.3). */
    static List<IpPrefix> readPrefixes(ByteBuf in, int limit, int afi) {
        final List<IpPrefix> prefixes = new ArrayList<>();
        while (in.readerIndex() < limit) {
            final IpPrefix p = IpPrefix.read(in, limit, afi);
            if (p == null) {
                return null;
            }
            prefixes.add(p);
        }
        return prefixes;
    }

    private List<PathAttribute> readAttributes(ByteBuf body, int attributesEnd, boolean fourOctetAs) {
        final List<PathAttribute> attributes = new ArrayList<>();
        final boolean[] seen = new boolean[256];
        while (body.readerIndex() < attributesEnd) {
            final int remaining = attributesEnd - body.readerIndex();
            final int attributeStart = body.readerIndex();
            // RFC 7606 section 4: fewer than three octets remain (four with Extended Length), or the attribute's
            // length overruns the Total Attribute Length: "the "treat-as-withdraw" approach MUST be used"
            if (remaining < 3) {
                treatAsWithdraw(MALFORMED_ATTRIBUTE_LIST, "truncated attribute header");
                break;
            }
            final int flags = body.readUnsignedByte();
            final int type = body.readUnsignedByte();
            final boolean extended = (flags & PathAttribute.FLAG_EXTENDED_LENGTH) != 0;
            if (extended && remaining < 4) {
                treatAsWithdraw(MALFORMED_ATTRIBUTE_LIST, "truncated attribute header");
                break;
            }
            final int length = extended ? body.readUnsignedShort() : body.readUnsignedByte();
            if (length > attributesEnd - body.readerIndex()) {
                treatAsWithdraw(ATTRIBUTE_LENGTH_ERROR, "attribute " + type + " overruns the attribute list");
                break;
            }
            final ByteBuf value = body.readSlice(length);
            if (seen[type]) {
                // RFC 7606 section 3 g: a repeated MP_REACH_NLRI or MP_UNREACH_NLRI is "Malformed Attribute
                // List"; any other repeat: "all the occurrences of the attribute other than the first one
                // SHALL be discarded"
                if (type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI) {
                    throw sessionReset(MALFORMED_ATTRIBUTE_LIST, "attribute " + type + " appears twice");
                }
                continue;
            }
            seen[type] = true;
            final PathAttribute attribute = readAttribute(flags, type, value, fourOctetAs, body, attributeStart);
            if (attribute != null) {
                attributes.add(attribute);
            }
        }
        return attributes;
    }

    /** The Optional and Transitive bits RFC 4271 section 5 and the attributes' RFCs fix; -1 for unknown types. */
    static int expectedFlags(int type) {
        switch (type) {
            case PathAttribute.ORIGIN:
            case PathAttribute.AS_PATH:
            case PathAttribute.NEXT_HOP:
            case PathAttribute.LOCAL_PREF:
            case PathAttribute.ATOMIC_AGGREGATE:
                return PathAttribute.WELL_KNOWN;
            case PathAttribute.MULTI_EXIT_DISC:
            case PathAttribute.MP_REACH_NLRI:
            case PathAttribute.MP_UNREACH_NLRI:
                return PathAttribute.OPTIONAL_NON_TRANSITIVE;
            case PathAttribute.AGGREGATOR:
            case PathAttribute.COMMUNITIES:
            case PathAttribute.AS4_PATH:
            case PathAttribute.AS4_AGGREGATOR:
            case PathAttribute.LARGE_COMMUNITIES:
                return PathAttribute.OPTIONAL_TRANSITIVE;
            default:
                return -1;
        }
    }

    private PathAttribute readAttribute(int flags, int type, ByteBuf v, boolean fourOctetAs, ByteBuf body,
        int attributeStart) {
        final int expected = expectedFlags(type);
        if (expected < 0) {
            if ((flags & PathAttribute.FLAG_OPTIONAL) == 0) {
                // RFC 4271 section 6.3: "If any of the well-known mandatory attributes are not recognized, then
                // the Error Subcode MUST be set to Unrecognized Well-known Attribute. The Data field MUST
                // contain the unrecognized attribute (type, length, and value)." RFC 7606 leaves this as is.
                final byte[] data = ByteBufUtil.getBytes(body, attributeStart, body.readerIndex() - attributeStart);
                throw new BgpProtocolException(new NotificationMessage(UPDATE_MESSAGE_ERROR,
                    NotificationMessage.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, data), "unknown well-known attribute " + type);
            }
            return new PathAttribute.UnknownAttribute(flags, type, ByteBufUtil.getBytes(v));
        }
        // RFC 7606 section 3 c: Optional/Transitive bits in conflict with the type: "the attribute MUST be
        // treated as malformed and the "treat-as-withdraw" approach used"
        if ((flags & (PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE)) != expected) {
            treatAsWithdraw(ATTRIBUTE_FLAGS_ERROR, "attribute " + type + " flags 0x" + Integer.toHexString(flags));
            return null;
        }
        final int length = v.readableBytes();
        switch (type) {
            case PathAttribute.ORIGIN: {
                // RFC 7606 section 7.1: wrong length or undefined value: treat-as-withdraw
                if (length != 1) {
                    treatAsWithdraw(ATTRIBUTE_LENGTH_ERROR, "ORIGIN length " + length);
                    return null;
                }
                final PathAttribute.Origin origin = PathAttribute.Origin.of(v.readUnsignedByte());
                if (origin == null) {
                    treatAsWithdraw(NotificationMessage.INVALID_ORIGIN_ATTRIBUTE, "undefined ORIGIN");
                    return null;
                }
                return new PathAttribute.OriginAttribute(origin);
            }
            case PathAttribute.AS_PATH: {
                final List<PathAttribute.Segment> segments = readSegments(v, fourOctetAs ? 4 : 2);
                if (segments == null) {
                    // RFC 7606 section 7.2: "An UPDATE message with a malformed AS_PATH attribute SHALL be
                    // handled using the approach of "treat-as-withdraw"."
                    treatAsWithdraw(NotificationMessage.MALFORMED_AS_PATH, "malformed AS_PATH");
                    return null;
                }
                return new PathAttribute.AsPathAttribute(segments, fourOctetAs);
            }
            case PathAttribute.NEXT_HOP:
                // RFC 7606 section 7.3: wrong length: treat-as-withdraw. Semantic checks (own address,
                // multicast) are moot: we never use a received next hop.
                if (length != 4) {
                    treatAsWithdraw(ATTRIBUTE_LENGTH_ERROR, "NEXT_HOP length " + length);
                    return null;
                }
                return new PathAttribute.NextHopAttribute(v.readInt());
            case PathAttribute.MULTI_EXIT_DISC:
            case PathAttribute.LOCAL_PREF:
                // RFC 7606 sections 7.4 and 7.5: length other than 4: treat-as-withdraw
                if (length != 4) {
                    treatAsWithdraw(ATTRIBUTE_LENGTH_ERROR, "attribute " + type + " length " + length);
                    return null;
                }
                return type == PathAttribute.MULTI_EXIT_DISC
                    ? new PathAttribute.MultiExitDiscAttribute(v.readUnsignedInt())
                    : new PathAttribute.LocalPrefAttribute(v.readUnsignedInt());
            case PathAttribute.ATOMIC_AGGREGATE:
                // RFC 7606 section 7.6: length other than 0: attribute discard
                return length == 0 ? new PathAttribute.AtomicAggregateAttribute() : null;
            case PathAttribute.AGGREGATOR:
                // RFC 7606 section 7.7: length other than 6 (or 8 with 4-octet ASNs): attribute discard
                if (length != (fourOctetAs ? 8 : 6)) {
                    return null;
                }
                return new PathAttribute.AggregatorAttribute(fourOctetAs ? v.readUnsignedInt() : v.readUnsignedShort(),
                    v.readInt(), fourOctetAs);
            case PathAttribute.COMMUNITIES: {
                // RFC 7606 section 7.8: "malformed if its length is nonzero and is not a multiple of 4":
                // treat-as-withdraw
                if (length % 4 != 0) {
                    treatAsWithdraw(OPTIONAL_ATTRIBUTE_ERROR, "COMMUNITIES length " + length);
                    return null;
                }
                final List<Community> communities = new ArrayList<>();
                while (v.isReadable()) {
                    communities.add(new Community(v.readInt()));
                }
                return new PathAttribute.CommunitiesAttribute(communities);
            }
            case PathAttribute.LARGE_COMMUNITIES: {
                // RFC 8092: malformed "if its length is not a non-zero multiple of 12": treat-as-withdraw
                if (length == 0 || length % 12 != 0) {
                    treatAsWithdraw(OPTIONAL_ATTRIBUTE_ERROR, "LARGE_COMMUNITIES length " + length);
                    return null;
                }
                final List<LargeCommunity> communities = new ArrayList<>();
                while (v.isReadable()) {
                    communities.add(new LargeCommunity(v.readUnsignedInt(), v.readUnsignedInt(), v.readUnsignedInt()));
                }
                return new PathAttribute.LargeCommunitiesAttribute(communities);
            }
            case PathAttribute.AS4_PATH: {
                // RFC 6793 section 6: a malformed AS4_PATH is handled by "attribute discard"
                final List<PathAttribute.Segment> segments = readSegments(v, 4);
                return segments == null ? null : new PathAttribute.As4PathAttribute(segments);
            }
            case PathAttribute.AS4_AGGREGATOR:
                // RFC 6793 section 6: wrong length: attribute discard; otherwise kept opaque
                return length == 8 ? new PathAttribute.UnknownAttribute(flags, type, ByteBufUtil.getBytes(v)) : null;
            case PathAttribute.MP_REACH_NLRI:
                return readMpReach(flags, v);
            case PathAttribute.MP_UNREACH_NLRI:
                return readMpUnreach(flags, v);
            default:
                throw new IllegalStateException("expectedFlags and readAttribute disagree on type " + type);
        }
    }

    /**
     * RFC 7606 section 7.2: malformed if a segment type is unrecognised, a segment overruns the attribute, fewer
     * than two octets are left over, or a segment length is zero. Returns null when malformed.
     */
    private static List<PathAttribute.Segment> readSegments(ByteBuf v, int asWidth) {
        final List<PathAttribute.Segment> segments = new ArrayList<>();
        while (v.isReadable()) {
            if (v.readableBytes() < 2) {
                return null;
            }
            final int segmentType = v.readUnsignedByte();
            final int count = v.readUnsignedByte();
            if (segmentType < PathAttribute.AS_SET || segmentType > PathAttribute.AS_CONFED_SET || count == 0
                || count * asWidth > v.readableBytes()) {
                return null;
            }
            final List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asns.add(asWidth == 4 ? v.readUnsignedInt() : (long) v.readUnsignedShort());
            }
            segments.add(new PathAttribute.Segment(segmentType, asns));
        }
        return segments;
    }

    private static boolean isUnicastIp(int afi, int safi) {
        return safi == Bgp.SAFI_UNICAST && (afi == Bgp.AFI_IPV4 || afi == Bgp.AFI_IPV6);
    }

    /**
     * RFC 7606 section 7.11: an MP_REACH_NLRI whose next-hop length is inconsistent cannot be parsed further, so
     * "the "session reset" or "AFI/SAFI disable" approach MUST be used"; we reset (we disable no family).
     */
    private static PathAttribute readMpReach(int flags, ByteBuf v) {
        final int length = v.readableBytes();
        if (length < 5) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI of " + length + " octets");
        }
        final int afi = v.getUnsignedShort(0);
        final int safi = v.getUnsignedByte(2);
        final int nextHopLength = v.getUnsignedByte(3);
        if (4 + nextHopLength + 1 > length) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI next hop overruns the attribute");
        }
        if (!isUnicastIp(afi, safi)) {
            return new PathAttribute.UnknownAttribute(flags, PathAttribute.MP_REACH_NLRI, ByteBufUtil.getBytes(v));
        }
        // RFC 2545 section 3: 16 or 32 octets for IPv6; RFC 4760 gives 4 for IPv4, RFC 8950 adds 16 and 32
        final boolean nextHopOk = nextHopLength == 16 || nextHopLength == 32
            || (afi == Bgp.AFI_IPV4 && nextHopLength == 4);
        if (!nextHopOk) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI next hop length " + nextHopLength
                + " for AFI " + afi);
        }
        v.skipBytes(4);
        final byte[] nextHop = new byte[nextHopLength];
        v.readBytes(nextHop);
        v.skipBytes(1); // reserved
        final List<IpPrefix> nlri = readPrefixes(v, v.writerIndex(), afi);
        if (nlri == null) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "malformed NLRI in MP_REACH_NLRI");
        }
        return new PathAttribute.MpReachAttribute(afi, safi, NextHop.wrap(nextHop), nlri);
    }

    private static PathAttribute readMpUnreach(int flags, ByteBuf v) {
        final int length = v.readableBytes();
        if (length < 3) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "MP_UNREACH_NLRI of " + length + " octets");
        }
        final int afi = v.getUnsignedShort(0);
        final int safi = v.getUnsignedByte(2);
        if (!isUnicastIp(afi, safi)) {
            return new PathAttribute.UnknownAttribute(flags, PathAttribute.MP_UNREACH_NLRI, ByteBufUtil.getBytes(v));
        }
        v.skipBytes(3);
        final List<IpPrefix> withdrawn = readPrefixes(v, v.writerIndex(), afi);
        if (withdrawn == null) {
            throw sessionReset(OPTIONAL_ATTRIBUTE_ERROR, "malformed NLRI in MP_UNREACH_NLRI");
        }
        return new PathAttribute.MpUnreachAttribute(afi, safi, withdrawn);
    }

    /**
     * RFC 7606 section 3 d: "If any of the well-known mandatory attributes are not present in an UPDATE message,
     * then "treat-as-withdraw" MUST be used." ORIGIN and AS_PATH go with any reachable NLRI, NEXT_HOP only with
     * plain NLRI (RFC 4760 section 3 moved the next hop into MP_REACH_NLRI).
     */
    private void checkMandatory(List<PathAttribute> attributes, boolean plainNlri) {
        boolean origin = false;
        boolean asPath = false;
        boolean nextHop = false;
        boolean mpReach = false;
        for (final PathAttribute a : attributes) {
            origin |= a instanceof PathAttribute.OriginAttribute;
            asPath |= a instanceof PathAttribute.AsPathAttribute;
            nextHop |= a instanceof PathAttribute.NextHopAttribute;
            mpReach |= a.typeCode() == PathAttribute.MP_REACH_NLRI;
        }
        if (!plainNlri && !mpReach) {
            return; // withdrawals and End-of-RIB need no attributes
        }
        if (!origin) {
            treatAsWithdraw(NotificationMessage.MISSING_WELL_KNOWN_ATTRIBUTE, "ORIGIN missing");
        } else if (!asPath) {
            treatAsWithdraw(NotificationMessage.MISSING_WELL_KNOWN_ATTRIBUTE, "AS_PATH missing");
        } else if (plainNlri && !nextHop) {
            treatAsWithdraw(NotificationMessage.MISSING_WELL_KNOWN_ATTRIBUTE, "NEXT_HOP missing");
        }
    }
}
