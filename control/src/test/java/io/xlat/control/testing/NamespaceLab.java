package io.xlat.control.testing;

import org.junit.jupiter.api.Assumptions;

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

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Network namespaces, veth pairs, processes and a scratch directory for integration tests, all removed by
 * {@link #close()}: processes first (deleting a namespace does not kill what runs in it), then namespaces, which
 * takes their interfaces with them, then the directory. Names carry a random suffix so that parallel or
 * leftover runs never collide; a JVM shutdown hook cleans up
 * when the test JVM is killed before {@code close()} runs.
 */
public class NamespaceLab implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_MILLIS = 20_000;

    public final String id;
    /** A scratch directory for configs, logs and files served in tests; deleted with the rest. */
    public final Path dir;
    private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook = new Thread(this::cleanUp, "namespace-lab-cleanup");
    private boolean closed;

    public NamespaceLab(String prefix) throws IOException {
        this.id = prefix + Integer.toString(new SecureRandom().nextInt(1 << 20), 36);
        this.dir = Files.createTempDirectory("xlat-" + id + "-");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Skips the calling test unless it runs as root with iproute2, /dev/net/tun and the given commands; with
     * XLAT_REQUIRE_ROOT_TESTS=1 (CI) a missing prerequisite fails instead.
     */
    public static void requireRoot(String... commands) {
        require(true, commands);
    }

    /** As {@link #requireRoot}, for tests that need no TUN device (the BGP speaker's). */
    public static void requireRootWithoutTun(String... commands) {
        require(false, commands);
    }

    /**
     * Skips the calling test unless the given commands are installed (no root needed: promtool, systemd-analyze);
     * with XLAT_REQUIRE_ROOT_TESTS=1 (CI) a missing one fails instead.
     */
    public static void requireTool(String... commands) {
        for (final String command : commands) {
            if (!onPath(command)) {
                final String missing = command + " is not installed (scripts/install-deps installs it)";
                if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
                    fail("XLAT_REQUIRE_ROOT_TESTS=1 but " + missing);
                }
                Assumptions.abort("skipped: " + missing + " (set XLAT_REQUIRE_ROOT_TESTS=1 to make this a failure)");
            }
        }
    }

    private static void require(boolean tun, String... commands) {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root is needed for network namespaces" + (tun ? " and TUN devices" : "");
        } else if (tun && !Files.exists(Path.of("/dev/net/tun"))) {
            missing = "/dev/net/tun is missing (modprobe tun)";
        } else if (!onPath("ip")) {
            missing = "iproute2 is not installed";
        } else {
            for (final String command : commands) {
                if (!onPath(command)) {
                    missing = command + " is not installed (scripts/install-deps installs it)";
                    break;
                }
            }
        }
        if (missing != null) {
            if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
                fail("XLAT_REQUIRE_ROOT_TESTS=1 but " + missing);
            }
            Assumptions.abort("skipped: " + missing + " (set XLAT_REQUIRE_ROOT_TESTS=1 to make this a failure)");
        }
    }

    /** An absolute path, or a name looked up in PATH and the sbin directories. */
    public static boolean onPath(String command) {
        if (command.startsWith("/")) {
            return Files.isExecutable(Path.of(command));
        }
        final String path = System.getenv("PATH");
        for (final String dir : (path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path + ":/usr/sbin:/sbin")
            .split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Creates namespace {@code id-suffix} with its loopback up, and returns its name. */
    public String namespace(String suffix) {
        final String name = id + "-" + suffix;
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair from {@code nsA}/{@code ifA} to {@code nsB}/{@code ifB}, both ends up; none in the host's. */
    public void veth(String nsA, String ifA, String nsB, String ifB) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        run("ip", "-n", nsA, "link", "set", ifA, "up");
        run("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    /** Sets sysctls in a namespace ({@code key=value}, keys with dots). */
    public void sysctl(String ns, String... settings) {
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            final String file = "/proc/sys/" + setting.substring(0, eq).replace('.', '/');
            run("ip", "netns", "exec", ns, "sh", "-c", "echo " + setting.substring(eq + 1) + " > " + file);
        }
    }

    /** Runs a command to completion; fails the test with its output when it exits non-zero. */
    public String run(String... command) {
        final Result r = exec(COMMAND_TIMEOUT_MILLIS, command);
        if (r.exitCode != 0) {
            fail(String.join(" ", command) + " exited " + r.exitCode + ":\n" + r.output);
        }
        return r.output;
    }

    /** Runs a command in a namespace to completion, whatever its exit code. */
    public Result execIn(String ns, long timeoutMillis, String... command) {
        return exec(timeoutMillis, inNamespace(ns, command));
    }

    /** Runs a command in a namespace to completion; fails the test with its output when it exits non-zero. */
    public String in(String ns, String... command) {
        final Result r = execIn(ns, COMMAND_TIMEOUT_MILLIS, command);
        if (r.exitCode() != 0) {
            fail("in " + ns + ": " + String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    /** The argv that runs {@code command} inside {@code ns}; {@code ip netns exec} execs it, so it is the process. */
    public static String[] inNamespace(String ns, String... command) {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Makes {@link #close()} end a process started elsewhere. */
    public Process track(Process p) {
        processes.add(p);
        return p;
    }

    public Result exec(long timeoutMillis, String... command) {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            processes.add(p);
            try {
                p.getOutputStream().close();
                final byte[][] output = new byte[1][];
                final Thread reader = new Thread(() -> {
                    try {
                        output[0] = p.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        output[0] = ("(output unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8);
                    }
                });
                reader.start();
                if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    reader.join(5_000);
                    return new Result(-1, "(timed out after " + timeoutMillis + " ms) "
                        + (output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8)));
                }
                reader.join(5_000);
                return new Result(p.exitValue(),
                    output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8));
            } finally {
                processes.remove(p);
            }
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Starts a long-running command in a namespace, its output to {@code log}; killed by {@link #close()}. */
    public Process start(String ns, Path log, String... command) throws IOException {
        // ip netns exec execs the command: the process is the command itself, so destroy() signals it
        return track(new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start());
    }

    /**
     * Starts a JVM running {@code mainClass} with {@code args} in namespace {@code ns} (the test class path), and
     * waits until its log has {@code ready}; fails with the log when it exits first.
     */
    public Process startJava(String ns, Path log, String ready, String mainClass, String... args) throws IOException,
        InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
            System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        final Process p = start(ns, log, command.toArray(new String[0]));
        await("'" + ready + "' in " + log, 30_000, () -> !p.isAlive() || read(log).contains(ready));
        if (!p.isAlive()) {
            fail("exited " + p.exitValue() + " before '" + ready + "':\n" + read(log));
        }
        return p;
    }

    /** {@link #startJava} of {@code xlat run ARGS}. */
    public Process startXlat(String ns, Path log, String ready, String... runArgs) throws IOException,
        InterruptedException {
        final List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(runArgs));
        return startJava(ns, log, ready, io.xlat.control.cli.Main.class.getName(), args.toArray(new String[0]));
    }

    /** Stops {@code process} (if started), prints its log, and closes {@code lab} (if built), whatever fails. */
    public static void stopAndClose(NamespaceLab lab, Process process, Path log) {
        try {
            if (process != null) {
                stop(process, 10_000);
                System.out.println("xlat log:\n" + read(log));
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    /** A file's text, or a note of why there is none (for failure messages). */
    public static String read(Path file) {
        try {
            return file != null && Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no file)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Stops a process started here: SIGTERM, then SIGKILL after {@code graceMillis}. */
    public static void stop(Process p, long graceMillis) {
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

    /**
     * The link the tenant tests share between the translator namespace and the fabric: veth xf (2001:db8:f::1)
     * to fx (2001:db8:f::2), IPv6 forwarding on in {@code nsx}. Routes and peer addresses are each test's.
     */
    public void fabricLink(String nsx, String nsFabric) {
        sysctl(nsx, "net.ipv6.conf.all.forwarding=1");
        veth(nsx, "xf", nsFabric, "fx");
        run("ip", "-n", nsx, "addr", "add", "2001:db8:f::1/64", "dev", "xf", "nodad");
        run("ip", "-n", nsFabric, "addr", "add", "2001:db8:f::2/64", "dev", "fx", "nodad");
    }

    /** What {@code xlat stats --counters-file FILE} prints; fails the test when it does not exit 0. */
    public static String stats(Path countersFile) {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        final int code = io.xlat.control.cli.Main.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err),
            "stats", "--counters-file", countersFile.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, code, err.toString());
        return out.toString();
    }

    /**
     * A counter of one device's section of {@code xlat stats} (its indented lines up to the next device); 0 when
     * the device or the counter is absent: stats leaves out zeros, so a section may end without it.
     */
    public static long counter(String stats, String device, String label) {
        final java.util.regex.Matcher section = java.util.regex.Pattern.compile("(?m)^"
            + java.util.regex.Pattern.quote(device) + " \\(.*\\)\n((?:  .*\\n?)*)").matcher(stats);
        if (!section.find()) {
            return 0;
        }
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  "
            + java.util.regex.Pattern.quote(label) + " +(\\d+)$").matcher(section.group(1));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * The translator section the tenant tests share and their first tenant, blue (2001:db8:100:1::/96, 10.0.0.0/25
     * on xb-blue in {@code netns}), as YAML lines ending in a newline; callers append more tenants and a dataplane.
     */
    public static String blueTenantYaml(String netns) {
        return String.join("\n",
            "translator:",
            "  ipv4-address: 203.0.113.1",
            "  ipv6-address: \"2001:db8:ffff::1\"",
            "tenants:",
            "  - name: blue",
            "    prefix: \"2001:db8:100:1::/96\"",
            "    ipv4: [10.0.0.0/25]",
            "    tun: xb-blue",
            "    netns: " + netns,
            "");
    }

    /** Waits for a condition, polling every 50 ms; fails with {@code what} after the timeout. */
    public static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Polls a condition for the whole period; fails with {@code what} the first time it does not hold. */
    public static void holds(String what, long millis, BooleanSupplier condition) throws InterruptedException {
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
            stop(p, 3_000);
        }
        for (final String ns : new ArrayList<>(namespaces)) {
            exec(COMMAND_TIMEOUT_MILLIS, "ip", "netns", "del", ns);
        }
        namespaces.clear();
        try (var files = Files.walk(dir)) {
            for (final Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("namespace lab: cannot delete " + dir + ": " + e);
        }
    }

    /** A finished command. */
    public record Result(int exitCode, String output) {
    }
}
