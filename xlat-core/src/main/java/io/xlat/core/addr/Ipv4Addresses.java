package io.xlat.core.addr;

/** Parsing, formatting and classification of IPv4 addresses held as ints (first octet in the high byte). */
public final class Ipv4Addresses {

    private Ipv4Addresses() {
    }

    /** Parses dotted-quad text; throws IllegalArgumentException with the text on error. */
    public static int parse(String text) {
        final String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int address = 0;
        for (final String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = 0;
            for (int i = 0; i < part.length(); i++) {
                final char c = part.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String format(int address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }

    /**
     * Addresses that may never appear as the source of a forwarded packet (RFC 1812 section 5.3.7 and 4.2.2.11):
     * 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 (multicast) and 240.0.0.0/4 including the limited broadcast.
     */
    public static boolean isIllegalSource(int address) {
        final int first = address >>> 24;
        return first == 0 || first == 127 || first >= 224;
    }

    /**
     * RFC 3927 §7: "A router MUST NOT forward a packet with an IPv4 Link-Local source or destination address,
     * irrespective of the router's default route configuration or routes obtained from dynamic routing
     * protocols." 169.254.0.0/16.
     */
    public static boolean isLinkLocal(int address) {
        return (address >>> 16) == 0xA9FE;
    }

    /**
     * Addresses that RFC 6052 section 3.1 forbids to embed in the Well-Known Prefix 64:ff9b::/96: the
     * non-global ones (RFC 1918, RFC 6598 shared, loopback, link-local, documentation, benchmarking,
     * "this network", IETF protocol assignments, multicast and reserved).
     */
    public static boolean isNonGlobal(int address) {
        final int a = address >>> 24;
        final int b = (address >>> 16) & 0xFF;
        final int c = (address >>> 8) & 0xFF;
        return a == 0 || a == 10 || a == 127 || a >= 224
            || (a == 100 && (b & 0xC0) == 64)          // 100.64.0.0/10
            || (a == 169 && b == 254)                  // 169.254.0.0/16
            || (a == 172 && (b & 0xF0) == 16)          // 172.16.0.0/12
            || (a == 192 && b == 0 && c == 0)          // 192.0.0.0/24
            || (a == 192 && b == 0 && c == 2)          // 192.0.2.0/24
            || (a == 192 && b == 168)                  // 192.168.0.0/16
            || (a == 198 && (b & 0xFE) == 18)          // 198.18.0.0/15
            || (a == 198 && b == 51 && c == 100)       // 198.51.100.0/24
            || (a == 203 && b == 0 && c == 113);       // 203.0.113.0/24
    }
}
