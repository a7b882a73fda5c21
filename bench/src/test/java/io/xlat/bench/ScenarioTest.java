package io.xlat.bench;

import io.xlat.core.checksum.Checksum;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark must measure the forwarding path: every scenario is a valid packet that comes out valid. */
class ScenarioTest {

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldBuildInputWithValidChecksums(Scenario scenario) {
        final UnsafeBuffer in = new UnsafeBuffer(scenario.packet());
        assertEquals(scenario.from4() ? 4 : 6, (in.getByte(0) >> 4) & 0xF);
        assertChecksumsValid(in, 0, in.capacity());
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldForwardOnePacketWithValidChecksumsInTheOtherFamily(Scenario scenario) {
        final byte[] packet = scenario.packet();
        final UnsafeBuffer work = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Translator.HEADROOM + 2048, 64));
        work.putBytes(Translator.HEADROOM, packet);
        final DropCounters counters = new DropCounters();
        final Capture forward = new Capture();
        final Capture back = new Capture();

        final int emitted = new Translator(Scenario.config(), counters)
            .translate(work, Translator.HEADROOM, packet.length, 0, forward, back);

        assertEquals(1, emitted);
        assertEquals(0, counters.totalDrops());
        assertEquals(0, back.count);
        assertEquals(1, forward.count);
        final UnsafeBuffer out = new UnsafeBuffer(forward.bytes);
        assertEquals(scenario.from4() ? 6 : 4, (out.getByte(0) >> 4) & 0xF);
        // Each IP header grows (46) or shrinks (64) by 20 bytes, the one inside an ICMP error too; the rest is kept.
        final boolean error = scenario == Scenario.ICMP_ERROR_46 || scenario == Scenario.ICMP_ERROR_64;
        assertEquals(packet.length + (scenario.from4() ? 1 : -1) * (error ? 40 : 20), forward.bytes.length);
        assertChecksumsValid(out, 0, out.capacity());
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldPassTheBenchmarksOwnForwardingChecks(Scenario scenario) {
        final TranslatorBenchmark benchmark = new TranslatorBenchmark();
        benchmark.scenario = scenario;
        benchmark.setUp();
        benchmark.checkEveryPacketWasForwarded();
    }

    @Test
    void shouldRefuseToBenchmarkAPacketThatIsNotForwarded() {
        final byte[] packet = Scenario.UDP_46.packet();
        packet[10] ^= 1; // a wrong IPv4 header checksum: dropped (RFC 1812 §5.2.2), not forwarded
        final TranslatorBenchmark benchmark = new TranslatorBenchmark();
        benchmark.scenario = Scenario.UDP_46;
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> benchmark.setUp(packet));
        assertTrue(refused.getMessage().contains("drops=1"), refused.getMessage());
    }

    @Test
    void shouldCountPacketsBytesAndEdgeBytesInTheConsumingSink() {
        final ConsumingSink sink = new ConsumingSink();
        final UnsafeBuffer b = new UnsafeBuffer(new byte[] {9, 1, 2, 3, 5});
        sink.emit(b, 0, 5);
        sink.emit(b, 1, 2);
        assertEquals(2, sink.packets());
        assertEquals(7, sink.bytes());
        assertEquals(9 + 5 + 1 + 2, sink.fingerprint());
    }

    /** Verifies the IP header checksum (IPv4), the transport checksum, and those of a quoted packet. */
    private static void assertChecksumsValid(DirectBuffer b, int off, int length) {
        final int version = (b.getByte(off) >> 4) & 0xF;
        final int l4;
        final int protocol;
        final long pseudoAddresses;
        if (version == 4) {
            final int ihl = (b.getByte(off) & 0xF) * 4;
            assertEquals(0xFFFF, Checksum.fold(Checksum.sum(b, off, ihl, 0)), "IPv4 header checksum");
            l4 = off + ihl;
            protocol = b.getByte(off + 9) & 0xFF;
            pseudoAddresses = Checksum.sumIpv4(b.getInt(off + 12, BIG_ENDIAN)) + Checksum.sumIpv4(b.getInt(off + 16, BIG_ENDIAN));
        } else {
            l4 = off + 40;
            protocol = b.getByte(off + 6) & 0xFF;
            pseudoAddresses = Checksum.sum(b, off + 8, 32, 0);
        }
        final int l4Length = off + length - l4;
        final long pseudo = protocol == BenchPackets.ICMP ? 0 : pseudoAddresses + protocol + l4Length;
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(b, l4, l4Length, pseudo)), "transport checksum, protocol " + protocol);
        final int type = b.getByte(l4) & 0xFF;
        final boolean icmpError = protocol == BenchPackets.ICMP && (type == 3 || type == 11)
            || protocol == BenchPackets.ICMPV6 && type < 128;
        if (icmpError) {
            assertTrue(l4Length > 8, "an ICMP error quotes a packet");
            assertChecksumsValid(b, l4 + 8, l4Length - 8);
        }
    }

    /** Keeps a copy of the last packet, as the bytes are valid only during emit. */
    private static final class Capture implements PacketSink {
        int count;
        byte[] bytes;

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            count++;
            bytes = new byte[length];
            buffer.getBytes(offset, bytes);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {46, 64})
    void shouldForwardTheSuperPacketBenchmarksPacketAsOneAndKeepDoingSo(int direction) {
        final SuperPacketBenchmark benchmark = new SuperPacketBenchmark();
        benchmark.direction = direction;
        benchmark.setUp();
        for (int i = 0; i < 3; i++) {
            assertEquals(1, benchmark.translate(null), "every operation restores the headers it needs");
        }
        benchmark.checkEveryPacketWasForwarded();
    }
}
