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

    // ICMPv4 types
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;

    // ICMPv6 types
    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

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
