package io.xlat.core.drop;

import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.testing.Harness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every drop counts under the direction of the packet: the family it arrived in, or unknown. */
class DropDirectionTest {

    private final Harness harness = new Harness();

    @Test
    void shouldCountAnExpiredIpv4PacketUnder46AndAnExpiredIpv6PacketUnder64() {
        harness.error(ipv4().ttl(1).build());
        harness.error(ipv6().hopLimit(1).build());
        harness.error(ipv6().hopLimit(1).build());

        assertEquals(1, harness.counters.drops(DropReason.TTL_EXPIRED, Direction.D46));
        assertEquals(2, harness.counters.drops(DropReason.TTL_EXPIRED, Direction.D64));
        assertEquals(0, harness.counters.drops(DropReason.TTL_EXPIRED, Direction.UNKNOWN));
        assertEquals(3, harness.counters.drops(DropReason.TTL_EXPIRED), "the directions add up to the reason");
        assertEquals(3, harness.counters.totalDrops());
    }

    @Test
    void shouldCountAPacketOfNoKnownFamilyUnderUnknown() {
        final byte[] version5 = ipv4().build();
        version5[0] = (byte) 0x55;
        harness.nothing(version5);
        harness.nothing(new byte[0]);

        assertEquals(1, harness.counters.drops(DropReason.BAD_VERSION, Direction.UNKNOWN));
        assertEquals(1, harness.counters.drops(DropReason.TRUNCATED, Direction.UNKNOWN));
        assertEquals(0, harness.counters.drops(DropReason.TRUNCATED, Direction.D46));
    }

    @Test
    void shouldCountATenantsDropsUnderTheDirectionOfEachPacket() {
        harness.tenants(new TenantTable(List.of(new TenantConfig("blue", Ipv6Prefix.parse("2001:db8:100:1::/96"),
            List.of(Ipv4Prefix.parse("10.0.0.0/25")), "xb-blue", null, List.of()))));
        harness.sendFromTenant(0, ipv4().src("10.0.0.200").dst("10.0.0.1").build());
        harness.sendFromTenant(0, ipv6().build());
        harness.nothing(ipv6().src("2001:db8:100:1::a00:c8").dst("2001:db8:100:1::a9fe:a9fe").build());
        final DropCounters blue = harness.translator.tenantCounters(0);

        assertEquals(1, blue.drops(DropReason.TENANT_SPOOFED_SOURCE, Direction.D46));
        assertEquals(1, blue.drops(DropReason.TENANT_NOT_IPV4, Direction.D46), "a tenant device is the 46 side");
        assertEquals(1, blue.drops(DropReason.IPV4_LINK_LOCAL, Direction.D64));
        assertEquals(0, harness.counters.totalDrops(), "nothing on the global counters");
    }

    @Test
    void shouldAddDirectionsSeparatelyWhenSummingCounters() {
        final DropCounters a = new DropCounters();
        final DropCounters b = new DropCounters();
        a.drop(DropReason.PACKET_TOO_BIG, Direction.D46);
        b.drop(DropReason.PACKET_TOO_BIG, Direction.D64);
        b.drop(DropReason.PACKET_TOO_BIG, Direction.D64);
        a.add(b);

        assertEquals(1, a.drops(DropReason.PACKET_TOO_BIG, Direction.D46));
        assertEquals(2, a.drops(DropReason.PACKET_TOO_BIG, Direction.D64));
    }
}
