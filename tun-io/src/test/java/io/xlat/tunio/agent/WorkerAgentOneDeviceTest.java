package io.xlat.tunio.agent;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.testing.Packets;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.testing.Allocations;
import io.xlat.tunio.tun.LinuxNative;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.xlat.core.testing.Packets.ipv4Udp;
import static io.xlat.core.testing.Packets.ipv6PseudoHeaderSum;
import static io.xlat.core.testing.Packets.ipv6Udp;
import static io.xlat.core.testing.Packets.sequence;
import static io.xlat.core.testing.Packets.u16;
import static io.xlat.core.testing.Packets.u32;
import static io.xlat.core.testing.Packets.u64;
import static io.xlat.core.testing.Packets.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker on plain SIIT's one device: a single port of the BOTH role, read and written by the same queue. */
class WorkerAgentOneDeviceTest {

    private static final int CLIENT_V4 = Ipv4Addresses.parse("192.0.2.2");
    private static final int SERVER_V4 = Ipv4Addresses.parse("198.51.100.10");
    private static final int XLAT_V4 = Ipv4Addresses.parse("203.0.113.1");
    /** 2001:db8:64::/96, the RFC 6052 prefix of these tests. */
    private static final long POOL6_HI = 0x2001_0db8_0064_0000L;
    private static final long POOL6_LO = 0L;

    private final FakeQueue queue = new FakeQueue();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final DeviceCounters deviceCounters = new DeviceCounters();
    private final List<String> errors = new ArrayList<>();
    private CountersManager counters;
    private Port port;
    private WorkerAgent agent;

    @BeforeEach
    void setUp() {
        final TranslatorConfig config = TranslatorConfig.builder()
            .pool6(new Ipv6Prefix(POOL6_HI, POOL6_LO, 96))
            .ipv4Address(XLAT_V4)
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1"))
            .build();
        final Translator translator = new Translator(config, new AddressMapping(config), new DropCounters(), 7, 0);
        final int capacity = WorkerCounters.perWorker();
        counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.COUNTER_LENGTH)));
        final WorkerCounters published = new WorkerCounters(counters, queue.deviceName(), 0);
        final DeviceErrorHandler handler = (device, worker, operation, errno, fatal) ->
            errors.add(device + " q" + worker + " " + operation + " errno " + errno + (fatal ? " fatal" : ""));
        port = Port.both(queue, deviceCounters, published, handler, 0);
        agent = new WorkerAgent(0, translator, WorkerPorts.siit(port), handler, clock, 4);
    }

    @Test
    void shouldWriteTranslatedIpv6ToTheSameQueueWhenReadingIpv4() {
        final byte[] in = ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(100));
        queue.inject(in);

        assertEquals(1, agent.doWork());

        assertEquals(1, queue.written.size());
        final byte[] out = queue.written.get(0);
        assertEquals(in.length + 20, out.length);
        assertEquals(6, u8(out, 0) >> 4);
        assertEquals(108, u16(out, 4), "payload length: the UDP datagram");
        assertEquals(Packets.UDP, u8(out, 6));
        assertEquals(63, u8(out, 7), "hop limit: TTL minus one");
        assertEquals(POOL6_HI, u64(out, 8));
        assertEquals(CLIENT_V4 & 0xFFFFFFFFL, u64(out, 16));
        assertEquals(POOL6_HI, u64(out, 24));
        assertEquals(SERVER_V4 & 0xFFFFFFFFL, u64(out, 32));
        final long pseudo = ipv6PseudoHeaderSum(out, 108);
        assertEquals(0, Packets.checksum(out, 40, 108, pseudo), "UDP checksum valid over the IPv6 pseudo-header");

        assertEquals(1, deviceCounters.get(DeviceMetric.RX_PACKETS));
        assertEquals(in.length, deviceCounters.get(DeviceMetric.RX_BYTES));
        assertEquals(out.length, deviceCounters.get(DeviceMetric.TX_BYTES));
    }

    @Test
    void shouldWriteTranslatedIpv4WhenReadingIpv6() {
        final byte[] in = ipv6Udp(POOL6_HI, SERVER_V4 & 0xFFFFFFFFL, POOL6_HI, CLIENT_V4 & 0xFFFFFFFFL, 64,
            5000, 4000, sequence(32));
        queue.inject(in);

        assertEquals(1, agent.doWork());

        final byte[] out = queue.written.get(0);
        assertEquals(in.length - 20, out.length);
        assertEquals(0x45, u8(out, 0));
        assertEquals(63, u8(out, 8), "TTL: hop limit minus one");
        assertEquals(SERVER_V4 & 0xFFFFFFFFL, u32(out, 12));
        assertEquals(CLIENT_V4 & 0xFFFFFFFFL, u32(out, 16));
        assertEquals(0, Packets.checksum(out, 0, 20, 0), "IPv4 header checksum valid");
    }

    @Test
    void shouldSendTimeExceededBackToTheSameQueueWhenTtlExpires46() {
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 1, 0, 4000, 5000, sequence(20)));

        agent.doWork();
        agent.doWork(); // idle: publishes

        assertEquals(1, queue.written.size());
        final byte[] out = queue.written.get(0);
        assertEquals(0x45, u8(out, 0));
        assertEquals(1, u8(out, 9), "ICMP");
        assertEquals(XLAT_V4 & 0xFFFFFFFFL, u32(out, 12), "from the translator's own IPv4 address");
        assertEquals(CLIENT_V4 & 0xFFFFFFFFL, u32(out, 16), "back to the sender");
        assertEquals(11, u8(out, 20), "Time Exceeded");
        assertEquals(0, u8(out, 21), "in transit");
        final Map<String, Long> values = published();
        assertEquals(1L, values.get("fake0 q0 drop ttl-expired 46"));
        assertEquals(1L, values.get("fake0 q0 icmp-errors-sent"));
        assertEquals(1L, values.get("fake0 q0 tx-packets"));
        assertEquals(0L, values.get("fake0 q0 translated-46"));
    }

    @Test
    void shouldReadAtMostOneBatchPerDoWork() {
        for (int i = 0; i < 6; i++) {
            queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(i)));
        }

        assertEquals(4, agent.doWork(), "the batch size");
        assertEquals(2, agent.doWork());
        assertEquals(0, agent.doWork());
        assertEquals(6, queue.written.size());
    }

    @Test
    void shouldPublishCountersWhenIdleAndAtMostEveryIntervalWhileBusy() {
        clock.update(1_000_000_000L);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        assertEquals(1L, published().get("fake0 q0 rx-packets"), "first batch: the interval since start has passed");

        clock.advance(WorkerAgent.PUBLISH_INTERVAL_NANOS / 2);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        assertEquals(1L, published().get("fake0 q0 rx-packets"), "busy within the interval: not yet");

        clock.advance(WorkerAgent.PUBLISH_INTERVAL_NANOS / 2);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        assertEquals(3L, published().get("fake0 q0 rx-packets"), "the interval passed");

        clock.advance(1000);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        assertEquals(3L, published().get("fake0 q0 rx-packets"));
        assertEquals(0, agent.doWork());
        assertEquals(4L, published().get("fake0 q0 rx-packets"), "going idle publishes what is left");
        assertEquals(4L, published().get("fake0 q0 translated-46"));
    }

    @Test
    void shouldReportEachWriteErrnoOnceAndCountEveryFailure() {
        queue.failWrites(LinuxNative.EIO);
        for (int i = 0; i < 3; i++) {
            queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        }
        agent.doWork();
        queue.failWrites(0);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        queue.failWrites(LinuxNative.EIO);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        queue.failWrites(LinuxNative.ENOBUFS);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));
        agent.doWork();
        agent.doWork();

        assertEquals(List.of("fake0 q0 write errno " + LinuxNative.EIO, "fake0 q0 write errno " + LinuxNative.ENOBUFS),
            errors, "an errno that comes back after a success is not logged again");
        assertEquals(5L, published().get("fake0 q0 write-errors"));
        assertEquals(1L, published().get("fake0 q0 tx-packets"));
        assertFalse(port.failed(), "a write error does not stop the worker");
    }

    @Test
    void shouldKeepReadingAfterATransientReadError() {
        queue.failNextReads(1, LinuxNative.ENOBUFS);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));

        assertEquals(0, agent.doWork());
        assertEquals(1, agent.doWork());

        assertEquals(List.of("fake0 q0 read errno " + LinuxNative.ENOBUFS), errors);
        assertFalse(port.failed());
        assertEquals(1L, published().get("fake0 q0 read-errors"));
    }

    @Test
    void shouldStopReadingWhenTheDeviceVanished() {
        queue.failNextReads(1, LinuxNative.EBADFD);
        queue.inject(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(10)));

        assertEquals(0, agent.doWork());
        final int readsAfterFailure = queue.readCalls;
        assertEquals(0, agent.doWork());
        assertEquals(0, agent.doWork());

        assertTrue(port.failed());
        assertEquals(readsAfterFailure, queue.readCalls, "no read after the fatal error");
        assertEquals(List.of("fake0 q0 read errno " + LinuxNative.EBADFD + " fatal"), errors);
        assertEquals(1L, published().get("fake0 q0 read-errors"));
    }

    @Test
    void shouldCountAPacketThatIsNotIpAsADrop() {
        queue.inject(new byte[] {0x10, 0, 0, 0});

        agent.doWork();
        agent.doWork();

        assertTrue(queue.written.isEmpty());
        assertEquals(1L, published().get("fake0 q0 drop bad-version unknown"));
        assertEquals(1L, published().get("fake0 q0 rx-packets"));
    }

    @Test
    void shouldNotAllocateInSteadyState() {
        queue.replay(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5000, sequence(200)));
        Allocations.assertEventuallyAllocatesNothing("100,000 packets through doWork()", 20, () -> {
            for (int i = 0; i < 25_000; i++) {
                queue.refill(4);
                clock.advance(10_000);
                agent.doWork();
                agent.doWork();
            }
        });
        assertTrue(queue.writeCount >= 100_000L, "the packets were translated and written");
        assertEquals(queue.writeCount, published().get("fake0 q0 tx-packets"));
    }

    /** The values in the counters "file", by label. */
    private Map<String, Long> published() {
        final Map<String, Long> values = new HashMap<>();
        counters.forEach((counterId, typeId, key, label) -> {
            final CounterKey k = CounterKey.read(typeId, key);
            assertEquals(label, k.label(), "the stored label is the key's label");
            values.put(label, counters.getCounterValue(counterId));
        });
        return values;
    }
}
