package io.xlat.control.log;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The process-wide logging settings ({@code --log-format}, {@code --verbose}) and where log lines go: stderr
 * unless a logger is made for another writer (the tests' and {@code RunLog}'s).
 */
public final class XlatLogging {

    private static final PrintWriter STDERR = new PrintWriter(System.err, true);
    private static volatile PrintWriter standard = STDERR;
    private static volatile LogFormat format = LogFormat.TEXT;
    private static volatile boolean verbose;

    private XlatLogging() {
    }

    /** Set once the command line is parsed, before anything logs. */
    public static void configure(LogFormat newFormat, boolean newVerbose) {
        format = newFormat;
        verbose = newVerbose;
    }

    public static LogFormat format() {
        return format;
    }

    public static boolean verbose() {
        return verbose;
    }

    /** A logger on the process's standard log writer (stderr unless {@link #redirect}ed). */
    public static System.Logger logger(String name) {
        return new XlatLogger(name, null);
    }

    /** Where the loggers without a writer of their own write: stderr, or what {@link #redirect} set. */
    static PrintWriter standardOut() {
        return standard;
    }

    /**
     * Sends the lines of every logger without a writer of its own to {@code out} (null: back to stderr); for tests
     * that assert what a component logs.
     */
    public static void redirect(PrintWriter out) {
        standard = out == null ? STDERR : out;
    }

    /** A logger on {@code out}. */
    public static System.Logger logger(String name, PrintWriter out) {
        return new XlatLogger(name, out);
    }

    /**
     * Routes java.util.logging (Netty's default backend when no other is on the classpath) through these loggers,
     * so that a library's warning reads like ours.
     */
    public static void routeJavaUtilLogging() {
        final java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (final Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                final String name = record.getLoggerName() == null ? "jul" : record.getLoggerName();
                final System.Logger logger = logger(name);
                final Level level = level(record.getLevel());
                if (!logger.isLoggable(level)) {
                    return;
                }
                final String message = record.getParameters() == null || record.getParameters().length == 0
                    ? record.getMessage() : java.text.MessageFormat.format(record.getMessage(), record.getParameters());
                logger.log(level, message, record.getThrown());
            }

            @Override
            public void flush() {
                standard.flush();
            }

            @Override
            public void close() {
                flush();
            }
        });
    }

    static Level level(java.util.logging.Level level) {
        final int v = level.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return Level.ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return Level.WARNING;
        }
        if (v >= java.util.logging.Level.INFO.intValue()) {
            return Level.INFO;
        }
        if (v >= java.util.logging.Level.FINE.intValue()) {
            return Level.DEBUG;
        }
        return Level.TRACE;
    }
}
