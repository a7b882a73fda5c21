package io.xlat.core.checksum;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 1071 sums and the RFC 1624 incremental update. */
class ChecksumTest {

    @Test
    void shouldComputeTheRfc1071ExampleSum() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded).
        final UnsafeBuffer b = new UnsafeBuffer(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5,
            (byte) 0xf6, (byte) 0xf7});
        assertEquals(0xddf2, Checksum.fold(Checksum.sum(b, 0, 8, 0)));
        assertEquals(~0xddf2 & 0xFFFF, Checksum.compute(b, 0, 8));
    }

    @Test
    void shouldPadAnOddTrailingByte() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[] {0x12, 0x34, 0x56});
        assertEquals(0x1234 + 0x5600, Checksum.fold(Checksum.sum(b, 0, 3, 0)));
    }

    @Property(tries = 300)
    void incrementalUpdateMatchesRecomputation(@ForAll @Size(min = 2, max = 200) byte[] data,
        @ForAll int oldWord, @ForAll int newWord) {
        final int length = data.length & ~1;
        final UnsafeBuffer b = new UnsafeBuffer(data);
        final int oldValue = oldWord & 0xFFFF;
        final int newValue = newWord & 0xFFFF;
        b.putShort(0, (short) oldValue, java.nio.ByteOrder.BIG_ENDIAN);
        final int before = Checksum.compute(b, 0, length);
        b.putShort(0, (short) newValue, java.nio.ByteOrder.BIG_ENDIAN);
        final int after = Checksum.compute(b, 0, length);
        final int updated = Checksum.update(before, oldValue, newValue);
        // Ones' complement has two zeros, 0x0000 and 0xFFFF: the update may pick the other one.
        final boolean sameZero = (updated == 0 && after == 0xFFFF) || (updated == 0xFFFF && after == 0);
        assertTrue(updated == after || sameZero, "updated " + updated + " recomputed " + after);
    }

    @Test
    void shouldKeepAWrongChecksumWrongByTheSameAmount() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[] {1, 2, 3, 4, 5, 6});
        final int correct = Checksum.compute(b, 0, 6);
        final int wrong = correct ^ 0x0100;
        b.putShort(0, (short) 0x0A0B, java.nio.ByteOrder.BIG_ENDIAN);
        final int correctAfter = Checksum.compute(b, 0, 6);
        final int wrongAfter = Checksum.update(wrong, 0x0102, 0x0A0B);
        assertEquals(Checksum.fold((~correctAfter & 0xFFFF) + 0L), Checksum.fold((~wrongAfter & 0xFFFF) + 0x0100L),
            "the error is carried over unchanged");
    }
}
