package io.xlat.control.cli;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapngReader;
import io.xlat.tunio.trace.TraceBuffer;
import io.xlat.tunio.trace.TraceTap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldSayXlatIsNotRunningWhenThereIsNoTraceFile() {
        final CliRun run = CliRun.of("trace", "--counters-file", dir.resolve("counters").toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.err().contains("counters.trace: no such file (is xlat running?"), run.err());
    }

    @Test
    void shouldRejectADropReasonThatDoesNotExist() {
        final CliRun run = CliRun.of("trace", "--counters-file", dir.resolve("counters").toString(), "--reason",
            "nope");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--reason: no drop reason 'nope'"), run.err());
    }

    @Test
    void shouldRefuseATraceFileWhoseXlatHasExited() throws Exception {
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        TraceBuffer.create(TraceBuffer.besideCounters(dir.resolve("counters")), 4096, gone.pid()).close();
        final CliRun run = CliRun.of("trace", "--counters-file", dir.resolve("counters").toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.err().contains("(pid " + gone.pid() + ") is not running"), run.err());
    }

    @Test
    void shouldWriteTheTracedPacketAndItsTranslationToAnOwnerOnlyPcapngWithOneInterfacePerSide() throws Exception {
        final Path counters = dir.resolve("counters");
        final Path out = dir.resolve("out.pcapng");
        try (TraceBuffer trace = TraceBuffer.create(TraceBuffer.besideCounters(counters), 1 << 16,
            ProcessHandle.current().pid())) {
            final CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("trace",
                "--counters-file", counters.toString(), "--count", "1", "-w", out.toString()));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (trace.session() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // a worker's part: an IPv4 packet in, its IPv6 translation out
            final TraceTap tap = new TraceTap(trace, 0);
            final Translator translator = new Translator(TranslatorConfig.builder().build(), new DropCounters());
            assertTrue(tap.begin(translator.tenants(), 0));
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[60]);
            packet.putByte(0, (byte) 0x45);
            assertTrue(tap.read(translator, -1, packet, 0, 20));
            packet.putByte(0, (byte) 0x60);
            final PacketSink nowhere = (b, o, l) -> { };
            tap.forward(nowhere).emit(packet, 0, 40);
            tap.done();

            final CliRun done = run.get(20, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, done.exitCode(), done.err());
            assertTrue(done.err().contains("1 packets traced (2 written with their output), 0 records lost"),
                done.err());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        try (PcapngReader reader = PcapngReader.open(out)) {
            assertTrue(reader.next() >= 0);
            assertEquals(20, reader.length(), "the packet as it came in");
            assertEquals(LinkType.IPV4, reader.linkType());
            assertTrue(reader.next() >= 0);
            assertEquals(40, reader.length(), "its translation");
            assertEquals(LinkType.IPV6, reader.linkType());
            assertTrue(reader.next() < 0, "nothing else");
        }
    }
}
