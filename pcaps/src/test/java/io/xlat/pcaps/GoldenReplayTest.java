package io.xlat.pcaps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xlat.control.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every golden case through {@code xlat replay} (the CLI entry point, so configuration loading, the pcap
 * reader/writer and the translator are all exercised), with the case's {@code config.yaml} and the extra arguments
 * of its {@code args} file, and compares the result with {@code expected.pcap} packet by packet and byte by byte.
 * A mismatch names the packet, the first differing offset and the header field there.
 */
class GoldenReplayTest {

    private static final Path CASES = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("cases");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> shouldReplayEveryCaseToItsExpectedPcap() throws IOException {
        final List<Path> cases;
        try (Stream<Path> list = Files.list(CASES)) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(cases.size() >= 50, "expected the golden corpus in " + CASES + ", found " + cases.size());
        return cases.stream().map(folder -> DynamicTest.dynamicTest(folder.getFileName().toString(),
            () -> replayAndCompare(folder)));
    }

    private void replayAndCompare(Path folder) throws IOException {
        final Path out = tmp.resolve(folder.getFileName() + ".pcap");
        final List<String> args = new ArrayList<>(List.of("replay"));
        final Path config = folder.resolve("config.yaml");
        if (Files.exists(config)) {
            args.add("--config");
            args.add(config.toString());
        }
        args.addAll(extraArguments(folder.resolve("args")));
        args.add(folder.resolve("in.pcap").toString());
        args.add(out.toString());
        final StringWriter stdout = new StringWriter();
        final StringWriter stderr = new StringWriter();
        final int code = Main.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true),
            args.toArray(new String[0]));
        assertEquals(0, code, "xlat " + String.join(" ", args) + " failed:\n" + stderr + stdout);

        final List<Record> expected = read(folder.resolve("expected.pcap"));
        final List<Record> actual = read(out);
        final String diff = diff(expected, actual);
        if (diff != null) {
            fail(folder.getFileName() + ": " + diff + "\nreplay summary:\n" + stdout
                + "(see pcaps/README.md for what the case checks)");
        }
    }

    /**
     * The case's extra {@code xlat replay} arguments (e.g. {@code --tenant blue}): whitespace-separated words of its
     * {@code args} file, {@code #} starting a comment; none when the file is absent.
     */
    static List<String> extraArguments(Path file) throws IOException {
        final List<String> words = new ArrayList<>();
        if (!Files.exists(file)) {
            return words;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final int hash = line.indexOf('#');
            final String text = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!text.isEmpty()) {
                words.addAll(List.of(text.split("\\s+")));
            }
        }
        if (words.isEmpty()) {
            throw new IOException(file + ": present but holds no argument (delete it instead)");
        }
        return words;
    }

    /** One pcap record: timestamp in microseconds and the raw IP packet. */
    record Record(long micros, byte[] data) {
    }

    /** Reads a classic pcap file (either byte order, micro- or nanosecond timestamps). */
    static List<Record> read(Path file) throws IOException {
        final ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        if (in.remaining() < 24) {
            throw new IOException(file + ": shorter than a pcap header");
        }
        final int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        final boolean little = magic == 0xA1B2C3D4 || magic == 0xA1B23C4D;
        in.order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        final int m = in.getInt(0);
        if (m != 0xA1B2C3D4 && m != 0xA1B23C4D) {
            throw new IOException(file + ": not a pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        final boolean nanos = m == 0xA1B23C4D;
        final int linkType = in.getInt(20) & 0x0FFFFFFF;
        if (linkType != 101) {
            throw new IOException(file + ": link type " + linkType + ", expected 101 (RAW)");
        }
        in.position(24);
        final List<Record> records = new ArrayList<>();
        while (in.remaining() >= 16) {
            final long seconds = in.getInt() & 0xFFFFFFFFL;
            final long fraction = in.getInt() & 0xFFFFFFFFL;
            final int captured = in.getInt();
            in.getInt();
            if (captured < 0 || captured > in.remaining()) {
                throw new IOException(file + ": record " + (records.size() + 1) + " is truncated");
            }
            final byte[] data = new byte[captured];
            in.get(data);
            records.add(new Record(seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction), data));
        }
        if (in.hasRemaining()) {
            throw new IOException(file + ": " + in.remaining() + " trailing bytes");
        }
        return records;
    }

    /** The first difference, readable, or null when both captures are equal. */
    static String diff(List<Record> expected, List<Record> actual) {
        final int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++) {
            final Record e = expected.get(i);
            final Record a = actual.get(i);
            if (e.micros() != a.micros()) {
                return "packet " + (i + 1) + ": timestamp " + a.micros() + " us, expected " + e.micros() + " us";
            }
            final byte[] x = e.data();
            final byte[] y = a.data();
            final int n = Math.min(x.length, y.length);
            for (int k = 0; k < n; k++) {
                if (x[k] != y[k]) {
                    return "packet " + (i + 1) + " differs at offset " + k + " (" + field(x, k) + "): got 0x"
                        + hex(y, k) + ", expected 0x" + hex(x, k) + "\n  expected " + dump(x) + "\n  actual   " + dump(y);
                }
            }
            if (x.length != y.length) {
                return "packet " + (i + 1) + ": length " + y.length + ", expected " + x.length
                    + "\n  expected " + dump(x) + "\n  actual   " + dump(y);
            }
        }
        if (expected.size() != actual.size()) {
            final StringBuilder sb = new StringBuilder("got " + actual.size() + " packets, expected "
                + expected.size());
            final List<Record> extra = expected.size() > actual.size() ? expected : actual;
            sb.append(expected.size() > actual.size() ? "; first missing: " : "; first unexpected: ")
                .append(dump(extra.get(common).data()));
            return sb.toString();
        }
        return null;
    }

    /** Names the IP header field at offset k of an IPv4 or IPv6 packet (beyond the first header: the payload). */
    static String field(byte[] p, int k) {
        final int version = (p[0] >> 4) & 0xF;
        if (version == 4) {
            final int ihl = (p[0] & 0xF) * 4;
            if (k < 20) {
                final String[] names = {"version/IHL", "TOS", "total length", "total length", "identification",
                    "identification", "flags/fragment offset", "fragment offset", "TTL", "protocol",
                    "header checksum", "header checksum", "source", "source", "source", "source", "destination",
                    "destination", "destination", "destination"};
                return "IPv4 " + names[k];
            }
            return k < ihl ? "IPv4 options" : "IPv4 payload +" + (k - ihl);
        }
        if (version == 6) {
            if (k < 40) {
                final String name = k < 4 ? "version/traffic class/flow label" : k < 6 ? "payload length"
                    : k == 6 ? "next header" : k == 7 ? "hop limit" : k < 24 ? "source" : "destination";
                return "IPv6 " + name;
            }
            return "IPv6 payload +" + (k - 40);
        }
        return "not IP";
    }

    private static String hex(byte[] b, int k) {
        return String.format("%02x", b[k] & 0xFF);
    }

    private static String dump(byte[] b) {
        final StringBuilder sb = new StringBuilder();
        final int n = Math.min(b.length, 96);
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
            if (i % 4 == 3) {
                sb.append(' ');
            }
        }
        if (b.length > n) {
            sb.append("... (").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }
}
