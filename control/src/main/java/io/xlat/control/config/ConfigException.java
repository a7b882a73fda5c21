package io.xlat.control.config;

import java.util.List;

/** A configuration that was rejected as a whole; {@link #errors()} lists every problem found, in file order. */
public final class ConfigException extends Exception {

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(join(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String join(List<ConfigError> errors) {
        final StringBuilder sb = new StringBuilder();
        for (final ConfigError error : errors) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(error);
        }
        return sb.toString();
    }
}
