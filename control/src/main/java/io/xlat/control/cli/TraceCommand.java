package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.explain.AddressExplainer;
import io.xlat.control.explain.PacketExplainer;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.pcap.PcapngWriter;
import io.xlat.tunio.trace.TraceBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code xlat trace}: a live packet trace of a running xlat, to pcapng or text. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Capture the packets a running xlat translates or drops, with its verdict on each.",
    description = {
        "%nAttach to a running 'xlat run' (through the trace file beside its counters file, <counters-file>.trace) "
            + "and receive, for each packet that matches the filter, the packet as it came in, every packet the "
            + "translator sent for it (the translation, its fragments, an ICMP error back) and the verdict: "
            + "translated, or dropped with the drop reason's name, and the tenant.",
        "%nWith -w FILE the packets go to a pcapng file (mode 0600) with two interfaces, the IPv4 side (link type "
            + "ipv4) and the IPv6 side (ipv6), and a comment on each packet: 'tenant=blue direction=46 in "
            + "verdict=translated', 'tenant=red direction=64 in verdict=dropped reason=no-mapping-destination', "
            + "'tenant=blue direction=46 out'. Wireshark shows it as the packet comment; tshark -e frame.comment. "
            + "With --text (the default without -w) one line per packet as 'xlat explain --pcap' prints them.",
        "%nThe workers publish only while a trace is attached and only the packets that match, and never wait: "
            + "when the ring is full a record is lost, and the count of lost records is printed at the end. One "
            + "trace at a time; it ends after --count packets, on Ctrl-C or SIGTERM, or when xlat stops.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat trace -c /etc/xlat/xlat.yaml --tenant blue -w blue.pcapng",
        "  xlat trace --counters-file /run/xlat/counters --reason no-mapping-destination --count 10 --text",
        "  tshark -r blue.pcapng -T fields -e frame.number -e frame.comment",
        "",
        "Exit code 1 when no running xlat can be traced, 2 on a bad option or configuration."})
final class TraceCommand implements Callable<Integer> {

    /** How long the reader sleeps when the ring is empty: short enough that the ring rarely fills. */
    private static final long IDLE_SLEEP_NANOS = 200_000L;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "The configuration of the running xlat; the trace file is beside its dataplane.counters-file.")
    Path config;

    @Option(names = "--counters-file", paramLabel = "FILE",
        description = "The running xlat's counters file (the trace file is FILE.trace).")
    Path countersFile;

    @Option(names = "--tenant", paramLabel = "NAME",
        description = "Only packets of this tenant (from its device, or to its instance prefix).")
    String tenant;

    @Option(names = "--reason", paramLabel = "REASON",
        description = "Only packets dropped for this reason: its name as 'xlat stats' prints it (see 'xlat stats "
            + "--explain'), e.g. no-mapping-destination.")
    String reason;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N input packets.")
    Long count;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", description = "Write pcapng to FILE (mode 0600).")
    Path output;

    @Option(names = "--text", description = "Print one line per packet (also with -w).")
    boolean text;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    /** Set on Ctrl-C or SIGTERM: the trace detaches, writes what it has and ends. */
    private volatile boolean stop;

    @Override
    public Integer call() {
        final String name = spec.qualifiedName();
        final PrintWriter err = spec.commandLine().getErr();
        if (config != null && countersFile != null) {
            throw usage("give --config or --counters-file, not both");
        }
        if (count != null && count < 1) {
            throw usage("--count must be at least 1, got " + count);
        }
        if (tenant != null && tenant.length() > TraceBuffer.MAX_TENANT_NAME) {
            throw usage("--tenant: no tenant name is longer than " + TraceBuffer.MAX_TENANT_NAME + " characters");
        }
        final int reasonId = reason == null ? -1 : reasonId(reason);
        final Path counters;
        try {
            counters = StatsCommand.countersFile(config, countersFile);
        } catch (ConfigException e) {
            return ConfigErrors.report(name, e, err);
        }
        final Path path = TraceBuffer.besideCounters(counters);
        final TraceBuffer trace;
        try {
            trace = TraceBuffer.open(path);
        } catch (NoSuchFileException e) {
            return fail(name + ": error: " + path + ": no such file (is xlat running? 'xlat run' creates it beside "
                + "its counters file)");
        } catch (IOException e) {
            return fail(name + ": error: " + ReplayCommand.describe(e));
        }
        try {
            final long xlat = trace.xlatPid();
            if (!alive(xlat)) {
                return fail(name + ": error: " + path + ": the xlat that made it (pid " + xlat + ") is not running");
            }
            return trace(trace, reasonId, xlat);
        } finally {
            trace.close();
        }
    }

    private int trace(TraceBuffer trace, int reasonId, long xlat) {
        final String name = spec.qualifiedName();
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter out = spec.commandLine().getOut();
        final long self = ProcessHandle.current().pid();
        PcapngWriter pcapng = null;
        try {
            if (output != null) {
                pcapng = PcapngWriter.create(ownerOnly(output), false, "xlat trace");
            }
            final TraceCapture capture = new TraceCapture(pcapng, text || output == null ? out : null,
                new PacketExplainer(AddressExplainer.none(), null));
            if (count != null) {
                capture.limit(count);
            }
            // what an earlier trace left in the ring is not this trace's
            while (trace.ring().read((type, buffer, index, length) -> { }, 1024) > 0) {
                continue;
            }
            final long holder = trace.attach(self, reasonId, tenant);
            if (holder != 0) {
                return fail(name + ": error: another xlat trace (pid " + holder + ") is attached; one at a time");
            }
            final long lostBefore = trace.lost();
            err.println(name + ": attached to xlat pid " + xlat + " (" + trace.path() + ")" + (tenant == null ? ""
                : ", tenant " + tenant) + (reason == null ? "" : ", drop reason " + DropReason.byId(reasonId).label())
                + (count == null ? "; Ctrl-C to stop" : ", " + count + " packets"));
            err.flush();
            final CountDownLatch finished = new CountDownLatch(1);
            final Thread hook = new Thread(() -> {
                stop = true;
                try {
                    finished.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "xlat-trace-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            String ended = null;
            try {
                long checked = System.nanoTime();
                while (!stop && !capture.full()) {
                    if (capture.poll(trace) == 0) {
                        out.flush();
                        final long now = System.nanoTime();
                        if (now - checked > 1_000_000_000L) {
                            checked = now;
                            if (!alive(xlat)) {
                                ended = "xlat (pid " + xlat + ") stopped";
                                break;
                            }
                            if (trace.session() != self) {
                                ended = "detached by another xlat trace (pid " + trace.session() + ")";
                                break;
                            }
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(IDLE_SLEEP_NANOS);
                    }
                }
            } finally {
                trace.detach(self);
            }
            // a worker reads the attach word once per batch: give the batch in flight time to land
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            while (capture.poll(trace) > 0) {
                continue;
            }
            if (pcapng != null) {
                pcapng.close();
                pcapng = null;
            }
            out.flush();
            err.println(name + ": " + capture.inputs() + " packets traced (" + capture.written()
                + " written with their output), " + (trace.lost() - lostBefore) + " records lost because the ring "
                + "was full" + (ended == null ? "" : "; " + ended));
            err.flush();
            finished.countDown();
            if (!stop) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            trace.detach(self);
            out.flush();
            return fail(name + ": error: " + ReplayCommand.describe(e));
        } finally {
            if (pcapng != null) {
                try {
                    pcapng.close();
                } catch (IOException e) {
                    err.println(name + ": error: " + output + ": " + e.getMessage());
                }
            }
        }
    }

    /** The output file, made (or reset to) mode 0600 before a byte of a packet goes in: packets are private. */
    static Path ownerOnly(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return file;
    }

    private int reasonId(String text) {
        final String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (final DropReason r : DropReason.values()) {
            if (r.label().equals(wanted) || r.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(wanted)) {
                return r.id();
            }
        }
        throw usage("--reason: no drop reason '" + text + "' ('xlat stats --explain' lists them)");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int fail(String message) {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
        return ExitCodes.FAILURE;
    }
}
