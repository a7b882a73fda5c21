package io.xlat.control.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this machine can run the demo without touching anything but the demo's own namespaces: root, iproute2
 * with {@code ip netns}, /dev/net/tun, the programs it runs, and none of its namespace names taken.
 */
final class Preflight {

    /** What the demo runs besides xlat: the ToR, its client, the traffic and the capture. */
    static final List<String> PROGRAMS = List.of("bird", "birdc", "python3", "ping", "tcpdump");

    private Preflight() {
    }

    /** The facts, gathered from this machine. */
    static List<String> check(Shell shell, DemoSettings settings) {
        final boolean root = isRoot();
        final Shell.Result netns = shell.exec("ip", "netns", "list");
        final List<String> missing = new ArrayList<>();
        for (final String program : PROGRAMS) {
            if (!onPath(program)) {
                missing.add(program);
            }
        }
        return problems(root, netns.ok(), Files.exists(Path.of("/dev/net/tun")), missing,
            taken(netns.output(), settings.allNamespaces()));
    }

    /** Each reason the demo refuses to start, as a sentence saying what to do; empty when it may start. */
    static List<String> problems(boolean root, boolean ipNetns, boolean tun, List<String> missingPrograms,
        List<String> takenNamespaces) {
        final List<String> out = new ArrayList<>();
        if (!root) {
            out.add("it needs root (network namespaces, TUN devices): run it as root");
        }
        if (!ipNetns) {
            out.add("'ip netns' does not work here: install iproute2 (scripts/install-deps does)");
        }
        if (!tun) {
            out.add("/dev/net/tun is missing: load the tun module (modprobe tun)");
        }
        if (!missingPrograms.isEmpty()) {
            out.add("missing " + String.join(", ", missingPrograms) + ": scripts/install-deps installs them");
        }
        if (!takenNamespaces.isEmpty()) {
            out.add("namespace " + String.join(", ", takenNamespaces) + " already exists (a demo kept with "
                + "--keep?): 'xlat demo --down' removes the demo's namespaces, or choose another "
                + "--namespace-prefix");
        }
        return out;
    }

    /** The demo's names among the namespaces {@code ip netns list} printed. */
    static List<String> taken(String ipNetnsList, List<String> ours) {
        final List<String> out = new ArrayList<>();
        for (final String line : ipNetnsList.split("\n")) {
            final String name = line.trim().split("\\s+")[0];
            if (ours.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** A program in PATH or the sbin directories (bird lives in /usr/sbin, which a user's PATH may lack). */
    static boolean onPath(String program) {
        final String path = System.getenv("PATH");
        for (final String dir : ((path == null ? "" : path + ":") + "/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
