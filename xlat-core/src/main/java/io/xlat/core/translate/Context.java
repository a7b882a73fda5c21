package io.xlat.core.translate;

import io.xlat.core.addr.Mapping;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.tenant.TenantTable;

/**
 * Who the packet being translated belongs to: the global SIIT mapping or one tenant instance, and whose
 * counters it bumps. One per {@link Translator}, shared by its steps and re-pointed for every packet.
 */
final class Context {
    Mapping mapping;
    DropCounters counters;
    /** The tenant instance, or null on the global path. */
    Tenant tenant;
    /** All tenant instances of the current generation (to tell a fabric router from another tenant). */
    TenantTable tenants = TenantTable.empty();

    void global(Mapping globalMapping, DropCounters globalCounters) {
        mapping = globalMapping;
        counters = globalCounters;
        tenant = null;
    }

    void tenant(Tenant t, DropCounters tenantCounters) {
        mapping = t;
        counters = tenantCounters;
        tenant = t;
    }
}
