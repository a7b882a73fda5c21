package io.xlat.control.config;

import java.util.List;

/**
 * A configuration that was rejected as a whole; {@link #errors()} lists the first problems found, in file order.
 * A file can hold thousands of errors (a generated list of bad entries, an alias repeated everywhere): the first
 * {@link ConfigProblems#MAX_SHOWN} are kept, and {@link #total()} counts them all.
 */
public final class ConfigException extends Exception {

    private final transient List<ConfigError> errors;
    private final int total;

    /**
     * @param errors the errors to show (at most {@link ConfigProblems#MAX_SHOWN} are kept)
     * @param total  how many were found, at least {@code errors.size()}
     */
    public ConfigException(List<ConfigError> errors, int total) {
        super(join(shown(errors), Math.max(total, errors.size())));
        this.errors = shown(errors);
        this.total = Math.max(total, errors.size());
    }

    private static List<ConfigError> shown(List<ConfigError> errors) {
        return List.copyOf(errors.subList(0, Math.min(errors.size(), ConfigProblems.MAX_SHOWN)));
    }

    /** The errors shown, in file order: all of them unless {@link #omitted()} is above zero. */
    public List<ConfigError> errors() {
        return errors;
    }

    /** How many errors the file has. */
    public int total() {
        return total;
    }

    /** How many errors {@link #errors()} leaves out. */
    public int omitted() {
        return total - errors.size();
    }

    private static String join(List<ConfigError> errors, int total) {
        final StringBuilder sb = new StringBuilder();
        for (final ConfigError error : errors) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(error);
        }
        if (total > errors.size()) {
            sb.append('\n').append(omittedLine(total - errors.size()));
        }
        return sb.toString();
    }

    /** The line that stands for the errors not shown. */
    public static String omittedLine(int omitted) {
        return "... and " + omitted + (omitted == 1 ? " more error" : " more errors") + " not shown";
    }
}
