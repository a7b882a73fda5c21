package io.xlat.control.run;

import io.xlat.tunio.tun.UringTesting;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways a worker can move packets, each as the {@code xlat run} options that choose it: the I/O path (read and
 * write calls, or io_uring) times the offload settings (virtio-net headers with coalescing on write, headers
 * without coalescing, plain packets). The data-path tests of each topology run every one of them, so that a new
 * way is added here once and tested everywhere.
 */
enum DataPath {
    SYSCALLS_OFFLOAD_COALESCE("syscalls", "--offload", "--coalesce"),
    SYSCALLS_OFFLOAD("syscalls", "--offload", "--no-coalesce"),
    SYSCALLS_PLAIN("syscalls", "--no-offload"),
    IO_URING_OFFLOAD_COALESCE("io_uring", "--offload", "--coalesce"),
    IO_URING_OFFLOAD("io_uring", "--offload", "--no-coalesce"),
    IO_URING_PLAIN("io_uring", "--no-offload");

    /** The value of {@code --io} (and of {@code dataplane.io}). */
    final String io;
    private final String[] offloads;

    DataPath(String io, String... offloads) {
        this.io = io;
        this.offloads = offloads;
    }

    /** The options after {@code xlat run ...} that select this path. */
    List<String> args() {
        final List<String> args = new ArrayList<>(List.of("--io", io));
        args.addAll(List.of(offloads));
        return args;
    }

    /** {@code base} followed by this path's options. */
    String[] after(String... base) {
        final List<String> args = new ArrayList<>(List.of(base));
        args.addAll(args());
        return args.toArray(new String[0]);
    }

    /**
     * Aborts the test where this path cannot run: io_uring refused by the kernel (a failure instead with
     * XLAT_REQUIRE_ROOT_TESTS=1, as in CI, whose kernel has it).
     */
    void requireAvailable() {
        if ("io_uring".equals(io)) {
            UringTesting.requireIoUring();
        }
    }

    /**
     * The start line in {@code log} names this path's I/O and offloads (the kernel took them: it says so), and the
     * first line of {@code xlat stats} names its I/O.
     */
    void assertNamedIn(String log, String stats) {
        final String startLine = log.lines().filter(l -> l.contains("xlat: started: ")).findFirst().orElse("");
        assertTrue(startLine.contains(" io " + io + (io.equals("io_uring") ? " (" : "")), "start line: " + startLine);
        final String offloadsNamed = offloads.length == 1 ? "offloads off, " : "offloads csum tso4 tso6 tso-ecn, uso4 "
            + "uso6 on write, udp coalescing " + ("--coalesce".equals(offloads[1]) ? "on" : "off");
        assertTrue(startLine.contains(offloadsNamed), "'" + offloadsNamed + "' in the start line: " + startLine);
        assertTrue(stats.lines().findFirst().orElse("").endsWith(", io " + io), "xlat stats:\n" + stats);
    }
}
