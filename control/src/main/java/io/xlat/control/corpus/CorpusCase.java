package io.xlat.control.corpus;

import io.xlat.control.compare.IgnoredFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One case of a corpus, as its directory describes it:
 * <pre>
 * NAME/
 *   config.yaml              optional; else the corpus's config.yaml; else the defaults
 *   in.pcap | in.pcapng
 *   expected.pcap | expected.pcapng
 *   case.yaml                optional: tenant, ignore, allow-extra, description
 *   args                     optional, older form of tenant/ignore: replay options, e.g. "--tenant blue"
 * </pre>
 * A case that cannot be read is still a case: {@link #problem} says what is wrong, and it fails with that.
 *
 * @param expected the expected capture, or where {@code --update} creates it when missing
 * @param problem  why the case cannot run (missing files, a bad case.yaml), or null
 */
public record CorpusCase(String name, Path directory, Path input, Path expected, Path config, String tenant,
    IgnoredFields ignore, boolean allowExtra, String description, String problem) {

    static final String CASE_FILE = "case.yaml";
    static final String ARGS_FILE = "args";
    private static final Set<String> KEYS = Set.of("tenant", "ignore", "allow-extra", "description");

    /** Reads the case in {@code directory}; {@code corpusConfig} is the corpus's config.yaml, or null. */
    static CorpusCase read(Path directory, Path corpusConfig) {
        final String name = directory.getFileName().toString();
        final Path input = either(directory, "in");
        final Path existingExpected = either(directory, "expected");
        final Path expected = existingExpected != null ? existingExpected : directory.resolve("expected.pcap");
        final Path ownConfig = directory.resolve("config.yaml");
        final Path config = Files.isRegularFile(ownConfig) ? ownConfig : corpusConfig;
        final List<String> problems = new ArrayList<>();
        if (input == null) {
            problems.add(directory.resolve("in.pcap") + ": missing (nor is there an in.pcapng)");
        }
        if (existingExpected == null) {
            problems.add(expected + ": missing (nor is there an expected.pcapng; 'xlat test --update' creates it)");
        }
        String tenant = null;
        IgnoredFields ignore = IgnoredFields.NONE;
        boolean allowExtra = false;
        String description = null;
        final Path caseFile = directory.resolve(CASE_FILE);
        if (Files.isRegularFile(caseFile)) {
            try {
                final Map<?, ?> map = yaml(caseFile);
                for (final Object key : map.keySet()) {
                    if (!KEYS.contains(String.valueOf(key))) {
                        throw new IllegalArgumentException("unknown key '" + key + "' (known: allow-extra, "
                            + "description, ignore, tenant)");
                    }
                }
                tenant = string(map.get("tenant"), "tenant");
                description = string(map.get("description"), "description");
                ignore = IgnoredFields.parse(strings(map.get("ignore")));
                final Object extra = map.get("allow-extra");
                if (extra != null && !(extra instanceof Boolean)) {
                    throw new IllegalArgumentException("allow-extra must be true or false, not '" + extra + "'");
                }
                allowExtra = Boolean.TRUE.equals(extra);
            } catch (IOException | RuntimeException e) {
                problems.add(caseFile + ": " + message(e));
            }
        }
        final Path argsFile = directory.resolve(ARGS_FILE);
        if (Files.isRegularFile(argsFile)) {
            try {
                final Args args = Args.read(argsFile);
                if (args.tenant() != null && tenant != null && !args.tenant().equals(tenant)) {
                    throw new IllegalArgumentException("says --tenant " + args.tenant() + " but " + CASE_FILE
                        + " says tenant: " + tenant);
                }
                tenant = tenant != null ? tenant : args.tenant();
                ignore = ignore.and(args.ignore());
                allowExtra |= args.allowExtra();
            } catch (IOException | RuntimeException e) {
                problems.add(argsFile + ": " + message(e));
            }
        }
        return new CorpusCase(name, directory, input, expected, config, tenant, ignore, allowExtra, description,
            problems.isEmpty() ? null : String.join("; ", problems));
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    }

    private static Path either(Path directory, String stem) {
        final Path pcap = directory.resolve(stem + ".pcap");
        if (Files.isRegularFile(pcap)) {
            return pcap;
        }
        final Path pcapng = directory.resolve(stem + ".pcapng");
        return Files.isRegularFile(pcapng) ? pcapng : null;
    }

    private static Map<?, ?> yaml(Path file) throws IOException {
        final Object loaded = new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(file, StandardCharsets.UTF_8));
        if (loaded == null) {
            return Map.of();
        }
        if (!(loaded instanceof Map)) {
            throw new IllegalArgumentException("must be a mapping (tenant:, ignore:, allow-extra:, description:)");
        }
        return (Map<?, ?>) loaded;
    }

    private static String string(Object value, String key) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw new IllegalArgumentException(key + " must be a single value");
        }
        return String.valueOf(value);
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            return List.of(String.valueOf(value));
        }
        final List<String> all = new ArrayList<>();
        for (final Object o : (List<?>) value) {
            all.add(String.valueOf(o));
        }
        return all;
    }

    /**
     * The {@code args} file of the project's own corpus, kept so that cases written before case.yaml still run:
     * whitespace-separated words, {@code #} starting a comment; {@code --tenant NAME}, {@code --ignore FIELD} and
     * {@code --allow-extra} are understood.
     */
    record Args(String tenant, IgnoredFields ignore, boolean allowExtra) {
        static Args read(Path file) throws IOException {
            final List<String> words = new ArrayList<>();
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                final int hash = line.indexOf('#');
                final String text = (hash < 0 ? line : line.substring(0, hash)).strip();
                if (!text.isEmpty()) {
                    words.addAll(List.of(text.split("\\s+")));
                }
            }
            if (words.isEmpty()) {
                throw new IllegalArgumentException("present but holds no argument (delete it instead)");
            }
            String tenant = null;
            final List<String> ignore = new ArrayList<>();
            boolean allowExtra = false;
            for (int i = 0; i < words.size(); i++) {
                final String w = words.get(i);
                final int eq = w.indexOf('=');
                final String option = eq > 0 ? w.substring(0, eq) : w;
                if (option.equals("--allow-extra")) {
                    allowExtra = true;
                    continue;
                }
                if (!option.equals("--tenant") && !option.equals("-t") && !option.equals("--ignore")) {
                    throw new IllegalArgumentException("'" + w + "' is not understood here (--tenant NAME, --ignore "
                        + "FIELD, --allow-extra)");
                }
                final String value;
                if (eq > 0) {
                    value = w.substring(eq + 1);
                } else if (i + 1 < words.size()) {
                    value = words.get(++i);
                } else {
                    throw new IllegalArgumentException(w + " needs a value");
                }
                if (option.equals("--ignore")) {
                    ignore.add(value);
                } else {
                    tenant = value;
                }
            }
            return new Args(tenant, IgnoredFields.parse(ignore), allowExtra);
        }
    }
}
