package io.xlat.control.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreflightTest {

    @Test
    void shouldStartWhenEverythingIsThereAndNothingIsTaken() {
        assertEquals(List.of(), Preflight.problems(true, true, true, List.of(), List.of()));
    }

    @Test
    void shouldSayWhatToDoForEachMissingPrerequisite() {
        final List<String> problems = Preflight.problems(false, false, false, List.of("bird", "tcpdump"),
            List.of("xlat-demo-tor"));
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("needs root"), problems.get(0));
        assertTrue(problems.get(1).contains("'ip netns'"), problems.get(1));
        assertTrue(problems.get(2).contains("/dev/net/tun"), problems.get(2));
        assertTrue(problems.get(3).contains("missing bird, tcpdump: scripts/install-deps"), problems.get(3));
        assertTrue(problems.get(4).contains("xlat-demo-tor already exists") && problems.get(4).contains("--down"),
            problems.get(4));
    }

    @Test
    void shouldFindOnlyItsOwnNamesAmongTheNamespaces() {
        final String list = "xlat-demo-tor (id: 3)\nxlat-demo-torx\nother\nxlat-demo-blue1\n";
        assertEquals(List.of("xlat-demo-tor", "xlat-demo-blue1"),
            Preflight.taken(list, DemoSettings.of("xlat-demo-", java.nio.file.Path.of("/tmp"), false, false, false)
                .allNamespaces()));
    }

    @Test
    void shouldWrapLongCommandsSoThatTheyStillPasteAndFitEightyColumns() {
        final String command = "$ ip netns exec xlat-demo-blue1 python3 /run/xlat-demo/tool.py fetch "
            + "http://10.0.0.129/blob /run/xlat-demo/received.blob 4000000";
        final List<String> lines = Console.wrapCommand(command, "      ", "    ");
        assertTrue(lines.size() > 1);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).length() <= Console.WIDTH, lines.get(i));
            assertEquals(i < lines.size() - 1, lines.get(i).endsWith(" \\"), lines.get(i));
        }
        assertEquals(command, String.join(" ", lines.stream().map(l -> l.strip().replaceAll(" \\\\$", "")).toList()));
        final List<String> hash = Console.wrap("sha256 " + "ab".repeat(40), "    > ", "      ");
        assertTrue(hash.stream().allMatch(l -> l.length() <= Console.WIDTH), hash.toString());
    }
}
