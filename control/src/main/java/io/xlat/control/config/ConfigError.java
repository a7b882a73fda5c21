package io.xlat.control.config;

/**
 * One problem in a configuration file. Printed as {@code FILE:LINE:COL: message} (1-based, as editors count),
 * or {@code FILE: message} when the problem has no place in the file (line 0).
 */
public record ConfigError(String source, int line, int column, String message) {

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column + ": " + message : source + ": " + message;
    }
}
