package io.xlat.tunio.agent;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
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

import static io.xlat.core.testing.Packets.ipv4Udp;
import static io.xlat.core.testing.Packets.ipv6Udp;
import static io.xlat.core.testing.Packets.sequence;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u64;
import static io.xlat.core.testing.Packets.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker on several devices: the IPv6 device's port, a port per tenant and, optionally, plain SIIT's port
 * (ipv4-tun, or siit-tun beside the tenants).
 */
class WorkerAgentSeveralDevicesTest {

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
    private Port ipv6Port;
    private WorkerAgent agent;
    private TranslatorConfig config;

    @BeforeEach
    void setUp() {
        config = TranslatorConfig.builder()
            .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
            .build();
        final Translator translator = new Translator(config, new AddressMapping(config), new DropCounters(), 7, 0);
        final int capacity = 16 * WorkerCounters.perWorker();
        counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.COUNTER_LENGTH)));
        blueCounters = new DeviceCounters();
        redCounters = new DeviceCounters();
        ipv6Port = new Port(PortRole.IPV6, ipv6, ipv6, ipv6Counters, new WorkerCounters(counters, "xlat6", 0),
            handler, 0);
        final WorkerPorts ports = ports(List.of(tenant("blue", BLUE_HI), tenant("red", RED_HI)),
            new PacketQueue[] {blue, red}, new DeviceCounters[] {blueCounters, redCounters});
        agent = new WorkerAgent(0, translator, ports, handler, clock, 8);
    }

    private static TenantConfig tenant(String name, long prefixHi) {
        return new TenantConfig(name, new Ipv6Prefix(prefixHi, 0, 96), List.of(Ipv4Prefix.parse("10.0.0.0/25")),
            "xb-" + name, null, List.of());
    }

    private WorkerPorts ports(List<TenantConfig> tenants, PacketQueue[] queues, DeviceCounters[] deviceCounters) {
        return generation(ipv6Port, null, tenants, queues, deviceCounters, null);
    }

    /** Worker 0's generation: each tenant's port reads and writes its queue (none where the queue is null). */
    private WorkerPorts generation(Port ipv6Side, Port globalSide, List<TenantConfig> tenants, PacketQueue[] queues,
        DeviceCounters[] deviceCounters, Translator translator) {
        final Port[] ports = new Port[queues.length];
        for (int i = 0; i < queues.length; i++) {
            ports[i] = queues[i] == null ? null : new Port(PortRole.TENANT, queues[i], queues[i], deviceCounters[i],
                new WorkerCounters(counters, queues[i].deviceName(), 0), handler, 0);
        }
        return new WorkerPorts(new TenantTable(tenants), translator, ipv6Side, globalSide, ports);
    }

    @Test
    void shouldPrependTheTenantsPrefixToBothAddressesWhenIpv4ComesFromItsDevice() {
        blue.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        red.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(30)));

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
    void shouldWaitOnEveryQueueItReadsWhenIdleSoThatAPacketOnAnyDeviceWakesIt() {
        red.awaitResult = 1;

        assertTrue(agent.awaitReadable(1) > 0, "a packet waiting on red's device wakes the worker");
        assertEquals(1, ipv6.awaitCalls, "the IPv6 device's queue was asked");
        assertEquals(1, blue.awaitCalls, "so was blue's");
        assertEquals(1, red.awaitCalls, "and red's, the last of the set");
    }

    @Test
    void shouldWriteIpv6OnlyToTheDeviceOfTheTenantItsDestinationPrefixSelects() {
        ipv6.inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));

        assertEquals(1, agent.doWork());

        assertEquals(1, red.written.size());
        assertTrue(blue.written.isEmpty(), "no cross-talk into blue, which uses the same IPv4 addresses");
        final byte[] out = red.written.get(0);
        assertEquals(0x45, u8(out, 0));
        assertEquals(PEER & 0xFFFFFFFFL, u32(out, 12));
        assertEquals(LOCAL & 0xFFFFFFFFL, u32(out, 16));
        assertEquals(1, redCounters.get(DeviceMetric.TX_PACKETS));
        assertEquals(0, blueCounters.get(DeviceMetric.TX_PACKETS));
    }

    @Test
    void shouldWriteNothingWhenIpv6MatchesNoTenant() {
        ipv6.inject(ipv6Udp(GREEN_HI, PEER & 0xFFFFFFFFL, GREEN_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));

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
        ipv6.inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));

        agent.doWork();

        assertTrue(blue.written.isEmpty() && red.written.isEmpty());
        assertEquals(1, ipv6Counters.get(DeviceMetric.NO_DEVICE));
    }

    @Test
    void shouldSendTimeExceededBackToTheTenantDeviceWhenTtlExpires46() {
        blue.inject(ipv4Udp(LOCAL, PEER, 1, 0, 4000, 5000, sequence(20)));

        agent.doWork();

        assertTrue(ipv6.written.isEmpty(), "the expired packet is not forwarded");
        assertEquals(1, blue.written.size());
        final byte[] error = blue.written.get(0);
        assertEquals(0x45, u8(error, 0));
        assertEquals(1, u8(error, 9), "ICMP");
        assertEquals(11, u8(error, 20), "Time Exceeded");
        assertEquals(LOCAL & 0xFFFFFFFFL, u32(error, 16));
        assertTrue(red.written.isEmpty());
    }

    @Test
    void shouldKeepForwardingAKeptTenantWhenANewGenerationAddsOne() {
        final FakeQueue green = new FakeQueue("xb-green");
        final WorkerPorts next = ports(
            List.of(tenant("blue", BLUE_HI), tenant("green", GREEN_HI), tenant("red", RED_HI)),
            new PacketQueue[] {blue, green, red}, new DeviceCounters[] {blueCounters, new DeviceCounters(),
                redCounters});
        red.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();

        agent.offer(next);
        red.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(11)));
        ipv6.inject(ipv6Udp(GREEN_HI, PEER & 0xFFFFFFFFL, GREEN_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));
        ipv6.inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));
        agent.doWork();

        assertSame(next, agent.current());
        assertEquals(2, ipv6.written.size(), "both red packets reached IPv6, across the switch");
        assertEquals(RED_HI, u64(ipv6.written.get(1), 8), "red, now at index 2, still gets its own prefix");
        assertEquals(1, green.written.size());
        assertEquals(1, red.written.size());
        assertEquals(2, redCounters.get(DeviceMetric.RX_PACKETS), "red's counts ran on");
    }

    /** pool6 2001:db8:64::/96 beside the tenants: the global path of plain SIIT. */
    private static final long POOL6_HI = 0x2001_0db8_0064_0000L;
    private static final int CLIENT4 = Ipv4Addresses.parse("192.0.2.1");
    private static final int SERVER4 = Ipv4Addresses.parse("198.51.100.1");

    private final FakeQueue global = new FakeQueue("xlat4");
    private final DeviceCounters globalCounters = new DeviceCounters();
    private Port globalPort;

    /** A worker with blue and red and a global device: ipv4-tun, or siit-tun with {@code bothFamilies}. */
    private WorkerAgent withGlobalDevice(boolean bothFamilies, Translator translator) {
        globalPort = new Port(bothFamilies ? PortRole.BOTH : PortRole.IPV4, global, global, globalCounters,
            new WorkerCounters(counters, "xlat4", 0), handler, 0);
        return new WorkerAgent(0, translator, generation(ipv6Port, globalPort, List.of(tenant("blue", BLUE_HI),
            tenant("red", RED_HI)), new PacketQueue[] {blue, red}, new DeviceCounters[] {blueCounters, redCounters},
            null), handler, clock, 8);
    }

    private Translator pool6Translator(DropCounters drops) {
        final TranslatorConfig withPool6 = TranslatorConfig.builder()
            .pool6(new Ipv6Prefix(POOL6_HI, 0, 96))
            .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
            .build();
        return new Translator(withPool6, new AddressMapping(withPool6), drops, 7, 0);
    }

    @Test
    void shouldTranslateIpv4FromThePairsIpv4DeviceWithPool6AndWriteItToTheIpv6Device() {
        final WorkerAgent pair = withGlobalDevice(false, pool6Translator(new DropCounters()));
        global.inject(ipv4Udp(CLIENT4, SERVER4, 64, 0, 4000, 5000, sequence(20)));

        assertEquals(1, pair.doWork());

        assertEquals(1, ipv6.written.size());
        final byte[] out = ipv6.written.get(0);
        assertEquals(POOL6_HI, u64(out, 8));
        assertEquals(CLIENT4 & 0xFFFFFFFFL, u64(out, 16));
        assertEquals(POOL6_HI, u64(out, 24));
        assertEquals(SERVER4 & 0xFFFFFFFFL, u64(out, 32));
        assertTrue(global.written.isEmpty() && blue.written.isEmpty() && red.written.isEmpty());
        assertEquals(1, globalCounters.get(DeviceMetric.RX_PACKETS));
    }

    @Test
    void shouldWriteIpv6OutsideEveryTenantPrefixToTheGlobalDevice() {
        final WorkerAgent pair = withGlobalDevice(false, pool6Translator(new DropCounters()));
        ipv6.inject(ipv6Udp(POOL6_HI, SERVER4 & 0xFFFFFFFFL, POOL6_HI, CLIENT4 & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));

        pair.doWork();

        assertEquals(1, global.written.size());
        final byte[] out = global.written.get(0);
        assertEquals(0x45, u8(out, 0));
        assertEquals(SERVER4 & 0xFFFFFFFFL, u32(out, 12));
        assertEquals(CLIENT4 & 0xFFFFFFFFL, u32(out, 16));
        assertTrue(blue.written.isEmpty() && red.written.isEmpty() && ipv6.written.isEmpty());
        assertEquals(1, globalCounters.get(DeviceMetric.TX_PACKETS));
        assertEquals(0, ipv6Counters.get(DeviceMetric.NO_DEVICE));
    }

    @Test
    void shouldDropTheWrongFamilyOnEachOneFamilyDeviceWithANamedReason() {
        final DropCounters drops = new DropCounters();
        final WorkerAgent pair = withGlobalDevice(false, pool6Translator(drops));
        global.inject(ipv6Udp(POOL6_HI, SERVER4 & 0xFFFFFFFFL, POOL6_HI, CLIENT4 & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));
        ipv6.inject(ipv4Udp(CLIENT4, SERVER4, 64, 0, 4000, 5000, sequence(20)));

        assertEquals(2, pair.doWork());

        assertEquals(2, drops.drops(DropReason.WRONG_FAMILY_FOR_DEVICE));
        assertTrue(global.written.isEmpty() && ipv6.written.isEmpty());
    }

    @Test
    void shouldRouteIpv6ReadFromSiitTunToTheTenantOfItsDestinationAndTheRestBackIntoSiitTun() {
        final WorkerAgent both = withGlobalDevice(true, pool6Translator(new DropCounters()));
        global.inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));
        global.inject(ipv6Udp(POOL6_HI, SERVER4 & 0xFFFFFFFFL, POOL6_HI, CLIENT4 & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));
        global.inject(ipv4Udp(CLIENT4, SERVER4, 64, 0, 4000, 5000, sequence(20)));

        assertEquals(3, both.doWork());

        assertEquals(1, red.written.size(), "the tenant's packet reached the tenant");
        assertTrue(blue.written.isEmpty() && ipv6.written.isEmpty());
        assertEquals(2, global.written.size(), "plain SIIT both ways on the one device");
        assertEquals(4, u8(global.written.get(0), 0) >> 4);
        assertEquals(6, u8(global.written.get(1), 0) >> 4);
    }

    @Test
    void shouldKeepTheCountsRunningWhenAGenerationBringsANewTranslator() {
        final DropCounters drops = new DropCounters();
        final WorkerAgent pair = withGlobalDevice(false, pool6Translator(drops));
        ipv6.inject(ipv4Udp(CLIENT4, SERVER4, 64, 0, 4000, 5000, sequence(20)));
        pair.doWork();
        final Translator before = pair.translator();
        final Translator after = pool6Translator(drops);
        final TenantTable table = new TenantTable(List.of(tenant("blue", BLUE_HI), tenant("red", RED_HI)));
        blue.inject(ipv4Udp(LOCAL, PEER, 1, 0, 4000, 5000, sequence(20)));
        pair.doWork();
        final long blueDropsBefore = before.tenantCounters(0).drops(DropReason.TTL_EXPIRED);

        pair.offer(new WorkerPorts(table, after, ipv6Port, globalPort, new Port[] {
            new Port(PortRole.TENANT, blue, blue, blueCounters, null, handler, 0),
            new Port(PortRole.TENANT, red, red, redCounters, null, handler, 0)}));
        ipv6.inject(ipv4Udp(CLIENT4, SERVER4, 64, 0, 4000, 5000, sequence(20)));
        blue.inject(ipv4Udp(LOCAL, PEER, 1, 0, 4000, 5000, sequence(20)));
        pair.doWork();

        assertSame(after, pair.translator());
        assertEquals(2, drops.drops(DropReason.WRONG_FAMILY_FOR_DEVICE), "the global counts ran on");
        assertEquals(1, blueDropsBefore);
        assertEquals(2, after.tenantCounters(0).drops(DropReason.TTL_EXPIRED), "blue's counts ran on");
    }

    /** Two workers over two queues of each device, as {@code workers: 2} runs them: worker w reads queue w. */
    private final class TwoWorkers {
        final FakeQueue[] ipv6 = {new FakeQueue("xlat6"), new FakeQueue("xlat6")};
        final FakeQueue[] blue = {new FakeQueue("xb-blue"), new FakeQueue("xb-blue")};
        final FakeQueue[] red = {new FakeQueue("xb-red"), new FakeQueue("xb-red")};
        final DeviceCounters[][] tenantCounters = new DeviceCounters[2][2];
        final Translator[] translators = new Translator[2];
        final Port[] ipv6Ports = new Port[2];
        final WorkerAgent[] workers = new WorkerAgent[2];
        final TenantTable table = new TenantTable(List.of(tenant("blue", BLUE_HI), tenant("red", RED_HI)));

        /** With {@code redSingleQueue}, red's device has one queue: worker 0 reads it, both write to it. */
        TwoWorkers(boolean redSingleQueue) {
            for (int w = 0; w < 2; w++) {
                tenantCounters[w][0] = new DeviceCounters();
                tenantCounters[w][1] = new DeviceCounters();
                translators[w] = new Translator(config, new AddressMapping(config), new DropCounters(), 7, w);
                ipv6Ports[w] = new Port(PortRole.IPV6, ipv6[w], ipv6[w], new DeviceCounters(),
                    new WorkerCounters(counters, "xlat6", w), handler, w);
                workers[w] = new WorkerAgent(w, translators[w], generation(w, redSingleQueue), handler, clock, 8);
            }
        }

        WorkerPorts generation(int w, boolean redSingleQueue) {
            final PacketQueue redRead = redSingleQueue ? (w == 0 ? red[0] : null) : red[w];
            final PacketQueue redWrite = redSingleQueue ? red[0] : red[w];
            return new WorkerPorts(table, null, ipv6Ports[w], null, new Port[] {
                new Port(PortRole.TENANT, blue[w], blue[w], tenantCounters[w][0],
                    new WorkerCounters(counters, "xb-blue", w), handler, w),
                new Port(PortRole.TENANT, redRead, redWrite, tenantCounters[w][1],
                    new WorkerCounters(counters, "xb-red", w), handler, w)});
        }
    }

    @Test
    void shouldWriteEachPacketToTheQueueOfTheWorkerThatReadItWhenTwoWorkersServeTheTenants() {
        final TwoWorkers two = new TwoWorkers(false);
        two.blue[1].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        two.ipv6[1].inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));
        two.red[0].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(30)));

        assertEquals(1, two.workers[0].doWork());
        assertEquals(2, two.workers[1].doWork());

        assertEquals(1, two.ipv6[0].written.size(), "red's IPv4, read by worker 0, leaves by IPv6 queue 0");
        assertEquals(RED_HI, u64(two.ipv6[0].written.get(0), 8));
        assertEquals(1, two.ipv6[1].written.size(), "blue's IPv4, read by worker 1, leaves by IPv6 queue 1");
        assertEquals(BLUE_HI, u64(two.ipv6[1].written.get(0), 8));
        assertEquals(1, two.red[1].written.size(), "IPv6 read from queue 1 goes to red's queue 1");
        assertTrue(two.red[0].written.isEmpty() && two.blue[0].written.isEmpty() && two.blue[1].written.isEmpty(),
            "no cross-talk into blue, nor into another worker's queue");
    }

    @Test
    void shouldCountEachTenantInTheTranslatorOfTheWorkerThatTranslatedIt() {
        final TwoWorkers two = new TwoWorkers(false);
        two.blue[1].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        two.blue[1].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(21)));
        two.red[0].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(30)));

        two.workers[0].doWork();
        two.workers[1].doWork();

        assertNotSame(two.translators[0].tenants(), two.translators[1].tenants(), "each worker has its own table");
        assertEquals(0, two.translators[0].tenantCounters(0).translated46Count());
        assertEquals(2, two.translators[1].tenantCounters(0).translated46Count());
        assertEquals(1, two.translators[0].tenantCounters(1).translated46Count());
        assertEquals(0, two.translators[1].tenantCounters(1).translated46Count());
        assertEquals(2, two.tenantCounters[1][0].get(DeviceMetric.RX_PACKETS));
        assertEquals(0, two.tenantCounters[0][0].get(DeviceMetric.RX_PACKETS));
    }

    @Test
    void shouldReadASingleQueueTenantDeviceFromWorkerZeroOnlyAndWriteToItFromBoth() {
        final TwoWorkers two = new TwoWorkers(true);
        two.red[0].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(30)));
        two.ipv6[1].inject(ipv6Udp(RED_HI, PEER & 0xFFFFFFFFL, RED_HI, LOCAL & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));

        assertEquals(1, two.workers[1].doWork(), "worker 1 reads only its IPv6 queue");
        assertEquals(1, two.red[0].inbound.size(), "worker 1 left red's only queue to worker 0");
        assertEquals(1, two.red[0].written.size(), "worker 1 wrote to red's only queue");
        assertEquals(1, two.tenantCounters[1][1].get(DeviceMetric.TX_PACKETS), "counted as worker 1's write");

        assertEquals(1, two.workers[0].doWork());
        assertTrue(two.red[0].inbound.isEmpty());
        assertEquals(1, two.ipv6[0].written.size());
    }

    @Test
    void shouldSwitchEachWorkerToItsOwnPartOfANewGenerationBetweenItsOwnBatches() {
        final TwoWorkers two = new TwoWorkers(false);
        final WorkerPorts next0 = two.generation(0, true);
        final WorkerPorts next1 = two.generation(1, true);
        two.workers[0].offer(next0);
        two.workers[1].offer(next1);

        two.workers[0].doWork();

        assertSame(next0, two.workers[0].current());
        assertNotSame(next1, two.workers[1].current(), "worker 1 has not confirmed before its next batch");
        two.red[1].inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(30)));
        two.workers[1].doWork();
        assertSame(next1, two.workers[1].current());
        assertEquals(1, two.red[1].inbound.size(), "in the new generation worker 1 no longer reads red's queue 1");
    }

    @Test
    void shouldForwardThroughATenantsNewDeviceWithItsCountsRunningOnOnceTheDeletedOneIsSwappedOut() {
        blue.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        agent.doWork();
        // the device is deleted: reading its queue fails
        blue.failNextReads(1, io.xlat.tunio.tun.LinuxNative.EBADFD);
        agent.doWork();
        final WorkerPorts before = agent.current();
        final Port deleted = before.tenants[0];

        // the device is back: the same port on the new device's queue, in the same generation otherwise
        final FakeQueue back = new FakeQueue("xb-blue");
        final Port reattached = deleted.onNewDevice(back, back);
        agent.offer(before.replacing(java.util.Map.of(deleted, reattached)));
        back.inject(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        ipv6.inject(ipv6Udp(BLUE_HI, PEER & 0xFFFFFFFFL, BLUE_HI, LOCAL & 0xFFFFFFFFL, 64, 5000, 4000, sequence(16)));
        final int readsOfTheDeletedQueue = blue.readCalls;

        assertEquals(2, agent.doWork());

        assertSame(before.table(), agent.current().table(), "the tenants and their counters stay");
        assertSame(reattached, agent.current().tenants[0]);
        assertTrue(!reattached.failed() && reattached.sharesCounters(deleted));
        assertEquals(2, ipv6.written.size(), "blue's IPv4 is translated from the new device as before");
        assertEquals(1, back.written.size(), "IPv6 for blue goes into the new device");
        assertEquals(readsOfTheDeletedQueue, blue.readCalls, "the deleted device's queue is no longer read");
        assertEquals(2, blueCounters.get(DeviceMetric.RX_PACKETS), "one count across the two devices");
        assertEquals(1, blueCounters.get(DeviceMetric.READ_ERRORS));
    }

    @Test
    void shouldNameTheWorkerWhoseQueueFailedWhenReportingAReadError() {
        final TwoWorkers two = new TwoWorkers(false);
        final List<Integer> reported = new ArrayList<>();
        final WorkerAgent second = new WorkerAgent(1, two.translators[1], two.generation(1, false),
            (device, worker, operation, errno, fatal) -> reported.add(worker), clock, 8);
        two.ipv6[1].failNextReads(1, 105);

        second.doWork();

        assertEquals(List.of(1), reported);
        assertEquals("xlat-worker-1", second.roleName());
    }

    @Test
    void shouldAllocateNothingPerPacketOnEitherSide() {
        final FakeQueue replay6 = new FakeQueue("xlat6");
        final FakeQueue replayBlue = new FakeQueue("xb-blue");
        replay6.replay(ipv6Udp(BLUE_HI, PEER & 0xFFFFFFFFL, BLUE_HI, LOCAL & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(16)));
        replayBlue.replay(ipv4Udp(LOCAL, PEER, 64, 0, 4000, 5000, sequence(20)));
        final TranslatorConfig config = TranslatorConfig.builder().build();
        final Port replay6Port = new Port(PortRole.IPV6, replay6, replay6, new DeviceCounters(),
            new WorkerCounters(counters, "xlat6", 1), handler, 0);
        final WorkerAgent steady = new WorkerAgent(0, new Translator(config, new DropCounters()),
            generation(replay6Port, null, List.of(tenant("blue", BLUE_HI)), new PacketQueue[] {replayBlue},
                new DeviceCounters[] {new DeviceCounters()}, null), handler, clock, 8);

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
