package io.xlat.control.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo's commands: short ones to completion with a timeout, long-running ones in the background with
 * their output in a log file. Background processes are remembered so that cleanup can end exactly them; their
 * stdin is /dev/null, so that with {@code --keep} they outlive the demo's JVM untouched.
 */
final class Shell {

    static final long TIMEOUT_MILLIS = 20_000;

    private final List<Process> started = Collections.synchronizedList(new ArrayList<>());

    /** A finished command: exit code (-1: could not run or timed out), output (stdout and stderr), duration. */
    record Result(int exitCode, String output, long millis) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command} to completion (or {@link #TIMEOUT_MILLIS}), whatever its exit code. */
    Result exec(String... command) {
        return exec(TIMEOUT_MILLIS, command);
    }

    Result exec(long timeoutMillis, String... command) {
        final long start = System.nanoTime();
        final Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command[0] + ": " + e.getMessage(), 0);
        }
        final byte[][] output = new byte[1][];
        final Thread reader = new Thread(() -> {
            try {
                output[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = new byte[0];
            }
        }, "demo-exec-reader");
        reader.start();
        try {
            final boolean done = p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(5_000);
            final String text = output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8);
            final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return done ? new Result(p.exitValue(), text, millis)
                : new Result(-1, text + "(timed out after " + timeoutMillis + " ms)", millis);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", 0);
        }
    }

    /** Runs {@code command} inside namespace {@code ns}. */
    Result in(String ns, String... command) {
        return exec(inNamespace(ns, command));
    }

    Result in(String ns, long timeoutMillis, String... command) {
        return exec(timeoutMillis, inNamespace(ns, command));
    }

    /** Runs a command that must succeed (building the topology); throws with its output when it does not. */
    String must(String... command) {
        final Result r = exec(command);
        if (!r.ok()) {
            throw new DemoException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
                + r.output().strip());
        }
        return r.output();
    }

    /** Starts {@code command} in namespace {@code ns}, stdout and stderr into {@code log}. */
    Process start(String ns, Path log, String... command) {
        try {
            // ip netns exec execs the command, so the process is the command itself and a signal reaches it
            final Process p = new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new DemoException("cannot start " + String.join(" ", command) + ": " + e.getMessage());
        }
    }

    /** SIGTERM, then SIGKILL after {@code graceMillis}; returns once the process is gone. */
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

    /** Stops every process started here, in reverse order of start. */
    void stopAll() {
        final List<Process> all = new ArrayList<>(started);
        Collections.reverse(all);
        for (final Process p : all) {
            stop(p, 3_000);
        }
        started.clear();
    }

    static String[] inNamespace(String ns, String... command) {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Sleeps; an interrupt (Ctrl-C's shutdown) ends the wait early and is kept for the caller. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
