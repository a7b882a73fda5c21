package io.xlat.control.routes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefixAggregatorTest {

    /** An IPv4-style block in the top 32 bits: a.b.c.d/length. */
    private static PrefixAggregator.Block v4(int address, int length, String origin) {
        return new PrefixAggregator.Block((address & 0xFFFF_FFFFL) << 32, 0, length, List.of(origin));
    }

    private static String text(PrefixAggregator.Block b) {
        final long a = b.hi() >>> 32;
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF) + "/" + b.length();
    }

    private static List<String> texts(List<PrefixAggregator.Block> blocks) {
        final List<String> out = new ArrayList<>();
        for (final PrefixAggregator.Block b : blocks) {
            out.add(text(b));
        }
        return out;
    }

    @Test
    void shouldMergeSiblingsRepeatedlyUpToTheirCommonParent() {
        final List<PrefixAggregator.Block> in = List.of(
            v4(0x0A00_0080, 26, "d"), v4(0x0A00_0000, 25, "a"), v4(0x0A00_00C0, 27, "e"), v4(0x0A00_00E0, 27, "f"));
        final List<PrefixAggregator.Block> out = PrefixAggregator.aggregate(in);
        assertEquals(List.of("10.0.0.0/24"), texts(out));
        assertEquals(List.of("a", "d", "e", "f"), out.get(0).origins(), "origins in address order");
    }

    @Test
    void shouldDropCoveredPrefixesKeepingTheirOrigins() {
        final List<PrefixAggregator.Block> out = PrefixAggregator.aggregate(List.of(
            v4(0x0A00_0008, 29, "inner"), v4(0x0A00_0000, 24, "outer"), v4(0x0A00_0000, 24, "same")));
        assertEquals(List.of("10.0.0.0/24"), texts(out));
        assertEquals(List.of("outer", "same", "inner"), out.get(0).origins());
    }

    @Test
    void shouldKeepNeighboursThatAreNotSiblings() {
        // 10.0.1.0/24 and 10.0.2.0/24 touch but their union is no prefix
        assertEquals(List.of("10.0.1.0/24", "10.0.2.0/24"), texts(PrefixAggregator.aggregate(List.of(
            v4(0x0A00_0200, 24, "b"), v4(0x0A00_0100, 24, "a")))));
        assertEquals(List.of(), PrefixAggregator.aggregate(List.of()));
    }

    @Test
    void shouldMergeAcrossTheMiddleOf128Bits() {
        // two /64 halves of a /63, and a /1 pair into /0: the bit arithmetic at both ends of hi and lo
        final PrefixAggregator.Block a = new PrefixAggregator.Block(0x2001_0db8_0000_0000L, 0, 64, List.of("a"));
        final PrefixAggregator.Block b = new PrefixAggregator.Block(0x2001_0db8_0000_0001L, 0, 64, List.of("b"));
        final List<PrefixAggregator.Block> out = PrefixAggregator.aggregate(List.of(b, a));
        assertEquals(1, out.size());
        assertEquals(63, out.get(0).length());
        final PrefixAggregator.Block lo0 = new PrefixAggregator.Block(1, 0, 128, List.of("x"));
        final PrefixAggregator.Block lo1 = new PrefixAggregator.Block(1, 1, 128, List.of("y"));
        assertEquals(127, PrefixAggregator.aggregate(List.of(lo0, lo1)).get(0).length());
        final PrefixAggregator.Block left = new PrefixAggregator.Block(0, 0, 1, List.of("l"));
        final PrefixAggregator.Block right = new PrefixAggregator.Block(Long.MIN_VALUE, 0, 1, List.of("r"));
        assertEquals(0, PrefixAggregator.aggregate(List.of(right, left)).get(0).length());
    }

    /** Random prefix sets inside one /20: same addresses covered, no overlap, no mergeable pair left. */
    @Test
    void shouldCoverExactlyTheSameAddressesWithNoMergeablePairLeftForRandomSets() {
        final Random random = new Random(6052);
        for (int round = 0; round < 500; round++) {
            final List<PrefixAggregator.Block> in = new ArrayList<>();
            final int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                final int length = 20 + random.nextInt(13);
                final int host = random.nextInt(1 << 12) & (int) (0xFFFL << (32 - length) & 0xFFF);
                in.add(v4(0x0A00_0000 | host, length, "p" + i));
            }
            final List<PrefixAggregator.Block> out = PrefixAggregator.aggregate(in);
            assertEquals(covered(in), covered(out), "round " + round + ": " + texts(in) + " -> " + texts(out));
            for (int i = 0; i + 1 < out.size(); i++) {
                assertFalse(PrefixAggregator.siblings(out.get(i), out.get(i + 1)), texts(out).toString());
                assertFalse(PrefixAggregator.contains(out.get(i), out.get(i + 1)), texts(out).toString());
            }
            int origins = 0;
            for (final PrefixAggregator.Block b : out) {
                origins += b.origins().size();
            }
            assertEquals(in.size(), origins, "every input is named by exactly one route");
            assertTrue(out.size() <= in.size());
        }
    }

    private static BitSet covered(List<PrefixAggregator.Block> blocks) {
        final BitSet bits = new BitSet(1 << 12);
        for (final PrefixAggregator.Block b : blocks) {
            final int first = (int) (b.hi() >>> 32) & 0xFFF;
            bits.set(first, first + (1 << (32 - b.length())));
        }
        return bits;
    }
}
