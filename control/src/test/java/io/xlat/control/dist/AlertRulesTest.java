package io.xlat.control.dist;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example alert rules {@code dist/prometheus/xlat-alerts.yml}: promtool accepts them, and its rule unit tests
 * ({@code xlat-alerts.test.yml}) show each alert firing on the series that should raise it and staying quiet
 * otherwise. The metric names they use are the ones XlatCollectorTest checks the endpoint serves.
 */
class AlertRulesTest {

    static final Path DIR = Path.of("..", "dist", "prometheus");

    private static String promtool(String... args) throws Exception {
        NamespaceLab.requireTool("promtool");
        final String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        final Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        final String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + said);
        return said;
    }

    @Test
    void shouldBeAcceptedByPromtool() throws Exception {
        assertTrue(promtool("check", "rules", "xlat-alerts.yml").contains("SUCCESS: 6 rules found"));
    }

    @Test
    void shouldFireEachAlertOnTheSeriesThatShouldRaiseIt() throws Exception {
        assertTrue(promtool("test", "rules", "xlat-alerts.test.yml").contains("SUCCESS"));
    }
}
