package io.xlat.control.run;

import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.routes.HostRoutes;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.dataplane.DataplaneHealth;
import io.xlat.tunio.dataplane.DataplaneSettings;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-tenant health coupling: which tenants are down, and what is announced for the healthy rest. */
class TenantHealthTest {

    private static final String CONFIG = """
        translator:
          pool6: "64:ff9b::/96"
          eamt:
            - {ipv4: 192.0.2.0/24, ipv6: "2001:db8:aaaa::/120"}
        tenants:
          - {name: blue, prefix: "2001:db8:100::/96", ipv4: [10.0.0.0/25], tun: t-blue}
          - {name: red, prefix: "2001:db8:100:1::/96", ipv4: [10.0.0.128/25], tun: t-red}
          - {name: green, prefix: "2001:db8:200::/96", ipv4: [10.1.0.0/24], tun: t-green}
        bgp:
          asn: 4200000001
          router-id: 192.0.2.11
          peers:
            - {address: "2001:db8:ffff::1", asn: 64496}
        """;

    private final StringWriter logged = new StringWriter();
    private final RunLog log = new RunLog(new PrintWriter(logged, true), false);

    /** The file's tenants on the IPv6 device, beside plain SIIT's own device (so pool6 and EAM are announced). */
    private static DataplaneSettings beside(XlatConfig c, List<TenantConfig> tenants) {
        return DataplaneSettings.builder().ipv6Tun("xlat6").siitTun("xlat0").translator(c.translator())
            .tenants(tenants).countersFile(java.nio.file.Path.of("/run/xlat/counters"), true).build();
    }

    private static XlatConfig config() throws Exception {
        return ConfigLoader.parse(CONFIG, "t.yaml");
    }

    private static Set<String> prefixes(HostRoutes routes) {
        final Set<String> out = new TreeSet<>();
        for (final HostRoutes.Route6 r : routes.ipv6()) {
            out.add(r.prefix().toString());
        }
        for (final HostRoutes.Route4 r : routes.ipv4()) {
            out.add(r.prefix().toString());
        }
        return out;
    }

    private static Set<String> prefixes(RouteSet set) {
        final Set<String> out = new TreeSet<>();
        for (final IpPrefix p : set.routes().keySet()) {
            out.add(p.toString());
        }
        return out;
    }

    @Test
    void shouldAnnounceEveryTenantWhenNoneIsDown() throws Exception {
        final XlatConfig c = config();
        final HostRoutes all = BgpControl.healthyRoutes(c.translator(), c.tenants(), Set.of());
        assertEquals(prefixes(HostRoutes.of(c.translator(), c.tenants())), prefixes(all), "same as xlat routes");
        assertEquals(Set.of("64:ff9b::/96", "2001:db8:100::a00:0/121", "2001:db8:100:1::a00:80/121",
            "2001:db8:200::a01:0/120", "192.0.2.0/24"), prefixes(all));
    }

    @Test
    void shouldWithdrawOnlyTheDownTenantsPrefix() throws Exception {
        final XlatConfig c = config();
        assertEquals(Set.of("64:ff9b::/96", "2001:db8:100::a00:0/121", "2001:db8:200::a01:0/120", "192.0.2.0/24"),
            prefixes(BgpControl.healthyRoutes(c.translator(), c.tenants(), Set.of("red"))),
            "blue, green, pool6 and the EAM pool stay");
        assertEquals(Set.of("64:ff9b::/96", "2001:db8:100::a00:0/121", "2001:db8:100:1::a00:80/121", "192.0.2.0/24"),
            prefixes(BgpControl.healthyRoutes(c.translator(), c.tenants(), Set.of("green", "nobody"))));
        assertEquals(Set.of("64:ff9b::/96", "192.0.2.0/24"),
            prefixes(BgpControl.healthyRoutes(c.translator(), c.tenants(), Set.of("blue", "red", "green"))),
            "no tenant up: only the data plane's own prefixes");
    }

    @Test
    void shouldWithdrawPool6AndTheEamPrefixesAloneWhenThePlainSiitDeviceIsDown() throws Exception {
        final XlatConfig c = config();
        assertEquals(Set.of("2001:db8:100::a00:0/121", "2001:db8:100:1::a00:80/121", "2001:db8:200::a01:0/120"),
            prefixes(BgpControl.healthyRoutes(c.translator(), c.tenants(), Set.of(BgpControl.GLOBAL_PATH))),
            "every tenant stays");
    }

    @Test
    void shouldNeverAnnouncePool6WhenNoDeviceCarriesPlainSiit() throws Exception {
        final XlatConfig c = config();
        assertEquals(Set.of("2001:db8:100::a00:0/121", "2001:db8:100:1::a00:80/121", "2001:db8:200::a01:0/120"),
            prefixes(BgpControl.tenantRoutes(c.translator(), c.tenants(), false).apply(Set.of())),
            "from the first announcement on, before any health poll");
        assertEquals(Set.of("2001:db8:100::a00:0/121", "2001:db8:200::a01:0/120"),
            prefixes(BgpControl.tenantRoutes(c.translator(), c.tenants(), false).apply(Set.of("red"))));
    }

    @Test
    void shouldPublishOnlyWhenTheHealthyTenantSetChangesAndNothingWhileTheDataPlaneIsDown() throws Exception {
        final XlatConfig c = config();
        final List<RouteSet> sent = new ArrayList<>();
        final BgpControl control = new BgpControl(c.bgp(),
            down -> BgpControl.healthyRoutes(c.translator(), c.tenants(), down), sent::add, null, log);
        control.reload(c.bgp(), beside(c, c.tenants()));
        assertEquals(1, sent.size());
        assertTrue(prefixes(sent.get(0)).contains("2001:db8:200::a01:0/120"));

        control.tenantsDown(Set.of("green"));
        assertEquals(2, sent.size());
        assertEquals(Set.of("64:ff9b::/96", "2001:db8:100::a00:0/121", "2001:db8:100:1::a00:80/121", "192.0.2.0/24"),
            prefixes(sent.get(1)));
        control.tenantsDown(Set.of("green"));
        assertEquals(2, sent.size(), "the same set again sends nothing");

        control.health(false);
        assertEquals(RouteSet.EMPTY, sent.get(2), "a dead data plane withdraws pool6 and EAM too");
        control.tenantsDown(Set.of());
        assertEquals(3, sent.size(), "a tenant back while the data plane is down announces nothing yet");
        control.health(true);
        assertEquals(prefixes(HostRoutes.of(c.translator(), c.tenants())), prefixes(sent.get(3)),
            "everything back");

        control.reload(c.bgp(), beside(c, List.of(c.tenants().get(0), c.tenants().get(2))));
        control.tenantsDown(Set.of("green"));
        assertEquals(Set.of("64:ff9b::/96", "2001:db8:100::a00:0/121", "192.0.2.0/24"),
            prefixes(sent.get(sent.size() - 1)), "a reload keeps the tenants that are down withdrawn");
    }

    @Test
    void shouldReportATenantDownAfterTwoFailedPollsAndBackAfterOnePassingPoll() {
        final Map<String, String> problems = new HashMap<>();
        final List<Set<String>> reported = new ArrayList<>();
        final List<Boolean> verdicts = new ArrayList<>();
        final HealthMonitor monitor = new HealthMonitor(() -> new DataplaneHealth(null, problems, new long[0]),
            "xlat6", () -> 0, verdicts::add, reported::add, log);
        assertTrue(monitor.poll());
        assertEquals(List.of(), reported, "all up from the start: nothing to say");

        problems.put("red", "device t-red is down");
        monitor.poll();
        assertEquals(List.of(), reported, "one failed poll does not flap the fabric");
        monitor.poll();
        assertEquals(List.of(Set.of("red")), reported);
        problems.put("blue", "device t-blue is gone");
        monitor.poll();
        monitor.poll();
        monitor.poll();
        assertEquals(List.of(Set.of("red"), Set.of("blue", "red")), reported, "told once per change");
        problems.put("blue", "device t-blue was deleted and another took its name");
        monitor.poll();
        assertEquals(2, reported.size(), "a new reason is logged, the set stays");
        assertTrue(logged.toString().contains("health: tenant blue: device t-blue was deleted"), logged.toString());

        problems.remove("red");
        monitor.poll();
        assertEquals(Set.of("blue"), reported.get(reported.size() - 1), "one passing poll brings red back");
        problems.clear();
        monitor.poll();
        assertEquals(Set.of(), reported.get(reported.size() - 1));
        assertEquals(List.of(), verdicts, "the whole data plane stayed healthy throughout");
        assertTrue(logged.toString().contains("health: tenant red: device t-red is down"), logged.toString());
    }

    @Test
    void shouldNotCountAFailureThatClearedBeforeTheSecondPoll() {
        final Map<String, String> problems = new HashMap<>();
        final List<Set<String>> reported = new ArrayList<>();
        final HealthMonitor monitor = new HealthMonitor(() -> new DataplaneHealth(null, problems, new long[0]),
            "xlat6", () -> 0, v -> { }, reported::add, log);
        problems.put("red", "down");
        monitor.poll();
        problems.clear();
        monitor.poll();
        problems.put("red", "down");
        monitor.poll();
        assertEquals(List.of(), reported, "two failures, but not in a row");
    }
}
