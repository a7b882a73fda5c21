package io.xlat.control.demo;

import io.xlat.control.cli.Main;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The demo's world: namespaces named {@code PREFIX + short name}, the veth links between them, BIRD on the ToR
 * and {@code xlat run} processes, and the directory with every file they read. It creates nothing outside its
 * namespaces except that directory, and {@link #close} removes the namespaces (which takes their links, routes,
 * sysctls and devices along) after ending the processes in them.
 */
final class Lab implements AutoCloseable {

    /** The ToR's AS; each host has its own private 4-byte AS (RFC 6996), AS-per-server as in RFC 7938. */
    static final long TOR_ASN = 64496;

    final DemoSettings settings;
    final Shell shell = new Shell();
    final Path dir;
    private final List<String> created = Collections.synchronizedList(new ArrayList<>());
    private Process bird;

    Lab(DemoSettings settings) {
        this.settings = settings;
        this.dir = settings.dir();
    }

    /** The real name of the namespace the demo calls {@code name} (tor, host1, blue1, ...). */
    String ns(String name) {
        return settings.prefix() + name;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Creates a namespace with its loopback up and no router advertisements accepted (stable BGP sources). */
    void namespace(String name) {
        final String ns = ns(name);
        shell.must("ip", "netns", "add", ns);
        created.add(ns);
        shell.must("ip", "-n", ns, "link", "set", "lo", "up");
        sysctl(name, "net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0");
    }

    /** Sets sysctls inside a demo namespace ({@code key=value}); the host's own stay untouched. */
    void sysctl(String name, String... settings) {
        final StringBuilder script = new StringBuilder();
        for (final String s : settings) {
            final int eq = s.indexOf('=');
            script.append("echo ").append(s.substring(eq + 1)).append(" > /proc/sys/")
                .append(s.substring(0, eq).replace('.', '/')).append(" && ");
        }
        script.append("true");
        shell.must(Shell.inNamespace(ns(name), "sh", "-c", script.toString()));
    }

    /** A veth pair: {@code ifA} in {@code a}, {@code ifB} in {@code b}, both up. */
    void link(String a, String ifA, String b, String ifB) {
        shell.must("ip", "link", "add", ifA, "netns", ns(a), "type", "veth", "peer", "name", ifB, "netns", ns(b));
        shell.must("ip", "-n", ns(a), "link", "set", ifA, "up");
        shell.must("ip", "-n", ns(b), "link", "set", ifB, "up");
    }

    /** An address without duplicate address detection (the links are new; DAD would only delay the start). */
    void address(String name, String device, String cidr) {
        if (cidr.contains(":")) {
            shell.must("ip", "-n", ns(name), "addr", "add", cidr, "dev", device, "nodad");
        } else {
            shell.must("ip", "-n", ns(name), "addr", "add", cidr, "dev", device);
        }
    }

    void route(String name, String... route) {
        final List<String> argv = new ArrayList<>(List.of("ip", "-n", ns(name)));
        argv.addAll(List.of(route));
        shell.must(argv.toArray(new String[0]));
    }

    /** A persistent TUN device, made beforehand as an operator would, so that it outlives a killed xlat. */
    void tun(String name, String device) {
        shell.must("ip", "-n", ns(name), "tuntap", "add", "dev", device, "mode", "tun");
    }

    /** Writes a file of the demo directory (replacing an older one) and returns its path. */
    Path write(String name, String content) {
        try {
            return Files.writeString(file(name), content);
        } catch (IOException e) {
            throw new DemoException("cannot write " + file(name) + ": " + e.getMessage());
        }
    }

    /** Copies the demo's traffic tool (an HTTP/UDP server and clients, Python standard library only). */
    Path tool() {
        try (InputStream in = Lab.class.getResourceAsStream("tool.py")) {
            if (in == null) {
                throw new DemoException("tool.py is missing from the xlat jar");
            }
            final Path target = file("tool.py");
            Files.write(target, in.readAllBytes());
            return target;
        } catch (IOException e) {
            throw new DemoException("cannot write the traffic tool: " + e.getMessage());
        }
    }

    /** Starts a long-running command in a demo namespace, its output in {@code DIR/log}. */
    Process start(String name, String log, String... command) {
        return shell.start(ns(name), file(log), command);
    }

    /** Starts the traffic tool's server in {@code name}: HTTP on port 80 and UDP echo on 7, at {@code address}. */
    Process serve(String name, String address, String directory) {
        final Process p = start(name, name + "-serve.log", "python3", "-u", file("tool.py").toString(), "serve",
            address, file(directory).toString());
        await(name + "'s server", 10_000, () -> !p.isAlive() || read(name + "-serve.log").contains("serving"));
        if (!p.isAlive()) {
            throw new DemoException("the server in " + name + " did not start: " + read(name + "-serve.log"));
        }
        return p;
    }

    // --- BIRD on the ToR ------------------------------------------------------------------------------------

    /** Writes bird.conf with one eBGP session per host ({@code name}, its address, its AS) and starts BIRD. */
    void startBird(List<String[]> hosts) {
        final StringBuilder conf = new StringBuilder(String.join("\n",
            "# BIRD 2 on the ToR of 'xlat demo': one eBGP session per host (each host its own AS), the",
            "# routes learnt go into the ToR's kernel tables, equal paths merged into one ECMP route.",
            "log \"" + file("bird.log") + "\" all;",
            "router id 192.0.2.254;",
            "protocol device { scan time 1; }",
            "protocol kernel { ipv6 { export all; }; merge paths on; }",
            "protocol kernel { ipv4 { export all; }; merge paths on; }",
            "template bgp xlat_host {",
            "  local as " + TOR_ASN + ";",
            "  passive on;                  # xlat connects; it never listens",
            "  hold time 9;",
            "  error wait time 1, 2;        # take a restarted host back at once (default: 60 s)",
            "  ipv6 { import all; export none; };",
            "  ipv4 { import all; export none; extended next hop on; };   # RFC 8950",
            "}",
            ""));
        for (final String[] host : hosts) {
            conf.append("protocol bgp ").append(host[0]).append(" from xlat_host { neighbor ").append(host[1])
                .append(" as ").append(host[2]).append("; }\n");
        }
        write("bird.conf", conf.toString());
        try {
            Files.deleteIfExists(file("bird.ctl"));
        } catch (IOException e) {
            throw new DemoException("cannot remove the old " + file("bird.ctl") + ": " + e.getMessage());
        }
        bird = start("tor", "bird.out", "bird", "-f", "-c", file("bird.conf").toString(), "-s",
            file("bird.ctl").toString(), "-P", file("bird.pid").toString());
        await("BIRD's control socket", 10_000, () -> !bird.isAlive() || birdc("show", "status").ok());
        if (!bird.isAlive()) {
            throw new DemoException("BIRD did not start: " + read("bird.out"));
        }
    }

    /** What {@code birdc} prints for {@code command}. */
    Shell.Result birdc(String... command) {
        final List<String> argv = new ArrayList<>(List.of("birdc", "-s", file("bird.ctl").toString()));
        argv.addAll(List.of(command));
        return shell.exec(argv.toArray(new String[0]));
    }

    /** The birdc command line as a user types it. */
    String birdcCommand(String command) {
        return "birdc -s " + file("bird.ctl") + " " + command;
    }

    /** Whether BIRD's session {@code protocol} is Established. */
    boolean established(String protocol) {
        final Shell.Result r = birdc("show", "protocols", protocol);
        return r.ok() && r.output().contains("Established");
    }

    /**
     * The routes of BIRD's table ({@code master6} or {@code master4}) as "prefix via next-hop" lines, one per
     * next hop, sorted: what the ToR learnt from the hosts.
     */
    List<String> torRoutes(String table) {
        final Shell.Result r = birdc("show", "route", "table", table);
        final List<String> out = new ArrayList<>();
        String prefix = null;
        for (final String line : r.output().split("\n")) {
            final String[] words = line.trim().split("\\s+");
            if (line.matches("^[0-9a-f:.]+/\\d+\\s.*")) {
                prefix = words[0];
            } else if (prefix != null && words.length >= 2 && words[0].equals("via")) {
                out.add(prefix + " via " + words[1]);
            }
        }
        Collections.sort(out);
        return out;
    }

    // --- xlat run -------------------------------------------------------------------------------------------

    /** Starts {@code xlat run --config DIR/HOST.yaml} in namespace {@code host}; {@link #awaitXlat} waits for it. */
    Process startXlat(String host, int attempt) {
        final List<String> argv = new ArrayList<>(settings.xlatJava());
        argv.addAll(List.of("run", "--config", file(host + ".yaml").toString()));
        return start(host, host + (attempt > 1 ? "-" + attempt : "") + ".log", argv.toArray(new String[0]));
    }

    /** Waits until {@code xlat run} has its devices and routes in place (the last step of its start). */
    void awaitXlat(String host, Process xlat, int attempt) {
        final String log = host + (attempt > 1 ? "-" + attempt : "") + ".log";
        await("xlat on " + host, 30_000, () -> !xlat.isAlive() || read(log).contains("routes: "));
        if (!xlat.isAlive()) {
            throw new DemoException("xlat run on " + host + " exited " + xlat.exitValue() + ":\n" + read(log));
        }
    }

    /** The command line that starts xlat on {@code host}, as a user runs it. */
    String xlatRunCommand(String host) {
        return "ip netns exec " + ns(host) + " " + settings.launcher() + " run --config " + file(host + ".yaml");
    }

    /** What {@code xlat stats} prints for {@code host}'s translator (read in-process: it is a file). */
    String stats(String host) {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        Main.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "stats", "--config",
            file(host + ".yaml").toString());
        return out + err.toString();
    }

    String statsCommand(String host) {
        return settings.launcher() + " stats --config " + file(host + ".yaml");
    }

    /** A counter of {@code xlat stats}: the sum of the lines labelled {@code label} over all devices. */
    static long counter(String stats, String label) {
        long sum = 0;
        for (final String line : stats.split("\n")) {
            final String t = line.trim();
            if (t.startsWith(label + " ") && t.substring(label.length()).trim().matches("\\d+")) {
                sum += Long.parseLong(t.substring(label.length()).trim());
            }
        }
        return sum;
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** A file of the demo directory as text, or "" when it does not exist (yet). */
    String read(String name) {
        try {
            return Files.exists(file(name)) ? Files.readString(file(name)) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes a file of the demo directory that an earlier run left (a partial download would fool a wait). */
    void delete(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new DemoException("cannot remove " + file(name) + ": " + e.getMessage());
        }
    }

    long size(String name) {
        try {
            return Files.exists(file(name)) ? Files.size(file(name)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Polls every 20 ms until {@code condition} holds; false when {@code millis} passed first. */
    static boolean poll(long millis, BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                return false;
            }
            Shell.pause(20);
        }
        return true;
    }

    /** As {@link #poll}, for the topology's start: throws when it times out. */
    static void await(String what, long millis, BooleanSupplier condition) {
        if (!poll(millis, condition)) {
            throw new DemoException("timed out after " + millis / 1000 + " s waiting for " + what);
        }
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** With --keep: leave everything running; the processes were started detached from the demo's JVM. */
    void keep() {
        created.clear();
    }

    /** Ends the processes started here, then the namespaces (and what still runs inside them). */
    @Override
    public void close() {
        shell.stopAll();
        removeNamespaces(shell, new ArrayList<>(created));
        created.clear();
    }

    /**
     * Removes namespaces: first every process still inside each ({@code ip netns pids}: deleting a namespace
     * does not end what runs in it), SIGTERM and then SIGKILL, then the namespace. Returns those removed.
     */
    static List<String> removeNamespaces(Shell shell, List<String> names) {
        final List<String> removed = new ArrayList<>();
        for (final String signal : new String[] {"TERM", "KILL"}) {
            boolean any = false;
            for (final String ns : names) {
                for (final String pid : shell.exec("ip", "netns", "pids", ns).output().split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        final boolean term = signal.equals("TERM");
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                            if (term) {
                                h.destroy();
                            } else {
                                h.destroyForcibly();
                            }
                        });
                        any = true;
                    }
                }
            }
            if (any) {
                poll(5_000, () -> names.stream().allMatch(ns -> shell.exec("ip", "netns", "pids", ns).output()
                    .isBlank()));
            }
        }
        for (final String ns : names) {
            if (shell.exec("ip", "netns", "del", ns).ok()) {
                removed.add(ns);
            }
        }
        return removed;
    }
}
