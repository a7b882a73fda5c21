package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML mapping checked against the keys a section declares: unknown, duplicate and non-scalar keys are
 * reported where they stand, so that a typo never silently falls back to a default.
 */
final class YamlMapping {

    private final String path;
    private final Map<String, NodeTuple> entries = new HashMap<>();

    private YamlMapping(String path) {
        this.path = path;
    }

    /**
     * @param node  the mapping; null or a YAML null reads as an empty mapping
     * @param path  dotted path for messages, e.g. {@code translator} or {@code translator.eamt[2]}; "" at the top
     * @param keys  the allowed keys, in the order they are listed in messages
     */
    static YamlMapping read(Node node, String path, List<String> keys, ConfigProblems problems) {
        final YamlMapping mapping = new YamlMapping(path);
        if (node == null || YamlValues.isNull(node)) {
            return mapping;
        }
        if (!(node instanceof MappingNode)) {
            problems.error(node, (path.isEmpty() ? "the file" : path) + ": expected a mapping of keys, got "
                + YamlValues.describe(node));
            return mapping;
        }
        for (final NodeTuple tuple : ((MappingNode) node).getValue()) {
            final Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                problems.error(keyNode, where(path) + "a key must be a plain name, got " + YamlValues.describe(keyNode));
                continue;
            }
            final String key = ((ScalarNode) keyNode).getValue();
            final NodeTuple first = mapping.entries.get(key);
            if (first != null) {
                problems.error(keyNode, mapping.path(key) + ": duplicate key (first given at line "
                    + (first.getKeyNode().getStartMark().getLine() + 1) + ")");
                continue;
            }
            if (!keys.contains(key)) {
                problems.error(keyNode, (path.isEmpty() ? "unknown top-level key '" : "unknown key '")
                    + key + "'" + (path.isEmpty() ? "" : " in " + path) + "; expected one of: " + String.join(", ", keys));
                continue;
            }
            mapping.entries.put(key, tuple);
        }
        return mapping;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    /** The value node of {@code key}, or null when the key is absent. */
    Node value(String key) {
        final NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    /** The key node of {@code key}, or null when the key is absent. */
    Node keyNode(String key) {
        final NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getKeyNode();
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The dotted path of a key for messages. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
