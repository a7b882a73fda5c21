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
 * One packet through {@link Translator#translate} per operation, for each {@link Scenario}.
 *
 * <p>Translation is in place and destroys its input, so every operation first copies the pre-built packet
 * from a template buffer into the working buffer at {@link Translator#HEADROOM}. That copy is part of the
 * measured time; {@link #restoreOnly} does only the copy (and the same Blackhole call) so that it can be
 * subtracted. The trial fails if any packet was dropped or answered with an error instead of forwarded, so a
 * fast number cannot come from a drop path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TranslatorBenchmark {
    /** The rate limiter of originated errors reads the clock; no benchmarked packet gets that far. */
    private static final long NOW_NANOS = 1_000_000_000L;
    /** Working room behind the packet: larger than any benchmarked packet and its translation. */
    private static final int CAPACITY = Translator.HEADROOM + 2048;

    @Param
    public Scenario scenario;

    private final ConsumingSink forward = new ConsumingSink();
    private final ConsumingSink back = new ConsumingSink();
    private UnsafeBuffer template;
    private UnsafeBuffer work;
    private int length;
    private DropCounters counters;
    private Translator translator;

    @Setup(Level.Trial)
    public void setUp() {
        setUp(scenario.packet());
    }

    /** Sets up with the given input packet; throws when the translator does not forward it as one packet. */
    void setUp(byte[] packet) {
        length = packet.length;
        // Cache-line aligned, as an I/O slot would be, so runs do not differ by where the allocator put them.
        template = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY, 64));
        work = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY, 64));
        template.putBytes(0, packet);
        counters = new DropCounters();
        translator = new Translator(Scenario.config(), counters);
        // Fail fast on a packet the translator does not forward: the numbers would describe the wrong path.
        work.putBytes(Translator.HEADROOM, template, 0, length);
        final int emitted = translator.translate(work, Translator.HEADROOM, length, NOW_NANOS, forward, back);
        if (emitted != 1 || forward.packets() != 1 || back.packets() != 0 || counters.totalDrops() != 0) {
            throw new IllegalStateException(scenario + ": expected one forwarded packet, got emitted=" + emitted
                + " forward=" + forward.packets() + " back=" + back.packets() + " drops=" + counters.totalDrops());
        }
    }

    @TearDown(Level.Trial)
    public void checkEveryPacketWasForwarded() {
        final long translated = counters.translated46Count() + counters.translated64Count();
        if (counters.totalDrops() != 0 || back.packets() != 0 || forward.packets() != translated) {
            throw new IllegalStateException(scenario + ": drops=" + counters.totalDrops() + " back=" + back.packets()
                + " forward=" + forward.packets() + " translated=" + translated);
        }
    }

    /** Restore the input (a copy of {@code length} bytes), translate it, consume the output. */
    @Benchmark
    public int translate(Blackhole blackhole) {
        work.putBytes(Translator.HEADROOM, template, 0, length);
        final int emitted = translator.translate(work, Translator.HEADROOM, length, NOW_NANOS, forward, back);
        blackhole.consume(forward.fingerprint());
        return emitted;
    }

    /** The baseline to subtract from {@link #translate}: the same input restore and Blackhole call, no translation. */
    @Benchmark
    public int restoreOnly(Blackhole blackhole) {
        work.putBytes(Translator.HEADROOM, template, 0, length);
        blackhole.consume(forward.fingerprint());
        return work.getByte(Translator.HEADROOM + length - 1);
    }
}
