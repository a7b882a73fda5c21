package io.xlat.control.log;

import java.io.PrintWriter;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A {@link System.Logger} that writes through {@link XlatLogging}'s format: INFO and above, DEBUG and TRACE with
 * {@code --verbose}. The JDK's and libraries' own loggers (names outside {@code io.xlat} and {@code xlat}) say only
 * warnings and errors unless verbose: their INFO chatter is not the operator's business.
 */
final class XlatLogger implements System.Logger {

    private final String name;
    private final PrintWriter out;
    private final boolean ours;

    XlatLogger(String name, PrintWriter out) {
        this.name = name;
        this.out = out;
        this.ours = name.startsWith("io.xlat") || name.startsWith("xlat");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        if (level == Level.OFF) {
            return false;
        }
        if (XlatLogging.verbose()) {
            return true;
        }
        return level.getSeverity() >= (ours ? Level.INFO : Level.WARNING).getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        if (isLoggable(level)) {
            write(level, localized(bundle, message), thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            final String pattern = localized(bundle, format);
            write(level, params == null || params.length == 0 ? pattern : MessageFormat.format(pattern, params), null);
        }
    }

    @Override
    public void log(Level level, Supplier<String> supplier) {
        if (isLoggable(level)) {
            write(level, supplier.get(), null);
        }
    }

    private void write(Level level, String message, Throwable thrown) {
        // a logger made for no writer of its own follows the process's standard one, even when that is redirected
        final PrintWriter to = out != null ? out : XlatLogging.standardOut();
        synchronized (to) {
            XlatLogging.format().write(to, Instant.now(), level, name, message == null ? "" : message, thrown);
        }
    }

    private static String localized(ResourceBundle bundle, String key) {
        if (bundle != null && key != null && bundle.containsKey(key)) {
            return bundle.getString(key);
        }
        return key;
    }
}
