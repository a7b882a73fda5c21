package io.xlat.control.cli;

import io.xlat.control.explain.PacketExplainer;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.testing.Packets;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainCommandTest {

    static final String CONFIG = """
        translator:
          pool6: 2001:db8:64::/96
          eamt:
            - {ipv4: 192.0.2.0/24, ipv6: "2001:db8:2::/120"}
        tenants:
          - name: blue
            prefix: "2001:db8:100:1::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-blue
            services:
              - {ipv4: 100.64.0.10/32, ipv6: "2001:db8:5::10/128"}
          - name: red
            prefix: "2001:db8:100:2::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-red
            services:
              - {ipv4: 100.64.0.99/32, ipv6: "2001:db8:5::10/128"}
          - name: green
            prefix: "2001:db8:200::/40"
            ipv4: [10.1.0.0/16]
            tun: xb-green
        """;

    /** 2020-09-13 12:26:40 UTC and 1 microsecond. */
    private static final long T0 = 1_600_000_000_000_001_000L;

    @TempDir
    Path dir;

    private String config;

    @BeforeEach
    void writeConfig() throws IOException {
        final Path file = dir.resolve("xlat.yaml");
        Files.writeString(file, CONFIG);
        config = file.toString();
    }

    private static List<String> lines(CliRun run) {
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        return List.of(run.out().split("\n"));
    }

    /** Address lines as the command aligns them: the addresses padded to the longest, two spaces, the meaning. */
    private static List<String> table(String... pairs) {
        int width = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            width = Math.max(width, pairs[i].length());
        }
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            lines.add(pairs[i] + " ".repeat(width - pairs[i].length()) + "  " + pairs[i + 1]);
        }
        return lines;
    }

    // ---- addresses with a configuration ----------------------------------------------------------------------

    @Test
    void shouldWriteTcpFlagsInTcpdumpNotation() {
        assertEquals("[S]", PacketExplainer.tcpFlags((byte) 0x02));
        assertEquals("[S.]", PacketExplainer.tcpFlags((byte) 0x12), "SYN-ACK");
        assertEquals("[FP.]", PacketExplainer.tcpFlags((byte) 0x19));
        assertEquals("[RU]", PacketExplainer.tcpFlags((byte) 0x24));
    }

    @Test
    void shouldNameTheTenantAndTheIpv4AddressAnIpv6AddressCarries() {
        assertEquals(List.of(
            "2001:db8:100:1::a00:2   tenant blue, IPv4 10.0.0.2",
            "2001:db8:100:2::a00:82  tenant red, IPv4 10.0.0.130 (not served on this host)"),
            lines(CliRun.of("explain", "-c", config, "2001:db8:100:1::a00:2", "2001:db8:100:2::a00:82")));
        assertEquals(table(
            "2001:db8:20a:100::", "tenant green, IPv4 10.1.0.0",
            "2001:db8:20a:100:5::", "tenant green, IPv4 10.1.0.5",
            "2001:db8:20a:100:ff00::", "tenant green, no IPv4: bits 64-71 (the RFC 6052 u-octet) are not zero",
            "2001:db8:5::10", "tenant blue service 100.64.0.10; tenant red service 100.64.0.99",
            "2001:db8:2::5", "EAM 192.0.2.0/24, IPv4 192.0.2.5",
            "2001:db8:64::c000:201", "pool6, IPv4 192.0.2.1",
            "2001:db8:9::1", "no mapping"),
            lines(CliRun.of("explain", "--config", config, "2001:db8:20a:100::", "2001:db8:20a:100:5::",
                "2001:db8:20a:100:ff00::", "2001:DB8:5:0::10", "2001:db8:2::5", "2001:db8:64::192.0.2.1",
                "2001:db8:9::1")));
    }

    @Test
    void shouldGiveTheIpv6FormOfIpv4AddressesWithinATenantOrGlobally() {
        assertEquals(List.of(
            "10.0.0.2     tenant blue, IPv6 2001:db8:100:1::a00:2",
            "100.64.0.10  tenant blue service, IPv6 2001:db8:5::10",
            "10.9.9.9     tenant blue, IPv6 2001:db8:100:1::a09:909 (not served on this host)"),
            lines(CliRun.of("explain", "-c", config, "--tenant", "blue", "10.0.0.2", "100.64.0.10", "10.9.9.9")));
        assertEquals(List.of("10.1.0.5  tenant green, IPv6 2001:db8:20a:100:5::"),
            lines(CliRun.of("explain", "-c", config, "-t", "green", "10.1.0.5")));
        assertEquals(List.of(
            "192.0.2.5  EAM 192.0.2.0/24, IPv6 2001:db8:2::5",
            "8.8.8.8    pool6, IPv6 2001:db8:64::808:808"),
            lines(CliRun.of("explain", "-c", config, "192.0.2.5", "8.8.8.8")));
    }

    @Test
    void shouldRefuseNonGlobalIpv4WithTheWellKnownPrefix() throws IOException {
        final Path wkp = dir.resolve("wkp.yaml");
        Files.writeString(wkp, "translator:\n  pool6: 64:ff9b::/96\n");
        assertEquals(table(
            "10.0.0.1", "no mapping: 10.0.0.1 is not global and may not use the Well-Known Prefix (RFC 6052 section 3.1)",
            "64:ff9b::a00:1", "pool6, no IPv4: 10.0.0.1 is not global and may not use the Well-Known Prefix (RFC 6052 "
                + "section 3.1)",
            "64:ff9b::808:808", "pool6, IPv4 8.8.8.8"),
            lines(CliRun.of("explain", "-c", wkp.toString(), "10.0.0.1", "64:ff9b::a00:1", "64:ff9b::8.8.8.8")));
        final Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "allow-empty: true\n");
        assertEquals(table("10.0.0.1", "no mapping", "2001:db8::1", "no mapping"),
            lines(CliRun.of("explain", "-c", empty.toString(), "10.0.0.1", "2001:db8::1")));
    }

    // ---- addresses without a configuration ---------------------------------------------------------------------

    @Test
    void shouldDecodeAnyRfc6052AddressWithAPrefixLength() {
        assertEquals(List.of("64:ff9b::c000:201  prefix 64:ff9b::/96, IPv4 192.0.2.1"),
            lines(CliRun.of("explain", "--prefix-length", "96", "64:ff9b::c000:201")));
        assertEquals(List.of("2001:db8:c000:201::  prefix 2001:db8::/32, IPv4 192.0.2.1"),
            lines(CliRun.of("explain", "--prefix-length", "32", "2001:db8:c000:201::")));
        // /48: the IPv4 address straddles the u-octet, and a set u-octet means no IPv4 address at all
        assertEquals(table(
            "2001:db8:1:c000:2:100::", "prefix 2001:db8:1::/48, IPv4 192.0.2.1",
            "2001:db8:1:c000:ff02::", "prefix 2001:db8:1::/48, no IPv4: bits 64-71 (the RFC 6052 u-octet) are not zero"),
            lines(CliRun.of("explain", "--prefix-length", "48", "2001:db8:1:c000:2:100::", "2001:db8:1:c000:ff02::")));
        assertEquals(List.of("2001:db8::100:0:c000:1  not an RFC 6052 address: 2001:db8:0:0:100::/96: bits 64-71 (the "
                + "RFC 6052 u-octet) must be zero in a /96 prefix"),
            lines(CliRun.of("explain", "--prefix-length", "96", "2001:db8::100:0:c000:1")));
    }

    @Test
    void shouldEncodeAndDecodeWithAGivenPrefix() {
        assertEquals(table(
            "192.0.2.1", "prefix 2001:db8:64::/96, IPv6 2001:db8:64::c000:201",
            "2001:db8:64::c000:201", "prefix 2001:db8:64::/96, IPv4 192.0.2.1",
            "2001:db8:65::1", "not in 2001:db8:64::/96"),
            lines(CliRun.of("explain", "--prefix", "2001:db8:64::/96", "192.0.2.1", "2001:db8:64::c000:201",
                "2001:db8:65::1")));
        assertEquals(List.of("192.0.2.1  prefix 2001:db8:100::/40, IPv6 2001:db8:1c0:2:1::"),
            lines(CliRun.of("explain", "--prefix", "2001:db8:100::/40", "192.0.2.1")));
    }

    // ---- usage errors ------------------------------------------------------------------------------------------

    @Test
    void shouldExit2WithOneLineForArgumentsThatCannotWork() {
        assertUsage(List.of("explain"), "nothing to explain: give addresses or --pcap FILE");
        assertUsage(List.of("explain", "2001:db8::1"), "addresses need --config FILE, or --prefix-length N / --prefix "
            + "P/N to decode RFC 6052 addresses without one");
        assertUsage(List.of("explain", "--prefix-length", "72", "2001:db8::1"),
            "--prefix-length must be 32, 40, 48, 56, 64 or 96 (RFC 6052 section 2.2), got 72");
        assertUsage(List.of("explain", "--prefix", "2001:db8::/41", "2001:db8::1"),
            "--prefix 2001:db8::/41: RFC 6052 section 2.2 allows only the prefix lengths 32, 40, 48, 56, 64 and 96");
        assertUsage(List.of("explain", "--prefix-length", "96", "192.0.2.1"),
            "192.0.2.1: an IPv4 address needs --prefix P/N (or --config) to be given its IPv6 form");
        assertUsage(List.of("explain", "--prefix-length", "96", "no.such.address"),
            "'no.such.address' is not an IPv4 or IPv6 address");
        assertUsage(List.of("explain", "--tenant", "blue", "--prefix-length", "96", "10.0.0.1"),
            "--tenant needs --config (the tenant is looked up there)");
        assertUsage(List.of("explain", "--prefix-length", "96", "--prefix", "64:ff9b::/96", "::1"),
            "--prefix and --prefix-length exclude each other");
        assertUsage(List.of("explain", "-c", config, "--prefix-length", "96", "::1"),
            "--prefix and --prefix-length replace --config: give one or the other");
        assertUsage(List.of("explain", "-c", config, "--pcap", "x.pcap", "::1"), "give addresses or --pcap FILE, not both");
    }

    private static void assertUsage(List<String> args, String message) {
        final CliRun run = CliRun.of(args.toArray(new String[0]));
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertEquals("xlat explain: " + message + " (see 'xlat explain --help')", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldExit2ForAnUnknownTenantOrARejectedConfiguration() throws IOException {
        final CliRun unknown = CliRun.of("explain", "-c", config, "--tenant", "purple", "10.0.0.1");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertEquals("xlat explain: unknown tenant 'purple' (" + config + " has blue, red, green)", unknown.err().strip());
        final Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "tenants:\n  - {name: a, prefix: \"2001:db8::/72\", ipv4: [10.0.0.0/8], tun: x}\n");
        final CliRun rejected = CliRun.of("explain", "-c", bad.toString(), "2001:db8::1");
        assertEquals(ExitCodes.USAGE, rejected.exitCode());
        assertTrue(rejected.errLines()[0].startsWith(bad + ":2:23: tenants[0].prefix: 2001:db8::/72: RFC 6052"),
            rejected.err());
    }

    // ---- captures ----------------------------------------------------------------------------------------------

    /** An IPv6 packet with the given next header and payload (checksums are not looked at). */
    private static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        final ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x6000_0000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64);
        final long[] s = Ipv6Addresses.parse(src);
        final long[] d = Ipv6Addresses.parse(dst);
        b.putLong(s[0]).putLong(s[1]).putLong(d[0]).putLong(d[1]).put(payload);
        return b.array();
    }

    private static byte[] bytes(int... values) {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        final byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private Path capture(byte[]... packets) throws IOException {
        final Path in = dir.resolve("fabric.pcap");
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            for (int i = 0; i < packets.length; i++) {
                writer.write(new UnsafeBuffer(packets[i]), 0, packets[i].length, T0 + i * 1_000_000L);
            }
        }
        return in;
    }

    @Test
    void shouldExplainEveryPacketOfACaptureFromTheFabric() throws IOException {
        final byte[] udp = Packets.ipv6Udp("2001:db8:100:1::a00:c8", "2001:db8:100:1::a00:1", 64, 53, 40000, new byte[3]);
        final byte[] syn = ipv6("2001:db8:100:2::a00:5", "2001:db8:100:2::a00:6", 6,
            bytes(0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0));
        // a fabric router says the hop limit of a blue packet ran out: traceroute inside a tenant
        final byte[] inner = Packets.ipv6Udp("2001:db8:100:1::a00:1", "2001:db8:100:1::a00:c8", 1, 40000, 33434,
            new byte[0]);
        final byte[] timeExceeded = ipv6("2001:db8:ffff::1", "2001:db8:100:1::a00:1", 58,
            concat(bytes(3, 0, 0, 0, 0, 0, 0, 0), inner));
        final byte[] echo = ipv6("2001:db8:100:2::a00:5", "2001:db8:100:2::a00:6", 58, bytes(128, 0, 0, 0, 0, 7, 0, 1));
        final byte[] global = Packets.ipv6Udp("2001:db8:64::c000:202", "2001:db8:2::1", 64, 53, 40000, new byte[0]);
        final byte[] outbound = Packets.ipv6Udp("2001:db8:100:1::a00:1", "2001:db8:9::1", 64, 40000, 53, new byte[0]);
        final byte[] fragment = ipv6("2001:db8:100:1::a00:c8", "2001:db8:100:1::a00:1", 44,
            bytes(17, 0, 0x05, 0xa9, 0, 0, 0, 9, 1, 2, 3, 4));
        final byte[] tooBig = ipv6("2001:db8:ffff::1", "2001:db8:100:1::a00:1", 58,
            concat(bytes(2, 0, 0, 0, 0, 0, 0x05, 0x00), Packets.ipv6Udp("2001:db8:100:1::a00:1",
                "2001:db8:100:1::a00:c8", 64, 40000, 53, new byte[1400])));
        final Path in = capture(udp, syn, timeExceeded, echo, global, outbound, fragment, tooBig, new byte[] {0x60, 0, 0});

        final List<String> lines = lines(CliRun.of("explain", "-c", config, "--pcap", in.toString()));

        assertEquals(List.of(
            "1  12:26:40.000001  IPv6  tenant blue  10.0.0.200 -> 10.0.0.1  UDP 53 -> 40000",
            "2  12:26:40.001001  IPv6  tenant red  10.0.0.5 -> 10.0.0.6  TCP 40000 -> 80 [S]",
            "3  12:26:40.002001  IPv6  tenant blue  2001:db8:ffff::1 -> 10.0.0.1  ICMPv6 time-exceeded 3/0, inside: "
                + "10.0.0.1 -> 10.0.0.200  UDP 40000 -> 33434",
            "4  12:26:40.003001  IPv6  tenant red  10.0.0.5 -> 10.0.0.6  ICMPv6 echo-request 128/0 id 7 seq 1",
            "5  12:26:40.004001  IPv6  global  192.0.2.2 -> 192.0.2.1  UDP 53 -> 40000",
            "6  12:26:40.005001  IPv6  tenant blue  10.0.0.1 -> 2001:db8:9::1  UDP 40000 -> 53",
            "7  12:26:40.006001  IPv6  tenant blue  10.0.0.200 -> 10.0.0.1  UDP fragment offset 1448",
            "8  12:26:40.007001  IPv6  tenant blue  2001:db8:ffff::1 -> 10.0.0.1  ICMPv6 packet-too-big 2/0 mtu 1280, "
                + "inside: 10.0.0.1 -> 10.0.0.200  UDP 40000 -> 53",
            "9  12:26:40.008001  IPv6  truncated (3 bytes)"), lines);
    }

    @Test
    void shouldAttributeIpv4PacketsToTheTenantGivenAndShowOthersWithoutAConfiguration() throws IOException {
        final byte[] v4 = Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, new byte[2]);
        final byte[] icmpError = ByteBuffer.allocate(20 + 8 + 28)
            .put(bytes(0x45, 0, 0, 56, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 9, 10, 0, 0, 1))
            .put(bytes(3, 4, 0, 0, 0, 0, 0x05, 0xdc))
            .put(Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, new byte[0])).array();
        final byte[] v6 = Packets.ipv6Udp("2001:db8:100:1::a00:c8", "2001:db8:100:1::a00:1", 64, 53, 40000, new byte[0]);
        final Path in = capture(v4, icmpError, v6);

        assertEquals(List.of(
            "1  12:26:40.000001  IPv4  tenant blue  10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53",
            "2  12:26:40.001001  IPv4  tenant blue  10.0.0.9 -> 10.0.0.1  ICMP unreachable 3/4 mtu 1500, inside: "
                + "10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53",
            "3  12:26:40.002001  IPv6  tenant blue  10.0.0.200 -> 10.0.0.1  UDP 53 -> 40000"),
            lines(CliRun.of("explain", "-c", config, "-t", "blue", "--pcap", in.toString())));
        assertEquals(List.of(
            "1  12:26:40.000001  IPv4  -  10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53",
            "2  12:26:40.001001  IPv4  -  10.0.0.9 -> 10.0.0.1  ICMP unreachable 3/4 mtu 1500, inside: "
                + "10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53",
            "3  12:26:40.002001  IPv6  -  2001:db8:100:1::a00:c8 -> 2001:db8:100:1::a00:1  UDP 53 -> 40000"),
            lines(CliRun.of("explain", "--pcap", in.toString())));
        assertEquals("3  12:26:40.002001  IPv6  -  10.0.0.200 -> 10.0.0.1  UDP 53 -> 40000",
            lines(CliRun.of("explain", "--prefix-length", "96", "--pcap", in.toString())).get(2));
    }

    @Test
    void shouldSayWhichFramesCarryNoIpAndFailOnAMissingCapture() throws IOException {
        final Path in = dir.resolve("ether.pcap");
        final byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        try (PcapWriter writer = PcapWriter.create(in, LinkType.ETHERNET, true)) {
            writer.write(new UnsafeBuffer(arp), 0, arp.length, 5_000_000_123L);
        }
        assertEquals(List.of("1  00:00:05.000000123  not IP"), lines(CliRun.of("explain", "--pcap", in.toString())));

        final CliRun missing = CliRun.of("explain", "--pcap", dir.resolve("nope.pcap").toString());
        assertEquals(ExitCodes.FAILURE, missing.exitCode());
        assertEquals("xlat explain: error: " + dir.resolve("nope.pcap") + ": no such file", missing.err().strip());
    }

    @Test
    void shouldPrintTimesOfDayInUtcToThePrecisionOfTheCapture() {
        assertEquals("12:26:40.000001", ExplainCommand.time(T0, false));
        assertEquals("12:26:40.000001000", ExplainCommand.time(T0, true));
        assertEquals("23:59:59.999999", ExplainCommand.time(86_399_999_999_000L, false));
    }
}
