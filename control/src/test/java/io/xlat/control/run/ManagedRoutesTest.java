package io.xlat.control.run;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routes {@code manage-routes} installs for each device combination, and what a reload cannot change. */
class ManagedRoutesTest {

    private static final TranslatorConfig TRANSLATOR = TranslatorConfig.builder()
        .pool6(Ipv6Prefix.parse("2001:db8:64::/96"))
        .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
        .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
        .build();
    private static final TenantConfig BLUE = new TenantConfig("blue", Ipv6Prefix.parse("2001:db8:100:1::/96"),
        List.of(Ipv4Prefix.parse("10.0.0.0/25")), "xb-blue", "blue", List.of());

    private static MultiDeviceRunSettings settings(List<TenantConfig> tenants, String global, boolean both) {
        return new MultiDeviceRunSettings(null, "xlat6", Path.of("/run/xlat/counters"), true, false, TRANSLATOR,
            tenants, true, 2, global, both, false);
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
            "2001:db8:ffff::1/128 dev xlat6"), shown(ManagedRoutes.multiDevice(settings(List.of(), "xlat4", false))));
    }

    @Test
    void shouldRoutePool6IntoSiitTunOnceAndTheTenantsPrefixesIntoTheIpv6Device() {
        final List<String> routes = shown(ManagedRoutes.multiDevice(settings(List.of(BLUE), "xlat0", true)));
        assertEquals(List.of("2001:db8:64::/96 dev xlat0", "203.0.113.1/32 dev xlat0",
            "2001:db8:ffff::1/128 dev xlat0", "2001:db8:100:1::a00:0/121 dev xlat6",
            "0.0.0.0/0 dev xb-blue (netns blue)"),
            routes);
    }

    @Test
    void shouldLeavePool6OutWhenNoDeviceCarriesPlainSiit() {
        assertEquals(List.of("2001:db8:100:1::a00:0/121 dev xlat6", "0.0.0.0/0 dev xb-blue (netns blue)"),
            shown(ManagedRoutes.multiDevice(settings(List.of(BLUE), null, false))));
    }

    @Test
    void shouldNameEveryDataplaneKeyAReloadCannotApply() {
        final MultiDeviceRunSettings running = settings(List.of(BLUE), "xlat4", false);
        assertTrue(MultiDeviceDataplane.restartOnly(running, settings(List.of(), "xlat4", false)).isEmpty(),
            "tenants and the translator section are a reload's to change");
        final MultiDeviceRunSettings moved = new MultiDeviceRunSettings(null, "other6", Path.of("/run/other"), true,
            true, TRANSLATOR, List.of(), false, 3, "xlat0", true, true);
        assertEquals(List.of("dataplane.ipv6-tun", "dataplane.ipv4-tun", "dataplane.workers",
            "dataplane.counters-file", "dataplane.manage-routes", "dataplane.offload", "the idle mode"),
            MultiDeviceDataplane.restartOnly(running, moved));
    }
}
