package io.xlat.bench;

import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Translation cost against the number of tenant instances: UDP packets spread over all tenants (a fixed random
 * sequence of {@link #PACKETS} tenants, so the tables are touched as real traffic would touch them). 64 measures
 * the demultiplexing lookup by instance prefix; 46 the per-tenant path from a known device.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TenantBenchmark {
    static final int PACKETS = 4096;
    private static final int SLOT = 128;

    @Param({"1", "1000", "100000"})
    public int tenants;

    private final ConsumingSink forward = new ConsumingSink();
    private final ConsumingSink back = new ConsumingSink();
    private UnsafeBuffer templates46;
    private UnsafeBuffer templates64;
    private final int[] tenantOf = new int[PACKETS];
    private int length46;
    private int length64;
    private UnsafeBuffer work;
    private Translator translator;
    private int next;

    /** Tenant i: prefix fd00:&lt;i&gt;::/96 (ULA), IPv4 10.0.0.0/24 for all: fully overlapping IPv4. */
    static TenantTable table(int count) {
        final List<TenantConfig> configs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final long hi = 0xfd00_0000_0000_0000L | ((long) i << 16);
            configs.add(new TenantConfig("t" + i, new Ipv6Prefix(hi, 0, 96),
                List.of(Ipv4Prefix.parse("10.0.0.0/24")), null, null, List.of()));
        }
        return new TenantTable(configs);
    }

    @Setup(Level.Trial)
    public void setUp() {
        final TenantTable table = table(tenants);
        translator = new Translator(Scenario.config(), new DropCounters());
        translator.tenants(table);
        final SplittableRandom random = new SplittableRandom(42);
        templates46 = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PACKETS * SLOT, 64));
        templates64 = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PACKETS * SLOT, 64));
        work = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Translator.HEADROOM + 2048, 64));
        final byte[] udp = BenchPackets.udp(4000, 53, BenchPackets.payload(36, 7));
        final byte[] v4 = BenchPackets.ipv4(64, 17, 0x0A000001, 0x0A000002, 0x1234, udp);
        length46 = v4.length;
        for (int p = 0; p < PACKETS; p++) {
            final int t = random.nextInt(tenants);
            tenantOf[p] = t;
            templates46.putBytes(p * SLOT, v4);
            final long hi = 0xfd00_0000_0000_0000L | ((long) t << 16);
            final byte[] v6 = BenchPackets.ipv6(64, 17, new long[] {hi, 0x0A000002L}, new long[] {hi, 0x0A000001L},
                BenchPackets.udp(53, 4000, BenchPackets.payload(36, 7)));
            length64 = v6.length;
            templates64.putBytes(p * SLOT, v6);
        }
    }

    @TearDown(Level.Trial)
    public void checkEveryPacketWasForwarded() {
        long drops = translator.counters().totalDrops();
        long translated = 0;
        for (int i = 0; i < translator.tenants().size(); i++) {
            drops += translator.tenantCounters(i).totalDrops();
            translated += translator.tenantCounters(i).translated46Count() + translator.tenantCounters(i).translated64Count();
        }
        if (drops != 0 || back.packets() != 0 || forward.packets() != translated) {
            throw new IllegalStateException("tenants=" + tenants + ": drops=" + drops + " back=" + back.packets()
                + " forward=" + forward.packets() + " translated=" + translated);
        }
    }

    /** IPv6 from the fabric: find the tenant by instance prefix, strip it. */
    @Benchmark
    public int udp64(Blackhole blackhole) {
        final int p = next++ & (PACKETS - 1);
        work.putBytes(Translator.HEADROOM, templates64, p * SLOT, length64);
        final int emitted = translator.translate(work, Translator.HEADROOM, length64, 0, forward, back);
        blackhole.consume(forward.fingerprint());
        return emitted;
    }

    /** IPv4 from a tenant's device: anti-spoofing check, prefix on both addresses. */
    @Benchmark
    public int udp46(Blackhole blackhole) {
        final int p = next++ & (PACKETS - 1);
        work.putBytes(Translator.HEADROOM, templates46, p * SLOT, length46);
        final int emitted = translator.translateFromTenant(tenantOf[p], work, Translator.HEADROOM, length46, 0,
            forward, back);
        blackhole.consume(forward.fingerprint());
        return emitted;
    }

    /**
     * Heap held by the tenant table and one worker's counters, per tenant: run with
     * {@code java -cp bench/target/benchmarks.jar io.xlat.bench.TenantBenchmark}.
     */
    public static void main(String[] args) {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        final long before = usedAfterGc();
        final TenantTable table = table(count);
        final Translator translator = new Translator(Scenario.config(), new DropCounters());
        final long withTranslator = usedAfterGc();
        translator.tenants(table);
        final long after = usedAfterGc();
        System.out.printf("%d tenants: table %.0f bytes/tenant, per-worker copy with counters %.0f bytes/tenant%n",
            count,
            (withTranslator - before) / (double) count, (after - withTranslator) / (double) count);
        if (translator.tenants().size() != table.size()) {
            throw new IllegalStateException();
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        final Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
