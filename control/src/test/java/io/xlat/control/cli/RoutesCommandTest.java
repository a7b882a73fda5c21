package io.xlat.control.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutesCommandTest {

    static final String CONFIG = """
        translator:
          pool6: 2001:db8:64::/96
          eamt:
            - {ipv4: 192.0.2.0/25, ipv6: "2001:db8:2::/121"}
            - {ipv4: 192.0.2.128/25, ipv6: "2001:db8:3::/121"}
        tenants:
          - name: blue
            prefix: "2001:db8:100:1::/96"
            ipv4: [10.0.0.0/25]
            tun: xb-blue
          - name: red
            prefix: "2001:db8:100:2::/96"
            ipv4: [10.0.0.0/25, 10.0.0.128/25, 10.0.9.0/24]
            tun: xb-red
          - name: green
            prefix: "2001:db8:200::/40"
            ipv4: [10.1.0.0/16]
            tun: xb-green
        """;

    @TempDir
    Path dir;

    private String write(String yaml) throws IOException {
        final Path file = dir.resolve("xlat.yaml");
        Files.writeString(file, yaml);
        return file.toString();
    }

    @Test
    void shouldPrintEachPrefixWithWhereItComesFrom() throws IOException {
        final CliRun run = CliRun.of("routes", "--config", write(CONFIG));
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(String.join("\n",
            row("2001:db8:64::/96", "pool6 (replies from IPv6 services to IPv4 clients, RFC 7755)"),
            row("2001:db8:100:1::a00:0/121", "tenant blue 10.0.0.0/25"),
            row("2001:db8:100:2::a00:0/120", "tenant red 10.0.0.0/25, 10.0.0.128/25"),
            row("2001:db8:100:2::a00:900/120", "tenant red 10.0.9.0/24"),
            row("2001:db8:20a:100::/56", "tenant green 10.1.0.0/16"),
            row("192.0.2.0/24", "EAM 192.0.2.0/25 <-> 2001:db8:2::/121, EAM 192.0.2.128/25 <-> 2001:db8:3::/121"),
            ""), run.out());
        // the comments line up after the longest prefix
        for (final String line : run.out().split("\n")) {
            assertEquals("2001:db8:100:2::a00:900/120  ".length(), line.indexOf('#'), line);
        }
        assertEquals("", run.err());
    }

    /** A line of the text format: the prefix padded to the longest one of the example, then the comment. */
    private static String row(String prefix, String comment) {
        return prefix + " ".repeat("2001:db8:100:2::a00:900/120".length() - prefix.length()) + "  # " + comment;
    }

    @Test
    void shouldPrintPrefixesAloneForScripts() throws IOException {
        final CliRun run = CliRun.of("routes", "-c", write(CONFIG), "--format", "plain");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(List.of("2001:db8:64::/96", "2001:db8:100:1::a00:0/121", "2001:db8:100:2::a00:0/120",
            "2001:db8:100:2::a00:900/120", "2001:db8:20a:100::/56", "192.0.2.0/24"), List.of(run.out().split("\n")));
    }

    @Test
    void shouldLeavePlainSiitsPrefixesOutWhenOnlyTenantsHaveADevice() throws IOException {
        final String tenantsOnly = write(CONFIG + "dataplane:\n  ipv6-tun: xlat6\n");
        final CliRun plain = CliRun.of("routes", "-c", tenantsOnly, "--format", "plain");
        assertFalse(plain.out().contains("2001:db8:64::/96") || plain.out().contains("192.0.2.0/24"), plain.out());
        assertTrue(plain.out().contains("2001:db8:100:1::a00:0/121"), plain.out());
        assertTrue(CliRun.of("routes", "-c", tenantsOnly).out().contains("# pool6 and the EAM prefixes left out"));
        final String pairFile = write(CONFIG + "dataplane:\n  ipv6-tun: xlat6\n  ipv4-tun: xlat4\n");
        final CliRun pair = CliRun.of("routes", "-c", pairFile, "--format", "plain");
        assertTrue(pair.out().contains("2001:db8:64::/96") && pair.out().contains("192.0.2.0/24"), pair.out());
        final String tenantsOnlyAgain = write(CONFIG + "dataplane:\n  ipv6-tun: xlat6\n");
        final CliRun asTun = CliRun.of("routes", "-c", tenantsOnlyAgain, "--tun", "xlat0", "--format", "plain");
        assertEquals("2001:db8:64::/96\n192.0.2.0/24\n", asTun.out(), "what run --tun announces: plain SIIT alone");
    }

    @Test
    void shouldSayWhenThereIsNothingToAnnounce() throws IOException {
        final String config = write("translator: {}\nallow-empty: true\n");
        final CliRun text = CliRun.of("routes", "-c", config);
        assertEquals(ExitCodes.OK, text.exitCode());
        assertEquals("# nothing to announce: " + config + " has no tenants, pool6 or EAM entries\n", text.out());
        assertEquals("", CliRun.of("routes", "-c", config, "--format", "plain").out());
    }

    @Test
    void shouldExit2OnARejectedConfigurationOrABadFormat() throws IOException {
        final String config = write("tenants:\n  - {name: a, prefix: \"2001:db8::/96\", ipv4: [10.0.0.0/8], tun: x}\n"
            + "  - {name: b, prefix: \"2001:db8::/64\", ipv4: [10.0.0.0/8], tun: y}\n");
        final CliRun run = CliRun.of("routes", "-c", config);
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.errLines()[0].startsWith(config + ":3:23: tenants[1].prefix: 2001:db8::/64 overlaps"), run.err());
        assertEquals("xlat routes: configuration rejected (1 error), nothing applied", run.errLines()[1]);

        final CliRun format = CliRun.of("routes", "-c", config, "--format", "json");
        assertEquals(ExitCodes.USAGE, format.exitCode());
        assertTrue(format.err().contains("--format"), format.err());
        final CliRun missing = CliRun.of("routes");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertTrue(missing.err().contains("--config"), missing.err());
    }

    @Test
    void shouldNameAFewOriginsAndCountTheRest() {
        assertEquals("tenant blue 10.0.0.0/25, 10.0.0.128/25, tenant red 10.0.1.0/25",
            RoutesCommand.comment(List.of("tenant blue 10.0.0.0/25", "tenant blue 10.0.0.128/25", "tenant red 10.0.1.0/25")));
        assertEquals("tenant t0 0.0.0.0/0, tenant t1 0.0.0.0/0, tenant t2 0.0.0.0/0, tenant t3 0.0.0.0/0 and 2 more",
            RoutesCommand.comment(List.of("tenant t0 0.0.0.0/0", "tenant t1 0.0.0.0/0", "tenant t2 0.0.0.0/0",
                "tenant t3 0.0.0.0/0", "tenant t4 0.0.0.0/0", "tenant t5 0.0.0.0/0")));
    }
}
