package io.xlat.core.tenant;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.drop.DropReason;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random tenant sets through two translators with the same tenants (the two ends of the fabric): IPv4 from
 * tenant T comes back out as the same IPv4 packet, attributed to T, and no packet ever crosses into another
 * tenant.
 */
class TenantIsolationPropertyTest {

    record Scenario(List<TenantConfig> tenants, int from, int other, byte[] packet) {
        @Override
        public String toString() {
            return "from " + tenants.get(from).name() + " " + tenants.get(from).prefix() + ", other "
                + tenants.get(other).name() + ", " + tenants.size() + " tenants, " + packet.length + " bytes";
        }
    }

    private static final int[] LENGTHS = {32, 40, 48, 56, 64, 96};

    @Provide
    Arbitrary<Scenario> scenarios() {
        final Arbitrary<Integer> count = Arbitraries.integers().between(2, 40);
        return count.flatMap(n -> Combinators.combine(
                Arbitraries.integers().between(0, LENGTHS.length - 1).list().ofSize(n),
                Arbitraries.integers().between(0, 255).list().ofSize(n),
                Arbitraries.integers().between(0, n - 1),
                Arbitraries.integers().between(0, n - 1),
                Arbitraries.of(6, 17, 1, 132),
                Arbitraries.integers().between(0, 1100),
                Arbitraries.integers().between(1, 254),
                Arbitraries.integers().between(1, 254))
            .as((lengths, subnets, from, other, protocol, size, srcHost, dstHost) -> {
                final List<TenantConfig> tenants = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    final int length = LENGTHS[lengths.get(i)];
                    // distinct, non-overlapping: tenant i owns the ULA fd00:<i+1>::/32 and its prefix lies inside
                    final long hi = 0xfd00_0000_0000_0000L | ((long) (i + 1) << 32) | 0x1234_5600L;
                    final Ipv6Prefix prefix = new Ipv6Prefix(hi & Ipv6Prefix.maskHi(length), 0, length);
                    tenants.add(new TenantConfig("t" + i, prefix,
                        List.of(Ipv4Prefix.parse("10.0." + subnets.get(i) + ".0/24")), "xt" + i, null, List.of()));
                }
                final int net = Ipv4Prefix.parse("10.0." + subnets.get(from) + ".0/24").address();
                final String src = Ipv4Addresses.format(net | srcHost);
                final String dst = Ipv4Addresses.format(net | dstHost);
                final byte[] payload = Packets.bytes(size, size);
                final Packets.Ipv4 builder = Packets.ipv4().src(src).dst(dst).ttl(64).flags(0);
                switch (protocol) {
                    case 6 -> builder.tcp(Packets.tcp(1000 + size, 80, payload));
                    case 17 -> builder.udp(Packets.udp(1000 + size, 53, payload));
                    case 1 -> builder.icmp(Packets.icmp(8, 0, size, payload));
                    default -> builder.payload(protocol, payload);
                }
                return new Scenario(tenants, from, other, builder.build());
            }));
    }

    @Property(tries = 300)
    void tenantTrafficComesBackOutOfTheSameTenantUnchanged(@ForAll("scenarios") Scenario s) {
        final TenantTable table = new TenantTable(s.tenants());
        final Harness near = new Harness(Harness.config().pool6(null).build()).tenants(table);
        final Harness far = new Harness(Harness.config().pool6(null).build()).tenants(table);

        near.sendFromTenant(s.from(), s.packet());
        assertEquals(1, near.forward.size(), near.dropSummary());
        final byte[] ipv6 = near.forward.get(0);
        final Tenant tenant = table.get(s.from());
        final UnsafeBuffer v6 = new UnsafeBuffer(ipv6);
        assertTrue(tenant.inPrefix(v6.getLong(8, BIG_ENDIAN), v6.getLong(16, BIG_ENDIAN)), "source in the prefix");
        assertTrue(tenant.inPrefix(v6.getLong(24, BIG_ENDIAN), v6.getLong(32, BIG_ENDIAN)), "destination too");
        if (ipv6[6] == 6 || ipv6[6] == 17 || ipv6[6] == 58) {
            assertTrue(Packets.transportChecksumValid6(ipv6), "checksum valid on the fabric, not just after a round trip");
        }

        final byte[] back = far.one(ipv6);
        for (int i = 0; i < table.size(); i++) {
            assertEquals(i == s.from() ? 1 : 0, far.translator.tenantCounters(i).translated64Count(),
                "attributed to exactly the sending tenant: " + i);
        }
        assertEquals(0, far.counters.translated64Count(), "nothing on the global path");
        assertEquals(s.packet()[8] - 2, back[8], "two hops");
        assertArrayEquals(Arrays.copyOfRange(s.packet(), 12, s.packet().length), Arrays.copyOfRange(back, 12, back.length));
        assertArrayEquals(Arrays.copyOfRange(s.packet(), 0, 4), Arrays.copyOfRange(back, 0, 4));
    }

    @Property(tries = 300)
    void aPacketFromAnotherTenantsPrefixNeverGetsIn(@ForAll("scenarios") Scenario s) {
        if (s.from() == s.other()) {
            return;
        }
        final TenantTable table = new TenantTable(s.tenants());
        final Harness near = new Harness(Harness.config().pool6(null).build()).tenants(table);
        final Harness far = new Harness(Harness.config().pool6(null).build()).tenants(table);
        near.sendFromTenant(s.from(), s.packet());
        final byte[] ipv6 = near.forward.get(0);
        // Rewrite the source into the other tenant's prefix: a tenant (or anyone) forging its way across.
        final Tenant other = table.get(s.other());
        final UnsafeBuffer v6 = new UnsafeBuffer(ipv6);
        other.map46(0x0A000001, v6, 8);
        far.nothing(ipv6);
        assertEquals(1, far.translator.tenantCounters(s.from()).drops(DropReason.TENANT_FOREIGN_SOURCE));
        for (int i = 0; i < table.size(); i++) {
            assertEquals(0, far.translator.tenantCounters(i).translated64Count());
        }
    }
}
