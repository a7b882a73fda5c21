package io.xlat.tunio.dataplane;

import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One settings record for every device combination, checked when built; what a reload cannot change. */
class DataplaneSettingsTest {

    private static final TranslatorConfig TRANSLATOR = TranslatorConfig.builder()
        .pool6(Ipv6Prefix.parse("2001:db8:64::/96")).build();
    private static final TenantConfig BLUE = new TenantConfig("blue", Ipv6Prefix.parse("2001:db8:100:1::/96"),
        List.of(Ipv4Prefix.parse("10.0.0.0/25")), "xb-blue", null, List.of());

    private static DataplaneSettings.Builder base() {
        return DataplaneSettings.builder().translator(TRANSLATOR).countersFile(Path.of("/run/xlat/c"), true);
    }

    @Test
    void shouldMakePlainSiitOnOneDeviceTheOnlyCombinationWithoutAnIpv6Device() {
        final DataplaneSettings siit = base().siitTun("xlat0").build();
        assertTrue(siit.siitOnly());
        assertEquals("xlat0", siit.globalTun());
        assertTrue(siit.globalBothFamilies());
        assertEquals("siit-tun", siit.globalRole());
        assertEquals(DataplaneSettings.IdleMode.POLL, siit.idle(), "poll by default");

        final DataplaneSettings pair = base().ipv4Tun("xlat4").ipv6Tun("xlat6").build();
        assertFalse(pair.siitOnly());
        assertEquals("ipv4-tun", pair.globalRole());
        assertFalse(pair.globalBothFamilies());

        final DataplaneSettings tenants = base().ipv6Tun("xlat6").tenants(List.of(BLUE)).build();
        assertNull(tenants.globalTun(), "tenants only: no plain SIIT device");
    }

    @Test
    void shouldRefuseDeviceCombinationsThatMakeNoDataPlane() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> base().build()).getMessage()
            .contains("no device to run"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> base().siitTun("xlat0")
            .tenants(List.of(BLUE)).build()).getMessage().contains("tenants need dataplane.ipv6-tun"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> base().ipv4Tun("xlat4").build())
            .getMessage().contains("needs dataplane.ipv6-tun"));
        assertThrows(IllegalArgumentException.class, () -> base().siitTun("a").ipv4Tun("b").ipv6Tun("c").build());
        assertThrows(IllegalArgumentException.class, () -> base().siitTun("a/b").build());
        assertThrows(IllegalArgumentException.class, () -> base().siitTun("x0").workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> base().siitTun("x0").mtu(1000).build());
    }

    @Test
    void shouldNameEveryDataplaneKeyAReloadCannotApply() {
        final DataplaneSettings running = base().ipv4Tun("xlat4").ipv6Tun("xlat6").tenants(List.of(BLUE)).build();
        assertTrue(running.restartOnly(running.with(TRANSLATOR, List.of())).isEmpty(),
            "tenants and the translator section are a reload's to change");
        final DataplaneSettings moved = DataplaneSettings.builder().translator(TRANSLATOR)
            .countersFile(Path.of("/run/other"), true).ipv6Tun("other6").workers(2).manageRoutes(true)
            .offload(true).idle(DataplaneSettings.IdleMode.BUSY).build();
        assertEquals(List.of("dataplane.ipv6-tun", "dataplane.ipv4-tun", "dataplane.workers",
            "dataplane.counters-file", "dataplane.manage-routes", "dataplane.offload", "the idle mode"),
            running.restartOnly(moved));
    }
}
