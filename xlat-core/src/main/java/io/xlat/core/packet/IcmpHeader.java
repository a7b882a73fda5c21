package io.xlat.core.packet;

/**
 * Offsets and type numbers of ICMPv4 (RFC 792) and ICMPv6 (RFC 4443): both start with type, code and checksum,
 * followed by a 4-byte field whose meaning depends on the type.
 */
public final class IcmpHeader {
    public static final int LENGTH = 8;
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    /** Parameter Problem pointer (1 byte in ICMPv4 at 4, 4 bytes in ICMPv6 at 4), MTU, RFC 4884 length. */
    public static final int REST_OFFSET = 4;
    /** RFC 4884 §4.1: the ICMPv4 length attribute (32-bit words) is the sixth octet. */
    public static final int V4_LENGTH_OFFSET = 5;
    /** RFC 4884 §4.2: the ICMPv6 length attribute (64-bit words) is the fifth octet. */
    public static final int V6_LENGTH_OFFSET = 4;
    /** RFC 1191 §4: the Next-Hop MTU of Fragmentation Needed is the low-order 16 bits of the rest field. */
    public static final int V4_MTU_OFFSET = 6;

    // ICMPv4 types
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;

    // ICMPv4 Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1)
    public static final int V4_NET_UNREACHABLE = 0;
    public static final int V4_HOST_UNREACHABLE = 1;
    public static final int V4_PROTOCOL_UNREACHABLE = 2;
    public static final int V4_PORT_UNREACHABLE = 3;
    public static final int V4_FRAGMENTATION_NEEDED = 4;
    public static final int V4_SOURCE_ROUTE_FAILED = 5;
    public static final int V4_NET_UNKNOWN = 6;
    public static final int V4_HOST_UNKNOWN = 7;
    public static final int V4_SOURCE_HOST_ISOLATED = 8;
    public static final int V4_NET_PROHIBITED = 9;
    public static final int V4_HOST_PROHIBITED = 10;
    public static final int V4_NET_UNREACHABLE_FOR_TOS = 11;
    public static final int V4_HOST_UNREACHABLE_FOR_TOS = 12;
    public static final int V4_ADMINISTRATIVELY_PROHIBITED = 13;
    public static final int V4_PRECEDENCE_CUTOFF = 15;
    /** Time Exceeded code 0 (both families): TTL / hop limit exceeded in transit. */
    public static final int TIME_EXCEEDED_IN_TRANSIT = 0;
    // ICMPv4 Parameter Problem codes (RFC 792, RFC 1122 §3.2.2.5)
    public static final int V4_POINTER_INDICATES_ERROR = 0;
    public static final int V4_BAD_LENGTH = 2;

    // ICMPv6 types
    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    // ICMPv6 Destination Unreachable codes (RFC 4443 §3.1)
    public static final int V6_NO_ROUTE = 0;
    public static final int V6_ADMINISTRATIVELY_PROHIBITED = 1;
    public static final int V6_BEYOND_SCOPE = 2;
    public static final int V6_ADDRESS_UNREACHABLE = 3;
    public static final int V6_PORT_UNREACHABLE = 4;
    // ICMPv6 Parameter Problem codes (RFC 4443 §3.4)
    public static final int V6_ERRONEOUS_HEADER_FIELD = 0;
    public static final int V6_UNRECOGNIZED_NEXT_HEADER = 1;

    private IcmpHeader() {
    }

    /** ICMPv4 error types (RFC 1122 3.2.2); the rest are informational. */
    public static boolean isIcmpv4Error(int type) {
        return type == V4_DEST_UNREACHABLE || type == V4_SOURCE_QUENCH || type == V4_REDIRECT
            || type == V4_TIME_EXCEEDED || type == V4_PARAMETER_PROBLEM;
    }

    /** ICMPv6 error types are 0..127 (RFC 4443 section 2.1). */
    public static boolean isIcmpv6Error(int type) {
        return type < 128;
    }
}
