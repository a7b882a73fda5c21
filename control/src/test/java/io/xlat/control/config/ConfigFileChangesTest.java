package io.xlat.control.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configuration file that changes while it is read is read again, never parsed half-written. */
class ConfigFileChangesTest {

    private static final String HALF = "translator:\n  pool6: 2001:db8:64::/96\n  eamt:\n";
    private static final String WHOLE = HALF + "    - {ipv4: 192.0.2.1, ipv6: \"2001:db8:e::1\"}\n"
        + "    - {ipv4: 192.0.2.2, ipv6: \"2001:db8:e::2\"}\n";

    @TempDir
    Path dir;

    @Test
    void shouldReadAFileThatDoesNotChangeOnce() throws Exception {
        final Path file = Files.writeString(dir.resolve("x.yaml"), WHOLE);
        final AtomicInteger reads = new AtomicInteger();

        assertEquals(WHOLE, ConfigLoader.readSettled(file, file.toString(), reads::incrementAndGet));
        assertEquals(1, reads.get());
    }

    @Test
    void shouldReadAFileWrittenInPlaceDuringTheReadAgainAndTakeTheFinishedOne() throws Exception {
        final Path file = Files.writeString(dir.resolve("x.yaml"), HALF);
        final AtomicInteger reads = new AtomicInteger();

        final String text = ConfigLoader.readSettled(file, file.toString(), () -> {
            if (reads.incrementAndGet() == 1) {
                write(file, WHOLE); // the writer finishes after xlat read the first half
            }
        });

        assertEquals(WHOLE, text, "not the half that was there when the read began");
        assertEquals(2, reads.get());
    }

    @Test
    void shouldReadAFileRenamedIntoPlaceDuringTheReadAsTheNewFile() throws Exception {
        final Path file = Files.writeString(dir.resolve("x.yaml"), WHOLE);
        final String renamed = WHOLE.replace("192.0.2.2", "192.0.2.3");
        final AtomicInteger reads = new AtomicInteger();

        final String text = ConfigLoader.readSettled(file, file.toString(), () -> {
            if (reads.incrementAndGet() == 1) {
                final Path next = dir.resolve("x.yaml.new");
                write(next, renamed);
                try {
                    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });

        assertEquals(renamed, text);
    }

    @Test
    void shouldRefuseAFileThatKeepsChangingWhileItIsRead() throws Exception {
        final Path file = Files.writeString(dir.resolve("x.yaml"), WHOLE);
        final AtomicInteger reads = new AtomicInteger();

        final ConfigException e = assertThrows(ConfigException.class, () ->
            ConfigLoader.readSettled(file, file.toString(), () -> {
                reads.incrementAndGet();
                try {
                    Files.writeString(file, "# still writing\n", StandardOpenOption.APPEND);
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
            }));

        assertTrue(e.getMessage().contains("the file changed while it was read, 5 times in a row"), e.getMessage());
        assertEquals(ConfigLoader.READ_ATTEMPTS, reads.get());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
