package io.xlat.control.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.StreamReader;

import java.io.StringReader;

/**
 * SnakeYAML's {@link StreamReader} over text already in memory, in linear time and without per-mark copies.
 * SnakeYAML's own reader refills a 1 KB window by copying everything from the start of the current token, so a
 * token as long as a 10 MB one-line comment costs 10,000 copies of up to 10 MB (over 20 s), and every mark keeps
 * its window alive (4 bytes per character of the file). This one indexes the whole text: a peek is an array read,
 * and marks carry no snippet buffer (the loader prints line and column, never SnakeYAML's snippets).
 *
 * <p>The behaviour the scanner sees is SnakeYAML 2.x's: '\0' past the end, line breaks as in
 * {@code StreamReader.forward} ('\n', NEL, LS, PS, and a '\r' not followed by '\n'), the BOM not counted as a
 * column, and the document index the scanner compares with {@code LoaderOptions.getCodePointLimit()}.
 */
final class WholeTextReader extends StreamReader {

    private static final int[] NO_SNIPPET = new int[0];

    private final String name;
    /** The text as code points when it has surrogate pairs; null when {@link #chars} indexes code points already. */
    private final int[] codePoints;
    private final String chars;
    private final int length;
    private int pointer;
    private int index;
    private int documentIndex;
    private int line;
    private int column;

    /** @param text checked by {@link #firstUnprintable} beforehand: SnakeYAML's reader refuses the same characters */
    WholeTextReader(String name, String text) {
        super(new StringReader(""));
        this.name = name;
        if (text.codePointCount(0, text.length()) == text.length()) {
            this.chars = text;
            this.codePoints = null;
            this.length = text.length();
        } else {
            this.chars = null;
            this.codePoints = text.codePoints().toArray();
            this.length = codePoints.length;
        }
    }

    /**
     * The index (in chars) of the first character SnakeYAML does not accept in a document (C0 controls other than
     * tab and line breaks, DEL, C1 controls but NEL, surrogates alone, U+FFFE and U+FFFF), or -1.
     */
    static int firstUnprintable(String text) {
        for (int i = 0; i < text.length(); ) {
            final int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    private int at(int i) {
        return codePoints != null ? codePoints[i] : chars.charAt(i);
    }

    @Override
    public Mark getMark() {
        return new Mark(name, index, line, column, NO_SNIPPET, 0);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int n) {
        for (int i = 0; i < n && pointer < length; i++) {
            final int c = at(pointer++);
            index++;
            documentIndex++;
            final boolean lineBreak = c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029
                || (c == '\r' && pointer < length && at(pointer) != '\n');
            if (lineBreak) {
                line++;
                column = 0;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
    }

    @Override
    public int peek() {
        return pointer < length ? at(pointer) : '\0';
    }

    @Override
    public int peek(int offset) {
        final int i = pointer + offset;
        return i < length ? at(i) : '\0';
    }

    @Override
    public String prefix(int n) {
        final int end = Math.min(length, pointer + n);
        if (end <= pointer) {
            return "";
        }
        return codePoints != null ? new String(codePoints, pointer, end - pointer) : chars.substring(pointer, end);
    }

    @Override
    public String prefixForward(int n) {
        final String prefix = prefix(n);
        // as SnakeYAML's reader: the scanner only takes a prefix that holds no line break
        pointer += n;
        index += n;
        documentIndex += n;
        column += n;
        return prefix;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getDocumentIndex() {
        return documentIndex;
    }

    @Override
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public int getLine() {
        return line;
    }
}
