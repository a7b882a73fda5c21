package io.xlat.pcaps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Decodes every case's {@code expected.pcap} with tshark ({@code check_tshark.sh}: IPv4/TCP/UDP checksum validation
 * on, ICMP/ICMPv6 always validated) and fails on any warning or error that the case does not list in its
 * {@code allowed-bad.txt}. Without tshark the tests are skipped, unless {@code XLAT_REQUIRE_ROOT_TESTS=1} (CI), where
 * a missing tool is a failure.
 */
class GoldenTsharkIT {

    private static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path CASES = MODULE.resolve("cases");
    private static final Path SCRIPT = MODULE.resolve("check_tshark.sh");
    private static final int EXIT_TSHARK_MISSING = 3;

    @TestFactory
    Stream<DynamicTest> shouldDecodeEveryExpectedPcapWithoutUnintendedProblems() throws IOException {
        requireTshark();
        final List<Path> cases = caseFolders();
        return cases.stream().map(folder -> DynamicTest.dynamicTest(folder.getFileName().toString(), () -> {
            final Path allowed = folder.resolve("allowed-bad.txt");
            final List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(),
                folder.resolve("expected.pcap").toString()));
            if (Files.exists(allowed)) {
                command.add(allowed.toString());
            }
            final Result result = run(command);
            assertEquals(0, result.exitCode, "check_tshark.sh found problems in " + folder.getFileName()
                + " (list intentional ones in allowed-bad.txt):\n" + result.output);
        }));
    }

    @Test
    void shouldFlagABadChecksumWhenNotAllowed() throws IOException {
        requireTshark();
        final Path folder = CASES.resolve("601-bad-checksum-stays-bad-46");
        assertTrue(Files.isDirectory(folder), "missing case " + folder);
        final Result result = run(List.of("bash", SCRIPT.toString(), folder.resolve("expected.pcap").toString()));
        assertEquals(1, result.exitCode, "the check must fail on intentionally bad checksums that are not allowed:\n"
            + result.output);
        assertTrue(result.output.contains("Bad checksum"), result.output);
    }

    @Test
    void shouldHaveACompleteFolderAndReadmeRowForEveryCase() throws IOException {
        final List<Path> cases = caseFolders();
        assertTrue(cases.size() >= 50, "expected the full corpus in " + CASES + ", found " + cases.size() + " cases");
        final String readme = Files.readString(MODULE.resolve("README.md"), StandardCharsets.UTF_8);
        for (final Path folder : cases) {
            final String name = folder.getFileName().toString();
            assertTrue(Files.isRegularFile(folder.resolve("in.pcap")), name + ": in.pcap missing");
            assertTrue(Files.isRegularFile(folder.resolve("expected.pcap")), name + ": expected.pcap missing");
            assertTrue(readme.contains("| `" + name + "` |"), name + ": no row in pcaps/README.md");
        }
    }

    private static List<Path> caseFolders() throws IOException {
        try (Stream<Path> list = Files.list(CASES)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static void requireTshark() throws IOException {
        final Result probe = run(List.of("bash", "-c", "command -v tshark"));
        if (probe.exitCode == 0) {
            return;
        }
        final String message = "tshark is not installed (Debian: apt-get install tshark); golden pcaps not decoded";
        if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
            fail(message + " and XLAT_REQUIRE_ROOT_TESTS=1 requires it");
        }
        Assumptions.abort(message);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted: " + command);
        }
        if (process.exitValue() == EXIT_TSHARK_MISSING) {
            requireTshark();
        }
        return new Result(process.exitValue(), output);
    }
}
