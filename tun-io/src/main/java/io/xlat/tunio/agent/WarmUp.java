package io.xlat.tunio.agent;

import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.checksum.Checksum;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.tun.FdQueue;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.UringQueue;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BufferUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Runs the workers' code over socket pairs before real traffic depends on it, so that the JIT has compiled it.
 *
 * <p>A packet that comes while the path is still interpreted costs tens of microseconds more: at a ping every
 * 20 ms, the first thousand echo requests through a fresh xlat paid for it (average 0.25 ms against 0.18 ms with
 * the path compiled early; BENCHMARKS.md, "Warm-up"). The JIT compiles code, not instances, so a scratch
 * {@link WorkerAgent} with its own translator, counters and ports translates a mix of echo requests and replies,
 * UDP, TCP, ICMP errors and packets that make the translator send one, in both directions, through every port role
 * ({@link PortRole#BOTH}; IPv6, IPv4 and tenant), with or without virtio-net headers as the real devices have them.
 * The workers' classes (ports, queue writers, the router) are the real ones, so the profiles the JIT compiles with
 * are those of real traffic. Nothing reaches a device or the counters file; addresses are documentation ones and
 * exist only in these buffers.
 */
public final class WarmUp {

    /** Rounds by default: each packet kind passes this often, past the JIT's thresholds for its optimising tier. */
    public static final int DEFAULT_ROUNDS = 5_000;

    private static final String POOL6 = "2001:db8:46::/96";
    private static final int CLIENT = 0xC0000201; // 192.0.2.1
    private static final int SERVER = 0xC6336401; // 198.51.100.1
    private static final String TENANT_PREFIX = "2001:db8:7e::/96";
    private static final int TENANT_A = 0x0A000001; // 10.0.0.1, inside the tenant only
    private static final int TENANT_B = 0x0A000002;
    private static final int PACKET_ROOM = 256;

    private final boolean offloads;
    /** Whether the workers coalesce UDP on write (dataplane.coalesce): then the scratch worker does too. */
    private final boolean coalesce;
    private final UnsafeBuffer packets = new UnsafeBuffer(BufferUtil.allocateDirectAligned(32 * PACKET_ROOM, 64));
    private final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16, 16));
    private final UnsafeBuffer iov = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 16));
    private final UnsafeBuffer drain = WorkerAgent.slot();
    private int count;
    private final int[] offset = new int[32];
    private final int[] length = new int[32];
    /** Which injecting end each packet goes into (an index of {@link #ends}). */
    private final int[] into = new int[32];
    private FdQueue[] ends;
    /** Whether the worker's ends go through io_uring (dataplane.io), and the rings made for them, to close. */
    private final boolean uring;
    private final List<UringQueue> rings = new ArrayList<>();

    /** What a warm-up did, for the start log and tests. */
    public record Result(long packetsIn, long packetsOut, long drops, long millis) {
    }

    private WarmUp(boolean offloads, boolean coalesce, boolean uring) {
        this.uring = uring;
        this.offloads = offloads;
        this.coalesce = coalesce;
        VirtioNetHeader.writeNone(header, 0);
    }

    /**
     * Runs {@code rounds} rounds of every packet kind through both port layouts.
     *
     * @param offloads whether the real devices carry virtio-net headers (dataplane.offload)
     * @throws IOException when no socket pair can be made (nothing was warmed)
     */
    public static Result run(boolean offloads, int rounds) throws IOException {
        return run(offloads, false, rounds);
    }

    /**
     * As {@link #run(boolean, int)}, with the workers' coalescing on write ({@code dataplane.coalesce}) when
     * {@code coalesce}, so that its path is compiled too.
     */
    public static Result run(boolean offloads, boolean coalesce, int rounds) throws IOException {
        return run(offloads, coalesce, false, rounds);
    }

    /**
     * As {@link #run(boolean, boolean, int)}, with the worker's ends read and written through io_uring when
     * {@code uring} ({@code dataplane.io: io_uring}), so that the path the workers run is the one compiled.
     */
    public static Result run(boolean offloads, boolean coalesce, boolean uring, int rounds) throws IOException {
        final long start = System.nanoTime();
        final WarmUp w = new WarmUp(offloads, offloads && coalesce, uring);
        final long[] totals = new long[3];
        try {
            w.runSiit(rounds, totals);
            w.runDevices(rounds, totals);
        } finally {
            w.closeRings();
        }
        return new Result(totals[0], totals[1], totals[2], (System.nanoTime() - start) / 1_000_000);
    }

    /** The worker's end of a pair: the queue itself, or a ring on it. */
    private PacketQueue workerSide(FdQueue queue) throws IOException {
        if (!uring) {
            return queue;
        }
        final UringQueue ring = new UringQueue(queue, UringQueue.DEFAULT_DEPTH);
        rings.add(ring);
        return ring;
    }

    /** Closes the rings before their descriptors close (each round's pairs close after their worker is done). */
    private void closeRings() {
        for (final UringQueue ring : rings) {
            ring.close();
        }
        rings.clear();
    }

    private static TranslatorConfig config() {
        return TranslatorConfig.builder()
            .pool6(Ipv6Prefix.parse(POOL6))
            .ipv4Address(0xC00002FE) // 192.0.2.254: the source of the ICMPv4 errors the translator sends
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ff::1/128"))
            .build();
    }

    /** Plain SIIT on one device: one {@link PortRole#BOTH} port. */
    private void runSiit(int rounds, long[] totals) throws IOException {
        final FdQueue[] device = FdQueue.pair("warm-up", offloads);
        ends = new FdQueue[] {device[1]};
        final DropCounters drops = new DropCounters();
        final Port both = Port.both(workerSide(device[0]), new DeviceCounters(), null, ignored(), 0);
        try {
            final WorkerAgent agent = new WorkerAgent(0, new Translator(config(), drops), WorkerPorts.siit(both),
                ignored(), SystemNanoClock.INSTANCE, WorkerAgent.DEFAULT_BATCH, coalesce);
            count = 0;
            addIpv4Kinds(CLIENT, SERVER, 0);
            addIpv6Kinds(pool6(SERVER), pool6(CLIENT), 0);
            loop(agent, rounds);
            totals[0] += both.counters.get(DeviceMetric.RX_PACKETS);
            totals[1] += both.counters.get(DeviceMetric.TX_PACKETS);
            totals[2] += drops.totalDrops();
        } finally {
            closeRings();
            device[0].close();
            device[1].close();
        }
    }

    /** The IPv6 device, an IPv4 device of a pair and a tenant's device, as in a combined configuration. */
    private void runDevices(int rounds, long[] totals) throws IOException {
        final FdQueue[] v6 = FdQueue.pair("warm-up-6", offloads);
        final FdQueue[] v4 = FdQueue.pair("warm-up-4", offloads);
        final FdQueue[] tenant = FdQueue.pair("warm-up-tenant", offloads);
        ends = new FdQueue[] {v6[1], v4[1], tenant[1]};
        final DropCounters drops = new DropCounters();
        try {
            final TenantTable table = new TenantTable(List.of(new TenantConfig("warm-up",
                Ipv6Prefix.parse(TENANT_PREFIX), List.of(Ipv4Prefix.parse("10.0.0.0/24")), null, null, List.of())));
            final PacketQueue v6Queue = workerSide(v6[0]);
            final PacketQueue v4Queue = workerSide(v4[0]);
            final PacketQueue tenantQueue = workerSide(tenant[0]);
            final Port ipv6 = new Port(PortRole.IPV6, v6Queue, v6Queue, new DeviceCounters(), null, ignored(), 0);
            final Port ipv4 = new Port(PortRole.IPV4, v4Queue, v4Queue, new DeviceCounters(), null, ignored(), 0);
            final Port tenantPort = new Port(PortRole.TENANT, tenantQueue, tenantQueue, new DeviceCounters(), null,
                ignored(), 0);
            final Translator translator = new Translator(config(), drops);
            final WorkerAgent agent = new WorkerAgent(0, translator,
                new WorkerPorts(table, null, ipv6, ipv4, new Port[] {tenantPort}), ignored(),
                SystemNanoClock.INSTANCE, WorkerAgent.DEFAULT_BATCH, coalesce);
            count = 0;
            addIpv4Kinds(CLIENT, SERVER, 1);
            addIpv6Kinds(pool6(SERVER), pool6(CLIENT), 0);
            addIpv4Kinds(TENANT_A, TENANT_B, 2);
            addIpv6Kinds(tenant(TENANT_B), tenant(TENANT_A), 0);
            loop(agent, rounds);
            for (final Port p : new Port[] {ipv6, ipv4, tenantPort}) {
                totals[0] += p.counters.get(DeviceMetric.RX_PACKETS);
                totals[1] += p.counters.get(DeviceMetric.TX_PACKETS);
            }
            totals[2] += drops.totalDrops() + translator.tenantCounters(0).totalDrops();
        } finally {
            closeRings();
            for (final FdQueue[] pair : new FdQueue[][] {v6, v4, tenant}) {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    private void loop(WorkerAgent agent, int rounds) {
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < count; i++) {
                final FdQueue end = ends[into[i]];
                if (offloads) {
                    end.writeWithHeader(header, packets, offset[i], length[i], iov);
                } else {
                    end.write(packets, offset[i], length[i]);
                }
            }
            agent.awaitReadable(0);
            agent.doWork();
            for (final FdQueue end : ends) {
                while (end.read(drain, 0, drain.capacity()) > 0) {
                    // what the worker wrote: read back so that the pair never fills
                }
            }
        }
    }

    private static long[] pool6(int ipv4) {
        return embed(Ipv6Prefix.parse(POOL6), ipv4);
    }

    private static long[] tenant(int ipv4) {
        return embed(Ipv6Prefix.parse(TENANT_PREFIX), ipv4);
    }

    private static long[] embed(Ipv6Prefix prefix, int ipv4) {
        return new long[] {prefix.hi(), prefix.lo() | (ipv4 & 0xFFFFFFFFL)};
    }

    /** An echo request, UDP, TCP, an ICMPv4 error about a UDP packet and a TTL-1 packet (a Time Exceeded back). */
    private void addIpv4Kinds(int src, int dst, int end) {
        final int echo = next(end);
        int n = ipv4(echo, src, dst, 64, IpProtocol.ICMP, 36);
        icmp4(echo, 8, 0, 36);
        done(n);
        final int udp = next(end);
        n = ipv4(udp, src, dst, 64, IpProtocol.UDP, 36);
        udp4(udp, src, dst, 36);
        done(n);
        final int tcp = next(end);
        n = ipv4(tcp, src, dst, 64, IpProtocol.TCP, 36);
        tcp4(tcp, src, dst, 36);
        done(n);
        // Destination Unreachable about the UDP packet the other side sent: the inner packet goes dst -> src
        final int error = next(end);
        n = ipv4(error, src, dst, 64, IpProtocol.ICMP, 8 + 20 + 8 + 8);
        final int inner = error + 28;
        ipv4(inner, dst, src, 63, IpProtocol.UDP, 16);
        udp4(inner, dst, src, 16);
        icmp4(error, 3, 1, 8 + 20 + 16);
        done(n);
        final int expiring = next(end);
        n = ipv4(expiring, src, dst, 1, IpProtocol.UDP, 36);
        udp4(expiring, src, dst, 36);
        done(n);
    }

    private void addIpv6Kinds(long[] src, long[] dst, int end) {
        final int reply = next(end);
        int n = ipv6(reply, src, dst, 64, IpProtocol.ICMPV6, 36);
        icmp6(reply, src, dst, 129, 0, 36);
        done(n);
        final int udp = next(end);
        n = ipv6(udp, src, dst, 64, IpProtocol.UDP, 36);
        transport6(udp, src, dst, IpProtocol.UDP, 36);
        done(n);
        final int tcp = next(end);
        n = ipv6(tcp, src, dst, 64, IpProtocol.TCP, 36);
        transport6(tcp, src, dst, IpProtocol.TCP, 36);
        done(n);
        final int error = next(end);
        n = ipv6(error, src, dst, 64, IpProtocol.ICMPV6, 8 + 40 + 16);
        final int inner = error + 48;
        ipv6(inner, dst, src, 63, IpProtocol.UDP, 16);
        transport6(inner, dst, src, IpProtocol.UDP, 16);
        icmp6(error, src, dst, 1, 0, 8 + 40 + 16);
        done(n);
        final int expiring = next(end);
        n = ipv6(expiring, src, dst, 1, IpProtocol.UDP, 36);
        transport6(expiring, src, dst, IpProtocol.UDP, 36);
        done(n);
    }

    private int next(int end) {
        final int at = count * PACKET_ROOM;
        packets.setMemory(at, PACKET_ROOM, (byte) 0);
        offset[count] = at;
        into[count] = end;
        return at;
    }

    private void done(int packetLength) {
        length[count] = packetLength;
        count++;
    }

    /** Writes an IPv4 header (DF set, no options) and returns the packet's total length. */
    private int ipv4(int at, int src, int dst, int ttl, int protocol, int payload) {
        packets.putByte(at, (byte) 0x45);
        packets.putShort(at + 2, (short) (20 + payload), BIG_ENDIAN);
        packets.putShort(at + 4, (short) 0x1234, BIG_ENDIAN);
        packets.putShort(at + 6, (short) 0x4000, BIG_ENDIAN);
        packets.putByte(at + 8, (byte) ttl);
        packets.putByte(at + 9, (byte) protocol);
        packets.putInt(at + 12, src, BIG_ENDIAN);
        packets.putInt(at + 16, dst, BIG_ENDIAN);
        packets.putShort(at + 10, (short) Checksum.compute(packets, at, 20), BIG_ENDIAN);
        return 20 + payload;
    }

    private void icmp4(int ip, int type, int code, int length) {
        final int at = ip + 20;
        packets.putByte(at, (byte) type);
        packets.putByte(at + 1, (byte) code);
        if (type == 8) {
            packets.putShort(at + 4, (short) 0x0700, BIG_ENDIAN);
            packets.putShort(at + 6, (short) 1, BIG_ENDIAN);
        }
        packets.putShort(at + 2, (short) Checksum.compute(packets, at, length), BIG_ENDIAN);
    }

    private void udp4(int ip, int src, int dst, int length) {
        final int at = ip + 20;
        packets.putShort(at, (short) 40000, BIG_ENDIAN);
        packets.putShort(at + 2, (short) 5001, BIG_ENDIAN);
        packets.putShort(at + 4, (short) length, BIG_ENDIAN);
        final long pseudo = Checksum.sumIpv4(src) + Checksum.sumIpv4(dst) + IpProtocol.UDP + length;
        packets.putShort(at + 6, (short) nonZero(Checksum.finish(Checksum.sum(packets, at, length, pseudo))),
            BIG_ENDIAN);
    }

    private void tcp4(int ip, int src, int dst, int length) {
        final int at = ip + 20;
        tcpHeader(at);
        final long pseudo = Checksum.sumIpv4(src) + Checksum.sumIpv4(dst) + IpProtocol.TCP + length;
        packets.putShort(at + 16, (short) Checksum.finish(Checksum.sum(packets, at, length, pseudo)), BIG_ENDIAN);
    }

    private void tcpHeader(int at) {
        packets.putShort(at, (short) 40001, BIG_ENDIAN);
        packets.putShort(at + 2, (short) 5201, BIG_ENDIAN);
        packets.putInt(at + 4, 1000, BIG_ENDIAN);
        packets.putInt(at + 8, 2000, BIG_ENDIAN);
        packets.putByte(at + 12, (byte) 0x50);
        packets.putByte(at + 13, (byte) 0x18); // ACK, PSH
        packets.putShort(at + 14, (short) 0xFFFF, BIG_ENDIAN);
    }

    private int ipv6(int at, long[] src, long[] dst, int hopLimit, int nextHeader, int payload) {
        packets.putInt(at, 0x60000000, BIG_ENDIAN);
        packets.putShort(at + 4, (short) payload, BIG_ENDIAN);
        packets.putByte(at + 6, (byte) nextHeader);
        packets.putByte(at + 7, (byte) hopLimit);
        packets.putLong(at + 8, src[0], BIG_ENDIAN);
        packets.putLong(at + 16, src[1], BIG_ENDIAN);
        packets.putLong(at + 24, dst[0], BIG_ENDIAN);
        packets.putLong(at + 32, dst[1], BIG_ENDIAN);
        return 40 + payload;
    }

    private void icmp6(int ip, long[] src, long[] dst, int type, int code, int length) {
        final int at = ip + 40;
        packets.putByte(at, (byte) type);
        packets.putByte(at + 1, (byte) code);
        if (type == 129) {
            packets.putShort(at + 4, (short) 0x0700, BIG_ENDIAN);
            packets.putShort(at + 6, (short) 1, BIG_ENDIAN);
        }
        final long pseudo = Checksum.sumIpv6(src[0], src[1]) + Checksum.sumIpv6(dst[0], dst[1]) + IpProtocol.ICMPV6
            + length;
        packets.putShort(at + 2, (short) Checksum.finish(Checksum.sum(packets, at, length, pseudo)), BIG_ENDIAN);
    }

    private void transport6(int ip, long[] src, long[] dst, int protocol, int length) {
        final int at = ip + 40;
        final int field;
        if (protocol == IpProtocol.UDP) {
            packets.putShort(at, (short) 40000, BIG_ENDIAN);
            packets.putShort(at + 2, (short) 5001, BIG_ENDIAN);
            packets.putShort(at + 4, (short) length, BIG_ENDIAN);
            field = at + 6;
        } else {
            tcpHeader(at);
            field = at + 16;
        }
        final long pseudo = Checksum.sumIpv6(src[0], src[1]) + Checksum.sumIpv6(dst[0], dst[1]) + protocol + length;
        final int sum = Checksum.finish(Checksum.sum(packets, at, length, pseudo));
        packets.putShort(field, (short) (protocol == IpProtocol.UDP ? nonZero(sum) : sum), BIG_ENDIAN);
    }

    /** RFC 768: a computed UDP checksum of zero is sent as all ones. */
    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    private static DeviceErrorHandler ignored() {
        return (device, worker, operation, errno, fatal) -> {
            // a socket pair of the warm-up: nothing for the operator
        };
    }
}
