package io.xlat.tunio.trace;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceTapTest {

    private static final long PID = 4242;

    @TempDir
    Path dir;

    private TraceBuffer trace;
    private TraceTap tap;
    private Translator translator;
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[128]);
    private final List<String> records = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        trace = TraceBuffer.create(dir.resolve("counters.trace"), 4096, 1);
        tap = new TraceTap(trace, 3);
        translator = new Translator(TranslatorConfig.builder().build(), new DropCounters());
    }

    @AfterEach
    void close() {
        trace.close();
    }

    @Test
    void shouldCreateTheTraceFileForItsOwnerOnly() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trace.path())));
    }

    @Test
    void shouldPublishNothingWhileNoTracerIsAttached() {
        assertFalse(tap.begin(translator.tenants(), 0));
        assertEquals(0, drain());
    }

    @Test
    void shouldRecordTheInputThenItsOutputWithTheDropReasonOfTheVerdict() {
        assertEquals(0, trace.attach(PID, -1, null));
        assertTrue(tap.begin(translator.tenants(), 1_000));
        packet.putByte(0, (byte) 0x00); // version 0: the translator drops it as bad-version
        assertTrue(tap.read(translator, -1, packet, 0, 20));
        final Sink sink = new Sink();
        final PacketSink through = tap.back(sink);
        assertNotEquals(sink, through);
        translator.translate(packet, 0, 20, 1_000, tap.forward(sink), through);
        through.emit(packet, 0, 8); // as an ICMP error sent back would
        tap.done();

        assertEquals(2, drain());
        assertEquals(List.of("in worker=3 number=1 reason=" + DropReason.BAD_VERSION.id() + " emitted=1 length=20",
            "out worker=3 number=1 length=8"), records);
        assertEquals(1, sink.packets, "the output still reaches its sink");
    }

    @Test
    void shouldAbortTheRecordOfAPacketNotDroppedForTheReasonAsked() {
        trace.attach(PID, DropReason.TTL_EXPIRED.id(), null);
        tap.begin(translator.tenants(), 0);
        packet.putByte(0, (byte) 0x00);
        assertTrue(tap.read(translator, -1, packet, 0, 20));
        translator.translate(packet, 0, 20, 0, tap.forward(new Sink()), tap.back(new Sink()));
        tap.done();
        drain();
        assertEquals(List.of(), records);
    }

    @Test
    void shouldTraceNothingWhenTheTenantAskedForDoesNotExist() {
        trace.attach(PID, -1, "blue");
        tap.begin(translator.tenants(), 0);
        assertFalse(tap.read(translator, -1, packet, 0, 20));
        final Sink sink = new Sink();
        assertSame(sink, tap.forward(sink), "an untraced packet goes straight to its sink");
    }

    @Test
    void shouldCountARecordLostWhenTheRingIsFullInsteadOfWaiting() {
        trace.attach(PID, -1, null);
        tap.begin(translator.tenants(), 0);
        int traced = 0;
        for (int i = 0; i < 100; i++) {
            if (tap.read(translator, -1, packet, 0, 100)) {
                traced++;
                tap.done();
            }
        }
        assertTrue(traced > 0 && traced < 100, "traced " + traced);
        assertEquals(100 - traced, trace.lost());
    }

    @Test
    void shouldStopPublishingAtTheNextBatchAfterTheTracerDetaches() {
        trace.attach(PID, -1, null);
        assertTrue(tap.begin(translator.tenants(), 0));
        trace.detach(PID);
        assertFalse(tap.begin(translator.tenants(), 0));
        assertEquals(0, trace.session());
    }

    @Test
    void shouldRefuseASecondLiveTracer() {
        final long self = ProcessHandle.current().pid();
        assertEquals(0, trace.attach(self, -1, null));
        assertEquals(self, trace.attach(PID, -1, null), "the first tracer, alive, keeps the trace");
    }

    private int drain() {
        return trace.ring().read((type, b, at, length) -> records.add(type == TraceRecord.PACKET_IN
            ? "in worker=" + b.getInt(at + TraceRecord.WORKER_OFFSET, BIG_ENDIAN)
                + " number=" + b.getLong(at + TraceRecord.NUMBER_OFFSET, BIG_ENDIAN)
                + " reason=" + b.getInt(at + TraceRecord.REASON_OFFSET, BIG_ENDIAN)
                + " emitted=" + b.getInt(at + TraceRecord.EMITTED_OFFSET, BIG_ENDIAN)
                + " length=" + (length - TraceRecord.IN_HEADER_LENGTH)
            : "out worker=" + b.getInt(at + TraceRecord.WORKER_OFFSET, BIG_ENDIAN)
                + " number=" + b.getLong(at + TraceRecord.NUMBER_OFFSET, BIG_ENDIAN)
                + " length=" + (length - TraceRecord.OUT_HEADER_LENGTH)));
    }

    private static final class Sink implements PacketSink {
        int packets;

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            packets++;
        }
    }
}
