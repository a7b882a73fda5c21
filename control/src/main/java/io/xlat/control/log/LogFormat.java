package io.xlat.control.log;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How a log line looks: {@code --log-format text} (the default) or {@code json}. */
public enum LogFormat {

    /** {@code 2026-12-02T05:59:32.123Z xlat: started: ...}; warnings and errors say so after "xlat: ". */
    TEXT,

    /**
     * One JSON object per line, for collectors (Loki, Elasticsearch, journald's JSON export):
     * {@code {"time":"2026-12-02T05:59:32.123Z","level":"info","logger":"xlat.run","message":"started: ..."}},
     * with {@code "exception"} (the stack trace) when there is one.
     */
    JSON;

    /** Writes one event as one line (plus, in text, the stack trace after it) and flushes. */
    void write(PrintWriter out, Instant time, Level level, String logger, String message, Throwable thrown) {
        final String at = time.truncatedTo(ChronoUnit.MILLIS).toString();
        if (this == TEXT) {
            out.println(at + " xlat: " + prefix(level) + message);
            if (thrown != null) {
                thrown.printStackTrace(out);
            }
        } else {
            final StringBuilder s = new StringBuilder(128 + message.length());
            s.append("{\"time\":\"").append(at).append("\",\"level\":\"").append(name(level))
                .append("\",\"logger\":");
            quote(s, logger);
            s.append(",\"message\":");
            quote(s, message);
            if (thrown != null) {
                final java.io.StringWriter trace = new java.io.StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                s.append(",\"exception\":");
                quote(s, trace.toString());
            }
            out.println(s.append('}'));
        }
        out.flush();
    }

    private static String prefix(Level level) {
        switch (level) {
            case WARNING: return "warning: ";
            case ERROR: return "error: ";
            default: return "";
        }
    }

    static String name(Level level) {
        return level == Level.ALL || level == Level.OFF ? "info" : level.getName().toLowerCase(Locale.ROOT);
    }

    /** {@code text} as a JSON string (RFC 8259 section 7: quote, backslash and control characters escaped). */
    static void quote(StringBuilder s, String text) {
        s.append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"': s.append("\\\""); break;
                case '\\': s.append("\\\\"); break;
                case '\n': s.append("\\n"); break;
                case '\r': s.append("\\r"); break;
                case '\t': s.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        s.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        s.append(c);
                    }
            }
        }
        s.append('"');
    }
}
