package io.xlat.pcaps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus copied from golden cases whose expected files were altered on purpose: {@code xlat test} must fail
 * each altered case and name the altered field, pass the untouched ones and the ones whose alteration is ignored
 * by case.yaml, fail cases that cannot run with the path and the reason, and {@code --update} must make the
 * expected files match again.
 */
class AlteredCorpusTest {

    @TempDir
    Path corpus;

    /** The records of a classic little-endian pcap, as the golden corpus writes them. */
    private static List<byte[]> records(Path pcap) throws IOException {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        final List<byte[]> records = new ArrayList<>();
        b.position(24);
        while (b.remaining() >= 16) {
            final int length = b.getInt(b.position() + 8);
            final byte[] record = new byte[16 + length];
            b.get(record);
            records.add(record);
        }
        return records;
    }

    private static void write(Path pcap, List<byte[]> records) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Files.readAllBytes(pcap), 0, 24);
        for (final byte[] r : records) {
            out.write(r);
        }
        Files.write(pcap, out.toByteArray());
    }

    /** Sets byte {@code offset} of the IP packet of record {@code packet} (1-based). */
    private static void patch(Path pcap, int packet, int offset, int value) throws IOException {
        final List<byte[]> records = records(pcap);
        records.get(packet - 1)[16 + offset] = (byte) value;
        write(pcap, records);
    }

    /** Recomputes the IPv4 header checksum of record {@code packet}, so that only the altered field differs. */
    private static void fixIpv4Checksum(Path pcap, int packet) throws IOException {
        final List<byte[]> records = records(pcap);
        final byte[] r = records.get(packet - 1);
        final int ihl = (r[16] & 0xF) * 4;
        r[16 + 10] = 0;
        r[16 + 11] = 0;
        long sum = 0;
        for (int i = 0; i < ihl; i += 2) {
            sum += ((r[16 + i] & 0xFF) << 8) | (r[16 + i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        final int checksum = (int) (~sum & 0xFFFF);
        r[16 + 10] = (byte) (checksum >> 8);
        r[16 + 11] = (byte) checksum;
        write(pcap, records);
    }

    private static int u8(Path pcap, int packet, int offset) throws IOException {
        return records(pcap).get(packet - 1)[16 + offset] & 0xFF;
    }

    /** The lines printed under {@code FAIL name}, up to the next case. */
    private static List<String> failure(List<String> lines, String name) {
        final int at = lines.indexOf("FAIL " + name);
        assertTrue(at >= 0, "FAIL " + name + " missing from:\n" + String.join("\n", lines));
        final List<String> details = new ArrayList<>();
        for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("  "); i++) {
            details.add(lines.get(i).strip());
        }
        return details;
    }

    private static void assertReports(List<String> details, String expected) {
        assertTrue(details.stream().anyMatch(d -> d.startsWith(expected)), "no line beginning '" + expected + "' in "
            + details);
    }

    @Test
    void shouldNameEveryAlteredFieldAndPassTheRest() throws Exception {
        // IPv6 output: hop limit of packet 1 (the input TTL 64 gives 63)
        final Path hop = Corpora.copyCase("101-udp-46", corpus).resolve("expected.pcap");
        final int hopLimit = u8(hop, 1, 7);
        patch(hop, 1, 7, hopLimit - 1);
        // IPv6 output: flow label
        final Path flow = Corpora.copyCase("103-icmp-echo-46", corpus).resolve("expected.pcap");
        patch(flow, 2, 3, 0x5a);
        // IPv4 output: Identification (checksum fixed so that the ID alone differs)
        final Path id = Corpora.copyCase("151-udp-64", corpus).resolve("expected.pcap");
        final int idLow = u8(id, 1, 5);
        patch(id, 1, 5, idLow ^ 0xFF);
        fixIpv4Checksum(id, 1);
        // ICMPv4 error from xlat: the Identification of the packet it quotes
        final Path inner = Corpora.copyCase("201-ttl-expired-46", corpus).resolve("expected.pcap");
        patch(inner, 1, 28 + 5, u8(inner, 1, 28 + 5) ^ 0x01);
        // a packet the output does not have, and one the expected file lacks
        final Path missing = Corpora.copyCase("102-tcp-46", corpus).resolve("expected.pcap");
        final List<byte[]> tcp = records(missing);
        tcp.add(tcp.get(0));
        write(missing, tcp);
        final Path extra = Corpora.copyCase("152-tcp-64", corpus).resolve("expected.pcap");
        final List<byte[]> tcp64 = records(extra);
        final int extraNumber = tcp64.size();
        tcp64.remove(tcp64.size() - 1);
        write(extra, tcp64);
        // untouched, and a tenant case whose args file attributes its IPv4 input to tenant blue
        Corpora.copyCase("153-icmp-echo-64", corpus);
        Corpora.copyCase("901-tenant-blue-both-ways", corpus);

        final Path report = corpus.resolve("report.xml");
        final Corpora.Run run = Corpora.xlat("test", "--junit", report.toString(), corpus.toString());
        final List<String> lines = run.lines();

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertReports(failure(lines, "101-udp-46"), "packet 1: IPv6 hop limit: expected " + (hopLimit - 1) + ", got "
            + hopLimit);
        assertReports(failure(lines, "103-icmp-echo-46"), "packet 2: IPv6 flow label: expected ");
        final List<String> idLines = failure(lines, "151-udp-64");
        assertReports(idLines, "packet 1: IPv4 identification: expected ");
        assertReports(idLines, "packet 1: IPv4 header checksum: expected ");
        assertReports(failure(lines, "201-ttl-expired-46"), "packet 1: inner IPv4 identification: expected ");
        assertReports(failure(lines, "102-tcp-46"), "expected packet " + tcp.size() + ": missing: IPv6 ");
        assertReports(failure(lines, "152-tcp-64"), "packet " + extraNumber + ": extra: IPv4 ");
        assertTrue(lines.contains("PASS 153-icmp-echo-64"), run.out());
        assertTrue(lines.contains("PASS 901-tenant-blue-both-ways"), run.out());
        assertEquals("2 passed, 6 failed", lines.get(lines.size() - 1));
        for (final String line : lines) {
            assertTrue(line.startsWith("PASS ") || line.startsWith("FAIL ") || line.startsWith("  ")
                || line.equals("2 passed, 6 failed"), "unexpected line: " + line);
        }
        Corpora.validateJUnit(corpus.resolve("report.xml"));
        final String xml = Files.readString(report);
        assertTrue(xml.contains("failure message=\"packet 1: IPv6 hop limit: expected"), xml);

        // after a reviewed change: --update makes the expected files what xlat writes, saying which changed
        Files.delete(report);
        final Corpora.Run update = Corpora.xlat("test", "--update", corpus.toString());
        assertEquals(0, update.exitCode(), update.out() + update.err());
        assertTrue(update.lines().contains("PASS 101-udp-46 (updated expected.pcap)"), update.out());
        assertTrue(update.lines().contains("PASS 153-icmp-echo-64"), update.out());
        assertEquals(hopLimit, u8(hop, 1, 7));
        final Corpora.Run again = Corpora.xlat("test", corpus.toString());
        assertEquals(0, again.exitCode(), again.out());
        assertEquals("8 passed, 0 failed", again.lines().get(again.lines().size() - 1));
    }

    @Test
    void shouldPassAlterationsThatCaseYamlIgnoresAndStillVerifyTheChecksumOverThem() throws IOException {
        final Path idCase = Corpora.copyCase("151-udp-64", corpus);
        final Path id = idCase.resolve("expected.pcap");
        patch(id, 1, 5, u8(id, 1, 5) ^ 0xFF);
        fixIpv4Checksum(id, 1);
        Files.writeString(idCase.resolve("case.yaml"), "description: the generated ID may change\nignore: [ipv4.id]\n");

        final Path bytesCase = Corpora.copyCase("152-tcp-64", corpus);
        final Path bytes = bytesCase.resolve("expected.pcap");
        patch(bytes, 1, 4, u8(bytes, 1, 4) ^ 0x0F);
        fixIpv4Checksum(bytes, 1);
        Files.writeString(bytesCase.resolve("case.yaml"), "ignore: [\"bytes:4-5\"]\n");

        final Path hopCase = Corpora.copyCase("101-udp-46", corpus);
        patch(hopCase.resolve("expected.pcap"), 1, 7, 1);
        Files.writeString(hopCase.resolve("case.yaml"), "ignore:\n  - ipv6.hop-limit\n");

        // ignoring the TTL of an ICMP error's quoted packet leaves the ICMP checksum over it to be verified
        final Path innerCase = Corpora.copyCase("201-ttl-expired-46", corpus);
        final Path inner = innerCase.resolve("expected.pcap");
        patch(inner, 1, 28 + 8, 77);
        Files.writeString(innerCase.resolve("case.yaml"), "ignore: [inner.ipv4.ttl]\n");

        final Corpora.Run run = Corpora.xlat("test", corpus.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals("4 passed, 0 failed", run.lines().get(run.lines().size() - 1));

        // ignoring the checksum as well leaves nothing under it to verify
        Files.writeString(innerCase.resolve("case.yaml"), "ignore: [inner.ipv4.ttl, icmpv4.checksum]\n");
        assertEquals(0, Corpora.xlat("test", "--filter", "201*", corpus.toString()).exitCode());
    }

    @Test
    void shouldFailCasesThatCannotRunNamingThePathAndExitTwoForAnUnreadableCorpus() throws IOException {
        final Path noInput = Corpora.copyCase("101-udp-46", corpus);
        Files.delete(noInput.resolve("in.pcap"));
        final Path badConfig = Corpora.copyCase("151-udp-64", corpus);
        Files.writeString(badConfig.resolve("config.yaml"), "translator:\n  pool6: not-a-prefix\n");
        final Path badCase = Corpora.copyCase("153-icmp-echo-64", corpus);
        Files.writeString(badCase.resolve("case.yaml"), "ignore: [ipv4.nonsense-field!]\n");
        final Path unknownTenant = Corpora.copyCase("152-tcp-64", corpus);
        Files.writeString(unknownTenant.resolve("case.yaml"), "tenant: purple\n");

        final Corpora.Run run = Corpora.xlat("test", corpus.toString());
        final List<String> lines = run.lines();
        assertEquals(1, run.exitCode(), run.out());
        assertReports(failure(lines, "101-udp-46"), noInput.resolve("in.pcap") + ": missing");
        final List<String> config = failure(lines, "151-udp-64");
        assertReports(config, badConfig.resolve("config.yaml") + ": configuration rejected");
        assertTrue(config.stream().anyMatch(l -> l.contains("pool6")), config.toString());
        assertReports(failure(lines, "153-icmp-echo-64"), badCase.resolve("case.yaml") + ": 'ipv4.nonsense-field!'");
        assertReports(failure(lines, "152-tcp-64"), "cannot create the translator: unknown tenant 'purple'");
        assertEquals("0 passed, 4 failed", lines.get(lines.size() - 1));

        final Corpora.Run none = Corpora.xlat("test", corpus.resolve("no-such-corpus").toString());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("no-such-corpus: no such directory"), none.err());
        assertFalse(none.out().contains("passed"), none.out());
    }

    @Test
    void shouldRunCasesWhoseCapturesEditcapConvertedToPcapng() throws Exception {
        final Path c = Corpora.copyCase("405-inner-tcp-46", corpus);
        for (final String stem : List.of("in", "expected")) {
            final Process editcap = new ProcessBuilder("editcap", "-F", "pcapng", c.resolve(stem + ".pcap").toString(),
                c.resolve(stem + ".pcapng").toString()).redirectErrorStream(true).start();
            final String output = new String(editcap.getInputStream().readAllBytes());
            assertTrue(editcap.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, editcap.exitValue(), output);
            Files.delete(c.resolve(stem + ".pcap"));
        }
        final Corpora.Run run = Corpora.xlat("test", "--timestamps", corpus.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("PASS 405-inner-tcp-46", "1 passed, 0 failed"), run.lines());
    }
}
