package io.xlat.control.replay;

import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import io.xlat.core.tenant.Tenant;
import io.xlat.core.translate.Translator;

/**
 * Says what a core {@link Translator} did with the packet it last translated, from its counters: the tenant it
 * found (the one whose counters moved, or the tenant IPv4 packets are attributed to) and the drop reason whose
 * counter moved. Each counter set is compared with a copy taken after the previous packet. Offline only: it reads
 * every tenant's totals per packet.
 */
public final class TranslatorAttribution implements PcapReplay.Attribution {

    private static final DropReason[] REASONS = DropReason.values();

    private final Translator translator;
    /** The tenant IPv4 packets come from ({@code --tenant}), or null. */
    private final Tenant ipv4Tenant;
    private final long[] globalSeen = new long[REASONS.length];
    private final long[][] tenantSeen;
    /** By tenant index: its packets translated and dropped after the previous packet. */
    private final long[] tenantActivity;
    private String tenant;
    private DropReason reason;

    public TranslatorAttribution(Translator translator, Tenant ipv4Tenant) {
        this.translator = translator;
        this.ipv4Tenant = ipv4Tenant;
        this.tenantSeen = new long[translator.tenants().size()][];
        this.tenantActivity = new long[translator.tenants().size()];
        for (int i = 0; i < tenantActivity.length; i++) {
            tenantActivity[i] = activity(translator.tenants().get(i).counters());
        }
        snapshot(translator.counters(), globalSeen);
    }

    @Override
    public void observe() {
        reason = changed(translator.counters(), globalSeen);
        final Tenant current = movedTenant();
        Tenant found = current;
        if (ipv4Tenant != null) {
            final DropReason r = changed(ipv4Tenant.counters(), seen(ipv4Tenant));
            if (r != null) {
                reason = r;
                found = ipv4Tenant;
            }
        }
        if (current != null && current != ipv4Tenant) {
            final DropReason r = changed(current.counters(), seen(current));
            if (r != null) {
                reason = r;
            }
        }
        tenant = found == null ? null : found.name();
    }

    /** The tenant whose counters the packet moved, or null (the global path, or an IPv4 packet's tenant). */
    private Tenant movedTenant() {
        Tenant moved = null;
        for (int i = 0; i < tenantActivity.length; i++) {
            final Tenant t = translator.tenants().get(i);
            final long now = activity(t.counters());
            if (now != tenantActivity[i]) {
                tenantActivity[i] = now;
                moved = t;
            }
        }
        return moved;
    }

    private static long activity(DropCounters c) {
        return c.translated46Count() + c.translated64Count() + c.totalDrops();
    }

    private long[] seen(Tenant t) {
        final int index = t.index();
        if (tenantSeen[index] == null) {
            // counters of a fresh translator start at zero; a tenant not looked at yet has moved from there
            tenantSeen[index] = new long[REASONS.length];
        }
        return tenantSeen[index];
    }

    /** The reason whose count grew since {@code seen} (the last one, if several), updating {@code seen}. */
    private static DropReason changed(DropCounters counters, long[] seen) {
        DropReason found = null;
        for (int i = 0; i < REASONS.length; i++) {
            final long n = counters.drops(REASONS[i]);
            if (n != seen[i]) {
                seen[i] = n;
                found = REASONS[i];
            }
        }
        return found;
    }

    private static void snapshot(DropCounters counters, long[] seen) {
        for (int i = 0; i < REASONS.length; i++) {
            seen[i] = counters.drops(REASONS[i]);
        }
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String dropReason() {
        return reason == null ? null : reason.label();
    }

    @Override
    public String dropRfc() {
        return reason == null ? null : reason.rfc();
    }
}
