package io.xlat.control.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every {@code limits:} key: a file at the limit loads, one item more is refused at that item, naming the key. */
class LimitsSectionTest {

    private static final String POOL6 = "translator:\n  pool6: \"2001:db8:64::/96\"\n";

    private static XlatConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml");
    }

    private static String refused(String yaml) {
        final ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage();
    }

    private static String tenants(int n, int servicesEach, int rangesEach) {
        final StringBuilder y = new StringBuilder("tenants:\n");
        for (int i = 0; i < n; i++) {
            y.append("  - name: t").append(i).append("\n    prefix: \"2001:db8:").append(Integer.toHexString(i + 1))
                .append("::/96\"\n    tun: xt").append(i).append("\n    ipv4:\n");
            for (int r = 0; r < rangesEach; r++) {
                y.append("      - 10.").append(r).append(".0.0/24\n");
            }
            y.append("    services:").append(servicesEach == 0 ? " []\n" : "\n");
            for (int s = 0; s < servicesEach; s++) {
                y.append("      - {ipv4: 100.64.").append(s).append(".1/32, ipv6: \"2001:db8:ffff:").append(i)
                    .append("::").append(Integer.toHexString(s + 1)).append("/128\"}\n");
            }
        }
        return y.toString();
    }

    private static String eamt(int n) {
        final StringBuilder y = new StringBuilder(POOL6 + "  eamt:\n");
        for (int i = 0; i < n; i++) {
            y.append("    - {ipv4: 198.51.100.").append(i).append("/32, ipv6: \"2001:db8:e::").append(Integer.toHexString(i))
                .append("/128\"}\n");
        }
        return y.toString();
    }

    private static String peers(int n) {
        final StringBuilder y = new StringBuilder(POOL6 + "bgp:\n  asn: 64500\n  router-id: 192.0.2.1\n  peers:\n");
        for (int i = 0; i < n; i++) {
            y.append("    - {address: \"2001:db8:ffff::").append(Integer.toHexString(i + 1)).append("\", asn: 64496}\n");
        }
        return y.toString();
    }

    private static String pool6791v4(int n) {
        final StringBuilder y = new StringBuilder(POOL6 + "  pool6791v4:\n");
        for (int i = 0; i < n; i++) {
            y.append("    - 203.0.").append(i >> 8).append('.').append(i & 0xFF).append("/32\n");
        }
        return y.toString();
    }

    @Test
    void shouldDefaultToLimitsSizedForTheOperationsGuidesHeap() throws Exception {
        final ConfigLimits limits = parse(POOL6).limits();
        assertEquals(new ConfigLimits(100_000, 100_000, 1024, 64), limits);
        assertTrue(parse(POOL6).toYaml().contains("limits:\n  tenants: 100000\n  eam-entries: 100000\n"
            + "  prefixes: 1024\n  bgp-peers: 64\n"));
    }

    @Test
    void shouldReadTheLimitsBackFromTheEffectiveConfiguration() throws Exception {
        final XlatConfig config = parse(POOL6 + "limits: {tenants: 5, eam-entries: 6, prefixes: 7, bgp-peers: 8}\n");
        assertEquals(new ConfigLimits(5, 6, 7, 8), config.limits());
        assertEquals(config.limits(), parse(config.toYaml()).limits());
    }

    @Test
    void shouldAcceptTenantsAtTheLimitAndRefuseOneMore() throws Exception {
        assertEquals(3, parse(tenants(3, 0, 1) + "limits: {tenants: 3}\n").tenants().size());
        final String message = refused(tenants(4, 0, 1) + "limits: {tenants: 3}\n");
        assertTrue(message.contains("tenants[3]: the file has 4 tenants, more than limits.tenants (3); to load more, "
            + "raise it, e.g. 'limits: {tenants: 4}'"), message);
    }

    @Test
    void shouldAcceptEamEntriesAtTheLimitAndRefuseOneMore() throws Exception {
        assertEquals(5, parse(eamt(5) + "limits: {eam-entries: 5}\n").translator().eamt().size());
        final String message = refused(eamt(6) + "limits: {eam-entries: 5}\n");
        assertTrue(message.startsWith("t.yaml:9:7: translator.eamt[5]: the file has 6 EAM entries"), message);
        assertTrue(message.contains("more than limits.eam-entries (5)"), message);
    }

    @Test
    void shouldCountTenantServicesAsEamEntriesWithTheGlobalTable() throws Exception {
        // 2 global entries and 2 tenants of 2 services: 6 entries in all
        final String six = eamt(2) + tenants(2, 2, 1);
        parse(six + "limits: {eam-entries: 6}\n");
        final String message = refused(six + "limits: {eam-entries: 5}\n");
        assertTrue(message.contains("tenants[1].services[1]: the file has 6 EAM entries (translator.eamt and every "
            + "tenant's services together), more than limits.eam-entries (5)"), message);
    }

    @Test
    void shouldAcceptAPrefixListAtTheLimitAndRefuseOneMore() throws Exception {
        assertEquals(4, parse(pool6791v4(4) + "limits: {prefixes: 4}\n").translator().pool6791v4().size());
        final String message = refused(pool6791v4(5) + "limits: {prefixes: 4}\n");
        assertTrue(message.contains("translator.pool6791v4[4]: the file has 5 prefixes in translator.pool6791v4, "
            + "more than limits.prefixes (4)"), message);
    }

    @Test
    void shouldLimitEachTenantsIpv4Prefixes() throws Exception {
        parse(tenants(2, 0, 3) + "limits: {prefixes: 3}\n");
        final String message = refused(tenants(1, 0, 4) + "limits: {prefixes: 3}\n");
        assertTrue(message.contains("tenants[0].ipv4[3]: the file has 4 prefixes in tenants[0].ipv4"), message);
    }

    @Test
    void shouldEnforceTheDefaultPrefixLimitWithoutALimitsSection() throws Exception {
        assertEquals(1024, parse(pool6791v4(1024)).translator().pool6791v4().size());
        assertTrue(refused(pool6791v4(1025)).contains("more than limits.prefixes (1024)"));
    }

    @Test
    void shouldAcceptBgpPeersAtTheLimitAndRefuseOneMore() throws Exception {
        assertEquals(64, parse(peers(64)).bgp().peers().size());
        final String message = refused(peers(65));
        assertTrue(message.contains("bgp.peers[64]: the file has 65 BGP peers, more than limits.bgp-peers (64)"),
            message);
        assertEquals(65, parse(peers(65) + "limits: {bgp-peers: 65}\n").bgp().peers().size());
    }

    @Test
    void shouldRefuseALimitThatIsNotACount() {
        final ConfigException e = assertThrows(ConfigException.class, () -> parse(POOL6 + "limits: {tenants: -1}\n"));
        assertTrue(e.getMessage().contains("limits.tenants: expected an integer, got '-1'")
            || e.getMessage().contains("limits.tenants: must be at least 0"), e.getMessage());
        final ConfigException typo = assertThrows(ConfigException.class, () -> parse(POOL6 + "limits: {tenant: 1}\n"));
        assertTrue(typo.getMessage().contains("unknown key 'tenant' in limits"), typo.getMessage());
    }
}
