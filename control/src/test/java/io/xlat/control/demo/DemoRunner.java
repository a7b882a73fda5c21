package io.xlat.control.demo;

import io.xlat.control.testing.NamespaceLab;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code xlat demo} for the integration tests with namespace names of its own (so that a demo a developer
 * kept, or a leftover, never collides) and a scratch directory, and checks what every run must satisfy.
 */
final class DemoRunner implements AutoCloseable {
    final String prefix = "xdit" + Integer.toString(new SecureRandom().nextInt(1 << 20), 36) + "-";
    final Path dir;
    final StringWriter output = new StringWriter();

    DemoRunner() throws IOException {
        NamespaceLab.requireRoot("bird", "birdc", "python3", "ping", "tcpdump");
        dir = Files.createTempDirectory("xlat-demo-it-");
    }

    Demo.Outcome run(boolean ecmp, boolean keep) {
        final DemoSettings settings = DemoSettings.of(prefix, dir, ecmp, keep, false);
        final Demo.Outcome outcome = new Demo(settings, new Console(new PrintWriter(output, true), false)).run();
        System.out.println(output);
        return outcome;
    }

    /** Each step by number and title, in order, passed; and no line wider than 80 columns. */
    void assertEverySteps(Demo.Outcome outcome, List<String> titles) {
        assertTrue(outcome.refused().isEmpty(), () -> "refused: " + outcome.refused());
        assertEquals(titles.size(), outcome.steps().size(), output::toString);
        for (int i = 0; i < titles.size(); i++) {
            final StepResult step = outcome.steps().get(i);
            assertEquals(i + 1, step.number());
            assertTrue(step.title().startsWith(titles.get(i)), step.title());
            assertTrue(step.passed(), () -> "step " + step.number() + " failed: " + step + "\n" + output);
            assertTrue(step.checks().stream().allMatch(c -> !c.command().isBlank() && !c.shown().isEmpty()),
                () -> "every check shows a command and what it showed: " + step);
        }
        assertTrue(outcome.passed());
        for (final String line : output.toString().split("\n")) {
            assertTrue(line.length() <= Console.WIDTH, () -> "wider than 80 columns: " + line);
        }
        assertTrue(output.toString().contains("All " + titles.size() + " steps passed"), output::toString);
    }

    /** The namespaces of this runner that exist now. */
    List<String> namespaces() {
        return NamespaceLab.onPath("ip") ? Preflight.taken(new Shell().exec("ip", "netns", "list").output(),
            DemoSettings.of(prefix, dir, false, false, false).allNamespaces()) : List.of();
    }

    /** Whatever a failed test left: the namespaces and their processes, then the directory. */
    @Override
    public void close() {
        Demo.down(DemoSettings.of(prefix, dir, false, false, false));
        try (var files = Files.walk(dir)) {
            for (final Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
