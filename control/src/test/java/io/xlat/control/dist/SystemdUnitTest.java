package io.xlat.control.dist;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd unit {@code dist/systemd/xlat.service}: {@code systemd-analyze verify} accepts it, and it grants
 * CAP_NET_ADMIN and nothing else to an unprivileged user. The installed unit is verified unchanged by
 * {@code scripts/check-packages} once the .deb put /usr/bin/xlat in place.
 */
class SystemdUnitTest {

    static final Path UNIT = Path.of("..", "dist", "systemd", "xlat.service");

    @TempDir
    Path dir;

    private List<String> lines() throws IOException {
        return Files.readAllLines(UNIT);
    }

    private String setting(String key) throws IOException {
        final List<String> values = new ArrayList<>();
        for (final String line : lines()) {
            if (line.startsWith(key + "=")) {
                values.add(line.substring(key.length() + 1));
            }
        }
        assertEquals(1, values.size(), key + " is set once in " + UNIT + ": " + values);
        return values.get(0);
    }

    @Test
    void shouldPassSystemdAnalyzeVerify() throws Exception {
        NamespaceLab.requireTool("systemd-analyze");
        // verify checks that every command exists: /usr/bin/xlat is only there once the package is installed, so
        // here a stand-in of that name in a scratch directory takes its place
        final Path xlat = Files.writeString(dir.resolve("xlat"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(xlat, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path unit = Files.writeString(dir.resolve("xlat.service"),
            Files.readString(UNIT).replace("/usr/bin/xlat", xlat.toString()));
        final Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true)
            .start();
        final String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
        assertEquals(0, p.exitValue(), "systemd-analyze verify:\n" + said);
        assertEquals("", said.trim(), "systemd-analyze verify has remarks");
    }

    @Test
    void shouldRunAsAnUnprivilegedUserWithCapNetAdminAlone() throws IOException {
        assertEquals("xlat", setting("User"));
        assertEquals("CAP_NET_ADMIN", setting("AmbientCapabilities"));
        assertEquals("CAP_NET_ADMIN", setting("CapabilityBoundingSet"));
        assertEquals("yes", setting("NoNewPrivileges"));
    }

    @Test
    void shouldReloadWithSighupAndRestartOnFailure() throws IOException {
        assertEquals("kill -HUP $MAINPID", setting("ExecReload"));
        assertEquals("on-failure", setting("Restart"));
        assertEquals("/usr/bin/xlat run --config /etc/xlat/xlat.yaml", setting("ExecStart"));
    }
}
