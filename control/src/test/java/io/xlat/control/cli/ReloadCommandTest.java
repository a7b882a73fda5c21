package io.xlat.control.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat reload}: checks the file before signalling, and says clearly when there is nobody to signal. */
class ReloadCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRejectABadConfigurationWithoutSignallingAnything() throws IOException {
        final Path config = dir.resolve("xlat.yaml");
        Files.writeString(config, "translator:\n  pool6: 2001:db8:64::/95\n");
        final CliRun run = CliRun.of("reload", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("xlat.yaml:2:"), run.err());
    }

    @Test
    void shouldSayWhenNoRunningXlatWritesTheCountersFile() throws IOException {
        final Path config = dir.resolve("xlat.yaml");
        final Path counters = dir.resolve("counters");
        Files.writeString(config, "allow-empty: true\ndataplane:\n  counters-file: " + counters + "\n");
        final CliRun run = CliRun.of("reload", "--config", config.toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.err().startsWith("xlat reload: error: "), run.err());
    }

    @Test
    void shouldRefuseBothConfigAndCountersFile() {
        final CliRun run = CliRun.of("reload", "--config", "a.yaml", "--counters-file", "b");
        assertEquals(ExitCodes.USAGE, run.exitCode());
    }
}
