package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The plumbing the BGP interop tests share: network namespaces joined by veth pairs, daemons and speaker JVMs
 * started inside them, a scratch directory for their configurations, sockets and logs, and the removal of all of
 * it by {@link #close()} (processes first, since deleting a namespace does not end what runs in it). Nothing is
 * created in the host's namespace. Names carry a random suffix and every lab draws its own RFC 4193 ULA /48, so
 * overlapping or leftover runs never collide; a shutdown hook cleans up if the test JVM dies before close().
 */
final class InteropLab implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_MILLIS = 20_000;
    private static final long STOP_GRACE_MILLIS = 3_000;

    /** The random part of every name and address of this lab. */
    final String id;
    private final Path dir;
    private final String ula48;
    private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook = new Thread(this::cleanUp, "interop-lab-cleanup");
    private boolean closed;

    /** One veth pair: end A in {@code nsA} and end B in {@code nsB}, each with a ULA and a fixed link-local. */
    record Link(String nsA, String ifA, String addressA, String linkLocalA, String nsB, String ifB, String addressB,
        String linkLocalB) {
    }

    /** A finished command. */
    record Result(int exitCode, String output) {
    }

    InteropLab(String tag) throws IOException {
        final SecureRandom random = new SecureRandom();
        id = tag + Integer.toString(random.nextInt(1 << 20), 36);
        // RFC 4193 section 3.2: "a 40-bit Global ID [...] generated with a pseudo-random algorithm"
        final long globalId = random.nextLong() & 0xFF_FFFF_FFFFL;
        ula48 = String.format("fd%02x:%x:%x", globalId >>> 32, (globalId >>> 16) & 0xFFFF, globalId & 0xFFFF);
        dir = Files.createTempDirectory("xlat-" + id);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Skips the calling test unless it runs as root with iproute2 and the given programs; with
     * XLAT_REQUIRE_ROOT_TESTS=1 (CI) a missing prerequisite fails it instead.
     */
    static void requireRoot(String... programs) {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root is needed for network namespaces";
        } else if (!installed("ip")) {
            missing = "iproute2 is not installed";
        } else {
            for (final String program : programs) {
                if (!installed(program)) {
                    missing = program + " is not installed (scripts/install-deps installs it)";
                    break;
                }
            }
        }
        if (missing != null) {
            if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
                fail("XLAT_REQUIRE_ROOT_TESTS=1 but " + missing);
            }
            Assumptions.abort("skipped: " + missing + " (XLAT_REQUIRE_ROOT_TESTS=1 makes this a failure)");
        }
    }

    /** An absolute path, or a name looked up in PATH and the sbin directories. */
    static boolean installed(String program) {
        if (program.startsWith("/")) {
            return Files.isExecutable(Path.of(program));
        }
        final String path = System.getenv("PATH");
        for (final String d : ((path == null ? "" : path + ":") + "/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** The scratch directory, deleted by {@link #close()}. */
    Path dir() {
        return dir;
    }

    /** Writes a file into the scratch directory. */
    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** A file of the scratch directory as text, or a note saying why it cannot be read (for failure messages). */
    String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(" + name + ": " + e + ")";
        }
    }

    /** An address of this lab's ULA /48: {@code subnet} picks the /64, {@code host} the interface identifier. */
    String ula(int subnet, int host) {
        return ula48 + ":" + Integer.toHexString(subnet) + "::" + Integer.toHexString(host);
    }

    /** Creates namespace {@code <id>-<role>} with its loopback up and returns its name. */
    String namespace(String role) {
        final String name = id + "-" + role;
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        // FRR sends router advertisements on links with RFC 8950 or unnumbered peers; a SLAAC address would
        // become the speaker's source address and next hop (and miss the peer's TCP-MD5 key): accept none
        in(name, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_ra"
            + " && echo 0 > /proc/sys/net/ipv6/conf/all/accept_ra");
        return name;
    }

    /**
     * A veth pair between two namespaces, both ends up, with {@code ula(subnet, 1)/64} and {@code fe80::1/64} on
     * A and {@code ula(subnet, 2)/64} and {@code fe80::2/64} on B. The kernel's own link-local addresses are
     * turned off so that the link-local address a test expects in a next hop is the only one.
     */
    Link veth(String nsA, String ifA, String nsB, String ifB, int subnet) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        final Link link = new Link(nsA, ifA, ula(subnet, 1), "fe80::1", nsB, ifB, ula(subnet, 2), "fe80::2");
        configure(nsA, ifA, link.addressA(), link.linkLocalA());
        configure(nsB, ifB, link.addressB(), link.linkLocalB());
        return link;
    }

    private void configure(String ns, String ifName, String address, String linkLocal) {
        run("ip", "-n", ns, "link", "set", ifName, "addrgenmode", "none");
        // nodad: a tentative address cannot be bound yet, and nothing else is on this link
        run("ip", "-n", ns, "addr", "add", address + "/64", "dev", ifName, "nodad");
        run("ip", "-n", ns, "addr", "add", linkLocal + "/64", "dev", ifName, "nodad");
        run("ip", "-n", ns, "link", "set", ifName, "up");
    }

    /** Runs a command in a namespace to completion; fails the test with its output when it exits non-zero. */
    String in(String ns, String... command) {
        final Result r = execIn(ns, COMMAND_TIMEOUT_MILLIS, command);
        if (r.exitCode() != 0) {
            fail("in " + ns + ": " + String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    /** Runs a command in a namespace to completion, whatever its exit code. */
    Result execIn(String ns, long timeoutMillis, String... command) {
        return exec(timeoutMillis, inNamespace(ns, command));
    }

    /** Runs a command to completion; fails the test with its output when it exits non-zero. */
    String run(String... command) {
        final Result r = exec(COMMAND_TIMEOUT_MILLIS, command);
        if (r.exitCode() != 0) {
            fail(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    private Result exec(long timeoutMillis, String... command) {
        final Process p;
        final Path out;
        try {
            out = Files.createTempFile(dir, "exec", ".out");
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        }
        processes.add(p);
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "(timed out after " + timeoutMillis + " ms) " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            return new Result(-1, "(output unreadable: " + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        } finally {
            processes.remove(p);
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // the directory goes at close()
            }
        }
    }

    /**
     * Starts a long-running program in a namespace, its output to {@code <log>} in the scratch directory; ended by
     * {@link #close()}. {@code ip netns exec} execs the program, so the process is the program itself.
     */
    Process start(String ns, String log, String... command) throws IOException {
        final ProcessBuilder pb = new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile());
        return track(pb.start());
    }

    /** The argv that runs {@code command} inside {@code ns}. */
    static String[] inNamespace(String ns, String... command) {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Makes {@link #close()} end a process started elsewhere. */
    Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** SIGTERM, then SIGKILL after {@code graceMillis}. */
    static void stop(Process p, long graceMillis) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Polls a condition every 50 ms; fails with {@code what} after the timeout. */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Polls a condition for the whole period; fails with {@code what} the first time it does not hold. */
    static void holds(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (!condition.getAsBoolean()) {
                fail("stopped holding before " + millis + " ms: " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or ran
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (final Process p : new ArrayList<>(processes)) {
            stop(p, STOP_GRACE_MILLIS);
        }
        for (final String ns : new ArrayList<>(namespaces)) {
            exec(COMMAND_TIMEOUT_MILLIS, "ip", "netns", "del", ns);
        }
        namespaces.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover file in /tmp is harmless
        }
    }
}
