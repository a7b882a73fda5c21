package io.xlat.control.cli;

import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

    @TempDir
    Path dir;

    private static void assertOneLine(CliRun run) {
        assertEquals(1, run.errLines().length, "expected one line on stderr, got:\n" + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose:\n" + run.err());
    }

    // ---- help and version ------------------------------------------------------------------------------------

    @Test
    void shouldListCommandsExitCodesAndExamplesWhenAskedForHelp() {
        final CliRun run = CliRun.of("--help");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().contains("Usage: xlat"), run.out());
        assertTrue(run.out().contains("  check "), run.out());
        assertTrue(run.out().contains("  replay "), run.out());
        assertTrue(run.out().contains("  explain "), run.out());
        assertTrue(run.out().contains("  routes "), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
        assertTrue(run.out().contains("xlat replay --config xlat.yaml in.pcap out.pcap"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void shouldExplainEachCommandWhenAskedForItsHelp() {
        final CliRun check = CliRun.of("check", "--help");
        assertEquals(ExitCodes.OK, check.exitCode());
        assertTrue(check.out().contains("Usage: xlat check"), check.out());
        assertTrue(check.out().contains("--config=FILE"), check.out());
        assertTrue(check.out().contains("Examples:"), check.out());

        final CliRun replay = CliRun.of("replay", "--help");
        assertEquals(ExitCodes.OK, replay.exitCode());
        assertTrue(replay.out().contains("Usage: xlat replay"), replay.out());
        assertTrue(replay.out().contains("IN.pcap"), replay.out());
        assertTrue(replay.out().contains("Default: built-in defaults"), replay.out());
        assertTrue(replay.out().contains("Examples:"), replay.out());

        final CliRun viaHelp = CliRun.of("help", "replay");
        assertEquals(ExitCodes.OK, viaHelp.exitCode());
        assertEquals(replay.out(), viaHelp.out());
    }

    @Test
    void shouldPrintVersionWhenAsked() {
        final CliRun run = CliRun.of("--version");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("xlat "), run.out());
        assertTrue(run.out().contains("Java "), run.out());
    }

    // ---- usage errors ----------------------------------------------------------------------------------------

    @Test
    void shouldExitWithUsageErrorWhenNoCommandIsGiven() {
        final CliRun run = CliRun.of();
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertOneLine(run);
        assertTrue(run.err().startsWith("xlat: missing command"), run.err());
    }

    @Test
    void shouldExitWithUsageErrorOnUnknownCommandOrOption() {
        final CliRun command = CliRun.of("frobnicate");
        assertEquals(ExitCodes.USAGE, command.exitCode());
        assertOneLine(command);
        assertTrue(command.err().contains("frobnicate"), command.err());

        final CliRun option = CliRun.of("replay", "--bogus", "a.pcap", "b.pcap");
        assertEquals(ExitCodes.USAGE, option.exitCode());
        assertOneLine(option);
        assertEquals("xlat replay: Unknown option: '--bogus' (see 'xlat replay --help')", option.errLines()[0]);
    }

    @Test
    void shouldExitWithUsageErrorWhenRequiredArgumentsAreMissing() {
        final CliRun check = CliRun.of("check");
        assertEquals(ExitCodes.USAGE, check.exitCode());
        assertOneLine(check);
        assertTrue(check.err().contains("--config"), check.err());

        final CliRun replay = CliRun.of("replay", "in.pcap");
        assertEquals(ExitCodes.USAGE, replay.exitCode());
        assertOneLine(replay);
        assertTrue(replay.err().contains("OUT.pcap"), replay.err());
    }

    @Test
    void shouldPrintStackTraceOfUsageErrorsOnlyWhenVerbose() {
        final CliRun verbose = CliRun.of("replay", "-v", "--bogus", "a.pcap", "b.pcap");
        assertEquals(ExitCodes.USAGE, verbose.exitCode());
        assertTrue(verbose.err().contains("\tat picocli."), verbose.err());
        final CliRun before = CliRun.of("--verbose", "replay", "--bogus", "a.pcap", "b.pcap");
        assertTrue(before.err().contains("\tat picocli."), before.err());
    }

    // ---- check -----------------------------------------------------------------------------------------------

    @Test
    void shouldPrintEffectiveConfigurationThatReadsBackWhenConfigIsValid() throws Exception {
        final Path config = dir.resolve("xlat.yaml");
        Files.writeString(config, "translator:\n  pool6: 2001:db8:64::/96\n  ipv4-mtu: 9000\n");
        final CliRun run = CliRun.of("check", "--config", config.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("  pool6: \"2001:db8:64::/96\"\n"), run.out());
        assertTrue(run.out().contains("  ipv4-mtu: 9000\n"), run.out());
        assertTrue(run.out().contains("  icmp-rate: 1000\n"), run.out());   // a default, filled in

        final XlatConfig reread = ConfigLoader.parse(run.out(), "stdout");
        assertEquals(9000, reread.translator().ipv4Mtu());
        final Path effective = dir.resolve("effective.yaml");
        Files.writeString(effective, run.out());
        final CliRun again = CliRun.of("check", "-c", effective.toString());
        assertEquals(ExitCodes.OK, again.exitCode());
        assertEquals(run.out().substring(run.out().indexOf('\n')), again.out().substring(again.out().indexOf('\n')));
    }

    @Test
    void shouldPrintEveryErrorWithPositionAndExit2WhenConfigIsInvalid() throws Exception {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "translator:\n  ipv4-mtu: 1\n  tos: 999\n");
        final CliRun run = CliRun.of("check", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out());
        final String[] lines = run.errLines();
        assertEquals(3, lines.length, run.err());
        assertEquals(config + ":2:13: translator.ipv4-mtu: must be between 68 and 65535, got 1", lines[0]);
        assertEquals(config + ":3:8: translator.tos: must be between 0 and 255, got 999", lines[1]);
        assertEquals("xlat check: configuration rejected (2 errors), nothing applied", lines[2]);
    }

    @Test
    void shouldPrintTenantsAndTheSectionsOfLaterCommandsInTheEffectiveConfiguration() throws Exception {
        final Path config = dir.resolve("xlat.yaml");
        Files.writeString(config, """
            tenants:
              - {name: blue, prefix: "2001:db8:100:1::/96", ipv4: [10.0.0.0/25], tun: xb-blue}
            dataplane:
              ipv6-tun: xlat6
            bgp:
              asn: 64512
              router-id: 192.0.2.11
              peers:
                - {address: 192.0.2.1, asn: 64496, password: "s3cret"}
            """);
        final CliRun run = CliRun.of("check", "--config", config.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("""
            tenants:
              - name: blue
                prefix: "2001:db8:100:1::/96"
                ipv4: [10.0.0.0/25]
                tun: xb-blue
                netns: null
                services: []
            dataplane:
              ipv6-tun: xlat6
            """), run.out());
        assertTrue(run.out().contains("    - {address: \"192.0.2.1\", asn: 64496}  # password set, not shown\n"), run.out());
        assertFalse(run.out().contains("s3cret"), run.out());

        final CliRun secrets = CliRun.of("check", "--config", config.toString(), "--show-secrets");
        assertTrue(secrets.out().contains("    - {address: \"192.0.2.1\", asn: 64496, password: \"s3cret\"}\n"),
            secrets.out());
        assertEquals(ConfigLoader.load(config).bgp(), ConfigLoader.parse(secrets.out(), "stdout").bgp());

        final CliRun help = CliRun.of("check", "--help");
        assertTrue(help.out().contains("take effect with 'xlat run'"), help.out());
    }

    @Test
    void shouldExit2WhenConfigFileIsMissing() {
        final Path missing = dir.resolve("missing.yaml");
        final CliRun run = CliRun.of("check", "--config", missing.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(missing + ": no such file", run.errLines()[0]);
    }

    // ---- replay argument and file errors (the translator itself is exercised in ReplayEndToEndTest) ----------

    @Test
    void shouldExit1AndCreateNoOutputWhenInputIsMissing() {
        final Path out = dir.resolve("out.pcap");
        final CliRun run = CliRun.of("replay", dir.resolve("nope.pcap").toString(), out.toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertOneLine(run);
        assertEquals("xlat replay: error: " + dir.resolve("nope.pcap") + ": no such file", run.errLines()[0]);
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldExit2WithoutTouchingFilesWhenReplayConfigIsInvalid() throws Exception {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "translator:\n  hairpin: sideways\n");
        final Path in = dir.resolve("in.pcap");
        PcapWriter.create(in, LinkType.RAW, false).close();
        final Path out = dir.resolve("out.pcap");
        final CliRun run = CliRun.of("replay", "--config", config.toString(), in.toString(), out.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errLines()[0].startsWith(config + ":2:12: translator.hairpin: must be one of"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldExit2WhenOutputWouldOverwriteInput() throws Exception {
        final Path in = dir.resolve("in.pcap");
        PcapWriter.create(in, LinkType.RAW, false).close();
        final CliRun run = CliRun.of("replay", in.toString(), dir.resolve(".").resolve("in.pcap").toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertOneLine(run);
        assertTrue(run.err().contains("must differ"), run.err());
        assertEquals(24, Files.size(in));
    }

    @Test
    void shouldExit1WithOneLineAndLeaveExistingOutputAloneWhenInputIsNotAPcap() throws Exception {
        final Path in = dir.resolve("notes.txt");
        Files.writeString(in, "these are not packets\n");
        final Path out = dir.resolve("out.pcap");
        Files.writeString(out, "precious");
        final CliRun run = CliRun.of("replay", in.toString(), out.toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertOneLine(run);
        assertTrue(run.err().startsWith("xlat replay: error: " + in + ": not a pcap file"), run.err());
        assertEquals("precious", Files.readString(out));
        final CliRun verbose = CliRun.of("replay", "-v", in.toString(), out.toString());
        assertTrue(verbose.err().contains("\tat io.xlat.tunio.pcap.PcapReader"), verbose.err());
    }
}
