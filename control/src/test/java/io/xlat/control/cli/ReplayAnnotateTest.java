package io.xlat.control.cli;

import io.xlat.core.testing.Packets;
import io.xlat.tunio.pcap.CaptureReader;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapWriter;
import io.xlat.tunio.pcap.PcapngReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat replay --annotate / --dropped / --expect}: what a user opens in Wireshark to see where each output
 * packet came from and why input packets were dropped, and the one-capture comparison. Comments are read back with
 * tshark, as the user would see them.
 */
class ReplayAnnotateTest {

    private static final String CONFIG = "translator:\n  pool6: \"2001:db8:64::/96\"\n  ipv4-address: 203.0.113.1\n"
        + "  ipv6-address: \"2001:db8:ffff::1\"\n  eamt: [{ipv4: 192.0.2.0/24, ipv6: \"2001:db8:6::/120\"}]\n"
        + "  hairpin: intrinsic\n";

    @TempDir
    Path dir;

    private Path config() throws IOException {
        final Path config = dir.resolve("xlat.yaml");
        Files.writeString(config, CONFIG);
        return config;
    }

    /**
     * 1: translated 4->6; 2: TTL 1 (dropped, ICMP error back); 3: hairpinned 6->6; 4: a source without mapping
     * (dropped, and with ipv6-address configured an ICMPv6 error goes back).
     */
    private Path input() throws IOException {
        final Path in = dir.resolve("in.pcap");
        final byte[][] packets = {
            Packets.ipv4Udp("198.51.100.10", "192.0.2.33", 64, 0, 40000, 53, new byte[4]),
            Packets.ipv4Udp("198.51.100.10", "192.0.2.33", 1, 0, 40000, 53, new byte[4]),
            Packets.ipv6Udp("2001:db8:6::21", "2001:db8:64::c000:244", 64, 40000, 53, new byte[4]),
            Packets.ipv6Udp("2001:db8:9::1", "2001:db8:6::21", 64, 40000, 53, new byte[4]),
        };
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            for (int i = 0; i < packets.length; i++) {
                writer.write(new UnsafeBuffer(packets[i]), 0, packets[i].length, 1_700_000_000_000_000_000L + i * 1000);
            }
        }
        return in;
    }

    /** The packet comments of a pcapng file, one per packet ("" for none), as tshark shows them. */
    private static List<String> comments(Path file) throws IOException, InterruptedException {
        final Process tshark = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e",
            "frame.comment").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tshark.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tshark.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void shouldNameTheInputPacketAndWhatBecameOfItInEveryOutputAndDroppedPacket() throws Exception {
        final Path out = dir.resolve("out.pcapng");
        final Path dropped = dir.resolve("dropped.pcapng");

        final CliRun run = CliRun.of("replay", "-c", config().toString(), "--annotate", "--dropped",
            dropped.toString(), input().toString(), out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(List.of(
            "input packet 1; global; translated",
            "input packet 2; global; ICMP error sent by xlat (input dropped: ttl-expired)",
            "input packet 3; global; hairpinned back (RFC 7757 section 4.2)",
            "input packet 4; global; ICMP error sent by xlat (input dropped: no-mapping-source)"), comments(out));
        final List<String> why = comments(dropped);
        assertEquals(2, why.size(), why.toString());
        assertTrue(why.get(0).startsWith("input packet 2; dropped: ttl-expired (RFC 7915"), why.get(0));
        assertTrue(why.get(1).startsWith("input packet 4; dropped: no-mapping-source"), why.get(1));
        try (CaptureReader reader = CaptureReader.open(dropped)) {
            assertTrue(reader instanceof PcapngReader);
            assertEquals(LinkType.RAW, reader.linkType(), "dropped packets keep the input's link type");
        }
        // hairpinned packets are not ICMP errors: the summary says which is which
        assertTrue(run.out().matches("(?s).*\n  hairpinned +1\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*\n  icmp errors sent +2\n.*"), run.out());
    }

    @Test
    void shouldCompareOneCaptureWithItsExpectedOutputAndNameTheDifferingField() throws IOException {
        final Path in = input();
        final Path expected = dir.resolve("expected.pcap");
        assertEquals(ExitCodes.OK, CliRun.of("replay", "-c", config().toString(), in.toString(),
            expected.toString()).exitCode());
        final Path out = dir.resolve("out.pcap");

        final CliRun same = CliRun.of("replay", "-c", config().toString(), "--expect", expected.toString(),
            in.toString(), out.toString());
        assertEquals(ExitCodes.OK, same.exitCode(), same.out() + same.err());
        assertTrue(same.out().contains(out + " matches " + expected + " (4 packets)"), same.out());

        // the hop limit of the first (IPv6) packet one lower than xlat writes
        final byte[] bytes = Files.readAllBytes(expected);
        bytes[24 + 16 + 7]--;
        Files.write(expected, bytes);
        final CliRun differs = CliRun.of("replay", "-c", config().toString(), "--expect", expected.toString(),
            in.toString(), out.toString());
        assertEquals(ExitCodes.FAILURE, differs.exitCode(), differs.out());
        assertTrue(differs.out().contains("packet 1: IPv6 hop limit: expected 62, got 63\n"), differs.out());
        assertTrue(differs.out().contains(out + " differs from " + expected + ": 1 difference"), differs.out());

        final CliRun ignored = CliRun.of("replay", "-c", config().toString(), "--expect", expected.toString(),
            "--ignore", "ipv6.hop-limit", in.toString(), out.toString());
        assertEquals(ExitCodes.OK, ignored.exitCode(), ignored.out());

        final CliRun bad = CliRun.of("replay", "-c", config().toString(), "--expect", expected.toString(),
            "--ignore", "ipv6.hoplimit!", in.toString(), out.toString());
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("'ipv6.hoplimit!' is not a field name"), bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }

    @Test
    void shouldRefuseABrokenPcapngWithTheByteOffsetAndNoStackTrace() throws IOException {
        final Path ng = dir.resolve("cut.pcapng");
        final Path out = dir.resolve("ng-out.pcapng");
        assertEquals(ExitCodes.OK, CliRun.of("replay", "-c", config().toString(), input().toString(),
            out.toString()).exitCode());
        final byte[] whole = Files.readAllBytes(out);
        Files.write(ng, java.util.Arrays.copyOf(whole, whole.length - 5));

        final CliRun run = CliRun.of("replay", "-c", config().toString(), ng.toString(), dir.resolve("x.pcap")
            .toString());

        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.err().matches("xlat replay: error: " + java.util.regex.Pattern.quote(ng.toString())
            + ": block at byte \\d+: the file ends inside .*\n"), run.err());
        assertFalse(Files.exists(dir.resolve("x.pcap")), "no half-written output");
    }

    @Test
    void shouldExplainIpv4PacketsAsUnattributableWhenTenantsExistAndNoTenantIsGiven() throws IOException {
        final Path config = dir.resolve("tenants.yaml");
        Files.writeString(config, "tenants:\n  - name: blue\n    prefix: \"2001:db8:100:1::/96\"\n"
            + "    ipv4: [10.0.0.0/25]\n    tun: xb-blue\n");
        final Path in = dir.resolve("v4.pcap");
        final byte[] v4 = Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, new byte[2]);
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            writer.write(new UnsafeBuffer(v4), 0, v4.length, 0);
        }
        final CliRun run = CliRun.of("explain", "-c", config.toString(), "--pcap", in.toString());
        final List<String> lines = new ArrayList<>(run.out().lines().toList());
        assertEquals(List.of("1  00:00:00.000000  IPv4  global or a tenant (IPv4 alone cannot tell: give --tenant "
            + "NAME)  10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53"), lines, run.err());
    }

    @Test
    void shouldExitTwoForAnUnknownCommandEvenWithHelp() {
        final CliRun run = CliRun.of("nosuchcmd", "--help");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("xlat: unknown command 'nosuchcmd'"), run.err());
        assertEquals("", run.out());
    }
}
