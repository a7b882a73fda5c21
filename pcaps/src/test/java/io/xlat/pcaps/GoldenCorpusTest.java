package io.xlat.pcaps;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden corpus through {@code xlat test}, the product's own regression command, so that the command users run
 * on their captures is the one the project trusts: every case passes, timestamps included (the expected files
 * stamp each packet with its input's time, as replay does), and the JUnit report is valid for CI readers. The
 * report stays in target/xlat-test/ for CI to collect.
 */
class GoldenCorpusTest {

    @Test
    void shouldPassEveryGoldenCaseThroughXlatTestAndWriteAValidJUnitReport() throws Exception {
        final List<Path> cases = Corpora.caseDirectories();
        assertTrue(cases.size() >= 50, "expected the golden corpus in " + Corpora.CASES + ", found " + cases.size());
        final Path report = Path.of(System.getProperty("basedir", ".")).resolve("target/xlat-test/golden-junit.xml");

        final Corpora.Run run = Corpora.xlat("test", "--timestamps", "--junit", report.toString(),
            Corpora.CASES.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        final List<String> lines = run.lines();
        for (final Path c : cases) {
            assertTrue(lines.contains("PASS " + c.getFileName()), c.getFileName() + " did not pass:\n" + run.out()
                + "(see pcaps/README.md for what the case checks)");
        }
        assertEquals(cases.size() + " passed, 0 failed", lines.get(lines.size() - 1));
        Corpora.validateJUnit(report);
        final String xml = Files.readString(report);
        assertTrue(xml.contains("tests=\"" + cases.size() + "\" failures=\"0\""), xml.substring(0, 300));
    }
}
