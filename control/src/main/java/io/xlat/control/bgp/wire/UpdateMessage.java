package io.xlat.control.bgp.wire;

import java.util.List;

/**
 * RFC 4271 section 4.3: UPDATE. Plain {@code withdrawn} and {@code nlri} are IPv4 unicast only; other families
 * travel in MP_REACH_NLRI / MP_UNREACH_NLRI attributes (RFC 4760).
 */
public record UpdateMessage(List<IpPrefix> withdrawn, List<PathAttribute> attributes, List<IpPrefix> nlri)
    implements BgpMessage {

    /** Fixed part: header, Withdrawn Routes Length and Total Path Attribute Length. */
    public static final int FIXED_LENGTH = Bgp.HEADER_LENGTH + 2 + 2;

    public UpdateMessage {
        withdrawn = List.copyOf(withdrawn);
        attributes = List.copyOf(attributes);
        nlri = List.copyOf(nlri);
        for (final IpPrefix p : withdrawn) {
            requireIpv4(p);
        }
        for (final IpPrefix p : nlri) {
            requireIpv4(p);
        }
    }

    private static void requireIpv4(IpPrefix p) {
        if (!p.isIpv4()) {
            throw new IllegalArgumentException("plain NLRI/withdrawn carry IPv4 only, got " + p);
        }
    }

    /** RFC 4724 section 2: the IPv4 unicast End-of-RIB marker is an UPDATE with nothing in it. */
    public static UpdateMessage endOfRibIpv4() {
        return new UpdateMessage(List.of(), List.of(), List.of());
    }

    /** RFC 4724 section 2: for other families, an UPDATE with only an empty MP_UNREACH_NLRI. */
    public static UpdateMessage endOfRib(int afi, int safi) {
        if (afi == Bgp.AFI_IPV4 && safi == Bgp.SAFI_UNICAST) {
            return endOfRibIpv4();
        }
        return new UpdateMessage(List.of(), List.of(new PathAttribute.MpUnreachAttribute(afi, safi, List.of())),
            List.of());
    }

    @Override
    public int type() {
        return Bgp.TYPE_UPDATE;
    }

    /** The attribute of the given type, or null. */
    public <T extends PathAttribute> T attribute(Class<T> type) {
        for (final PathAttribute a : attributes) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }

    public int attributesLength() {
        int length = 0;
        for (final PathAttribute a : attributes) {
            length += a.encodedLength();
        }
        return length;
    }

    /** The whole message on the wire, header included. */
    public int encodedLength() {
        return FIXED_LENGTH + prefixesLength(withdrawn) + attributesLength() + prefixesLength(nlri);
    }

    static int prefixesLength(List<IpPrefix> prefixes) {
        int length = 0;
        for (final IpPrefix p : prefixes) {
            length += p.wireLength();
        }
        return length;
    }
}
