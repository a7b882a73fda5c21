package io.xlat.control.cli;

import io.xlat.control.config.ConfigError;
import io.xlat.control.config.ConfigException;

import java.io.PrintWriter;

/** Prints a rejected configuration the way compilers print errors, one per line, then a count. */
final class ConfigErrors {

    private ConfigErrors() {
    }

    static int report(String command, ConfigException e, PrintWriter err) {
        for (final ConfigError error : e.errors()) {
            err.println(error);
        }
        if (e.omitted() > 0) {
            err.println(ConfigException.omittedLine(e.omitted()));
        }
        final int n = e.total();
        err.println(command + ": configuration rejected (" + n + (n == 1 ? " error" : " errors")
            + "), nothing applied");
        err.flush();
        return ExitCodes.USAGE;
    }
}
