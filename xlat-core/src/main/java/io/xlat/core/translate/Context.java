package io.xlat.core.translate;

import io.xlat.core.addr.Mapping;
import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
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
    /** The family the packet arrived in, which its drops count under. */
    Direction direction = Direction.UNKNOWN;
    /** All tenant instances of the current generation (to tell a fabric router from another tenant). */
    TenantTable tenants = TenantTable.empty();
    /**
     * TCP bytes per segment (header and gso_size) when the packet is a super-packet from a TUN device with
     * offloads, which the kernel cuts into segments after translation; 0 for an ordinary packet. A super-packet's
     * TCP checksum field holds the partial (pseudo-header) sum that the kernel completes for each segment.
     */
    int segment;

    /** Counts a drop for whoever the packet belongs to; returns 0, the packets emitted, for the caller to return. */
    int drop(DropReason reason) {
        counters.drop(reason, direction);
        return 0;
    }

    void global(Mapping globalMapping, DropCounters globalCounters, Direction arrivedAs) {
        mapping = globalMapping;
        counters = globalCounters;
        tenant = null;
        direction = arrivedAs;
    }

    void tenant(Tenant t, DropCounters tenantCounters, Direction arrivedAs) {
        mapping = t;
        counters = tenantCounters;
        tenant = t;
        direction = arrivedAs;
    }
}
