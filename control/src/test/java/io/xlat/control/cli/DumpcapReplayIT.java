package io.xlat.control.cli;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.tunio.pcap.CaptureReader;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapngReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture as users make them: the real dumpcap (Wireshark's capture engine, pcapng by default) on a veth inside
 * a test namespace while pings cross it, then {@code xlat replay} and {@code xlat explain} on that file.
 */
class DumpcapReplayIT {

    @Test
    void shouldReplayAndExplainWhatDumpcapCapturedOnAVeth() throws Exception {
        NamespaceLab.requireRootWithoutTun("dumpcap", "ping");
        try (NamespaceLab lab = new NamespaceLab("xd")) {
            final String a = lab.namespace("a");
            final String b = lab.namespace("b");
            // IPv4 only: IPv6 on the veth would add router solicitations and MLD reports from :: to the capture
            for (final String ns : new String[] {a, b}) {
                lab.sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            }
            lab.veth(a, "va", b, "vb");
            lab.in(a, "ip", "addr", "add", "192.0.2.1/24", "dev", "va");
            lab.in(b, "ip", "addr", "add", "192.0.2.2/24", "dev", "vb");
            final Path capture = lab.dir.resolve("veth.pcapng");
            final Path log = lab.dir.resolve("dumpcap.log");
            // 8 ICMP packets and the ARP request and reply, or another ARP exchange in place of the last ping
            final Process dumpcap = lab.start(b, log, "dumpcap", "-i", "vb", "-c", "10", "-w", capture.toString());
            NamespaceLab.await("dumpcap to capture", 20_000, () -> NamespaceLab.read(log).contains("Capturing on"));
            lab.in(a, "ping", "-c", "5", "-i", "0.2", "-W", "2", "192.0.2.2");
            assertTrue(dumpcap.waitFor(20, TimeUnit.SECONDS), "dumpcap did not stop after 10 packets:\n"
                + NamespaceLab.read(log));
            assertEquals(PcapngReader.SECTION_HEADER_BLOCK, ByteBuffer.wrap(Files.readAllBytes(capture)).getInt(0),
                "dumpcap writes pcapng");
            try (CaptureReader reader = CaptureReader.open(capture)) {
                assertTrue(reader instanceof PcapngReader);
                assertEquals(LinkType.ETHERNET, reader.linkType());
            }

            final Path config = lab.dir.resolve("xlat.yaml");
            Files.writeString(config, "translator:\n  pool6: 2001:db8:64::/96\n");
            final Path out = lab.dir.resolve("out.pcap");
            final CliRun replay = CliRun.of("replay", "-c", config.toString(), capture.toString(), out.toString());
            assertEquals(ExitCodes.OK, replay.exitCode(), replay.err());
            assertEquals(10, count(replay.out(), "packets in"), replay.out());
            final long arp = count(replay.out(), "  not-ip");
            assertTrue(arp >= 2, "ARP skipped:\n" + replay.out());
            assertEquals(10 - arp, count(replay.out(), "  translated"), "every echo request and reply:\n"
                + replay.out());
            assertTrue(10 - arp >= 6, replay.out());

            final CliRun explain = CliRun.of("explain", "-c", config.toString(), "--pcap", capture.toString());
            assertEquals(ExitCodes.OK, explain.exitCode(), explain.err());
            assertTrue(3 <= explain.out().lines().filter(l -> l.contains("192.0.2.1 -> 192.0.2.2  ICMP "
                + "echo-request")).count(), explain.out());
        }
    }

    private static long count(String summary, String label) {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " +(\\d+)$").matcher(summary);
        assertTrue(m.find(), label + " missing from:\n" + summary);
        return Long.parseLong(m.group(1));
    }
}
