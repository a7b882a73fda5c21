package io.xlat.control.replay;

import io.xlat.control.config.XlatConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh translator for one offline run (replay or one regression case): built from a configuration, with
 * IPv4 packets optionally attributed to one tenant. Fresh, so that every run starts the same way: IPv4
 * Identification counter at 0 and a full ICMP rate-limit bucket.
 */
public final class OfflineTranslator {

    /** A tenant name the configuration does not have: a usage error, unlike a failure to build the translator. */
    public static final class UnknownTenantException extends IllegalArgumentException {
        UnknownTenantException(String message) {
            super(message);
        }
    }

    private final Translator translator;
    private final Tenant ipv4Tenant;

    private OfflineTranslator(Translator translator, Tenant ipv4Tenant) {
        this.translator = translator;
        this.ipv4Tenant = ipv4Tenant;
    }

    /**
     * @param tenant     the tenant IPv4 packets come from, or null
     * @param configPath where the configuration came from, for the unknown-tenant message; null for defaults
     * @throws UnknownTenantException when {@code tenant} is not in the configuration (the message lists those
     *                                that are)
     * @throws RuntimeException       when the tenant table or the translator cannot be built
     */
    public static OfflineTranslator create(XlatConfig config, String tenant, Path configPath) {
        final TenantTable tenants = new TenantTable(config.tenants());
        final Tenant from = tenant == null ? null : tenants.byName(tenant);
        if (tenant != null && from == null) {
            throw new UnknownTenantException(unknownTenant(tenant, tenants, configPath));
        }
        final Translator translator = new Translator(config.translator(), new DropCounters());
        translator.tenants(tenants);
        return new OfflineTranslator(translator, from);
    }

    /** The message for a tenant name the configuration does not have, listing the ones it has. */
    public static String unknownTenant(String tenant, TenantTable tenants, Path config) {
        if (tenants.size() == 0) {
            return "unknown tenant '" + tenant + "': " + (config == null ? "no --config given"
                : config + " configures no tenants");
        }
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < tenants.size() && i < 10; i++) {
            names.add(tenants.get(i).name());
        }
        return "unknown tenant '" + tenant + "' (" + config + " has " + String.join(", ", names)
            + (tenants.size() > 10 ? " and " + (tenants.size() - 10) + " more" : "") + ")";
    }

    public Translator translator() {
        return translator;
    }

    public PcapReplay.Step step() {
        return ipv4Tenant == null ? PcapReplay.translatorStep(translator)
            : PcapReplay.tenantStep(translator, ipv4Tenant.index());
    }

    /** What the translator did with each packet, for annotated output. */
    public PcapReplay.Attribution attribution() {
        return new TranslatorAttribution(translator, ipv4Tenant);
    }

    /** Global and every tenant's counters added up. */
    public DropCounters total() {
        final DropCounters total = new DropCounters();
        total.add(translator.counters());
        final TenantTable tenants = translator.tenants();
        for (int i = 0; i < tenants.size(); i++) {
            total.add(translator.tenantCounters(i));
        }
        return total;
    }
}
