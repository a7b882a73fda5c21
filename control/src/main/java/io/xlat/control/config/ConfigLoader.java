package io.xlat.control.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML configuration file into an {@link XlatConfig}: all or nothing. The file is composed to
 * SnakeYAML's node tree (which keeps line and column marks) and each top-level section parses its own part;
 * every problem in every section is collected before the file is rejected.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * The largest configuration file read, in bytes (and characters): a million EAM entries take about 56 MB.
     * Anything larger is refused before it is read, so that a wrong path ({@code /dev/zero}, a disk image) ends in
     * a clear error, not an OutOfMemoryError.
     */
    public static final int MAX_FILE_BYTES = 128 * 1024 * 1024;

    /** The top-level key that lets a file map nothing: see {@link AllowEmptySection}. */
    public static final String ALLOW_EMPTY = AllowEmptySection.KEY;

    /**
     * Reads and validates {@code file}; errors are reported as {@code FILE:LINE:COL: message}. Unlike
     * {@link #parse}, a file that maps nothing (no pool6, no EAM entry, no tenant: an empty or truncated file) is
     * refused unless it says {@code allow-empty: true}: loaded by {@code xlat run} or its reload, it would take
     * the translator out of service.
     */
    public static XlatConfig load(Path file) throws ConfigException {
        final String source = file.toString();
        final XlatConfig config = parse(readSettled(file, source, () -> { }), source);
        if (config.mapsNothing() && !config.section(AllowEmptySection.INSTANCE)) {
            throw single(source, "the file maps nothing (no translator.pool6, translator.eamt entry or tenant): an "
                + "empty or truncated file would take the translator out of service; write '" + ALLOW_EMPTY
                + ": true' to run without any mapping on purpose");
        }
        return config;
    }

    /** How often a file that changes while it is read is read again before the load gives up. */
    static final int READ_ATTEMPTS = 5;

    /**
     * The text of a file that did not change while it was read: its size, modification time and identity (inode)
     * the same before and after, and as many bytes read as it has. A file written in place while a reload reads it
     * would otherwise be parsed half-written, and half an EAM list or tenant list is valid YAML that silently drops
     * the rest; one renamed into place during the read is read again as the new file. Retried a few times, 100 ms
     * apart; {@code afterEachRead} lets a test change the file between the read and the second look.
     */
    static String readSettled(Path file, String source, Runnable afterEachRead) throws ConfigException {
        for (int attempt = 1; ; attempt++) {
            final BasicFileAttributes before = attributes(file);
            final String text = read(file, source);
            afterEachRead.run();
            final BasicFileAttributes after = attributes(file);
            if (before == null || !before.isRegularFile() || settled(before, after, text)) {
                return text;
            }
            if (attempt == READ_ATTEMPTS) {
                throw single(source, "the file changed while it was read, " + READ_ATTEMPTS + " times in a row: "
                    + "something is writing it; write the new file beside it and rename it into place");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw single(source, "interrupted while waiting for the file to stop changing");
            }
        }
    }

    private static boolean settled(BasicFileAttributes before, BasicFileAttributes after, String text) {
        return after != null && before.size() == after.size()
            && before.lastModifiedTime().equals(after.lastModifiedTime())
            && java.util.Objects.equals(before.fileKey(), after.fileKey())
            // the text is UTF-8: as many bytes as the file has, or a character YAML refuses stopped the read early
            && (utf8Length(text) == before.size() || WholeTextReader.firstUnprintable(text) >= 0);
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null; // read() says what is wrong with it
        }
    }

    /**
     * The file's text, refused without reading it all when larger than {@link #MAX_FILE_BYTES} or when it holds a
     * character YAML does not allow (a binary file stops at its first NUL, not after 128 MB).
     */
    private static String read(Path file, String source) throws ConfigException {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw tooLarge(source, Files.size(file) + " bytes");
            }
            final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            try (Reader in = new InputStreamReader(Files.newInputStream(file), decoder)) {
                final StringBuilder text = new StringBuilder();
                final char[] chunk = new char[64 * 1024];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    if (text.length() + n > MAX_FILE_BYTES) {
                        throw tooLarge(source, "more than that");
                    }
                    text.append(chunk, 0, n);
                    for (int i = 0; i < n; i++) {
                        final char c = chunk[i];
                        if (!Character.isSurrogate(c) && !StreamReader.isPrintable(c)) {
                            return text.toString(); // parse reports the character at its place
                        }
                    }
                }
                return text.toString();
            }
        } catch (NoSuchFileException e) {
            throw single(source, "no such file");
        } catch (AccessDeniedException e) {
            throw single(source, "permission denied");
        } catch (CharacterCodingException e) {
            throw single(source, "not UTF-8 text");
        } catch (IOException e) {
            throw single(source, "cannot read: " + e.getMessage());
        }
    }

    private static ConfigException tooLarge(String source, String size) {
        return single(source, "too large (" + size + "); a configuration file is at most " + MAX_FILE_BYTES
            + " bytes (" + (MAX_FILE_BYTES >> 20) + " MiB)");
    }

    /**
     * Validates YAML text; {@code source} names it in messages. Every section is checked, but a text that maps
     * nothing is accepted: {@link #load} is what refuses it for a file to run.
     */
    public static XlatConfig parse(String text, String source) throws ConfigException {
        try {
            return parseWithinHeap(text, source);
        } catch (OutOfMemoryError e) {
            // what the load built is garbage once this frame is left: the heap is back to what it was, and a
            // reload keeps the running configuration instead of losing the daemon to an uncaught error
            throw single(source, "not enough heap to load it (the maximum heap is "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): raise it with -Xmx in XLAT_JAVA_OPTS, sized "
                + "with the figures in docs/testing.md \"Limits\", or lower limits: to refuse such files at once");
        }
    }

    private static XlatConfig parseWithinHeap(String text, String source) throws ConfigException {
        final ConfigProblems problems = new ConfigProblems(source);
        if (text.length() > MAX_FILE_BYTES) {
            throw tooLarge(source, text.length() + " characters");
        }
        final Node root;
        try {
            root = compose(text, source, problems);
        } catch (MarkedYAMLException e) {
            problems.error(e.getProblemMark(), "YAML syntax error: "
                + (e.getContext() != null ? e.getContext() + ", " : "") + e.getProblem());
            throw new ConfigException(problems.errors(), problems.size());
        } catch (YAMLException e) {
            problems.error((Node) null, "YAML error: " + e.getMessage());
            throw new ConfigException(problems.errors(), problems.size());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.errors(), problems.size());
        }
        final List<String> keys = new ArrayList<>();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            keys.add(section.key());
        }
        final YamlMapping top = YamlMapping.read(root, "", keys, problems);
        final Map<ConfigSection<?>, Object> values = new IdentityHashMap<>();
        final Map<ConfigSection<?>, Node> nodes = new IdentityHashMap<>();
        final Set<ConfigSection<?>> clean = Collections.newSetFromMap(new IdentityHashMap<>());
        // the limits first, counted on the node tree: a file past them is refused before any table is built
        final Node limitsNode = top.value(LimitsSection.KEY);
        final ConfigLimits limits = limitsNode == null ? LimitsSection.INSTANCE.defaults()
            : LimitsSection.INSTANCE.parse(limitsNode, problems);
        if (LimitsSection.check(root, limits, problems)) {
            throw new ConfigException(problems.errors(), problems.size());
        }
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            final Node node = top.value(section.key());
            final int before = problems.size();
            if (section == LimitsSection.INSTANCE) {
                values.put(section, limits);
            } else {
                values.put(section, node == null ? section.defaults() : section.parse(node, problems));
            }
            if (node != null) {
                nodes.put(section, node);
            }
            if (problems.size() == before) {
                clean.add(section);
            }
        }
        CrossSectionChecks.check(new XlatConfig(values), nodes, clean, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.errors(), problems.size());
        }
        return new XlatConfig(values);
    }

    /**
     * The node tree of the single document in {@code text}, or null for an empty one; a character that YAML does
     * not allow is reported at its place (escaped: it may be a terminal control sequence).
     */
    private static Node compose(String text, String source, ConfigProblems problems) {
        final int bad = WholeTextReader.firstUnprintable(text);
        if (bad >= 0) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            final int c = text.codePointAt(bad);
            problems.error(new Mark(source, bad, line - 1, bad - lineStart, new int[0], 0),
                "the character U+" + String.format("%04X", c) + " is not allowed in a YAML file (control "
                    + "characters other than tab and line breaks are not)");
            return null;
        }
        final LoaderOptions options = options();
        return new CompactComposer(new ParserImpl(new WholeTextReader(source, text), options), new Resolver(),
            options).getSingleNode();
    }

    private static LoaderOptions options() {
        final LoaderOptions options = new LoaderOptions();
        // A configuration file has no use for an alias to a list or mapping: a few nested ones expand a small
        // file into billions of nodes (a "billion laughs" bomb). Scalar aliases cost nothing and stay allowed.
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_FILE_BYTES);
        // the deepest real file nests five levels (tenants, a tenant, its services, an entry); 50 is generous and
        // keeps a '[[[[[...' file from overflowing the composer's stack
        options.setNestingDepthLimit(50);
        return options;
    }

    private static ConfigException single(String source, String message) {
        return new ConfigException(List.of(new ConfigError(source, 0, 0, message)), 1);
    }
}
