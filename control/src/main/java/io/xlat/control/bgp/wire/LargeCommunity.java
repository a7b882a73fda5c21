package io.xlat.control.bgp.wire;

/** An RFC 8092 large community: Global Administrator, Local Data Part 1 and Part 2, each an unsigned 32 bits. */
public record LargeCommunity(long globalAdministrator, long localData1, long localData2) {

    public LargeCommunity {
        Bgp.checkAsn(globalAdministrator);
        Bgp.checkAsn(localData1);
        Bgp.checkAsn(localData2);
    }

    /** Parses RFC 8195 section 2 notation {@code 4200000001:1:1}. */
    public static LargeCommunity parse(String text) {
        final String[] parts = text.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("large community must be GLOBAL:LOCAL1:LOCAL2: '" + text + "'");
        }
        return new LargeCommunity(parseUnsigned(parts[0], 0xFFFF_FFFFL, text),
            parseUnsigned(parts[1], 0xFFFF_FFFFL, text), parseUnsigned(parts[2], 0xFFFF_FFFFL, text));
    }

    static long parseUnsigned(String part, long max, String whole) {
        final long value;
        try {
            value = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in '" + whole + "'");
        }
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("value out of range 0.." + max + " in '" + whole + "'");
        }
        return value;
    }

    @Override
    public String toString() {
        return globalAdministrator + ":" + localData1 + ":" + localData2;
    }
}
