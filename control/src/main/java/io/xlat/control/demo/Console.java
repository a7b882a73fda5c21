package io.xlat.control.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's output: at most 80 columns (long commands wrap with a trailing backslash, so that they can still be
 * pasted), PASS/FAIL in colour only when asked (a terminal), and the summary table.
 */
public final class Console {

    static final int WIDTH = 80;

    private final PrintWriter out;
    private final boolean colour;

    public Console(PrintWriter out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Plain text, wrapped at spaces to 80 columns. */
    void say(String text) {
        for (final String l : wrap(text, "", "  ")) {
            line(l);
        }
    }

    void heading(String text) {
        line(colour ? "\033[1m" + text + "\033[0m" : text);
    }

    private String verdict(boolean passed) {
        final String word = passed ? "PASS" : "FAIL";
        return colour ? (passed ? "\033[32m" : "\033[31m") + word + "\033[0m" : word;
    }

    /** A step: its verdict line, then each check's command ($) and what it showed (>). */
    void step(StepResult r) {
        final String time = Lab.seconds(r.millis());
        final String head = r.number() + ". " + r.title();
        final int pad = WIDTH - 6 - head.length() - time.length() - 1;
        line(verdict(r.passed()) + "  " + head + " ".repeat(Math.max(1, pad)) + time);
        for (final Check c : r.checks()) {
            for (final String l : wrapCommand("$ " + c.command(), "      ", "    ")) {
                line(l);
            }
            for (final String shown : c.shown()) {
                for (final String l : wrap(shown, (c.passed() ? "    > " : "    ! "), "      ")) {
                    line(l);
                }
            }
        }
        if (r.error() != null) {
            for (final String l : wrap("error: " + r.error(), "    ! ", "      ")) {
                line(l);
            }
        }
    }

    /** The table at the end: one row per step, and the verdict. */
    void summary(List<StepResult> results, long millis) {
        line("");
        heading("Summary");
        int passed = 0;
        for (final StepResult r : results) {
            final String title = r.number() + ". " + r.title();
            final String time = Lab.seconds(r.millis());
            line("  " + verdict(r.passed()) + "  " + title + " ".repeat(Math.max(1, WIDTH - 9 - title.length()
                - time.length())) + time);
            passed += r.passed() ? 1 : 0;
        }
        line(passed == results.size() && !results.isEmpty()
            ? "All " + results.size() + " steps passed in " + Lab.seconds(millis) + "."
            : passed + " of " + results.size() + " steps passed (" + Lab.seconds(millis) + ").");
    }

    /** Wraps a shell command at spaces, each continued line ending in " \". */
    static List<String> wrapCommand(String command, String firstIndent, String indent) {
        final List<String> out = new ArrayList<>();
        String rest = command;
        String prefix = indent;
        while (prefix.length() + rest.length() > WIDTH) {
            final int cut = rest.lastIndexOf(' ', WIDTH - prefix.length() - 2);
            if (cut <= 0) {
                break;
            }
            out.add(prefix + rest.substring(0, cut) + " \\");
            rest = rest.substring(cut + 1);
            prefix = firstIndent;
        }
        out.add(prefix + rest);
        return out;
    }

    /** Wraps text at spaces (or hard, for a long word such as a hash) to {@link #WIDTH}. */
    static List<String> wrap(String text, String firstIndent, String indent) {
        final List<String> out = new ArrayList<>();
        String rest = text;
        String prefix = firstIndent;
        while (prefix.length() + rest.length() > WIDTH) {
            final int room = WIDTH - prefix.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = room;
            }
            out.add(prefix + rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
            prefix = indent;
        }
        out.add(prefix + rest);
        return out;
    }
}
