package io.xlat.control.log;

import io.xlat.control.run.RunLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XlatLoggingTest {

    private final StringWriter written = new StringWriter();
    private final PrintWriter out = new PrintWriter(written, true);

    @AfterEach
    void backToTheDefaults() {
        XlatLogging.configure(LogFormat.TEXT, false);
    }

    @Test
    void shouldWriteOneTimestampedLinePerEventInTextByDefault() {
        new RunLog(out, false).info("started: siit on xlat0");

        assertTrue(written.toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z xlat: started: siit on "
            + "xlat0\\R"), written.toString());
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithLevelLoggerAndEscapedMessage() {
        XlatLogging.configure(LogFormat.JSON, false);
        new RunLog(out, false).info("reload rejected: \"bogus\"\tkey");
        new RunLog(out, false).onDeviceError("xlat0", 1, "write", 5, false);

        final String[] lines = written.toString().split("\n");
        assertEquals(2, lines.length, written.toString());
        assertTrue(lines[0].matches("\\{\"time\":\"[0-9T:.Z-]+\",\"level\":\"info\",\"logger\":\"xlat.run\","
            + "\"message\":\"reload rejected: \\\\\"bogus\\\\\"\\\\tkey\"}"), lines[0]);
        assertTrue(lines[1].contains("\"level\":\"warning\""), lines[1]);
        assertTrue(lines[1].contains("\"message\":\"xlat0 queue 1: write failed: "), lines[1]);
    }

    @Test
    void shouldPutTheStackTraceIntoTheJsonObjectNotOnLinesOfItsOwn() {
        XlatLogging.configure(LogFormat.JSON, false);
        new RunLog(out, false).onError(new IllegalStateException("boom"));

        final String[] lines = written.toString().split("\n");
        assertEquals(1, lines.length, written.toString());
        assertTrue(lines[0].contains("\"level\":\"error\""), lines[0]);
        assertTrue(lines[0].contains("\"exception\":\"java.lang.IllegalStateException: boom\\n\\tat "), lines[0]);
    }

    @Test
    void shouldEscapeControlCharactersAsJsonRequires() {
        final StringBuilder s = new StringBuilder();
        LogFormat.quote(s, "a\u0001b\\c\r");

        assertEquals("\"a\\u0001b\\\\c\\r\"", s.toString());
    }

    @Test
    void shouldBeTheBackendOfSystemGetLoggerAndFormatItsParameters() {
        final System.Logger logger = System.getLogger("io.xlat.test");
        assertEquals(XlatLogger.class, logger.getClass());

        XlatLogging.logger("io.xlat.test", out).log(Level.INFO, "{0}: Established, hold time {1} s", "peer", 9);
        assertTrue(written.toString().endsWith("xlat: peer: Established, hold time 9 s" + System.lineSeparator()),
            written.toString());
    }

    @Test
    void shouldSayOnlyWarningsOfLibrariesAndDebugOnlyWhenVerbose() {
        assertFalse(XlatLogging.logger("io.netty.channel.X", out).isLoggable(Level.INFO));
        assertTrue(XlatLogging.logger("io.netty.channel.X", out).isLoggable(Level.WARNING));
        assertTrue(XlatLogging.logger("xlat.run", out).isLoggable(Level.INFO));
        assertFalse(XlatLogging.logger("xlat.run", out).isLoggable(Level.DEBUG));
        XlatLogging.configure(LogFormat.TEXT, true);
        assertTrue(XlatLogging.logger("xlat.run", out).isLoggable(Level.DEBUG));
    }
}
