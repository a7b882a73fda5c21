package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * One top-level key of the configuration file and the value it parses to. Sections are listed in
 * {@link ConfigSections#ALL}; each knows its own keys, defaults, checks and effective-YAML output.
 *
 * @param <T> the validated value, e.g. {@link io.xlat.core.config.TranslatorConfig}
 */
public interface ConfigSection<T> {

    /** The top-level key, e.g. {@code translator}. */
    String key();

    /** The value when the section is absent. */
    T defaults();

    /**
     * Parses and validates the section's value node, reporting every problem to {@code problems}.
     *
     * @param node the value under {@link #key()}: null when the key is absent, a null scalar when it is empty
     * @return the value; meaningless when problems were reported (the loader then discards it)
     */
    T parse(Node node, ConfigProblems problems);

    /** Appends {@code key:} and every setting of {@code value} as YAML that {@link #parse} reads back. */
    void write(T value, StringBuilder out);

    /**
     * As {@link #write(Object, StringBuilder)}; secrets (BGP passwords) are left out, with a comment saying so,
     * unless {@code showSecrets}.
     */
    default void write(T value, StringBuilder out, boolean showSecrets) {
        write(value, out);
    }
}
