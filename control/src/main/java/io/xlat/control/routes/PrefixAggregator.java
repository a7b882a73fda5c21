package io.xlat.control.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CIDR aggregation: the fewest prefixes covering exactly the union of the input prefixes. Works on 128-bit
 * values so that one implementation serves both families (an IPv4 prefix sits in the top 32 bits). Each block
 * keeps the list of where its parts came from, for the comments of {@code xlat routes}.
 */
final class PrefixAggregator {

    /** A prefix as bits 0-63 ({@code hi}), bits 64-127 ({@code lo}) and a length, with its origins. */
    record Block(long hi, long lo, int length, List<String> origins) {
    }

    private static final Comparator<Block> ADDRESS_ORDER = (a, b) -> {
        final int hi = Long.compareUnsigned(a.hi(), b.hi());
        if (hi != 0) {
            return hi;
        }
        final int lo = Long.compareUnsigned(a.lo(), b.lo());
        return lo != 0 ? lo : Integer.compare(a.length(), b.length());
    };

    private PrefixAggregator() {
    }

    /**
     * In address order, a block is either inside the last block kept (prefixes nest or are disjoint, and the
     * last kept one has the greatest start) or after it; and two blocks can only merge into their parent when
     * they are neighbours in that order. So one pass with a stack does it, in O(n log n) for the sort.
     */
    static List<Block> aggregate(List<Block> blocks) {
        final List<Block> sorted = new ArrayList<>(blocks);
        sorted.sort(ADDRESS_ORDER);
        final List<Block> out = new ArrayList<>(sorted.size());
        for (final Block b : sorted) {
            if (!out.isEmpty() && contains(out.get(out.size() - 1), b)) {
                final Block last = out.remove(out.size() - 1);
                out.add(new Block(last.hi(), last.lo(), last.length(), join(last.origins(), b.origins())));
                continue;
            }
            out.add(b);
            while (out.size() >= 2 && siblings(out.get(out.size() - 2), out.get(out.size() - 1))) {
                final Block right = out.remove(out.size() - 1);
                final Block left = out.remove(out.size() - 1);
                out.add(new Block(left.hi(), left.lo(), left.length() - 1, join(left.origins(), right.origins())));
            }
        }
        return out;
    }

    private static List<String> join(List<String> a, List<String> b) {
        final List<String> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    static long maskHi(int length) {
        return length <= 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    static long maskLo(int length) {
        return length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
    }

    static boolean contains(Block outer, Block inner) {
        return outer.length() <= inner.length()
            && (inner.hi() & maskHi(outer.length())) == outer.hi()
            && (inner.lo() & maskLo(outer.length())) == outer.lo();
    }

    /** The two halves of one prefix: same length, left has the last prefix bit clear, right the same bits with it set. */
    static boolean siblings(Block left, Block right) {
        final int length = left.length();
        if (length == 0 || right.length() != length) {
            return false;
        }
        final int bit = length - 1;
        final long bitHi = bit < 64 ? 1L << (63 - bit) : 0;
        final long bitLo = bit >= 64 ? 1L << (127 - bit) : 0;
        return (left.hi() & bitHi) == 0 && (left.lo() & bitLo) == 0
            && right.hi() == (left.hi() | bitHi) && right.lo() == (left.lo() | bitLo);
    }
}
