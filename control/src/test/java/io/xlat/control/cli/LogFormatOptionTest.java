package io.xlat.control.cli;

import io.xlat.control.log.LogFormat;
import io.xlat.control.log.XlatLogging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFormatOptionTest {

    @AfterEach
    void backToTheDefaults() {
        XlatLogging.configure(LogFormat.TEXT, false);
    }

    @Test
    void shouldLogJsonWhenRunIsAskedTo() {
        // the format is set before anything else: the usage error that follows is beside the point
        CliRun.of("run", "--log-format", "json");
        assertEquals(LogFormat.JSON, XlatLogging.format());
    }

    @Test
    void shouldLogTextUnlessTold() {
        XlatLogging.configure(LogFormat.JSON, false);
        CliRun.of("run");
        assertEquals(LogFormat.TEXT, XlatLogging.format());
    }

    @Test
    void shouldRejectAnUnknownFormatAsAUsageError() {
        final CliRun run = CliRun.of("run", "--log-format", "xml", "--tun", "xlat0", "--prefix", "2001:db8:64::/96");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("--log-format must be text or json, got 'xml'"), run.err());
    }
}
