package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.routes.HostRoutes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat routes}: the prefixes this host must announce, aggregated, as the BGP speaker announces them. */
@Command(
    name = "routes",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Print the prefixes this host must announce to the fabric.",
    description = {
        "%nPrint the prefixes that must be routed to this host, each with where it comes from, aggregated to "
            + "the fewest prefixes (adjacent and overlapping ones merged, across tenants too):",
        "  - IPv6: each tenant's prefix + each of its local IPv4 ranges",
        "  - IPv6: pool6, where IPv6 services answer IPv4 clients (RFC 7755)",
        "  - IPv4: the IPv4 prefixes of the global EAM entries (DC-SIIT pools)",
        "%nFor example 2001:db8:100:1::/96 with the range 10.0.0.0/25 gives 2001:db8:100:1::a00:0/121. The BGP "
            + "speaker of 'xlat run' announces exactly this set. With dataplane.ipv6-tun but neither ipv4-tun nor "
            + "siit-tun, xlat run carries tenants only, so pool6 and the EAM prefixes are left out; --tun prints "
            + "what 'xlat run --tun' announces instead (plain SIIT alone).",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat routes --config xlat.yaml",
        "      2001:db8:100:1::a00:0/121  # tenant blue 10.0.0.0/25",
        "  xlat routes -c xlat.yaml --format plain | while read p; do ip -6 route add \"$p\" dev xlat6; done",
        "",
        "Exit code 2 when the configuration is rejected."})
final class RoutesCommand implements Callable<Integer> {

    /** Comments name at most this many merged origins; a route aggregating thousands says how many. */
    static final int MAX_ORIGINS_SHOWN = 4;

    enum Format { text, plain }

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = "--tun", paramLabel = "NAME",
        description = "As 'xlat run --tun NAME' would run this file: plain SIIT on that one device, no tenants.")
    String tun;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (default): IPv6 then IPv4 prefixes, each with a comment saying where it comes from; "
            + "plain: the prefixes alone, one per line, for scripts.")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final XlatConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, spec.commandLine().getErr());
        }
        // what xlat run attracts with this file: not plain SIIT's prefixes when only tenants have a device
        final boolean globalPath = tun != null || loaded.dataplane().carriesGlobalPath();
        final HostRoutes routes = HostRoutes.of(loaded.translator(), tun != null ? List.of() : loaded.tenants(),
            globalPath);
        final List<String> prefixes = new ArrayList<>();
        final List<List<String>> origins = new ArrayList<>();
        for (final HostRoutes.Route6 r : routes.ipv6()) {
            prefixes.add(r.prefix().toString());
            origins.add(r.origins());
        }
        for (final HostRoutes.Route4 r : routes.ipv4()) {
            prefixes.add(r.prefix().toString());
            origins.add(r.origins());
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (format == Format.plain) {
            for (final String p : prefixes) {
                out.println(p);
            }
        } else {
            int width = 0;
            for (final String p : prefixes) {
                width = Math.max(width, p.length());
            }
            if (!globalPath && (loaded.translator().pool6() != null || !loaded.translator().eamt().isEmpty())) {
                out.println("# pool6 and the EAM prefixes left out: dataplane.ipv6-tun without ipv4-tun or siit-tun "
                    + "carries tenants only");
            }
            if (prefixes.isEmpty()) {
                out.println("# nothing to announce: " + config + " has no tenants, pool6 or EAM entries");
            }
            for (int i = 0; i < prefixes.size(); i++) {
                final StringBuilder line = new StringBuilder(prefixes.get(i));
                while (line.length() < width) {
                    line.append(' ');
                }
                out.println(line.append("  # ").append(comment(origins.get(i))));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code tenant blue 10.0.0.0/25, 10.0.0.128/25, tenant red 10.1.0.0/24}: the tenant is not repeated. */
    static String comment(List<String> origins) {
        final StringBuilder sb = new StringBuilder();
        String lastTenant = null;
        final int shown = Math.min(origins.size(), MAX_ORIGINS_SHOWN);
        for (int i = 0; i < shown; i++) {
            final String origin = origins.get(i);
            final String tenant = tenantOf(origin);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(tenant != null && tenant.equals(lastTenant) ? origin.substring(tenant.length() + 1) : origin);
            lastTenant = tenant;
        }
        if (origins.size() > shown) {
            sb.append(" and ").append(origins.size() - shown).append(" more");
        }
        return sb.toString();
    }

    /** "tenant NAME" of an origin that names a tenant range, else null. */
    private static String tenantOf(String origin) {
        if (!origin.startsWith("tenant ")) {
            return null;
        }
        final int space = origin.indexOf(' ', "tenant ".length());
        return space < 0 ? null : origin.substring(0, space);
    }
}
