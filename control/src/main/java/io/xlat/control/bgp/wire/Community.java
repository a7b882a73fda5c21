package io.xlat.control.bgp.wire;

/** An RFC 1997 community: a 32-bit value, written {@code asn:value} with two 16-bit halves. */
public record Community(int value) {

    /** RFC 1997: "All routes received carrying a communities attribute containing this value MUST NOT be advertised outside a BGP confederation boundary". */
    public static final Community NO_EXPORT = new Community(0xFFFFFF01);
    public static final Community NO_ADVERTISE = new Community(0xFFFFFF02);
    /** RFC 8326: GRACEFUL_SHUTDOWN, for draining a speaker before maintenance. */
    public static final Community GRACEFUL_SHUTDOWN = new Community(0xFFFF0000);

    /** Parses {@code 64496:100}, or one of {@code no-export}, {@code no-advertise}, {@code graceful-shutdown}. */
    public static Community parse(String text) {
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "no-export": return NO_EXPORT;
            case "no-advertise": return NO_ADVERTISE;
            case "graceful-shutdown": return GRACEFUL_SHUTDOWN;
            default: break;
        }
        final String[] parts = text.trim().split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("community must be ASN:VALUE (16 bits each): '" + text + "'");
        }
        final long high = LargeCommunity.parseUnsigned(parts[0], 0xFFFF, text);
        final long low = LargeCommunity.parseUnsigned(parts[1], 0xFFFF, text);
        return new Community((int) (high << 16 | low));
    }

    @Override
    public String toString() {
        return (value >>> 16) + ":" + (value & 0xFFFF);
    }
}
