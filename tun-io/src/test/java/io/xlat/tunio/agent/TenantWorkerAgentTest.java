package io.xlat.tunio.agent;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.testing.Allocations;
import io.xlat.tunio.tun.PacketQueue;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.xlat.tunio.agent.TestPackets.u32;
import static io.xlat.tunio.agent.TestPackets.u64;
import static io.xlat.tunio.agent.TestPackets.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantWorkerAgentTest {

    private static final int LOCAL = Ipv4Addresses.parse("10.0.0.1");
    private static final int PEER = Ipv4Addresses.parse("10.0.0.200");
    /** 2001:db8:100:1::/96 (blue) and 2001:db8:100:2::/96 (red): the same IPv4 space under two prefixes. */
    private static final long BLUE_HI = 0x2001_0db8_0100_0001L;
    private static final long RED_HI = 0x2001_0db8_0100_0002L;
    private static final long GREEN_HI = 0x2001_0db8_0100_0003L;

    private final FakeQueue ipv6 = new FakeQueue("xlat6");
    private final FakeQueue blue = new FakeQueue("xb-blue");
    private final FakeQueue red = new FakeQueue("xb-red");
    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<String> errors = new ArrayList<>();
    private final DeviceErrorHandler handler = (device, worker, operation, errno, fatal) ->
        errors.add(device + " " + operation + " errno " + errno);
    private CountersManager counters;
    private DeviceCounters blueCounters;
    private DeviceCounters redCounters;
    private final DeviceCounters ipv6Counters = new DeviceCounters();
    private TenantWorkerAgent agent;

    @BeforeEach
    void setUp() {
        final TranslatorConfig config = TranslatorConfig.builder()
            .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
            .build();
        final Translator translator = new Translator(config, new AddressMapping(config), new DropCounters(), 7, 0);
        final int capacity = 8 * WorkerCounters.perWorker();
        counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.COUNTER_LENGTH)));
        blueCounters = new DeviceCounters();
        redCounters = new DeviceCounters();
        final TenantPorts ports = ports(List.of(tenant("blue", BLUE_HI), tenant("red", RED_HI)),
            new PacketQueue[] {blue, red}, new DeviceCounters[] {blueCounters, redCounters});
        agent = new TenantWorkerAgent(ipv6, ipv6Counters, new WorkerCounters(counters, "xlat6", 0),
            translator, ports, handler, clock, 8);
    }

    private static TenantConfig tenant(String name, long prefixHi) {
        return new TenantConfig(name, new Ipv6Prefix(prefixHi, 0, 96), List.of(Ipv4Prefix.parse("10.0.0.0/25")),
            "xb-" + name, null, List.of());
    }

    private TenantPorts ports(List<TenantConfig> tenants, PacketQueue[] queues, DeviceCounters[] deviceCounters) {
        final WorkerCounters[] published = new WorkerCounters[queues.length];
        for (int i = 0; i < queues.length; i++) {
            published[i] = queues[i] == null ? null : new WorkerCounters(counters, queues[i].deviceName(), 0);
        }
        return new TenantPorts(new TenantTable(tenants), queues, deviceCounters, published, handler);
    }

    @Test
    void shouldPrependTheTenantsPrefixToBothAddressesWhenIpv4ComesFromItsDevice() {
        blue.inject(TestPackets.ipv4Udp(LOCAL, PEER, 64, 20));
        red.inject(TestPackets.ipv4Udp(LOCAL, PEER, 64, 30));

        assertEquals(2, agent.doWork());

        assertEquals(2, ipv6.written.size());
        final byte[] fromBlue = ipv6.written.get(0);
        assertEquals(6, u8(fromBlue, 0) >> 4);
        assertEquals(BLUE_HI, u64(fromBlue, 8));
        assertEquals(LOCAL & 0xFFFFFFFFL, u64(fromBlue, 16));
        assertEquals(BLUE_HI, u64(fromBlue, 24));
        assertEquals(PEER & 0xFFFFFFFFL, u64(fromBlue, 32));
        final byte[] fromRed = ipv6.written.get(1);
        assertEquals(RED_HI, u64(fromRed, 8));
        assertEquals(RED_HI, u64(fromRed, 24));
        assertTrue(blue.written.isEmpty() && red.written.isEmpty(), "nothing goes back to the tenants");
    }

    @Test
    void shouldWriteIpv6OnlyToTheDeviceOfTheTenantItsDestinationPrefixSelects() {
        ipv6.inject(TestPackets.ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 16));

        assertEquals(1, agent.doWork());

        assertEquals(1, red.written.size());
        assertTrue(blue.written.isEmpty(), "no cross-talk into blue, which uses the same IPv4 addresses");
        final byte[] out = red.written.get(0);
        assertEquals(0x45, u8(out, 0));
        assertEquals(PEER, u32(out, 12));
        assertEquals(LOCAL, u32(out, 16));
        assertEquals(1, redCounters.get(DeviceMetric.TX_PACKETS));
        assertEquals(0, blueCounters.get(DeviceMetric.TX_PACKETS));
    }

    @Test
    void shouldWriteNothingWhenIpv6MatchesNoTenant() {
        ipv6.inject(TestPackets.ipv6Udp(GREEN_HI, PEER & 0xFFFFFFFFL, GREEN_HI, LOCAL & 0xFFFFFFFFL, 64, 16));

        assertEquals(1, agent.doWork());

        assertTrue(blue.written.isEmpty() && red.written.isEmpty(), "no tenant device gets it");
        for (final byte[] back : ipv6.written) {
            assertEquals(58, u8(back, 6), "only an ICMPv6 error may go back out of the IPv6 device");
        }
    }

    @Test
    void shouldCountNoDeviceWhenTheTenantHasNoDeviceHere() {
        agent.offer(ports(List.of(tenant("blue", BLUE_HI), tenant("red", RED_HI)), new PacketQueue[] {blue, null},
            new DeviceCounters[] {blueCounters, null}));
        ipv6.inject(TestPackets.ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 16));

        agent.doWork();

        assertTrue(blue.written.isEmpty() && red.written.isEmpty());
        assertEquals(1, ipv6Counters.get(DeviceMetric.NO_DEVICE));
    }

    @Test
    void shouldSendTimeExceededBackToTheTenantDeviceWhenTtlExpires46() {
        blue.inject(TestPackets.ipv4Udp(LOCAL, PEER, 1, 20));

        agent.doWork();

        assertTrue(ipv6.written.isEmpty(), "the expired packet is not forwarded");
        assertEquals(1, blue.written.size());
        final byte[] error = blue.written.get(0);
        assertEquals(0x45, u8(error, 0));
        assertEquals(1, u8(error, 9), "ICMP");
        assertEquals(11, u8(error, 20), "Time Exceeded");
        assertEquals(LOCAL, u32(error, 16));
        assertTrue(red.written.isEmpty());
    }

    @Test
    void shouldKeepForwardingAKeptTenantWhenANewGenerationAddsOne() {
        final FakeQueue green = new FakeQueue("xb-green");
        final TenantPorts next = ports(
            List.of(tenant("blue", BLUE_HI), tenant("green", GREEN_HI), tenant("red", RED_HI)),
            new PacketQueue[] {blue, green, red}, new DeviceCounters[] {blueCounters, new DeviceCounters(),
                redCounters});
        red.inject(TestPackets.ipv4Udp(LOCAL, PEER, 64, 10));
        agent.doWork();

        agent.offer(next);
        red.inject(TestPackets.ipv4Udp(LOCAL, PEER, 64, 11));
        ipv6.inject(TestPackets.ipv6Udp(GREEN_HI, PEER & 0xFFFFFFFFL, GREEN_HI, LOCAL & 0xFFFFFFFFL, 64, 16));
        ipv6.inject(TestPackets.ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 16));
        agent.doWork();

        assertSame(next, agent.current());
        assertEquals(2, ipv6.written.size(), "both red packets reached IPv6, across the switch");
        assertEquals(RED_HI, u64(ipv6.written.get(1), 8), "red, now at index 2, still gets its own prefix");
        assertEquals(1, green.written.size());
        assertEquals(1, red.written.size());
        assertEquals(2, redCounters.get(DeviceMetric.RX_PACKETS), "red's counts ran on");
    }

    @Test
    void shouldAllocateNothingPerPacketOnEitherSide() {
        final FakeQueue replay6 = new FakeQueue("xlat6");
        final FakeQueue replayBlue = new FakeQueue("xb-blue");
        replay6.replay(TestPackets.ipv6Udp(BLUE_HI, PEER & 0xFFFFFFFFL, BLUE_HI, LOCAL & 0xFFFFFFFFL, 64, 16));
        replayBlue.replay(TestPackets.ipv4Udp(LOCAL, PEER, 64, 20));
        final TranslatorConfig config = TranslatorConfig.builder().build();
        final TenantWorkerAgent steady = new TenantWorkerAgent(replay6, new DeviceCounters(),
            new WorkerCounters(counters, "xlat6", 1), new Translator(config, new DropCounters()),
            ports(List.of(tenant("blue", BLUE_HI)), new PacketQueue[] {replayBlue},
                new DeviceCounters[] {new DeviceCounters()}), handler, clock, 8);

        Allocations.assertEventuallyAllocatesNothing("tenant doWork", 20, () -> {
            for (int i = 0; i < 100; i++) {
                replay6.refill(8);
                replayBlue.refill(8);
                clock.advance(10_000);
                steady.doWork();
            }
        });
        assertTrue(replay6.writeCount > 0 && replayBlue.writeCount > 0);
    }
}
