package io.xlat.core.packet;

/** IANA protocol numbers (IPv4 Protocol / IPv6 Next Header) the translator treats specially. */
public final class IpProtocol {
    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int IGMP = 2;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ICMPV6 = 58;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int AUTHENTICATION = 51;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;
    public static final int EXPERIMENTAL_253 = 253;
    public static final int EXPERIMENTAL_254 = 254;

    private IpProtocol() {
    }

    /**
     * The IANA IPv6 extension header types (RFC 7045 §2, the registry RFC 7045 created) except ESP, which RFC
     * 7915 §5.1.1 lets follow a Fragment header.
     */
    public static boolean isIpv6ExtensionHeader(int type) {
        return type == HOP_BY_HOP || type == ROUTING || type == FRAGMENT || type == DESTINATION_OPTIONS
            || type == AUTHENTICATION || type == MOBILITY || type == HIP || type == SHIM6
            || type == EXPERIMENTAL_253 || type == EXPERIMENTAL_254;
    }

    /**
     * Numbers that only mean something as an IPv6 Next Header: the IPv6 extension headers that exist only in
     * IPv6 (Hop-by-Hop, Routing, Fragment, Destination Options, Mobility, Shim6) and No Next Header. Copied from
     * an IPv4 Protocol field they would make the translated packet malformed or let an IPv4 sender inject an
     * extension header (a Segment Routing header re-routes the packet). AH, HIP and the experimental 253/254
     * are protocols of IPv4 too and pass; ICMPv6 (58) has its own check.
     */
    public static boolean isIpv6Only(int protocol) {
        return protocol == HOP_BY_HOP || protocol == ROUTING || protocol == FRAGMENT || protocol == NO_NEXT_HEADER
            || protocol == DESTINATION_OPTIONS || protocol == MOBILITY || protocol == SHIM6;
    }
}
