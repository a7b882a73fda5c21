package io.xlat.control.cli;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.testing.Packets;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapReader;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat replay --tenant} through the real core: attribution, demultiplexing and per-tenant counts. */
class ReplayTenantTest {

    static final String CONFIG = """
        translator:
          pool6: 2001:db8:64::/96
        tenants:
          - name: blue
            prefix: "2001:db8:100:1::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-blue
          - name: red
            prefix: "2001:db8:100:2::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-red
          - name: green
            prefix: "2001:db8:100:3::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-green
        """;

    private static final byte[] PAYLOAD = {1, 2, 3, 4};

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = dir.resolve("tenants.yaml");
        Files.writeString(config, CONFIG);
    }

    private Path capture(byte[]... packets) throws IOException {
        final Path in = dir.resolve("in.pcap");
        try (PcapWriter writer = PcapWriter.create(in, LinkType.RAW, false)) {
            for (int i = 0; i < packets.length; i++) {
                writer.write(new UnsafeBuffer(packets[i]), 0, packets[i].length, 1_000_000_000L * (i + 1));
            }
        }
        return in;
    }

    private static List<byte[]> read(Path file) throws IOException {
        final List<byte[]> records = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(file)) {
            while (reader.next() >= 0) {
                final byte[] b = new byte[reader.length()];
                reader.buffer().getBytes(reader.offset(), b);
                records.add(b);
            }
        }
        return records;
    }

    private static String source6(byte[] p) {
        final ByteBuffer b = ByteBuffer.wrap(p);
        return Ipv6Addresses.format(b.getLong(8), b.getLong(16));
    }

    private static String destination6(byte[] p) {
        final ByteBuffer b = ByteBuffer.wrap(p);
        return Ipv6Addresses.format(b.getLong(24), b.getLong(32));
    }

    @Test
    void shouldPrependTheNamedTenantsPrefixToBothAddressesOfIpv4Input() throws IOException {
        final Path in = capture(Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, PAYLOAD));
        final Path out = dir.resolve("out.pcap");

        final CliRun run = CliRun.of("replay", "-c", config.toString(), "--tenant", "red", in.toString(), out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        final List<byte[]> records = read(out);
        assertEquals(1, records.size());
        assertEquals("2001:db8:100:2::a00:1", source6(records.get(0)));
        assertEquals("2001:db8:100:2::a00:2", destination6(records.get(0)));
    }

    @Test
    void shouldDemultiplexIpv6InputByDestinationPrefixAndCountPerTenant() throws IOException {
        final Path in = capture(
            Packets.ipv6Udp("2001:db8:100:1::a00:9", "2001:db8:100:1::a00:1", 64, 53, 40000, PAYLOAD),
            Packets.ipv6Udp("2001:db8:100:2::a00:9", "2001:db8:100:2::a00:1", 64, 53, 40000, PAYLOAD),
            // red's prefix as the source of a packet for blue: the isolation drop
            Packets.ipv6Udp("2001:db8:100:2::a00:9", "2001:db8:100:1::a00:1", 64, 53, 40000, PAYLOAD),
            // the global path still works next to the tenants
            Packets.ipv6Udp("2001:db8:64::c000:202", "2001:db8:64::c000:201", 64, 53, 40000, PAYLOAD));
        final Path out = dir.resolve("out.pcap");

        final CliRun run = CliRun.of("replay", "-c", config.toString(), in.toString(), out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        final List<byte[]> records = read(out);
        assertEquals(3, records.size());
        for (final byte[] p : records.subList(0, 2)) {
            assertEquals(4, p[0] >> 4);
            assertEquals("10.0.0.9", Ipv4Addresses.format(ByteBuffer.wrap(p).getInt(12)));
            assertEquals("10.0.0.1", Ipv4Addresses.format(ByteBuffer.wrap(p).getInt(16)));
        }
        final int ipv6Bytes = 40 + 8 + PAYLOAD.length;
        final String expected = String.join("\n",
            "tenant blue",
            line("  packets 4->6", 0),
            line("  bytes 4->6", 0),
            line("  packets 6->4", 1),
            line("  bytes 6->4", ipv6Bytes),
            line("  dropped", 1),
            line("    tenant-foreign-source", 1),
            "tenant red",
            line("  packets 4->6", 0),
            line("  bytes 4->6", 0),
            line("  packets 6->4", 1),
            line("  bytes 6->4", ipv6Bytes),
            line("  dropped", 0),
            "");
        assertTrue(run.out().endsWith(expected), run.out());
        assertFalse(run.out().contains("tenant green"), "no traffic, no lines:\n" + run.out());
        // the totals on top count every tenant and the global path
        assertTrue(run.out().matches("(?s)packets in +4\n.*\ndropped +1\n  tenant-foreign-source +1\ntime .*"), run.out());
    }

    @Test
    void shouldDropSpoofedSourcesOfTheNamedTenantAndCountThemThere() throws IOException {
        final Path in = capture(
            Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, PAYLOAD),
            Packets.ipv4Udp("10.0.0.200", "10.0.0.2", 64, 0, 40000, 53, PAYLOAD));
        final Path out = dir.resolve("out.pcap");

        final CliRun run = CliRun.of("replay", "-c", config.toString(), "-t", "blue", in.toString(), out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(1, read(out).size());
        final int ipv4Bytes = 20 + 8 + PAYLOAD.length;
        assertTrue(run.out().endsWith(String.join("\n",
            "tenant blue",
            line("  packets 4->6", 1),
            line("  bytes 4->6", ipv4Bytes),
            line("  packets 6->4", 0),
            line("  bytes 6->4", 0),
            line("  dropped", 1),
            line("    tenant-spoofed-source", 1),
            "")), run.out());
    }

    @Test
    void shouldExit2NamingTheTenantsWhenTheTenantIsUnknown() throws IOException {
        final Path in = capture(Packets.ipv4Udp("10.0.0.1", "10.0.0.2", 64, 0, 40000, 53, PAYLOAD));
        final Path out = dir.resolve("out.pcap");
        final CliRun run = CliRun.of("replay", "-c", config.toString(), "--tenant", "purple", in.toString(),
            out.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("xlat replay: unknown tenant 'purple' (" + config + " has blue, red, green)", run.err().strip());
        assertFalse(Files.exists(out), "nothing written");

        final CliRun none = CliRun.of("replay", "--tenant", "blue", in.toString(), out.toString());
        assertEquals(ExitCodes.USAGE, none.exitCode());
        assertEquals("xlat replay: unknown tenant 'blue': no --config given", none.err().strip());
    }

    private static String line(String label, long value) {
        final StringBuilder sb = new StringBuilder(label);
        while (sb.length() < ReplayCommand.LABEL_WIDTH) {
            sb.append(' ');
        }
        return sb.append(' ').append(value).toString();
    }
}
