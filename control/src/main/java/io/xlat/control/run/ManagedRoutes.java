package io.xlat.control.run;

import io.xlat.control.routes.HostRoutes;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.dataplane.DataplaneSettings;
import io.xlat.tunio.dataplane.DeviceRoutes;


import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The kernel routes xlat installs under {@code dataplane.manage-routes: true}, and removes on stop; all device
 * routes with metric {@value DeviceRoutes#METRIC} in the main table (see {@link DeviceRoutes}).
 * <ul>
 *   <li>plain SIIT, into {@code siit-tun}: the set {@code xlat routes} prints and BGP announces ({@link HostRoutes}):
 *       pool6, where IPv6 hosts send to IPv4 hosts, and the IPv4 prefixes of the EAM entries, where IPv4 clients
 *       send to IPv6 services (RFC 7755); plus the translator's own ipv4-address and ipv6-address. Not the EAM
 *       IPv6 prefixes (in SIIT-DC they are the IPv6 servers', reached through the fabric: routing them into the
 *       translator would loop) and not the IPv4 space behind pool6 (all IPv4 not in the EAM: only the operator
 *       knows which part of it this host should carry);</li>
 *   <li>tenants: the IPv6 set of {@link HostRoutes} (each tenant's local ranges under its instance prefix, and
 *       pool6) into {@code ipv6-tun} in xlat's own namespace, and for each tenant whose device lives in its own
 *       {@code netns:} a default route into that device there (its local ranges stay on their connected routes).
 *       A tenant device in xlat's own namespace gets no route: a default there would take the host's traffic.</li>
 *   <li>several devices: the tenants' routes as above; with {@code siit-tun} beside them,
 *       plain SIIT's routes into it (pool6 there rather than into {@code ipv6-tun}); with {@code ipv4-tun}, the
 *       IPv4 routes of plain SIIT (EAM IPv4 prefixes, ipv4-address) into it and its IPv6 routes (pool6,
 *       ipv6-address) into {@code ipv6-tun}.</li>
 * </ul>
 */
public final class ManagedRoutes implements AutoCloseable {

    /** One device route: IPv4 addresses in the low 32 bits of {@code hi}. */
    public record Route(String netns, String device, boolean ipv6, long hi, long lo, int length) {

        static Route of4(String netns, String device, Ipv4Prefix prefix) {
            return new Route(netns, device, false, prefix.address() & 0xFFFF_FFFFL, 0, prefix.length());
        }

        @Override
        public String toString() {
            return (ipv6 ? Ipv6Addresses.format(hi, lo) : Ipv4Addresses.format((int) hi)) + "/" + length + " dev "
                + device + (netns == null ? "" : " (netns " + netns + ")");
        }
    }

    private final RunLog log;
    private final Set<Route> installed = new LinkedHashSet<>();

    public ManagedRoutes(RunLog log) {
        this.log = log;
    }

    /** Plain SIIT's routes into its one device. */
    static List<Route> siit(String device, TranslatorConfig translator) {
        final HostRoutes routes = HostRoutes.of(translator, List.of());
        final List<Route> out = new ArrayList<>();
        for (final HostRoutes.Route6 r : routes.ipv6()) {
            out.add(new Route(null, device, true, r.prefix().hi(), r.prefix().lo(), r.prefix().length()));
        }
        for (final HostRoutes.Route4 r : routes.ipv4()) {
            out.add(Route.of4(null, device, r.prefix()));
        }
        // the sources of the translator's ICMP errors: what comes back to them must reach the translator
        if (translator.ipv4Address() != null) {
            out.add(new Route(null, device, false, translator.ipv4Address() & 0xFFFF_FFFFL, 0, 32));
        }
        if (translator.ipv6Address() != null) {
            out.add(new Route(null, device, true, translator.ipv6Address().hi(), translator.ipv6Address().lo(),
                translator.ipv6Address().length()));
        }
        return out;
    }

    /**
     * The tenants' routes: instance prefixes into the IPv6 device, defaults into tenant devices in their netns;
     * pool6 only with {@code globalPath}.
     */
    static List<Route> tenants(String ipv6Tun, TranslatorConfig translator, List<TenantConfig> tenants,
        boolean globalPath) {
        final List<Route> out = new ArrayList<>();
        for (final HostRoutes.Route6 r : HostRoutes.of(translator, tenants, globalPath).ipv6()) {
            out.add(new Route(null, ipv6Tun, true, r.prefix().hi(), r.prefix().lo(), r.prefix().length()));
        }
        for (final TenantConfig tenant : tenants) {
            if (tenant.tun() != null && tenant.netns() != null) {
                out.add(new Route(tenant.netns(), tenant.tun(), false, 0, 0, 0));
            }
        }
        return out;
    }

    /**
     * The routes of what {@code settings} runs, for every device combination: plain SIIT's into its device (its
     * IPv6 ones into the IPv6 device of a pair), and the tenants'.
     */
    public static List<Route> of(DataplaneSettings settings) {
        final List<Route> global = settings.globalTun() == null ? List.of()
            : siit(settings.globalTun(), settings.translator());
        final Set<Route> out = new LinkedHashSet<>();
        for (final Route r : global) {
            // the pair's IPv4 device takes IPv4 only: the global path's IPv6 routes go to the IPv6 device
            out.add(r.ipv6() && !settings.globalBothFamilies()
                ? new Route(null, settings.ipv6Tun(), true, r.hi(), r.lo(), r.length()) : r);
        }
        if (settings.ipv6Tun() == null) {
            return List.copyOf(out);
        }
        for (final Route r : tenants(settings.ipv6Tun(), settings.translator(), settings.tenants(),
            settings.globalTun() != null)) {
            if (!(settings.globalBothFamilies() && r.ipv6() && r.netns() == null
                && out.contains(new Route(null, settings.globalTun(), true, r.hi(), r.lo(), r.length())))) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Makes the installed set {@code wanted}: adds what is new (replacing a leftover of a crashed run), then removes
     * what is no longer wanted. A failed add stops there with the exception; what was installed stays recorded,
     * for {@link #close()}.
     */
    public synchronized void apply(List<Route> wanted) throws IOException {
        for (final Route r : wanted) {
            if (!installed.contains(r)) {
                add(r);
                installed.add(r);
            }
        }
        final Set<Route> keep = new LinkedHashSet<>(wanted);
        for (final Route r : new ArrayList<>(installed)) {
            if (!keep.contains(r)) {
                remove(r);
                installed.remove(r);
            }
        }
        log.info("routes: " + installed.size() + " installed" + (installed.isEmpty() ? "" : ": " + installed));
    }

    /**
     * Installs again the routes into {@code device} in {@code netns} (null: xlat's own namespace) that are recorded
     * as installed: the kernel deleted them with the device, which was deleted and is attached again (or when it
     * went down, and it is up again). A failure is logged and the others are still installed.
     *
     * @return how many went in
     */
    public synchronized int reinstall(String netns, String device) {
        int added = 0;
        int into = 0;
        for (final Route r : installed) {
            if (r.device().equals(device) && Objects.equals(r.netns(), netns)) {
                into++;
                try {
                    add(r);
                    added++;
                } catch (IOException | RuntimeException e) {
                    log.info("routes: cannot install " + r + " again: " + e.getMessage());
                }
            }
        }
        if (into > 0) {
            log.info("routes: " + added + " of " + into + " installed again into " + device
                + (netns == null ? "" : " (netns " + netns + ")"));
        }
        return added;
    }

    /** The routes installed now. */
    public synchronized List<Route> installed() {
        return List.copyOf(installed);
    }

    private static void add(Route r) throws IOException {
        DeviceRoutes.add(r.netns(), r.device(), r.ipv6(), r.hi(), r.lo(), r.length());
    }

    private static void remove(Route r) throws IOException {
        // false: already gone, with its device (a device xlat created goes away when closed)
        DeviceRoutes.remove(r.netns(), r.device(), r.ipv6(), r.hi(), r.lo(), r.length());
    }

    /** Removes every route installed; a failure is logged and the others are still removed. */
    @Override
    public synchronized void close() {
        if (installed.isEmpty()) {
            return;
        }
        int removed = 0;
        for (final Route r : installed) {
            try {
                remove(r);
                removed++;
            } catch (IOException | RuntimeException e) {
                log.info("routes: cannot remove " + r + ": " + e.getMessage());
            }
        }
        installed.clear();
        log.info("routes: " + removed + " removed");
    }
}
