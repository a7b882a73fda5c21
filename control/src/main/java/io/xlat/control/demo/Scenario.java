package io.xlat.control.demo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * What both scenarios share: the ToR, the IPv6-only service on the fabric, the way commands are run and shown,
 * and the step loop. A step's body records checks; an exception ends the step as failed with its message, and
 * the next step still runs, so that the summary shows everything that works.
 */
abstract class Scenario {

    /** The service of the fabric: IPv6 only, HTTP on port 80. */
    static final String SERVICE = "2001:db8:5::10";
    static final int BLOB_BYTES = 8 << 20;

    final Lab lab;
    final Console console;
    final List<StepResult> results = new ArrayList<>();

    Scenario(Lab lab, Console console) {
        this.lab = lab;
        this.console = console;
    }

    /** The lines describing the topology, printed before it is built. */
    abstract List<String> describe();

    /** Where {@link #withFiles} puts the list of configuration files. */
    static final String FILES = "\0files";

    /** The description's lines with the configuration files and the namespace names in place of {@link #FILES}. */
    final List<String> withFiles(String... lines) {
        final List<String> out = new ArrayList<>();
        for (final String line : lines) {
            if (!line.equals(FILES)) {
                out.add(line);
                continue;
            }
            out.add("Configuration files (the README's 'what you just saw' walks through them):");
            out.add("  " + lab.file("host1.yaml") + "   xlat run on host1");
            out.add("  " + lab.file("host2.yaml") + "   xlat run on host2");
            out.add("  " + lab.file("bird.conf") + "    BIRD on the ToR");
            out.add("namespaces: " + lab.ns("NAME") + " for each NAME above");
        }
        return out;
    }

    /** Starts xlat on host1 and host2 at once (two JVMs start in parallel), then waits for both. */
    final void startHosts(Process[] xlat) {
        xlat[1] = lab.startXlat("host1", 1);
        xlat[2] = lab.startXlat("host2", 1);
        lab.awaitXlat("host1", xlat[1], 1);
        lab.awaitXlat("host2", xlat[2], 1);
    }

    /**
     * Waits (20 s at most) until {@code condition} has held for 1.2 s without a break. A translator that has
     * just started may withdraw for a moment when its first health check runs before the kernel lists its new
     * device; the steps start once the fabric is steady, and step 1 then checks it.
     */
    static void awaitSteady(java.util.function.BooleanSupplier condition) {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        long heldSince = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            if (!condition.getAsBoolean()) {
                heldSince = 0;
            } else if (heldSince == 0) {
                heldSince = System.nanoTime();
            } else if (System.nanoTime() - heldSince >= 1_200_000_000L) {
                return;
            }
            Shell.pause(50);
        }
    }

    /** Creates the namespaces, links, devices, files and processes. */
    abstract void build();

    /** Runs every step. */
    abstract void steps();

    /** With --keep: what to try next, and anything that must run again to leave a working topology. */
    abstract List<String> explore();

    interface Body {
        void run(Step step);
    }

    final void step(int number, String title, Body body) {
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        final Step step = new Step(number, title);
        String error = null;
        try {
            body.run(step);
        } catch (DemoException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = e.toString();
        }
        final StepResult result = step.result(error);
        results.add(result);
        console.step(result);
    }

    /** The fabric's middle: the ToR, its links to the hosts and to the service, BIRD and the service. */
    final void buildFabric(List<String> hosts) {
        lab.sysctl("tor", "net.ipv6.conf.all.forwarding=1", "net.ipv4.ip_forward=1",
            "net.ipv6.fib_multipath_hash_policy=1", "net.ipv4.fib_multipath_hash_policy=1");
        for (int i = 0; i < hosts.size(); i++) {
            final String host = hosts.get(i);
            lab.link("tor", host, host, "tor");
            lab.address("tor", host, torAddress(i + 1) + "/64");
            lab.address(host, "tor", hostAddress(i + 1) + "/64");
            lab.sysctl(host, "net.ipv6.conf.all.forwarding=1");
            lab.route(host, "-6", "route", "add", "default", "via", torAddress(i + 1));
        }
        lab.link("tor", "svc", "svc", "tor");
        lab.address("tor", "svc", "2001:db8:5::1/64");
        lab.address("svc", "tor", SERVICE + "/64");
        lab.route("svc", "-6", "route", "add", "default", "via", "2001:db8:5::1");
    }

    /**
     * Keeps the TCP receive buffer of a client namespace small, so that a paced download keeps its bytes in
     * flight through the translators rather than waiting in the client's buffer (the default grows to 6 MiB,
     * most of the demo's blob): a translator killed mid-transfer then really interrupts it.
     */
    final void smallReceiveWindow(String name) {
        lab.sysctl(name, "net.ipv4.tcp_rmem=4096 65536 131072");
    }

    /** Routes as "prefix via address (hostN)", for the evidence. */
    static List<String> named(List<String> routes) {
        final List<String> out = new ArrayList<>();
        for (final String r : routes) {
            String line = r;
            for (int n = 1; n <= 2; n++) {
                if (r.endsWith(" via " + hostAddress(n))) {
                    line = r + " (host" + n + ")";
                }
            }
            out.add(line);
        }
        return out;
    }

    /** The ToR's address on its link to host {@code n}. */
    static String torAddress(int n) {
        return "2001:db8:ffff:" + n + "::1";
    }

    /** Host {@code n}'s address on its link to the ToR: its BGP session's source and next hop. */
    static String hostAddress(int n) {
        return "2001:db8:ffff:" + n + "::2";
    }

    static long asn(int host) {
        return 4_200_000_000L + host;
    }

    /** BIRD with a session per host. */
    final void startBird(List<String> hosts) {
        final List<String[]> peers = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            peers.add(new String[] {hosts.get(i), hostAddress(i + 1), Long.toString(asn(i + 1))});
        }
        lab.startBird(peers);
    }

    /** YAML lines joined, their trailing comments aligned in one column so that the file reads as a table. */
    static String yaml(List<String> lines) {
        final StringBuilder out = new StringBuilder();
        for (final String line : lines) {
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\s*[^#\\s].*?)\\s+(# .*)$")
                .matcher(line);
            if (m.matches()) {
                out.append(m.group(1)).append(" ".repeat(Math.max(1, 38 - m.group(1).length()))).append(m.group(2));
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The {@code bgp:} section of host {@code n}'s configuration. */
    static List<String> bgpSection(int n) {
        return List.of(
            "bgp:                             # announce what 'xlat routes' prints to the ToR",
            "  asn: " + asn(n) + "                 # this host's own private AS (AS per server)",
            "  router-id: 192.0.2." + n,
            "  peers:",
            "    - {address: \"" + torAddress(n) + "\", asn: " + Lab.TOR_ASN + "}   # the ToR (BIRD)");
    }

    /** Waits for every host's session (20 s at most); true when all are Established. */
    final boolean awaitSessions(List<String> hosts, long millis) {
        return Lab.poll(millis, () -> hosts.stream().allMatch(lab::established));
    }

    /** What happens to a translator while {@link #transferAcross} runs; given the bytes received so far. */
    interface Interruption {
        void run(long receivedBytes) throws InterruptedException;
    }

    /**
     * A download from {@code url} in {@code client}, paced at 4 MB/s so that it lasts a few seconds, and
     * {@code interruption} once 1 MiB has arrived; checks that the whole blob arrives with {@code sha256}.
     */
    final void transferAcross(Step step, String client, String url, String sha256, String success,
        Interruption interruption) {
        final String received = "received.blob";
        lab.delete(received);
        final String[] fetch = tool("fetch", url, lab.file(received).toString(), "4000000");
        final Process p = lab.start(client, "fetch-kill.log", fetch);
        try {
            final boolean moving = Lab.poll(15_000, () -> !p.isAlive() || lab.size(received) >= (1 << 20));
            if (!moving || !p.isAlive()) {
                step.check(show(client, fetch), false, "the transfer did not get going: "
                    + lab.read("fetch-kill.log").strip());
                return;
            }
            interruption.run(lab.size(received));
            final boolean done = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            final String output = lab.read("fetch-kill.log");
            final boolean right = done && p.exitValue() == 0 && output.contains(sha256)
                && lab.size(received) == BLOB_BYTES;
            final List<String> shown = lines(output, 2);
            shown.add(right ? success : "expected " + BLOB_BYTES + " bytes with sha256 " + sha256);
            step.check(show(client, fetch), right, shown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Shell.stop(p, 1_000);
        }
    }

    // --- running and showing commands -----------------------------------------------------------------------

    /** Runs {@code argv} in the demo namespace {@code name}. */
    final Shell.Result run(String name, String... argv) {
        return lab.shell.in(lab.ns(name), argv);
    }

    /** How a user runs {@code argv} in the demo namespace {@code name}. */
    final String show(String name, String... argv) {
        return "ip netns exec " + lab.ns(name) + " " + String.join(" ", argv);
    }

    /** The traffic tool's command line. */
    final String[] tool(String... args) {
        final List<String> argv = new ArrayList<>(List.of("python3", lab.file("tool.py").toString()));
        argv.addAll(Arrays.asList(args));
        return argv.toArray(new String[0]);
    }

    /** The lines of an output that matter as evidence: non-blank, stripped, at most {@code max}. */
    static List<String> lines(String output, int max) {
        final List<String> out = new ArrayList<>();
        for (final String line : output.split("\n")) {
            if (!line.isBlank() && out.size() < max) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** The lines of {@code output} that contain {@code part}. */
    static List<String> grep(String output, String part) {
        final List<String> out = new ArrayList<>();
        for (final String line : output.split("\n")) {
            if (line.contains(part)) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** A web root for the traffic tool: index.html with {@code page}, and a random blob of {@link #BLOB_BYTES}. */
    final String webRoot(String name, String page, long seed) {
        final String dir = "www-" + name;
        try {
            java.nio.file.Files.createDirectories(lab.file(dir));
            lab.write(dir + "/index.html", page + "\n");
            final byte[] blob = new byte[BLOB_BYTES];
            new Random(seed).nextBytes(blob);
            java.nio.file.Files.write(lab.file(dir + "/blob"), blob);
            return sha256(blob);
        } catch (java.io.IOException e) {
            throw new DemoException("cannot write " + lab.file(dir) + ": " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
