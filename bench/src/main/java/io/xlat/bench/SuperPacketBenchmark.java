package io.xlat.bench;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.Translator;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One TCP super-packet (TUN offloads: 44 segments of 1440 bytes, 63,360 bytes of payload) through the translator
 * per operation, against {@link TranslatorBenchmark}'s one segment: the translator touches the headers only, so a
 * super-packet costs about what one packet does, whatever its length. Each operation restores the header bytes
 * the translation rewrote (the payload is never written) and marks the packet as a super-packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SuperPacketBenchmark {
    private static final long NOW_NANOS = 1_000_000_000L;
    /** 1440: an IPv6 segment of 1500 bytes, the default ipv6-mtu. */
    private static final int SEGMENT_PAYLOAD = 1440;
    private static final int SEGMENTS = 44;
    /** The bytes a translation may rewrite: the IP header (with room for IPv6's) and the TCP header. */
    private static final int HEADERS = 40 + 20;

    /** 46: IPv4 to IPv6; 64: IPv6 to IPv4. */
    @Param({"46", "64"})
    public int direction;

    private final ConsumingSink forward = new ConsumingSink();
    private final ConsumingSink back = new ConsumingSink();
    private UnsafeBuffer template;
    private UnsafeBuffer work;
    private int length;
    private DropCounters counters;
    private Translator translator;

    @Setup(Level.Trial)
    public void setUp() {
        final byte[] tcp = BenchPackets.tcp(40_001, 443, BenchPackets.payload(SEGMENTS * SEGMENT_PAYLOAD, 7));
        final byte[] packet = direction == 46
            ? BenchPackets.ipv4(64, BenchPackets.TCP, Scenario.V4_HOST, Scenario.V6_HOST_AS_V4, 0x1002, tcp)
            : BenchPackets.ipv6(64, BenchPackets.TCP, Scenario.V6_HOST, Scenario.V4_HOST_AS_V6, tcp);
        length = packet.length;
        template = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Translator.HEADROOM + 70_000, 64));
        work = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Translator.HEADROOM + 70_000, 64));
        template.putBytes(Translator.HEADROOM, packet);
        work.putBytes(Translator.HEADROOM, packet);
        counters = new DropCounters();
        translator = new Translator(Scenario.config(), counters);
        if (translate(null) != 1 || forward.packets() != 1 || counters.totalDrops() != 0) {
            throw new IllegalStateException(direction + ": the super-packet was not forwarded as one");
        }
    }

    @TearDown(Level.Trial)
    public void checkEveryPacketWasForwarded() {
        if (counters.totalDrops() != 0 || back.packets() != 0) {
            throw new IllegalStateException(direction + ": drops=" + counters.totalDrops() + " back=" + back.packets());
        }
    }

    /** Restore the rewritten headers, translate the 64 KiB super-packet, consume the output. */
    @Benchmark
    public int translate(Blackhole blackhole) {
        work.putBytes(Translator.HEADROOM, template, Translator.HEADROOM, HEADERS);
        translator.nextIsSuperPacket(20 + SEGMENT_PAYLOAD);
        final int emitted = translator.translate(work, Translator.HEADROOM, length, NOW_NANOS, forward, back);
        if (blackhole != null) {
            blackhole.consume(forward.fingerprint());
        }
        return emitted;
    }
}
