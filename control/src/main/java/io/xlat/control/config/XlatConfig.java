package io.xlat.control.config;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;

import java.util.IdentityHashMap;
import java.util.List;
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

    /** The tenant instances, in file order (empty without a {@code tenants:} section). */
    public List<TenantConfig> tenants() {
        return section(TenantsSection.INSTANCE);
    }

    /**
     * True when nothing is mapped: no pool6, no EAM entry and no tenant, so that every packet would be dropped
     * and nothing announced.
     */
    public boolean mapsNothing() {
        return translator().pool6() == null && translator().eamt().isEmpty() && tenants().isEmpty();
    }

    /** The data plane settings of {@code xlat run}. */
    public DataplaneConfig dataplane() {
        return section(DataplaneSection.INSTANCE);
    }

    /** The BGP speaker of {@code xlat run}; {@link BgpConfig#DISABLED} without a {@code bgp:} section. */
    public BgpConfig bgp() {
        return section(BgpSection.INSTANCE);
    }

    /** The Prometheus endpoint of {@code xlat run}; {@link MetricsConfig#DISABLED} without a {@code metrics:} section. */
    public MetricsConfig metrics() {
        return section(MetricsSection.INSTANCE);
    }

    /** The most list items the file may hold, enforced when it is loaded. */
    public ConfigLimits limits() {
        return section(LimitsSection.INSTANCE);
    }

    /**
     * The effective configuration as YAML: every section and key, defaults filled in; {@link ConfigLoader} reads
     * it back. Passwords are left out (a comment marks where), so that the output can be shown and shared.
     */
    public String toYaml() {
        return toYaml(false);
    }

    /** As {@link #toYaml()}, with the passwords when {@code showSecrets}: then it reads back to the same configuration. */
    public String toYaml(boolean showSecrets) {
        final StringBuilder out = new StringBuilder();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            write(section, out, showSecrets);
        }
        return out.toString();
    }

    private <T> void write(ConfigSection<T> section, StringBuilder out, boolean showSecrets) {
        section.write(section(section), out, showSecrets);
    }
}
