package io.xlat.control.config;

import java.util.List;

/** The registry of top-level sections. */
public final class ConfigSections {

    /** Every top-level section in output order: adding a section is one entry here plus its class. */
    public static final List<ConfigSection<?>> ALL = List.of(
        TranslatorSection.INSTANCE,
        TenantsSection.INSTANCE,
        DataplaneSection.INSTANCE,
        BgpSection.INSTANCE,
        MetricsSection.INSTANCE,
        AllowEmptySection.INSTANCE,
        LimitsSection.INSTANCE);

    private ConfigSections() {
    }
}
