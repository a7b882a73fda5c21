package io.xlat.control.run;

import io.xlat.control.cli.Main;
import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat run} as the systemd unit runs it: an unprivileged user (here nobody, uid 65534) whose only capability
 * is CAP_NET_ADMIN (setpriv sets it ambient, bounding and effective, and no_new_privs), under umask 000 so that
 * every file mode is xlat's own choice. It must create its TUN device, translate a ping, and leave no file
 * another user could write. Needs root to set this up; /dev/net/tun is opened up to 0666 for the test (the kernel's
 * default; this machine has 0600) and restored after.
 */
class LeastPrivilegeIT {

    static final int NOBODY = 65534;
    /** CAP_NET_ADMIN is capability 12: the only bit of the capability sets in /proc/PID/status. */
    static final String NET_ADMIN_ONLY = "0000000000001000";
    static final Path TUN = Path.of("/dev/net/tun");

    private SiitLab siit;
    private Set<PosixFilePermission> tunModes;

    @AfterEach
    void restore() throws IOException {
        try {
            if (siit != null) {
                siit.close();
            }
        } finally {
            if (tunModes != null) {
                Files.setPosixFilePermissions(TUN, tunModes);
            }
        }
    }

    @Test
    void shouldCreateItsDeviceAndTranslateAsAnUnprivilegedUserWithCapNetAdminAlone() throws Exception {
        NamespaceLab.requireRoot("ping", "setpriv");
        siit = new SiitLab("xcap", 1520, 1520);
        // xlat creates the device itself, as on a host where nothing prepared it
        siit.lab.run("ip", "-n", siit.nsx, "link", "del", SiitLab.DEVICE);
        final Path home = Files.createDirectories(siit.lab.dir.resolve("unprivileged"));
        final String classpath = copyClasspath(home.resolve("lib"));
        final Path run = Files.createDirectories(home.resolve("run"));
        final Path config = Files.writeString(home.resolve("xlat.yaml"), String.join("\n",
            "translator:",
            "  pool6: 2001:db8:64::/96",
            "  ipv4-address: " + SiitLab.XLAT_V4,
            "  ipv6-address: " + SiitLab.XLAT_V6,
            "dataplane:",
            "  siit-tun: " + SiitLab.DEVICE,
            "  workers: 1",
            "  counters-file: " + run.resolve("xlat/counters"),
            ""));
        siit.lab.run("chmod", "-R", "a+rX", siit.lab.dir.toString());
        siit.lab.run("chown", NOBODY + ":" + NOBODY, run.toString());
        tunModes = Files.getPosixFilePermissions(TUN);
        Files.setPosixFilePermissions(TUN, PosixFilePermissions.fromString("rw-rw-rw-"));

        final Path log = siit.lab.dir.resolve("xlat-unprivileged.log");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process xlat = siit.lab.start(siit.nsx, log, "sh", "-c", "umask 000; exec \"$@\"", "sh",
            "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--no-new-privs",
            "--inh-caps=-all,+net_admin", "--ambient-caps=-all,+net_admin", "--bounding-set=-all,+net_admin", "--",
            java, "-Xmx256m", "-cp", classpath, Main.class.getName(), "run", "--config", config.toString());
        try {
            NamespaceLab.await("xlat to start (log: " + log + ")", 30_000, () -> !xlat.isAlive()
                || SiitLab.read(log).contains("xlat: started: "));
            assertTrue(xlat.isAlive(), () -> "xlat exited " + xlat.exitValue() + ":\n" + SiitLab.read(log));
            assertTrue(SiitLab.read(log).contains("started: siit on xlat0 (created"), SiitLab.read(log));

            final String status = Files.readString(Path.of("/proc", Long.toString(xlat.pid()), "status"));
            assertTrue(status.contains("\nUid:\t" + NOBODY + "\t" + NOBODY + "\t" + NOBODY), status);
            for (final String set : List.of("CapEff", "CapPrm", "CapBnd", "CapAmb")) {
                assertTrue(status.contains("\n" + set + ":\t" + NET_ADMIN_ONLY + "\n"), set + " in\n" + status);
            }

            siit.routesIntoDevice();
            final NamespaceLab.Result ping = siit.lab.execIn(siit.ns4, 20_000, "ping", "-c", "3", "-W", "2", "-i",
                "0.2", SiitLab.SERVER_V4);
            assertEquals(0, ping.exitCode(), ping.output() + "\n" + SiitLab.read(log));

            // everything xlat wrote: its directory and the counters file
            try (Stream<Path> written = Files.walk(run.resolve("xlat"))) {
                for (final Path p : (Iterable<Path>) written::iterator) {
                    final Set<PosixFilePermission> modes = Files.getPosixFilePermissions(p);
                    assertFalse(modes.contains(PosixFilePermission.OTHERS_WRITE), p + " is world-writable: "
                        + PosixFilePermissions.toString(modes));
                    assertFalse(modes.contains(PosixFilePermission.GROUP_WRITE), p + " is group-writable: "
                        + PosixFilePermissions.toString(modes));
                    assertEquals(Integer.valueOf(NOBODY), Files.getAttribute(p, "unix:uid"), p.toString());
                }
            }
            assertTrue(Files.exists(run.resolve("xlat/counters")));
        } finally {
            NamespaceLab.stop(xlat, 10_000);
            System.out.println("unprivileged xlat log:\n" + SiitLab.read(log));
        }
    }

    /**
     * The test JVM's classpath without the test classes, copied where nobody can read it (the build's own
     * repository sits in root's home).
     */
    private static String copyClasspath(Path lib) throws IOException {
        Files.createDirectories(lib);
        final List<String> entries = new ArrayList<>();
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            final Path from = Path.of(entry);
            if (entry.isEmpty() || !Files.exists(from) || from.endsWith("test-classes")) {
                continue;
            }
            final Path to = lib.resolve(n++ + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> tree = Files.walk(from)) {
                    tree.forEach(p -> {
                        try {
                            Files.copy(p, to.resolve(from.relativize(p).toString()),
                                StandardCopyOption.REPLACE_EXISTING);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            } else {
                Files.copy(from, to);
            }
            entries.add(to.toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
