package io.xlat.control.config;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Typed readers of YAML nodes. Each returns null after reporting a problem, so a section can go on and find the
 * next error. Values are taken from the node text, not from SnakeYAML's YAML 1.1 type guesses (which read
 * {@code off} as false and some colon-separated numbers as base-60 integers).
 */
final class YamlValues {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

    private YamlValues() {
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** How a node looks, for "expected X, got Y" messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing (null)";
        }
        final ScalarNode scalar = (ScalarNode) node;
        return scalar.isPlain() ? "'" + scalar.getValue() + "'" : "the quoted string \"" + scalar.getValue() + "\"";
    }

    /** A scalar's text (quoted or not); null after an error for lists, mappings and nulls. */
    static String text(Node node, String path, String expected, ConfigProblems problems) {
        if (!(node instanceof ScalarNode) || isNull(node)) {
            problems.error(node, path + ": expected " + expected + ", got " + describe(node));
            return null;
        }
        return ((ScalarNode) node).getValue();
    }

    /** A plain decimal integer in [min, max]; quoted numbers are a type error. */
    static Integer integer(Node node, String path, int min, int max, ConfigProblems problems) {
        if (!(node instanceof ScalarNode) || isNull(node) || !((ScalarNode) node).isPlain()
            || !DECIMAL.matcher(((ScalarNode) node).getValue()).matches()) {
            problems.error(node, path + ": expected an integer, got " + describe(node));
            return null;
        }
        final String text = ((ScalarNode) node).getValue();
        // more than 12 digits is out of every range here, and would overflow a long past 18
        final long value = text.length() > 12 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min || value > max) {
            problems.error(node, path + (max == Integer.MAX_VALUE ? ": must be at least " + min
                : ": must be between " + min + " and " + max) + ", got " + text);
            return null;
        }
        return (int) value;
    }

    /** One of the given names (case-sensitive, as written in the documentation). */
    static <E> E choice(Node node, String path, List<String> names, E[] values, ConfigProblems problems) {
        final String text = text(node, path, "one of " + String.join(", ", names), problems);
        if (text == null) {
            return null;
        }
        final int index = names.indexOf(text);
        if (index < 0) {
            problems.error(node, path + ": must be one of " + String.join(", ", names) + "; got '" + text + "'");
            return null;
        }
        return values[index];
    }

    /** The items of a list; a null or absent value is an empty list. Returns null after an error. */
    static List<Node> list(Node node, String path, ConfigProblems problems) {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            problems.error(node, path + ": expected a list, got " + describe(node));
            return null;
        }
        return ((SequenceNode) node).getValue();
    }

    static Ipv4Prefix ipv4Prefix(Node node, String path, ConfigProblems problems) {
        return ipv4Prefix(node, path, "an IPv4 prefix such as 192.0.2.0/24", problems);
    }

    private static Ipv4Prefix ipv4Prefix(Node node, String path, String expected, ConfigProblems problems) {
        final String text = text(node, path, expected, problems);
        if (text == null) {
            return null;
        }
        try {
            return Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            problems.error(node, path + ": " + e.getMessage());
            return null;
        }
    }

    static Ipv6Prefix ipv6Prefix(Node node, String path, ConfigProblems problems) {
        return ipv6Prefix(node, path, "an IPv6 prefix such as \"2001:db8::/96\"", problems);
    }

    private static Ipv6Prefix ipv6Prefix(Node node, String path, String expected, ConfigProblems problems) {
        final String text = text(node, path, expected, problems);
        if (text == null) {
            return null;
        }
        try {
            return Ipv6Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            problems.error(node, path + ": " + e.getMessage());
            return null;
        }
    }

    /** A single IPv4 address: bare, or written as a /32. */
    static Integer ipv4Address(Node node, String path, ConfigProblems problems) {
        final Ipv4Prefix prefix = ipv4Prefix(node, path, "an IPv4 address such as 192.0.2.1", problems);
        if (prefix == null) {
            return null;
        }
        if (prefix.length() != 32) {
            problems.error(node, path + ": must be a single address, got the prefix " + prefix);
            return null;
        }
        return prefix.address();
    }

    /** A single IPv6 address as a /128 prefix: bare, or written as a /128. */
    static Ipv6Prefix ipv6Address(Node node, String path, ConfigProblems problems) {
        final Ipv6Prefix prefix = ipv6Prefix(node, path, "an IPv6 address such as \"2001:db8::1\"", problems);
        if (prefix == null) {
            return null;
        }
        if (prefix.length() != 128) {
            problems.error(node, path + ": must be a single address, got the prefix " + prefix);
            return null;
        }
        return prefix;
    }

    /** Text for output: IPv4 prefixes and addresses are safe as plain YAML scalars. */
    static String ipv4(int address) {
        return Ipv4Addresses.format(address);
    }

    /** IPv6 text is always quoted: a trailing ':' or a leading "::" is not a valid plain scalar. */
    static String quoted(String text) {
        return '"' + text + '"';
    }
}
