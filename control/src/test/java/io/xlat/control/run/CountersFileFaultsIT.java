package io.xlat.control.run;

import io.xlat.control.cli.ExitCodes;
import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat run} whose counters file cannot be written: on a full file system (which used to end in a SIGBUS
 * crash of the JVM when a worker first touched a page of the mapping) or a read-only one, it refuses to start with
 * one line that names the file and the reason, and exits 1. The file systems are small tmpfs mounts of the test's
 * own. Needs root.
 */
class CountersFileFaultsIT {

    private NamespaceLab lab;
    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmountAndDeleteNamespaces() {
        if (lab == null) {
            return;
        }
        for (final Path m : mounts) {
            lab.exec(10_000, "umount", m.toString());
        }
        lab.close();
    }

    @Test
    void shouldRefuseToStartWithOneClearLineWhenTheCountersFileSystemIsFull() throws IOException {
        NamespaceLab.requireRoot("mount", "umount");
        lab = new NamespaceLab("xcff");
        final Path full = tmpfs("full", "size=64k");
        try {
            Files.write(full.resolve("filler"), new byte[128 * 1024]);
        } catch (IOException expected) {
            // the file system is full now, which is the point
        }

        final NamespaceLab.Result run = runXlat(full.resolve("counters"));

        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.output());
        assertTrue(run.output().contains("cannot create the counters file " + full.resolve("counters")), run.output());
        assertTrue(run.output().contains("No space left on device"), run.output());
        assertFalse(run.output().contains("fatal error"), "no JVM crash: " + run.output());
    }

    @Test
    void shouldRefuseToStartWithOneClearLineWhenTheCountersFileSystemIsReadOnly() throws IOException {
        NamespaceLab.requireRoot("mount", "umount");
        lab = new NamespaceLab("xcfr");
        final Path readOnly = tmpfs("ro", "ro,size=64k");

        final NamespaceLab.Result run = runXlat(readOnly.resolve("counters"));

        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.output());
        assertTrue(run.output().contains("cannot create the counters file " + readOnly.resolve("counters")),
            run.output());
        assertTrue(run.output().contains("Read-only file system"), run.output());
    }

    private Path tmpfs(String name, String options) throws IOException {
        final Path dir = Files.createDirectory(lab.dir.resolve(name));
        lab.run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        mounts.add(dir);
        return dir;
    }

    private NamespaceLab.Result runXlat(Path countersFile) {
        return lab.execIn(lab.namespace("x"), 60_000, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), io.xlat.control.cli.Main.class.getName(), "run",
            "--tun", "xcf0", "--prefix", "2001:db8:64::/96", "--ipv4-address", "192.0.2.1", "--ipv6-address",
            "2001:db8:ffff::1", "--counters-file", countersFile.toString());
    }
}
