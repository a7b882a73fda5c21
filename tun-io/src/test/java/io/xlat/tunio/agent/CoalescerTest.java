package io.xlat.tunio.agent;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.testing.Packets;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.testing.Allocations;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.xlat.core.testing.Packets.ipv4Udp;
import static io.xlat.core.testing.Packets.ipv6Udp;
import static io.xlat.core.testing.Packets.u16;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coalescing on write: the same datagrams go through a worker with coalescing and one without; what the first
 * writes, cut into segments by the kernel's rules ({@link #segment}, written here after {@code __udp_gso_segment},
 * {@code inet_gso_segment} and {@code ipv6_gso_segment}), must be byte for byte what the second writes.
 */
class CoalescerTest {

    private static final int CLIENT_V4 = Ipv4Addresses.parse("192.0.2.2");
    private static final int SERVER_V4 = Ipv4Addresses.parse("198.51.100.10");
    private static final long POOL6_HI = 0x2001_0db8_0064_0000L;

    /** What one worker wrote to its queue, and the counts of its device. */
    private record Run(List<byte[]> written, DeviceCounters counters) {
    }

    private static Run run(boolean coalesce, int batch, List<byte[]> packets) {
        final TranslatorConfig config = TranslatorConfig.builder()
            .pool6(new Ipv6Prefix(POOL6_HI, 0L, 96))
            .ipv4Address(Ipv4Addresses.parse("203.0.113.1"))
            .build();
        // the same Identification key and counter in both runs: IPv6-to-IPv4 output must match id for id
        final Translator translator = new Translator(config, new AddressMapping(config), new DropCounters(), 7, 0);
        final FakeQueue queue = new FakeQueue().vnet();
        final DeviceCounters counters = new DeviceCounters();
        final DeviceErrorHandler errors = (device, worker, operation, errno, fatal) -> {
            throw new AssertionError(operation + " errno " + errno);
        };
        final WorkerAgent agent = new WorkerAgent(0, translator, WorkerPorts.siit(Port.both(queue, counters, null,
            errors, 0)), errors, new CachedNanoClock(), batch, coalesce);
        for (final byte[] p : packets) {
            queue.inject(p);
        }
        while (agent.doWork() > 0) {
            // one batch after the other, each flushed before the next is read
        }
        return new Run(queue.written, counters);
    }

    /** The datagrams the kernel makes of each written packet (its virtio-net header in front). */
    static List<byte[]> segment(List<byte[]> written) {
        final List<byte[]> out = new ArrayList<>();
        for (final byte[] w : written) {
            final UnsafeBuffer h = new UnsafeBuffer(w);
            final byte[] packet = Arrays.copyOfRange(w, VirtioNetHeader.LENGTH, w.length);
            if (VirtioNetHeader.gsoType(h, 0) == VirtioNetHeader.GSO_NONE) {
                assertEquals(0, VirtioNetHeader.flags(h, 0), "an ordinary packet goes out complete");
                out.add(packet);
                continue;
            }
            assertEquals(VirtioNetHeader.GSO_UDP_L4, VirtioNetHeader.gsoType(h, 0));
            assertEquals(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.flags(h, 0));
            final int l3 = VirtioNetHeader.csumStart(h, 0);
            assertEquals(6, VirtioNetHeader.csumOffset(h, 0), "the UDP checksum field");
            assertEquals(l3 + 8, h.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN), "hdr_len: IP and UDP headers");
            out.addAll(cut(packet, l3, VirtioNetHeader.gsoSize(h, 0)));
        }
        return out;
    }

    /**
     * The kernel's UDP segmentation: each segment gets the headers with its own lengths, IPv4 the first id + k and
     * a new header checksum; the UDP checksum field, holding the pseudo-header sum of the whole, is adjusted for
     * the segment's length (csum16_sub of the old, csum16_add of the new) and then completed over the segment,
     * 0 becoming 0xFFFF.
     */
    private static List<byte[]> cut(byte[] superPacket, int l3, int gsoSize) {
        final int headers = l3 + 8;
        final int oldUdpLength = u16(superPacket, l3 + 4);
        assertEquals(superPacket.length - l3, oldUdpLength, "the UDP length of the whole");
        final int partial = u16(superPacket, l3 + 6);
        final int id = l3 == 20 ? u16(superPacket, 4) : 0;
        final List<byte[]> out = new ArrayList<>();
        int k = 0;
        for (int at = headers; at < superPacket.length; at += gsoSize, k++) {
            final int payload = Math.min(gsoSize, superPacket.length - at);
            final byte[] s = new byte[headers + payload];
            System.arraycopy(superPacket, 0, s, 0, headers);
            System.arraycopy(superPacket, at, s, headers, payload);
            final UnsafeBuffer b = new UnsafeBuffer(s);
            if (l3 == 20) {
                b.putShort(2, (short) s.length, BIG_ENDIAN);
                b.putShort(4, (short) (id + k), BIG_ENDIAN);
                b.putShort(10, (short) 0);
                b.putShort(10, (short) Checksum.compute(b, 0, 20), BIG_ENDIAN);
            } else {
                b.putShort(4, (short) (s.length - 40), BIG_ENDIAN);
            }
            final int udpLength = s.length - l3;
            b.putShort(l3 + 4, (short) udpLength, BIG_ENDIAN);
            b.putShort(l3 + 6, (short) Checksum.fold(partial + (~oldUdpLength & 0xFFFF) + udpLength), BIG_ENDIAN);
            final int c = Checksum.finish(Checksum.sum(b, l3, udpLength, 0));
            b.putShort(l3 + 6, (short) (c == 0 ? 0xFFFF : c), BIG_ENDIAN);
            out.add(s);
        }
        return out;
    }

    /**
     * Runs {@code in} through a worker with coalescing and one without, checks that the kernel makes of the first's
     * writes exactly what the second wrote, and returns the first's run.
     */
    private static Run coalescedAsWithout(List<byte[]> in, int batch) {
        final Run off = run(false, batch, in);
        final Run on = run(true, batch, in);
        assertSameDatagrams(segment(off.written), segment(on.written));
        return on;
    }

    private static void assertSameDatagrams(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "datagrams");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "datagram " + i);
        }
    }

    private static List<byte[]> ipv4Flow(int count, int payload, int sourcePort) {
        final List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            in.add(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, sourcePort, 5001, Packets.bytes(payload, i)));
        }
        return in;
    }

    private static List<byte[]> ipv6Flow(int count, int payload, int sourcePort) {
        final List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            in.add(ipv6Udp(POOL6_HI, SERVER_V4 & 0xFFFFFFFFL, POOL6_HI, CLIENT_V4 & 0xFFFFFFFFL, 64, 5001, sourcePort,
                Packets.bytes(payload, i)));
        }
        return in;
    }

    @Test
    void shouldWriteABurstOfOneIpv4FlowAsOneIpv6SuperPacketThatTheKernelCutsIntoTheSameDatagrams() {
        final List<byte[]> in = ipv4Flow(10, 64, 4000);
        in.add(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5001, Packets.bytes(20, 99))); // a smaller last one

        final Run off = run(false, 64, in);
        final Run on = run(true, 64, in);

        assertEquals(11, off.written.size());
        assertEquals(1, on.written.size(), "one write for the whole burst");
        assertEquals(VirtioNetHeader.GSO_UDP_L4, on.written.get(0)[1]);
        assertEquals(64 + 8, VirtioNetHeader.gsoSize(new UnsafeBuffer(on.written.get(0)), 0) + 8,
            "gso_size: the payload of a segment, without the UDP header");
        assertSameDatagrams(segment(off.written), segment(on.written));
        assertEquals(11, on.counters.get(DeviceMetric.TX_PACKETS), "tx-packets still counts datagrams");
        assertEquals(off.counters.get(DeviceMetric.TX_BYTES), on.counters.get(DeviceMetric.TX_BYTES));
        assertEquals(11, on.counters.get(DeviceMetric.TX_COALESCED));
    }

    @Test
    void shouldWriteABurstOfOneIpv6FlowAsOneIpv4SuperPacketWhoseIdentificationsTheKernelCountsUp() {
        final List<byte[]> in = ipv6Flow(12, 64, 4000);

        final Run off = run(false, 64, in);
        final Run on = run(true, 64, in);

        assertEquals(1, on.written.size());
        final List<byte[]> expected = segment(off.written);
        for (int i = 1; i < expected.size(); i++) {
            assertEquals((u16(expected.get(i - 1), 4) + 1) & 0xFFFF, u16(expected.get(i), 4),
                "the translator's ids of one flow in a batch are consecutive");
        }
        assertSameDatagrams(expected, segment(on.written));
    }

    @Test
    void shouldNotMergeIpv4DatagramsWhoseIdentificationsAreNotConsecutive() {
        // above 1260 bytes the translator sets DF and id 0 (RFC 7915 section 5.1); the kernel would count up
        final List<byte[]> in = ipv6Flow(5, 1300, 4000);

        final Run on = coalescedAsWithout(in, 64);

        assertEquals(5, on.written.size(), "each alone");
        assertEquals(0, on.counters.get(DeviceMetric.TX_COALESCED));
    }

    @Test
    void shouldWriteADatagramWithAWrongOrMissingChecksumAloneAndAsItIs() {
        final List<byte[]> in = ipv4Flow(6, 64, 4000);
        in.get(2)[20 + 8 + 5] ^= 0x40; // a payload bit flipped after the checksum was made: it stays wrong
        final byte[] zero = in.get(4);
        zero[20 + 6] = 0;
        zero[20 + 7] = 0; // RFC 768 "no checksum", which the translator computes for IPv6 (RFC 7915 4.5)

        final Run on = coalescedAsWithout(in, 64);

        assertTrue(on.written.size() >= 3, "the flow is cut at the wrong checksum: " + on.written.size());
    }

    @Test
    void shouldMergeOnlyConsecutiveDatagramsOfOneFlowAndKeepTheOrderOnTheQueue() {
        final List<byte[]> a = ipv4Flow(4, 64, 4000);
        final List<byte[]> b = ipv4Flow(4, 64, 4001);
        final List<byte[]> in = new ArrayList<>();
        in.addAll(a.subList(0, 2));
        in.add(b.get(0));
        in.addAll(a.subList(2, 4));
        in.addAll(b.subList(1, 4));
        in.add(Packets.ipv4().src(CLIENT_V4).dst(SERVER_V4).icmp(Packets.icmp(8, 0, 0x00010001, new byte[16]))
            .build());
        in.add(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4001, 5001, Packets.bytes(100, 7))); // bigger than the segment

        final Run on = coalescedAsWithout(in, 64);

        assertEquals(6, on.written.size(), "a a | b | a a | b b b | echo | bigger");
    }

    @Test
    void shouldNeverAskTheKernelForMoreThanItsSixtyFourSegments() {
        final List<byte[]> in = ipv4Flow(70, 64, 4000);

        final Run on = coalescedAsWithout(in, 100);

        assertEquals(2, on.written.size(), "64 and 6");
    }

    @Test
    void shouldKeepNothingWaitingPastTheBatchItWasReadIn() {
        final List<byte[]> in = ipv4Flow(5, 64, 4000);

        final Run on = coalescedAsWithout(in, 2);

        assertEquals(3, on.written.size(), "batches of 2, 2 and 1");
    }

    @Test
    void shouldNotAllocateWhileCoalescing() {
        final TranslatorConfig config = TranslatorConfig.builder().pool6(new Ipv6Prefix(POOL6_HI, 0L, 96)).build();
        final FakeQueue queue = new FakeQueue().vnet();
        final DeviceCounters counters = new DeviceCounters();
        final DeviceErrorHandler errors = (device, worker, operation, errno, fatal) -> { };
        final WorkerAgent agent = new WorkerAgent(0, new Translator(config, new DropCounters()),
            WorkerPorts.siit(Port.both(queue, counters, null, errors, 0)), errors, new CachedNanoClock(), 64, true);
        queue.replay(ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 4000, 5001, Packets.bytes(64, 1)));
        Allocations.assertEventuallyAllocatesNothing("6,400 datagrams in batches of 64", 20, () -> {
            for (int i = 0; i < 100; i++) {
                queue.refill(64);
                agent.doWork();
            }
        });
        assertTrue(counters.get(DeviceMetric.TX_COALESCED) >= 6_400, "they were coalesced");
        assertEquals(counters.get(DeviceMetric.TX_PACKETS), 64 * queue.writeCount, "one write per batch of 64");
    }

    @Test
    void shouldWriteOneDatagramAtATimeOnceTheKernelRefusedASuperPacket() {
        final TranslatorConfig config = TranslatorConfig.builder().pool6(new Ipv6Prefix(POOL6_HI, 0L, 96)).build();
        final FakeQueue queue = new FakeQueue().vnet();
        final DeviceCounters counters = new DeviceCounters();
        final List<String> errors = new ArrayList<>();
        final DeviceErrorHandler handler = (device, worker, operation, errno, fatal) -> errors.add(operation + " "
            + errno);
        final WorkerAgent agent = new WorkerAgent(0, new Translator(config, new DropCounters()),
            WorkerPorts.siit(Port.both(queue, counters, null, handler, 0)), handler, new CachedNanoClock(), 64, true);
        ipv4Flow(4, 64, 4000).forEach(queue::inject);
        queue.failWrites(LinuxNative.EINVAL);
        agent.doWork();
        queue.failWrites(0);
        ipv4Flow(4, 64, 4000).forEach(queue::inject);
        agent.doWork();

        assertEquals(List.of("write " + LinuxNative.EINVAL), errors, "reported once");
        assertEquals(1, counters.get(DeviceMetric.WRITE_ERRORS), "the one super-packet lost");
        assertEquals(4, queue.written.size(), "then each datagram alone");
        assertEquals(0, counters.get(DeviceMetric.TX_COALESCED));
    }

    @Test
    void shouldTakeOnlyPlainUdpWithCorrectLengthsAndChecksums() {
        final byte[] good = ipv4Udp(CLIENT_V4, SERVER_V4, 64, 0, 1, 2, Packets.bytes(10, 1));
        final UnsafeBuffer b = new UnsafeBuffer(good);
        assertTrue(Coalescer.candidate(b, 0, good.length));
        final byte[] fragment = Packets.ipv4().src(CLIENT_V4).dst(SERVER_V4).flags(0x2000)
            .udp(Packets.udp(1, 2, Packets.bytes(10, 1))).build();
        assertEquals(false, Coalescer.candidate(new UnsafeBuffer(fragment), 0, fragment.length), "a first fragment");
        final byte[] badHeader = Packets.ipv4().src(CLIENT_V4).dst(SERVER_V4).badHeaderChecksum()
            .udp(Packets.udp(1, 2, Packets.bytes(10, 1))).build();
        assertEquals(false, Coalescer.candidate(new UnsafeBuffer(badHeader), 0, badHeader.length),
            "a wrong IPv4 header checksum");
        assertEquals(false, Coalescer.candidate(b, 0, good.length - 1), "lengths that disagree");
    }
}
