package io.xlat.control.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the errors of one file so that a user sees all of them in one run, not one per edit. */
public final class ConfigProblems {

    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();

    public ConfigProblems(String source) {
        this.source = source;
    }

    /** Records an error at a node's start; a null node records it without a place. */
    public void error(Node at, String message) {
        error(at == null ? null : at.getStartMark(), message);
    }

    public void error(Mark mark, String message) {
        if (mark == null) {
            errors.add(new ConfigError(source, 0, 0, message));
        } else {
            // SnakeYAML marks are 0-based; editors and compilers print 1-based positions
            errors.add(new ConfigError(source, mark.getLine() + 1, mark.getColumn() + 1, message));
        }
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** How many errors were recorded so far: a section compares counts to tell whether a part of it was clean. */
    public int size() {
        return errors.size();
    }

    public String source() {
        return source;
    }

    /** The errors in file order (errors without a place first). */
    public List<ConfigError> errors() {
        final List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return sorted;
    }
}
