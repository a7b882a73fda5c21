package io.xlat.control.bgp.wire;

/** Protocol constants from RFC 4271 section 4 and the IANA BGP registries. */
public final class Bgp {

    /** RFC 4271 section 4.1: the marker is 16 octets, "MUST be set to all ones". */
    public static final int MARKER_LENGTH = 16;
    public static final int HEADER_LENGTH = 19;
    /** RFC 4271 section 4.1: "The value of the Length field MUST always be at least 19 and no greater than 4096". */
    public static final int MAX_MESSAGE_LENGTH = 4096;
    public static final int LENGTH_OFFSET = 16;
    public static final int TYPE_OFFSET = 18;

    public static final int VERSION = 4;
    public static final int PORT = 179;

    public static final int TYPE_OPEN = 1;
    public static final int TYPE_UPDATE = 2;
    public static final int TYPE_NOTIFICATION = 3;
    public static final int TYPE_KEEPALIVE = 4;
    /** RFC 2918 section 3. */
    public static final int TYPE_ROUTE_REFRESH = 5;

    /** Minimum whole-message lengths, RFC 4271 sections 4.2-4.5, and RFC 2918's fixed 23. */
    public static final int OPEN_MIN_LENGTH = 29;
    public static final int UPDATE_MIN_LENGTH = 23;
    public static final int NOTIFICATION_MIN_LENGTH = 21;
    public static final int KEEPALIVE_LENGTH = 19;
    public static final int ROUTE_REFRESH_LENGTH = 23;

    public static final int AFI_IPV4 = 1;
    public static final int AFI_IPV6 = 2;
    public static final int SAFI_UNICAST = 1;

    /** RFC 6793 section 9: the reserved 2-octet AS number that stands in for a 4-octet one. */
    public static final int AS_TRANS = 23456;

    /** Largest hold time a 2-octet field can carry. */
    public static final int MAX_HOLD_TIME = 0xFFFF;

    private Bgp() {
    }

    public static String typeName(int type) {
        switch (type) {
            case TYPE_OPEN: return "OPEN";
            case TYPE_UPDATE: return "UPDATE";
            case TYPE_NOTIFICATION: return "NOTIFICATION";
            case TYPE_KEEPALIVE: return "KEEPALIVE";
            case TYPE_ROUTE_REFRESH: return "ROUTE-REFRESH";
            default: return "type " + type;
        }
    }

    /** True when the ASN cannot be carried in a 2-octet AS field (RFC 6793). */
    public static boolean isFourOctetOnly(long asn) {
        return asn > 0xFFFFL;
    }

    static void checkAsn(long asn) {
        if (asn < 0 || asn > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("AS number must be 0..4294967295, got " + asn);
        }
    }
}
