package io.xlat.control.config;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The linear reader must be invisible to the scanner: for every text, SnakeYAML's parser sees the same events at
 * the same lines and columns (or fails with the same problem at the same place) as with SnakeYAML's own reader.
 */
class WholeTextReaderTest {

    private static final String[] TEXTS = {
        "",
        "\n",
        "\uFEFFtranslator: {}\n",
        "translator:\r\n  ipv4-mtu: 1\r  tos: 999\n",
        "a: b\u0085c: d\u2028e: f\u2029",
        "translator:\n\tpool6: x\n",
        "k:\t1\n",
        "# \uD83D\uDE00 comment\nkey: \"\uD83D\uDE00 value\" # \uD83D\uDE00\n",
        "k: 'it''s'\nl: \"\\e\\x41\\u00e9\"\nm: |\n  block\n  text\nn: >-\n  folded\n\n  more\n",
        "- [a, {b: c}, [d, e]]\n- ? complex\n  : key\n- &x anchor\n- *x\n",
        "translator: {tos: 999} # trailing\n---\nsecond: doc\n",
        "unterminated: [a, b\n",
        "bad: \"unterminated\n",
        "x: " + "y".repeat(5000) + "\n",
        "# " + "c".repeat(5000) + "\nz: 1",
        "k: v\r",
        "k: v\r\r\nl: w\n",
    };

    @Test
    void shouldGiveTheParserTheSameEventsAtTheSamePlacesAsSnakeYamlsReader() {
        for (final String text : TEXTS) {
            assertEquals(events(new StreamReader(new StringReader(text))), events(new WholeTextReader("reader", text)),
                text);
        }
    }

    private static List<String> events(StreamReader reader) {
        final List<String> out = new ArrayList<>();
        final LoaderOptions options = new LoaderOptions();
        final Parser parser = new ParserImpl(reader, options);
        try {
            while (parser.peekEvent() != null) {
                final Event e = parser.getEvent();
                out.add(e + " " + place(e.getStartMark()) + "-" + place(e.getEndMark()));
            }
        } catch (YAMLException e) {
            // the message holds SnakeYAML's snippet, which the linear reader does not keep
            out.add("error " + e.getClass().getSimpleName() + " " + (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
                ? m.getProblem() + " " + place(m.getProblemMark()) : ""));
        }
        return out;
    }

    private static String place(org.yaml.snakeyaml.error.Mark mark) {
        return mark == null ? "-" : mark.getLine() + ":" + mark.getColumn() + "@" + mark.getIndex();
    }
}
