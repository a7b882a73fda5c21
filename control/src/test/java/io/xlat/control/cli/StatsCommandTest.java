package io.xlat.control.cli;

import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.TranslatorMetric;
import io.xlat.tunio.counters.WorkerCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsCommandTest {

    @TempDir
    Path dir;

    /** A counters file as a running xlat with two workers on xlat0 leaves it. */
    private CountersFile running(Path path) throws IOException {
        final CountersFile file = CountersFile.create(path, 2 * WorkerCounters.perWorker(), 777, 0);
        final DeviceCounters d0 = new DeviceCounters();
        d0.received(100);
        d0.sent(120);
        final DropCounters c0 = new DropCounters();
        c0.translated46(100);
        c0.drop(DropReason.TTL_EXPIRED, Direction.D46);
        new WorkerCounters(file.manager(), "xlat0", 0).publish(d0, c0);
        final DeviceCounters d1 = new DeviceCounters();
        d1.received(60);
        final DropCounters c1 = new DropCounters();
        c1.drop(DropReason.TTL_EXPIRED, Direction.D64);
        c1.drop(DropReason.NO_MAPPING_DESTINATION, Direction.D64);
        new WorkerCounters(file.manager(), "xlat0", 1).publish(d1, c1);
        return file;
    }

    @Test
    void shouldPrintTheNonzeroCountersOfADeviceSummedOverItsWorkers() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            final CliRun run = CliRun.of("stats", "--counters-file", file.path().toString());

            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            final String out = run.out();
            assertTrue(out.startsWith(path + ": xlat pid 777, running since "), out);
            assertTrue(out.contains("\nxlat0 (2 workers)\n"), out);
            assertTrue(out.contains(line("rx-packets", 2)), out);
            assertTrue(out.contains(line("rx-bytes", 160)), out);
            assertTrue(out.contains(line("tx-packets", 1)), out);
            assertTrue(out.contains(line("translated-46", 1)), out);
            assertTrue(out.contains(line("drop ttl-expired", 2)), out);
            assertTrue(out.contains(line("drop no-mapping-destination", 1)), out);
            assertFalse(out.contains("short-writes"), "zero counters are left out:\n" + out);
            assertTrue(out.indexOf("rx-packets") < out.indexOf("translated-46")
                && out.indexOf("translated-46") < out.indexOf("drop no-mapping-destination")
                && out.indexOf("drop no-mapping-destination") < out.indexOf("drop ttl-expired"),
                "device, translator, then drops in catalogue order:\n" + out);
        }
    }

    @Test
    void shouldShowTheBgpSessionsNextToTheCounters() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            Files.writeString(dir.resolve("counters.bgp"), "# xlat bgp status, written at " + System.currentTimeMillis()
                + "\nannounced\t2\t[2001:db8:64::/96, 198.51.100.0/24]\n"
                + "peer\t2001:db8:ffff::1\tESTABLISHED\t65000\t12\t15\t2\t0\t0\t\n"
                + "peer\tfe80::1%eth0\tCONNECT\t-1\t0\t0\t0\t0\t0\tconnection refused\n");
            final String out = CliRun.of("stats", "--counters-file", file.path().toString()).out();
            assertTrue(out.contains("\nbgp (status written "), out);
            assertTrue(out.contains("2001:db8:64::/96, 198.51.100.0/24"), out);
            assertTrue(out.contains("peer 2001:db8:ffff::1  ESTABLISHED, up 1m5s"), out);
            assertTrue(out.contains("messages in 12, out 15; prefixes held by the peer 2"), out);
            assertTrue(out.contains("peer fe80::1%eth0  CONNECT\n"), out);
            assertTrue(out.contains("last error: connection refused"), out);
        }
    }

    @Test
    void shouldSplitWorkersAndShowZerosWhenAsked() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            final CliRun run = CliRun.of("stats", "--counters-file", file.path().toString(), "--per-worker", "--all");

            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            assertTrue(run.out().contains("\nxlat0 q0\n"), run.out());
            assertTrue(run.out().contains("\nxlat0 q1\n"), run.out());
            assertTrue(run.out().contains(line("short-writes", 0)), run.out());
            assertEquals(2, count(run.out(), line("drop ttl-expired", 1)), run.out());
        }
    }

    @Test
    void shouldFindTheCountersFileFromTheConfiguration() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            final Path config = Files.writeString(dir.resolve("x.yaml"), "allow-empty: true\ndataplane:\n  counters-file: " + file.path()
                + "\n");
            final CliRun run = CliRun.of("stats", "--config", config.toString());
            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            assertTrue(run.out().contains(line("rx-packets", 2)), run.out());
        }
    }

    @Test
    void shouldSplitTheDropsByDirectionOnlyWhenAsked() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            final String byReason = CliRun.of("stats", "--counters-file", file.path().toString()).out();
            final CliRun run = CliRun.of("stats", "--counters-file", file.path().toString(), "--per-direction");

            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            assertFalse(byReason.contains("drop ttl-expired 46"), byReason);
            assertTrue(run.out().contains(line("drop ttl-expired 46", 1)), run.out());
            assertTrue(run.out().contains(line("drop ttl-expired 64", 1)), run.out());
            assertTrue(run.out().contains(line("drop no-mapping-destination 64", 1)), run.out());
            assertFalse(run.out().contains("drop no-mapping-destination 46"), "zero directions stay out:\n" + run.out());
            assertFalse(run.out().contains(line("drop ttl-expired", 2)), "no total line beside its parts");
        }
    }

    @Test
    void shouldNameTheWorkersIoPathOnceTheDataPlaneRecordedIt() throws IOException {
        final Path path = dir.resolve("counters");
        try (CountersFile file = running(path)) {
            final String before = CliRun.of("stats", "--counters-file", path.toString()).out();
            assertFalse(before.contains(", io "), "not said before the data plane starts:\n" + before);

            file.ioPath(CountersFile.IO_URING);
            final String uring = CliRun.of("stats", "--counters-file", path.toString()).out();
            assertTrue(uring.lines().findFirst().orElseThrow().endsWith(", io io_uring"), uring);

            file.ioPath(CountersFile.IO_SYSCALLS);
            final String syscalls = CliRun.of("stats", "--counters-file", path.toString()).out();
            assertTrue(syscalls.lines().findFirst().orElseThrow().endsWith(", io syscalls"), syscalls);
        }
    }

    @Test
    void shouldSayWhenTheInstanceStopped() throws IOException {
        final Path path = dir.resolve("counters");
        running(path).close();
        final CliRun run = CliRun.of("stats", "--counters-file", path.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("stopped (started "), run.out());
        assertTrue(run.out().contains(line("rx-packets", 2)), "the last values stay:\n" + run.out());
    }

    @Test
    void shouldFailWithOneLineWhenThereIsNoCountersFile() {
        final CliRun run = CliRun.of("stats", "--counters-file", dir.resolve("none").toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertEquals(1, run.errLines().length, run.err());
        assertTrue(run.err().contains("is xlat running?"), run.err());
    }

    @Test
    void shouldExplainEveryCounterWithoutAFile() {
        final CliRun run = CliRun.of("stats", "--explain", "--counters-file", dir.resolve("none").toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        for (final DeviceMetric m : DeviceMetric.values()) {
            assertTrue(run.out().contains(m.label()) && run.out().contains(m.description()), m.label());
        }
        for (final TranslatorMetric m : TranslatorMetric.values()) {
            assertTrue(run.out().contains(m.label()) && run.out().contains(m.description()), m.label());
        }
        for (final DropReason r : DropReason.values()) {
            assertTrue(run.out().contains("drop " + r.label()), r.label());
            assertTrue(run.out().contains(r.description() + " [" + r.rfc() + "]"), r.label());
        }
    }

    private static String line(String label, long value) {
        return String.format("  %-" + StatsCommand.LABEL_WIDTH + "s %d%n", label, value);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
