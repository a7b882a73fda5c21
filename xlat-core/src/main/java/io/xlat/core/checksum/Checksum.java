package io.xlat.core.checksum;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624). Sums are carried unfolded in a long
 * and folded once at the end.
 */
public final class Checksum {

    private Checksum() {
    }

    /** Adds the 16-bit big-endian words of [offset, offset + length) to {@code initial}; an odd tail is padded. */
    public static long sum(DirectBuffer buffer, int offset, int length, long initial) {
        long sum = initial;
        int i = offset;
        final int end = offset + length;
        while (i + 8 <= end) {
            final long word = buffer.getLong(i, BIG_ENDIAN);
            sum += (word >>> 48) + ((word >>> 32) & 0xFFFF) + ((word >>> 16) & 0xFFFF) + (word & 0xFFFF);
            i += 8;
        }
        while (i + 2 <= end) {
            sum += buffer.getShort(i, BIG_ENDIAN) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            sum += (buffer.getByte(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits with end-around carry. */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum field value for data summing to {@code sum}. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The checksum of [offset, offset + length) with nothing else summed in. */
    public static int compute(DirectBuffer buffer, int offset, int length) {
        return finish(sum(buffer, offset, length, 0));
    }

    /**
     * Whether every byte of [offset, offset + length) but the 16-bit field at {@code skip} is zero: the one case
     * where a checksum must be 0xFFFF rather than 0x0000 (no pseudo-header, nothing else to sum).
     */
    public static boolean isZeroExcept(DirectBuffer buffer, int offset, int length, int skip) {
        for (int i = offset; i < offset + length; i++) {
            if ((i < skip || i > skip + 1) && buffer.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Sum of the two 16-bit halves of an IPv4 address. */
    public static long sumIpv4(int address) {
        return (address >>> 16) + (address & 0xFFFF);
    }

    /**
     * Sum of an IPv6 address for the checksum, as four 32-bit halves: since 2^16 = 1 modulo 0xFFFF, it folds to
     * the same value as the sum of the eight 16-bit words, in half the additions.
     */
    public static long sumIpv6(long hi, long lo) {
        return (hi >>> 32) + (hi & 0xFFFF_FFFFL) + (lo >>> 32) + (lo & 0xFFFF_FFFFL);
    }

    /**
     * RFC 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')} where {@code m} is the folded sum of what was removed and
     * {@code m'} of what was added. A wrong checksum stays exactly as wrong, which is the point.
     */
    public static int update(int checksum, long removedSum, long addedSum) {
        final long sum = (~checksum & 0xFFFF) + (~fold(removedSum) & 0xFFFF) + fold(addedSum);
        return ~fold(sum) & 0xFFFF;
    }
}
