package io.xlat.control.corpus;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The results of a corpus run as a JUnit XML report, the format CI systems (Jenkins, GitLab, GitHub Actions
 * reporters) read test results in: one {@code testsuite} for the corpus, one {@code testcase} per case, a
 * {@code failure} with the differences for each failed case.
 */
public final class JUnitReport {

    private JUnitReport() {
    }

    public static void write(Path file, String suite, List<CorpusRun.Result> results, Instant started)
        throws IOException {
        long failures = 0;
        long nanos = 0;
        for (final CorpusRun.Result r : results) {
            failures += r.passed() ? 0 : 1;
            nanos += r.nanos();
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            w.write("<testsuites name=\"xlat test\" tests=\"" + results.size() + "\" failures=\"" + failures
                + "\" errors=\"0\" time=\"" + seconds(nanos) + "\">\n");
            w.write("  <testsuite name=\"" + xml(suite) + "\" tests=\"" + results.size() + "\" failures=\"" + failures
                + "\" errors=\"0\" skipped=\"0\" time=\"" + seconds(nanos) + "\" timestamp=\""
                + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.truncatedTo(ChronoUnit.SECONDS)
                .atOffset(ZoneOffset.UTC).toLocalDateTime()) + "\" hostname=\"" + xml(hostname()) + "\">\n");
            for (final CorpusRun.Result r : results) {
                w.write("    <testcase name=\"" + xml(r.name()) + "\" classname=\"" + xml(suite) + "\" time=\""
                    + seconds(r.nanos()) + "\"");
                final String out = String.join("\n", r.details());
                if (r.passed() && r.details().isEmpty() && r.description() == null) {
                    w.write("/>\n");
                    continue;
                }
                w.write(">\n");
                if (!r.passed()) {
                    w.write("      <failure message=\"" + xml(r.details().isEmpty() ? "failed" : r.details().get(0))
                        + "\" type=\"" + (r.details().isEmpty() || r.details().get(0).startsWith("packet")
                        || r.details().get(0).startsWith("expected packet") ? "difference" : "case-error") + "\">"
                        + xml(out) + "</failure>\n");
                }
                final String description = r.description() == null ? "" : "description: " + r.description();
                final String text = r.passed() ? (description.isEmpty() ? out : description + "\n" + out)
                    : description;
                if (!text.isEmpty()) {
                    w.write("      <system-out>" + xml(text.strip()) + "</system-out>\n");
                }
                w.write("    </testcase>\n");
            }
            w.write("  </testsuite>\n</testsuites>\n");
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Text for an attribute or element: markup escaped, and characters XML 1.0 cannot hold replaced. */
    static String xml(String text) {
        final StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&apos;"); break;
                default:
                    sb.append(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c);
            }
        }
        return sb.toString();
    }
}
