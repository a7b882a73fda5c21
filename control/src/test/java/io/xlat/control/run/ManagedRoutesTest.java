package io.xlat.control.run;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.dataplane.DataplaneSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The routes {@code manage-routes} installs for each device combination (what a reload cannot change: DataplaneSettingsTest). */
class ManagedRoutesTest {

    private static final TranslatorConfig TRANSLATOR = TranslatorConfig.builder()
        .pool6(Ipv6Prefix.parse("2001:db8:64::/96"))
        .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
        .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
        .build();
    private static final TenantConfig BLUE = new TenantConfig("blue", Ipv6Prefix.parse("2001:db8:100:1::/96"),
        List.of(Ipv4Prefix.parse("10.0.0.0/25")), "xb-blue", "blue", List.of());

    private static DataplaneSettings settings(List<TenantConfig> tenants, String global, boolean both) {
        final DataplaneSettings.Builder b = DataplaneSettings.builder().ipv6Tun("xlat6")
            .countersFile(Path.of("/run/xlat/counters"), true).translator(TRANSLATOR).tenants(tenants)
            .manageRoutes(true).workers(2);
        return (both ? b.siitTun(global) : b.ipv4Tun(global)).build();
    }

    private static List<String> shown(List<ManagedRoutes.Route> routes) {
        final List<String> out = new ArrayList<>();
        for (final ManagedRoutes.Route r : routes) {
            out.add(r.toString());
        }
        return out;
    }

    @Test
    void shouldRouteThePairsIpv4IntoTheIpv4DeviceAndItsIpv6IntoTheIpv6Device() {
        assertEquals(List.of("2001:db8:64::/96 dev xlat6", "203.0.113.1/32 dev xlat4",
            "2001:db8:ffff::1/128 dev xlat6"), shown(ManagedRoutes.of(settings(List.of(), "xlat4", false))));
    }

    @Test
    void shouldRoutePool6IntoSiitTunOnceAndTheTenantsPrefixesIntoTheIpv6Device() {
        final List<String> routes = shown(ManagedRoutes.of(settings(List.of(BLUE), "xlat0", true)));
        assertEquals(List.of("2001:db8:64::/96 dev xlat0", "203.0.113.1/32 dev xlat0",
            "2001:db8:ffff::1/128 dev xlat0", "2001:db8:100:1::a00:0/121 dev xlat6",
            "0.0.0.0/0 dev xb-blue (netns blue)"),
            routes);
    }

    @Test
    void shouldRoutePlainSiitOnOneDeviceIntoThatDeviceAlone() {
        final DataplaneSettings siit = DataplaneSettings.builder().siitTun("xlat0")
            .countersFile(Path.of("/run/xlat/counters"), true).translator(TRANSLATOR).manageRoutes(true).build();
        assertEquals(List.of("2001:db8:64::/96 dev xlat0", "203.0.113.1/32 dev xlat0",
            "2001:db8:ffff::1/128 dev xlat0"), shown(ManagedRoutes.of(siit)));
    }

    @Test
    void shouldLeavePool6OutWhenNoDeviceCarriesPlainSiit() {
        assertEquals(List.of("2001:db8:100:1::a00:0/121 dev xlat6", "0.0.0.0/0 dev xb-blue (netns blue)"),
            shown(ManagedRoutes.of(settings(List.of(BLUE), null, false))));
    }
}
