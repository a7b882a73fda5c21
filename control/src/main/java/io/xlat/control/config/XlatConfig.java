package io.xlat.control.config;

import io.xlat.core.config.TranslatorConfig;

import java.util.IdentityHashMap;
import java.util.Map;

/** A whole validated configuration file: one value per {@link ConfigSections#ALL} section. Immutable. */
public final class XlatConfig {

    private final Map<ConfigSection<?>, Object> values;

    XlatConfig(Map<ConfigSection<?>, Object> values) {
        this.values = new IdentityHashMap<>(values);
    }

    /** Every section at its defaults: what an empty file gives. */
    public static XlatConfig defaults() {
        final Map<ConfigSection<?>, Object> values = new IdentityHashMap<>();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            values.put(section, section.defaults());
        }
        return new XlatConfig(values);
    }

    /** The value of one section. */
    @SuppressWarnings("unchecked")
    public <T> T section(ConfigSection<T> section) {
        final Object value = values.get(section);
        if (value == null) {
            throw new IllegalArgumentException("section '" + section.key() + "' is not registered in ConfigSections");
        }
        return (T) value;
    }

    public TranslatorConfig translator() {
        return section(TranslatorSection.INSTANCE);
    }

    /** The effective configuration as YAML: every section and key, defaults filled in; {@link ConfigLoader} reads it back. */
    public String toYaml() {
        final StringBuilder out = new StringBuilder();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            write(section, out);
        }
        return out.toString();
    }

    private <T> void write(ConfigSection<T> section, StringBuilder out) {
        section.write(section(section), out);
    }
}
