package io.xlat.control.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.comments.CommentLine;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SnakeYAML's composer with a smaller tree: a file of a million EAM entries is a tree of five million nodes, and
 * SnakeYAML's nodes each carry two comment lists and an end mark that the loader never reads (it reports start
 * positions only, and does not keep comments). Plain untagged scalars without an anchor, nearly all of them, are
 * built here without those, and short repeated values (the keys {@code ipv4}, {@code ipv6}, {@code name}) share
 * one string. Anchored or tagged scalars, and the tag checks they need, stay SnakeYAML's.
 */
final class CompactComposer extends org.yaml.snakeyaml.composer.Composer {

    private static final int SHARED_LENGTH = 12;
    private static final int SHARED_MAX = 4096;

    private final Resolver resolver;
    private final Map<String, String> shared = new HashMap<>();

    CompactComposer(Parser parser, Resolver resolver, LoaderOptions options) {
        super(parser, resolver, options);
        this.resolver = resolver;
    }

    @Override
    protected Node composeScalarNode(String anchor, List<CommentLine> blockComments) {
        final ScalarEvent event = (ScalarEvent) parser.peekEvent();
        final String tag = event.getTag();
        if (anchor != null || (tag != null && !"!".equals(tag))) {
            return super.composeScalarNode(anchor, blockComments);
        }
        parser.getEvent();
        // as SnakeYAML: an untagged (or '!') scalar's tag comes from the resolver
        return new ScalarNode(resolver.resolve(NodeId.scalar, event.getValue(),
            event.getImplicit().canOmitTagInPlainScalar()), true, share(event.getValue()), event.getStartMark(),
            event.getStartMark(), event.getScalarStyle());
    }

    @Override
    protected Node composeSequenceNode(String anchor) {
        return withoutComments(super.composeSequenceNode(anchor));
    }

    @Override
    protected Node composeMappingNode(String anchor) {
        return withoutComments(super.composeMappingNode(anchor));
    }

    private static Node withoutComments(Node node) {
        node.setBlockComments(null);
        node.setInLineComments(null);
        node.setEndComments(null);
        return node;
    }

    private String share(String value) {
        if (value.length() > SHARED_LENGTH || shared.size() >= SHARED_MAX) {
            return value;
        }
        final String first = shared.putIfAbsent(value, value);
        return first != null ? first : value;
    }
}
