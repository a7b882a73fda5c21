package io.xlat.control.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files an attacker or an accident hands to the loader: too large, binary, one enormous line, thousands of
 * errors, values carrying terminal escapes, alias bombs, deep nesting, and files that map nothing. Each is refused
 * (or read) quickly with bounded memory and bounded output. The time bounds are hang guards, ten times what the
 * loader needs here, not speed targets.
 */
class HostileConfigTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
    }

    private ConfigException rejectedFile(String yaml) throws Exception {
        final Path file = Files.writeString(dir.resolve("t.yaml"), yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    private XlatConfig loadedFile(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("t.yaml"), yaml));
    }

    // ---- size -----------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseAFileAboveTheSizeLimitWithoutReadingIt() throws Exception {
        final Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GB that take no disk
        }
        final ConfigException e = assertTimeoutPreemptively(HANG_GUARD,
            () -> assertThrows(ConfigException.class, () -> ConfigLoader.load(big)));
        assertEquals(big + ": too large (3221225472 bytes); a configuration file is at most 134217728 bytes "
            + "(128 MiB)", e.getMessage());
    }

    @Test
    void shouldStopReadingAnEndlessDeviceAtItsFirstBinaryCharacter() {
        final ConfigException e = assertTimeoutPreemptively(HANG_GUARD,
            () -> assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/dev/zero"))));
        assertEquals("/dev/zero:1:1: the character U+0000 is not allowed in a YAML file (control characters other "
            + "than tab and line breaks are not)", e.getMessage());
    }

    @Test
    void shouldRefuseTextAboveTheSizeLimit() {
        final ConfigException e = rejected(" ".repeat(ConfigLoader.MAX_FILE_BYTES + 1));
        assertTrue(e.getMessage().startsWith("t.yaml: too large (134217729 characters)"), e.getMessage());
    }

    // ---- long lines -----------------------------------------------------------------------------------------

    @Test
    void shouldReadAVeryLongCommentLineInLinearTime() throws Exception {
        // SnakeYAML's own reader took over 20 s for 10 MB on one line and 87 s for 20 MB
        final String yaml = "translator:\n  pool6: 64:ff9b::/96 # " + "x".repeat(20 << 20) + "\n";
        final XlatConfig c = assertTimeoutPreemptively(HANG_GUARD, () -> loadedFile(yaml));
        assertEquals("64:ff9b::/96", c.translator().pool6().toString());
    }

    @Test
    void shouldReadAVeryLongScalarInLinearTimeAndEchoOnlyItsStart() {
        final String yaml = "translator:\n  hairpin: " + "y".repeat(20 << 20) + "\n";
        final ConfigException e = assertTimeoutPreemptively(HANG_GUARD, () -> rejected(yaml));
        assertEquals("t.yaml:2:12: translator.hairpin: must be one of off, simple, intrinsic; got '" + "y".repeat(80)
            + "... (20971520 characters)'", e.getMessage());
    }

    @Test
    void shouldKeepLineAndColumnRightAcrossLineBreakKinds() {
        // \r\n is one break, a lone \r is one
        final ConfigException e = rejected("translator:\r\n  ipv4-mtu: 1\r  tos: 999\n");
        assertEquals(List.of("t.yaml:2:13: translator.ipv4-mtu: must be between 68 and 65535, got 1",
                "t.yaml:3:8: translator.tos: must be between 0 and 255, got 999"),
            e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void shouldReadCharactersOutsideTheBasicPlaneAtTheRightColumn() {
        // an emoji is two chars in Java but one code point, and one column as SnakeYAML counts
        final ConfigException e = rejected("# \uD83D\uDE00\ntranslator: {tos: 999} # \uD83D\uDE00\n");
        assertEquals("t.yaml:2:19: translator.tos: must be between 0 and 255, got 999", e.getMessage());
    }

    // ---- bounded error output -------------------------------------------------------------------------------

    @Test
    void shouldShowTheFirstFortyOfTwentyThousandErrorsAndCountTheRest() {
        final StringBuilder yaml = new StringBuilder("translator:\n  eamt:\n");
        for (int i = 0; i < 20_000; i++) {
            yaml.append("    - {ipv4: 300.0.0.").append(i % 250).append("/32, ipv6: \"2001:db8::/128\"}\n");
        }
        final ConfigException e = rejected(yaml.toString());
        assertEquals(20_000, e.total());
        assertEquals(40, e.errors().size());
        assertEquals(19_960, e.omitted());
        assertEquals("t.yaml:3:14: translator.eamt[0].ipv4: ", e.errors().get(0).toString().substring(0, 38));
        assertTrue(e.getMessage().endsWith("\n... and 19960 more errors not shown"), e.getMessage());
        assertTrue(e.getMessage().length() < 8_000, "bounded: " + e.getMessage().length() + " characters");
    }

    @Test
    void shouldKeepTheOutputOfAnAliasFanOutSmall() {
        // one 1 MB scalar, repeated by alias in 2,000 places that each echo it in an error
        final StringBuilder yaml = new StringBuilder();
        yaml.append("translator:\n  mtu-plateaus: [&big \"").append("z".repeat(1 << 20)).append('"');
        for (int i = 0; i < 2_000; i++) {
            yaml.append(", *big");
        }
        yaml.append("]\n");
        final ConfigException e = assertTimeoutPreemptively(HANG_GUARD, () -> rejected(yaml.toString()));
        assertEquals(2_001, e.total());
        assertTrue(e.getMessage().length() < 10_000, "bounded: " + e.getMessage().length() + " characters");
    }

    // ---- control characters ---------------------------------------------------------------------------------

    @Test
    void shouldEscapeControlCharactersThatAValueCarriesIntoAMessage() {
        // YAML escapes let a quoted value hold an ESC sequence (clear screen) and a line break that forges an error
        final ConfigException e = rejected("translator:\n  hairpin: \"\\e[2J\\nforged.yaml:1:1: all fine\\u202e\"\n");
        assertEquals("t.yaml:2:12: translator.hairpin: must be one of off, simple, intrinsic; got "
            + "'\\x1b[2J\\x0aforged.yaml:1:1: all fine\\u202e'", e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x202e), e.getMessage());
    }

    @Test
    void shouldReportARawControlCharacterAtItsPlaceWithoutEchoingIt() {
        final ConfigException e = rejected("translator:\n  pool6: 64:ff9b::/96\u001b[2J\n");
        assertEquals("t.yaml:2:22: the character U+001B is not allowed in a YAML file (control characters other "
            + "than tab and line breaks are not)", e.getMessage());
    }

    // ---- hostile YAML ---------------------------------------------------------------------------------------

    @Test
    void shouldRefuseAnAliasBombQuickly() {
        // "billion laughs": nine levels of ten aliases each would expand to 10^9 list items
        final StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level < 10; level++) {
            yaml.append('a').append(level).append(": &a").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
            }
            yaml.append("]\n");
        }
        final ConfigException e = assertTimeoutPreemptively(HANG_GUARD, () -> rejected(yaml.toString()));
        assertEquals(1, e.total(), e.getMessage());
        assertTrue(e.getMessage().contains("Number of aliases for non-scalar nodes exceeds the specified max=50"),
            e.getMessage());
    }

    @Test
    void shouldRefuseDeepNestingWithoutOverflowingTheStack() {
        final ConfigException flow = assertTimeoutPreemptively(HANG_GUARD,
            () -> rejected("translator: " + "[".repeat(100_000) + "\n"));
        assertTrue(flow.getMessage().contains("Nesting Depth exceeded max 50"), flow.getMessage());
        final StringBuilder block = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            block.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        final ConfigException b = rejected(block.toString());
        assertTrue(b.getMessage().contains("Nesting Depth exceeded max 50"), b.getMessage());
    }

    @Test
    void shouldRefuseRecursiveKeys() {
        final ConfigException e = rejected("&k {*k : 1}: 2\n");
        assertEquals(1, e.total(), e.getMessage());
    }

    // ---- a file that maps nothing ---------------------------------------------------------------------------

    @Test
    void shouldRefuseAFileThatMapsNothing() throws Exception {
        for (final String yaml : new String[] {"", "# truncated\n", "translator:\n", "translator: {}\ntenants: []\n",
            "translator:\n  eamt: []\n  pool6: null\ndataplane:\n  siit-tun: xlat0\nbgp:\n"}) {
            final ConfigException e = rejectedFile(yaml);
            assertEquals(dir.resolve("t.yaml") + ": the file maps nothing (no translator.pool6, translator.eamt "
                + "entry or tenant): an empty or truncated file would take the translator out of service; write "
                + "'allow-empty: true' to run without any mapping on purpose", e.getMessage(), yaml);
        }
    }

    @Test
    void shouldAcceptAFileThatMapsNothingWhenItSaysSo() throws Exception {
        final XlatConfig c = loadedFile("allow-empty: true\ndataplane:\n  siit-tun: xlat0\n");
        assertTrue(c.mapsNothing());
        assertTrue(c.toYaml().contains("\nallow-empty: true\n"), c.toYaml());
        assertTrue(ConfigLoader.parse(c.toYaml(), "effective.yaml").section(AllowEmptySection.INSTANCE));
        assertEquals("t.yaml:1:14: allow-empty: expected true or false, got 'yes'",
            rejected("allow-empty: yes\n").getMessage());
    }

    @Test
    void shouldAcceptAFileWithAnyOneMapping() throws Exception {
        assertFalse(loadedFile("translator: {pool6: 64:ff9b::/96}\n").mapsNothing());
        assertFalse(loadedFile("translator:\n  eamt: [{ipv4: 192.0.2.1, ipv6: \"2001:db8::1\"}]\n").mapsNothing());
        assertFalse(loadedFile("""
            tenants:
              - {name: blue, prefix: "2001:db8:100:1::/96", ipv4: [10.0.0.0/25], tun: xb-blue}
            dataplane:
              ipv6-tun: xlat6
            """).mapsNothing());
    }
}
