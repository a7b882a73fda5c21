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
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final List<String> YAML11_WORDS = List.of("y", "n", "yes", "no", "on", "off", "true", "false",
        "null", "nan", "inf");

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
        final String value = excerpt(scalar.getValue());
        return scalar.isPlain() ? "'" + value + "'" : "the quoted string \"" + value + "\"";
    }

    /** The longest value echoed in a message: enough to recognise it, short enough that the message stays readable. */
    static final int MAX_ECHOED = 80;

    /** A value from the file as a message echoes it: cut after {@link #MAX_ECHOED} characters. */
    static String excerpt(String value) {
        return value.length() <= MAX_ECHOED ? value
            : value.substring(0, MAX_ECHOED) + "... (" + value.length() + " characters)";
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

    /** A plain decimal integer in [min, max] that may exceed an int (AS numbers). */
    static Long longInteger(Node node, String path, long min, long max, ConfigProblems problems) {
        if (!(node instanceof ScalarNode) || isNull(node) || !((ScalarNode) node).isPlain()
            || !DECIMAL.matcher(((ScalarNode) node).getValue()).matches()) {
            problems.error(node, path + ": expected an integer, got " + describe(node));
            return null;
        }
        final String text = ((ScalarNode) node).getValue();
        final long value = text.length() > 15 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min || value > max) {
            problems.error(node, path + ": must be between " + min + " and " + max + ", got " + text);
            return null;
        }
        return value;
    }

    /** {@code true} or {@code false}, plain; YAML 1.1's yes/no/on/off are refused as too easy to misread. */
    static Boolean bool(Node node, String path, ConfigProblems problems) {
        if (node instanceof ScalarNode && !isNull(node) && ((ScalarNode) node).isPlain()) {
            final String text = ((ScalarNode) node).getValue();
            if ("true".equals(text)) {
                return Boolean.TRUE;
            }
            if ("false".equals(text)) {
                return Boolean.FALSE;
            }
        }
        problems.error(node, path + ": expected true or false, got " + describe(node));
        return null;
    }

    /**
     * A Linux network interface name, as the kernel's {@code dev_valid_name} accepts it: 1 to 15 bytes
     * (IFNAMSIZ - 1), not "." or "..", no '/', ':' or white space; we also insist on printable ASCII.
     */
    static String interfaceName(Node node, String path, ConfigProblems problems) {
        final String text = text(node, path, "an interface name such as xlat0", problems);
        if (text == null) {
            return null;
        }
        final String problem = interfaceNameProblem(text);
        if (problem != null) {
            problems.error(node, path + ": '" + excerpt(text) + "' " + problem);
            return null;
        }
        return text;
    }

    /** Why a string is not a usable interface name, or null. */
    static String interfaceNameProblem(String text) {
        if (text.isEmpty() || text.length() > 15) {
            return "is not a valid interface name: it must be 1 to 15 characters long";
        }
        if (".".equals(text) || "..".equals(text) || !printableWithout(text, "/:")) {
            return "is not a valid interface name: no '/', ':', white space or non-ASCII characters, not . or ..";
        }
        return null;
    }

    /** A network namespace name as {@code ip netns} keeps it: a file name under /run/netns. */
    static String namespaceName(Node node, String path, ConfigProblems problems) {
        final String text = text(node, path, "a network namespace name", problems);
        if (text == null) {
            return null;
        }
        if (text.isEmpty() || text.length() > 255 || ".".equals(text) || "..".equals(text)
            || !printableWithout(text, "/")) {
            problems.error(node, path + ": '" + excerpt(text) + "' is not a valid network namespace name: 1 to 255 "
                + "printable ASCII characters, no '/' or white space, not . or ..");
            return null;
        }
        return text;
    }

    private static boolean printableWithout(String text, String forbidden) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c <= ' ' || c > '~' || forbidden.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The 1-based line of a node, as editors count. */
    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** One of the given names (case-sensitive, as written in the documentation). */
    static <E> E choice(Node node, String path, List<String> names, E[] values, ConfigProblems problems) {
        final String text = text(node, path, "one of " + String.join(", ", names), problems);
        if (text == null) {
            return null;
        }
        final int index = names.indexOf(text);
        if (index < 0) {
            problems.error(node, path + ": must be one of " + String.join(", ", names) + "; got '" + excerpt(text)
                + "'");
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

    /** Any text as a double-quoted YAML scalar, with the escapes YAML defines for '"', '\\' and control characters. */
    static String escaped(String text) {
        final StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < ' ' || c == 0x7F) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A name for output: plain when YAML reads it back as the same string, quoted otherwise (YAML 1.1 would
     * read a plain {@code off}, {@code yes} or {@code 0x1f} as a boolean or a number).
     */
    static String name(String text) {
        return PLAIN_NAME.matcher(text).matches() && !YAML11_WORDS.contains(text.toLowerCase(java.util.Locale.ROOT))
            ? text : escaped(text);
    }
}
