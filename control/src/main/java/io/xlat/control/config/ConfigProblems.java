package io.xlat.control.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the errors of one file so that a user sees all of them in one run, not one per edit. What it keeps is
 * bounded whatever the file holds: messages echo values from the file, so each is cut to
 * {@link #MAX_MESSAGE_LENGTH} characters with control characters escaped (a value must not move the terminal's
 * cursor or forge a {@code file:1:1:} line), and only the first {@link #MAX_KEPT} errors in the order found are
 * kept, of which the first {@link #MAX_SHOWN} in file order are shown.
 */
public final class ConfigProblems {

    /** Errors shown: enough to fix a file in a few rounds, few enough to read. */
    public static final int MAX_SHOWN = 40;
    /** Errors kept to sort into file order; past it errors are only counted. */
    static final int MAX_KEPT = 1000;
    /** The longest message kept; the rest is cut and counted. */
    static final int MAX_MESSAGE_LENGTH = 300;

    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();
    private int count;

    public ConfigProblems(String source) {
        this.source = source;
    }

    /** Records an error at a node's start; a null node records it without a place. */
    public void error(Node at, String message) {
        error(at == null ? null : at.getStartMark(), message);
    }

    public void error(Mark mark, String message) {
        count++;
        if (errors.size() >= MAX_KEPT) {
            return;
        }
        final String shown = shown(message);
        if (mark == null) {
            errors.add(new ConfigError(source, 0, 0, shown));
        } else {
            // SnakeYAML marks are 0-based; editors and compilers print 1-based positions
            errors.add(new ConfigError(source, mark.getLine() + 1, mark.getColumn() + 1, shown));
        }
    }

    /**
     * A message as printed: C0 and C1 control characters, DEL and the Unicode line and paragraph separators
     * escaped ({@code \xHH}, or a backslash, u and four hex digits), cut after {@link #MAX_MESSAGE_LENGTH} characters.
     */
    static String shown(String message) {
        final StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_LENGTH) + 16);
        int i = 0;
        for (; i < message.length() && sb.length() < MAX_MESSAGE_LENGTH; i++) {
            final char c = message.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append("\\x").append(hex(c >> 4)).append(hex(c));
            } else if ((c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || c == 0x200E || c == 0x200F
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                // C1 controls, line separators and the bidirectional overrides that reorder what a terminal shows
                sb.append("\\u").append(hex(c >> 12)).append(hex(c >> 8)).append(hex(c >> 4)).append(hex(c));
            } else {
                sb.append(c);
            }
        }
        if (i < message.length()) {
            sb.append("... (").append(message.length() - i).append(" more characters)");
        }
        return sb.toString();
    }

    private static char hex(int nibble) {
        return Character.forDigit(nibble & 0xF, 16);
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** How many errors were recorded so far: a section compares counts to tell whether a part of it was clean. */
    public int size() {
        return count;
    }

    public String source() {
        return source;
    }

    /** The errors kept, in file order (errors without a place first); {@link #size()} counts them all. */
    public List<ConfigError> errors() {
        final List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return sorted;
    }
}
