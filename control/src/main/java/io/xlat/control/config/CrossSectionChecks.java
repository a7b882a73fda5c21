package io.xlat.control.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules that span sections. Each runs only when the sections it reads were free of errors, so that it never
 * reports a consequence of a problem already reported.
 */
final class CrossSectionChecks {

    private CrossSectionChecks() {
    }

    static void check(XlatConfig config, Map<ConfigSection<?>, Node> nodes, Set<ConfigSection<?>> clean,
        ConfigProblems problems) {
        final Node tenantsNode = nodes.get(TenantsSection.INSTANCE);
        if (tenantsNode == null || !clean.contains(TenantsSection.INSTANCE)) {
            return;
        }
        if (clean.contains(TranslatorSection.INSTANCE)) {
            tenantsAgainstTranslator(config.tenants(), config.translator(), tenantsNode, problems);
        }
        if (clean.contains(DataplaneSection.INSTANCE)) {
            tenantsAgainstDataplane(config.tenants(), config.dataplane(), tenantsNode, problems);
        }
    }

    /**
     * IPv6 to IPv4 picks the tenant by the destination's instance prefix and falls back to the global mapping:
     * an address in both a tenant prefix and pool6 or an EAM would be translated by whichever is looked up
     * first, and the other side could never reach it.
     */
    private static void tenantsAgainstTranslator(List<TenantConfig> tenants, TranslatorConfig translator, Node tenantsNode,
        ConfigProblems problems) {
        final List<Ipv6Prefix> prefixes = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        for (final TenantConfig tenant : tenants) {
            prefixes.add(tenant.prefix());
        }
        final String ambiguous = ": an IPv6 destination in both could not tell tenant from global traffic";
        if (translator.pool6() != null) {
            prefixes.add(translator.pool6());
            names.add(TranslatorSection.KEY + "." + TranslatorSection.POOL6 + " " + translator.pool6());
            why.add(ambiguous);
        }
        final List<EamEntry> eamt = translator.eamt();
        for (int i = 0; i < eamt.size(); i++) {
            prefixes.add(eamt.get(i).ipv6());
            names.add(TranslatorSection.KEY + "." + TranslatorSection.EAMT + "[" + i + "] " + eamt.get(i));
            why.add(ambiguous);
        }
        final List<Ipv6Prefix> pool6791 = translator.pool6791v6();
        for (int i = 0; i < pool6791.size(); i++) {
            prefixes.add(pool6791.get(i));
            names.add(TranslatorSection.KEY + "." + TranslatorSection.POOL6791V6 + "[" + i + "] " + pool6791.get(i));
            why.add(": RFC 6791 sources must not be translatable addresses");
        }
        final int n = tenants.size();
        for (final PrefixOverlaps.Pair pair : PrefixOverlaps.find(prefixes)) {
            final boolean outerIsTenant = pair.outer() < n;
            final boolean innerIsTenant = pair.inner() < n;
            if (outerIsTenant == innerIsTenant) {
                continue; // tenant pairs are the tenants section's business, global pairs the translator's
            }
            final int tenant = outerIsTenant ? pair.outer() : pair.inner();
            final int global = (outerIsTenant ? pair.inner() : pair.outer()) - n;
            problems.error(TenantsSection.field(tenantsNode, tenant, TenantsSection.PREFIX),
                TenantsSection.KEY + "[" + tenant + "]." + TenantsSection.PREFIX + ": " + tenants.get(tenant).prefix()
                    + " overlaps " + names.get(global) + why.get(global));
        }
    }

    /** A tenant's IPv4 device cannot also be one of the host-side devices. */
    private static void tenantsAgainstDataplane(List<TenantConfig> tenants, DataplaneConfig dataplane, Node tenantsNode,
        ConfigProblems problems) {
        for (int i = 0; i < tenants.size(); i++) {
            final String tun = tenants.get(i).tun();
            final String role = tun == null ? null : tun.equals(dataplane.ipv6Tun()) ? DataplaneSection.IPV6_TUN
                : tun.equals(dataplane.siitTun()) ? DataplaneSection.SIIT_TUN
                : tun.equals(dataplane.ipv4Tun()) ? DataplaneSection.IPV4_TUN : null;
            if (role != null) {
                problems.error(TenantsSection.field(tenantsNode, i, TenantsSection.TUN), TenantsSection.KEY + "[" + i
                    + "]." + TenantsSection.TUN + ": '" + tun + "' is also " + DataplaneSection.KEY + "." + role
                    + "; every tenant needs a device of its own");
            }
        }
    }
}
