package io.xlat.control.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration too large for the heap is refused like any other bad file, with a line that says what to raise,
 * not an OutOfMemoryError's stack trace: {@code xlat check} in a JVM of its own with a small heap, on a 10 MB file
 * of EAM entries whose limit allows them.
 */
class CheckHeapTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAFileTheHeapCannotHoldSayingWhatToRaise() throws Exception {
        final Path file = dir.resolve("eam.yaml");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("limits:\n  eam-entries: 200000\ntranslator:\n  pool6: \"2001:db8:64::/96\"\n  eamt:\n");
            for (int i = 0; i < 155_000; i++) {
                out.write("    - {ipv4: \"100.64." + (i >> 8) + "." + (i & 0xFF) + "/32\", ipv6: \"2001:db8:e::"
                    + Integer.toHexString(i) + "/128\"}\n");
            }
        }
        final Path log = dir.resolve("check.log");
        final Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "check", "--config",
            file.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(check.waitFor(120, TimeUnit.SECONDS), "check ended");
        final String output = read(log);

        assertEquals(ExitCodes.USAGE, check.exitValue(), output);
        assertTrue(output.contains("not enough heap to load it (the maximum heap is "), output);
        assertTrue(output.contains("raise it with -Xmx in XLAT_JAVA_OPTS"), output);
        assertFalse(output.contains("OutOfMemoryError"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
