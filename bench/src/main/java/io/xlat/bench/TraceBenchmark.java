package io.xlat.bench;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.trace.TraceBuffer;
import io.xlat.tunio.trace.TraceTap;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the live packet trace on the worker's path: one packet per operation through the calls the worker
 * makes ({@link TraceTap#begin} once per batch, here once per packet, the worst case of batches of one;
 * {@link TraceTap#read}, the tap's sinks, {@link TraceTap#done}) and {@link Translator#translate}, as in
 * {@link TranslatorBenchmark}. {@code DETACHED} is the cost with no tracer: one volatile read.
 * {@code ATTACHED_OTHER_TENANT}: a tracer attached for a tenant the packet does not belong to (a comparison).
 * {@code ATTACHED}: every packet traced, its input and output copied into the ring. The ring is drained (records
 * skipped, as a reader in another process would take them) every {@link #DRAIN_EVERY} packets, off the clock as
 * far as possible: that cost is the tracer's, not the worker's, but it is inside the measured time here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceBenchmark {

    public enum Trace { DETACHED, ATTACHED_OTHER_TENANT, ATTACHED }

    private static final long NOW_NANOS = 1_000_000_000L;
    private static final int CAPACITY = Translator.HEADROOM + 2048;
    private static final int DRAIN_EVERY = 256;

    @Param({"UDP_46", "UDP_64"})
    public Scenario scenario;

    @Param
    public Trace trace;

    private final ConsumingSink forward = new ConsumingSink();
    private final ConsumingSink back = new ConsumingSink();
    private UnsafeBuffer template;
    private UnsafeBuffer work;
    private int length;
    private DropCounters counters;
    private Translator translator;
    private Path file;
    private TraceBuffer buffer;
    private ManyToOneRingBuffer ring;
    private TraceTap tap;
    private int sinceDrain;
    private long drained;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        final byte[] packet = scenario.packet();
        length = packet.length;
        template = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY, 64));
        work = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY, 64));
        template.putBytes(0, packet);
        counters = new DropCounters();
        translator = new Translator(Scenario.config(), counters);
        file = Files.createTempDirectory("xlat-trace-bench").resolve("counters.trace");
        buffer = TraceBuffer.create(file, TraceBuffer.DEFAULT_CAPACITY, ProcessHandle.current().pid());
        ring = buffer.ring();
        tap = new TraceTap(buffer, 0);
        if (trace != Trace.DETACHED) {
            buffer.attach(ProcessHandle.current().pid(), -1,
                trace == Trace.ATTACHED_OTHER_TENANT ? "no-such-tenant" : null);
        }
    }

    @TearDown(Level.Trial)
    public void check() throws IOException {
        final long translated = counters.translated46Count() + counters.translated64Count();
        if (counters.totalDrops() != 0 || forward.packets() != translated) {
            throw new IllegalStateException(scenario + ": drops=" + counters.totalDrops());
        }
        if (trace == Trace.ATTACHED && (drained == 0 || buffer.lost() != 0)) {
            throw new IllegalStateException("traced " + drained + " records, lost " + buffer.lost());
        }
        if (trace != Trace.ATTACHED && drained != 0) {
            throw new IllegalStateException("records published without a matching trace: " + drained);
        }
        buffer.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
    }

    /** What the worker does per packet, with the trace as {@link #trace} says. */
    @Benchmark
    public int translate(Blackhole blackhole) {
        work.putBytes(Translator.HEADROOM, template, 0, length);
        final boolean traced = tap.begin(translator.tenants(), NOW_NANOS)
            && tap.read(translator, -1, work, Translator.HEADROOM, length);
        final PacketSink f = traced ? tap.forward(forward) : forward;
        final PacketSink b = traced ? tap.back(back) : back;
        final int emitted = translator.translate(work, Translator.HEADROOM, length, NOW_NANOS, f, b);
        if (traced) {
            tap.done();
        }
        if (++sinceDrain == DRAIN_EVERY) {
            sinceDrain = 0;
            drained += ring.read((type, buffer, index, len) -> { }, Integer.MAX_VALUE);
        }
        blackhole.consume(forward.fingerprint());
        return emitted;
    }
}
