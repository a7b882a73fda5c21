package io.xlat.control.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** Reads and validates {@code file}; errors are reported as {@code FILE:LINE:COL: message}. */
    public static XlatConfig load(Path file) throws ConfigException {
        final String source = file.toString();
        final String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw single(source, "no such file");
        } catch (AccessDeniedException e) {
            throw single(source, "permission denied");
        } catch (CharacterCodingException e) {
            throw single(source, "not UTF-8 text");
        } catch (IOException e) {
            throw single(source, "cannot read: " + e.getMessage());
        }
        return parse(text, source);
    }

    /** Validates YAML text; {@code source} names it in messages. */
    public static XlatConfig parse(String text, String source) throws ConfigException {
        final ConfigProblems problems = new ConfigProblems(source);
        final Node root;
        try {
            root = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.error(e.getProblemMark(), "YAML syntax error: "
                + (e.getContext() != null ? e.getContext() + ", " : "") + e.getProblem());
            throw new ConfigException(problems.errors());
        } catch (YAMLException e) {
            problems.error((Node) null, "YAML error: " + e.getMessage());
            throw new ConfigException(problems.errors());
        }
        final List<String> keys = new ArrayList<>();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            keys.add(section.key());
        }
        final YamlMapping top = YamlMapping.read(root, "", keys, problems);
        final Map<ConfigSection<?>, Object> values = new IdentityHashMap<>();
        final Map<ConfigSection<?>, Node> nodes = new IdentityHashMap<>();
        final Set<ConfigSection<?>> clean = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            final Node node = top.value(section.key());
            final int before = problems.size();
            values.put(section, node == null ? section.defaults() : section.parse(node, problems));
            if (node != null) {
                nodes.put(section, node);
            }
            if (problems.size() == before) {
                clean.add(section);
            }
        }
        CrossSectionChecks.check(new XlatConfig(values), nodes, clean, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return new XlatConfig(values);
    }

    private static Yaml yaml() {
        final LoaderOptions options = new LoaderOptions();
        // a configuration file has no use for alias bombs or megabytes of text
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(16 * 1024 * 1024);
        options.setNestingDepthLimit(50);
        return new Yaml(options);
    }

    private static ConfigException single(String source, String message) {
        return new ConfigException(List.of(new ConfigError(source, 0, 0, message)));
    }
}
