package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.xlat.control.testing.NamespaceLab.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat trace} attached to a running {@code xlat run} with two tenants in use ({@link TwoTenantLab}): the
 * pcapng it writes is read back with tshark, whose {@code frame.comment} field carries each packet's tenant,
 * direction and verdict.
 */
class TraceIT {

    private static TwoTenantLab topology;
    private static NamespaceLab lab;
    private static Process xlat;

    @BeforeAll
    static void startXlatWithTwoTenants() throws Exception {
        NamespaceLab.requireRoot("ping", "tshark");
        topology = new TwoTenantLab("xtrc", 1);
        lab = topology.lab;
        xlat = lab.startXlat(topology.nsx, topology.xlatLog, "xlat: started: ", "--config", topology.config.toString());
        topology.tenantSides();
    }

    @AfterAll
    static void stopXlatAndDeleteNamespaces() {
        NamespaceLab.stopAndClose(lab, xlat, topology.xlatLog);
    }

    @Test
    void shouldCaptureBothTenantsPacketsInAndOutWithTheirVerdictAsPcapngComments() throws Exception {
        final Path out = lab.dir.resolve("both.pcapng");
        final Path log = lab.dir.resolve("trace-both.log");
        final Process trace = startTrace(log, "-w", out.toString());
        ping(3, "");
        NamespaceLab.stop(trace, 10_000);

        assertTrue(read(log).contains("records lost"), read(log));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)),
            "packets are private: the trace file is the owner's alone");
        final List<String> rows = tshark(out, "frame.interface_id", "frame.comment", "icmp.type", "icmpv6.type");
        final String all = String.join("\n", rows);
        for (final String tenant : List.of("blue", "red")) {
            // the echo request as it came in on the IPv4 side, then as it went out on the IPv6 side
            assertEquals(3, count(rows, "0\ttenant=" + tenant + " direction=46 in verdict=translated\t8\t"), all);
            assertEquals(3, count(rows, "1\ttenant=" + tenant + " direction=46 out\t\t128"), all);
            // the reply from the fabric to the tenant's instance prefix, and its IPv4 form
            assertEquals(3, count(rows, "1\ttenant=" + tenant + " direction=64 in verdict=translated\t\t129"), all);
            assertEquals(3, count(rows, "0\ttenant=" + tenant + " direction=64 out\t0\t"), all);
        }
    }

    @Test
    void shouldTraceOnlyTheTenantAskedForAndStopAfterCountPackets() throws Exception {
        final Path out = lab.dir.resolve("red.pcapng");
        final Path log = lab.dir.resolve("trace-red.log");
        final Process trace = startTrace(log, "--tenant", "red", "--count", "2", "-w", out.toString());
        ping(2, "");
        assertTrue(trace.waitFor(20, TimeUnit.SECONDS), "ends by itself after --count: " + read(log));
        assertEquals(0, trace.exitValue(), read(log));

        final List<String> comments = tshark(out, "frame.comment");
        // red's first request and its reply, each with its translation; none of blue's
        assertEquals(List.of("tenant=red direction=46 in verdict=translated", "tenant=red direction=46 out",
            "tenant=red direction=64 in verdict=translated", "tenant=red direction=64 out"), comments);
    }

    @Test
    void shouldTraceOnlyPacketsOfTheDropReasonWithTheIcmpErrorSentBack() throws Exception {
        final Path log = lab.dir.resolve("trace-ttl.log");
        final Process trace = startTrace(log, "--reason", "ttl-expired", "--text");
        // blue's requests expire in the translator (TTL 1), red's go through: only blue's are traced
        ping(2, "1");
        NamespaceLab.stop(trace, 10_000);

        final String text = read(log);
        final long expired = text.lines().filter(l -> l.contains("[tenant=blue direction=46 in verdict=icmp-error "
            + "reason=ttl-expired]")).count();
        assertEquals(2, expired, text);
        assertEquals(2, text.lines().filter(l -> l.contains("[tenant=blue direction=46 out]")
            && l.contains("ICMP time-exceeded 11/0")).count(), "the Time Exceeded sent back to blue: " + text);
        assertTrue(!text.contains("tenant=red"), "red's packets were not dropped: " + text);
    }

    private static Process startTrace(Path log, String... args) throws Exception {
        final String[] all = new String[args.length + 3];
        all[0] = "trace";
        all[1] = "--counters-file";
        all[2] = topology.countersFile.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return lab.startJava(topology.nsx, log, "xlat trace: attached", io.xlat.control.cli.Main.class.getName(),
            all);
    }

    /** {@code n} pings from blue and red at once; blue's with TTL {@code blueTtl} when given. */
    private static void ping(int n, String blueTtl) throws Exception {
        final String[] blue = blueTtl.isEmpty()
            ? new String[] {"ping", "-n", "-c", Integer.toString(n), "-i", "0.2", "-W", "1", "10.0.0.200"}
            : new String[] {"ping", "-n", "-t", blueTtl, "-c", Integer.toString(n), "-i", "0.2", "-W", "1",
                "10.0.0.200"};
        final CompletableFuture<NamespaceLab.Result> b = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsBlue, 20_000, blue));
        final CompletableFuture<NamespaceLab.Result> r = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsRed, 20_000, "ping", "-n", "-c", Integer.toString(n), "-i", "0.2", "-W", "1",
                "10.0.0.200"));
        if (blueTtl.isEmpty()) {
            assertEquals(0, b.get().exitCode(), b.get().output());
        } else {
            b.get();
        }
        assertEquals(0, r.get().exitCode(), r.get().output());
        Thread.sleep(300);
    }

    private static List<String> tshark(Path pcapng, String... fields) {
        final String[] command = new String[4 + 2 * fields.length];
        command[0] = "tshark";
        command[1] = "-r";
        command[2] = pcapng.toString();
        command[3] = "-Tfields";
        for (int i = 0; i < fields.length; i++) {
            command[4 + 2 * i] = "-e";
            command[5 + 2 * i] = fields[i];
        }
        final NamespaceLab.Result r = lab.exec(30_000, command);
        assertEquals(0, r.exitCode(), r.output());
        return Arrays.stream(r.output().split("\n")).filter(l -> l.contains("tenant=")).toList();
    }

    private static long count(List<String> rows, String prefix) {
        return rows.stream().filter(l -> l.startsWith(prefix)).count();
    }
}
