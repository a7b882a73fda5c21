package io.xlat.core.translate;

/**
 * RFC 4884 multi-part ICMP messages across the translation: where the original datagram ends, and how the
 * translated error is laid out within its size limit. A reusable cursor (one per ICMP translator, no allocation):
 * {@link #read} splits the incoming message, {@link #plan} fills {@link #inner}, {@link #original} and
 * {@link #extension} for the outgoing one.
 *
 * <p>RFC 4884 §4.1/§4.2: "When the ICMP Extension Structure is appended to an ICMP message and that ICMP message
 * contains an "original datagram" field, the "original datagram" field MUST contain at least 128 octets", and it
 * is zero-padded to a 32-bit (ICMPv4) or 64-bit (ICMPv6) boundary, which the length attribute counts in.
 */
final class Rfc4884 {
    /** RFC 4884 §4.1/§4.2: the least original datagram field an extension may follow. */
    static final int MIN_ORIGINAL = 128;
    static final int ICMPV4_UNIT = 4;
    static final int ICMPV6_UNIT = 8;

    /** After {@link #read}: the bytes of the original datagram field, and of the extension after it (0: none). */
    int originalLength;
    int extensionLength;
    /** After {@link #read}: the length attribute was set but does not fit the message (counted, then ignored). */
    boolean inconsistent;

    /** After {@link #plan}: translated inner packet bytes to copy. */
    int inner;
    /** After {@link #plan}: the original datagram field of the result with its padding; 0 without an extension. */
    int original;
    /** After {@link #plan}: extension bytes to copy behind the original datagram field (0 or all of them). */
    int extension;

    /**
     * Splits the {@code available} bytes after the ICMP header by the length attribute {@code lengthUnits}.
     * A length that does not fit the message, or that is below the 128 octets RFC 4884 requires, is read as "no
     * extension": the reference translator (Jool) is as lenient, and the whole message is then the original datagram.
     */
    void read(int lengthUnits, int unit, int available) {
        final int length = lengthUnits * unit;
        inconsistent = lengthUnits != 0 && (length > available || length < MIN_ORIGINAL);
        if (lengthUnits == 0 || inconsistent) {
            originalLength = available;
            extensionLength = 0;
        } else {
            originalLength = length;
            extensionLength = available - length;
        }
    }

    /**
     * Lays the translated error out in {@code room} bytes (the size limit less the outer IP and ICMP headers).
     * What goes first when it does not fit: the translated inner packet beyond its first 128 bytes, then the
     * extension, whole, when it cannot sit next to those 128 bytes.
     *
     * @param innerLength     the translated inner packet (header and the data the error carried)
     * @param extensionLength the extension to carry over, 0 for none (or when the target type has no length)
     * @param unit            4 (ICMPv4) or 8 (ICMPv6): the unit of the outgoing length attribute
     */
    void plan(int innerLength, int extensionLength, int room, int unit) {
        extension = extensionLength;
        if (extensionLength > 0) {
            final int padded = Math.max(MIN_ORIGINAL, roundUp(innerLength, unit));
            if (padded + extensionLength <= room) {
                inner = innerLength;
                original = padded;
                return;
            }
            final int cut = (room - extensionLength) & -unit;
            if (cut >= MIN_ORIGINAL) {
                inner = cut; // innerLength > cut here: padded + extension would have fitted otherwise
                original = cut;
                return;
            }
        }
        inner = Math.min(innerLength, room);
        original = 0;
        extension = 0;
    }

    private static int roundUp(int length, int unit) {
        return (length + unit - 1) & -unit;
    }
}
