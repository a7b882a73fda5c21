package io.xlat.control.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/configuration.md against the loader's own key tables: every key the loader accepts has a row there, and
 * every row is a key the loader accepts. The tables are found by reflection (every static {@code List<String>}
 * named {@code KEYS} or {@code *_KEYS} in this package), so that a new table cannot go undocumented unnoticed.
 */
class ConfigReferenceTest {

    static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    /** Where each key table's keys live in the file, as the reference writes them. */
    static final Map<String, List<String>> PREFIXES = Map.of(
        "TranslatorSection.KEYS", List.of("translator."),
        "EamEntries.KEYS", List.of("translator.eamt[].", "tenants[].services[]."),
        "TenantsSection.KEYS", List.of("tenants[]."),
        "DataplaneSection.KEYS", List.of("dataplane."),
        "BgpSection.KEYS", List.of("bgp."),
        "BgpSection.PEER_KEYS", List.of("bgp.peers[]."),
        "MetricsSection.KEYS", List.of("metrics."),
        "LimitsSection.KEYS", List.of("limits."));

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9\\[\\].-]+)` \\|");
    private static final Pattern SECTION = Pattern.compile("(?m)^## `([a-z0-9-]+)`$");

    /** Every key path the loader accepts, from its tables. */
    static Set<String> acceptedKeys() throws Exception {
        final Set<String> keys = new TreeSet<>();
        final List<String> tables = new ArrayList<>();
        for (final Class<?> type : configClasses()) {
            for (final Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || field.getType() != List.class
                    || !(field.getName().equals("KEYS") || field.getName().endsWith("_KEYS"))) {
                    continue;
                }
                final String table = type.getSimpleName() + "." + field.getName();
                tables.add(table);
                final List<String> prefixes = PREFIXES.get(table);
                if (prefixes == null) {
                    fail(table + " is a key table this test does not know: add where its keys live in the file to "
                        + "PREFIXES and document them in " + REFERENCE);
                }
                field.setAccessible(true);
                for (final Object key : (List<?>) field.get(null)) {
                    for (final String prefix : prefixes) {
                        keys.add(prefix + key);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(PREFIXES.keySet()), new TreeSet<>(tables), "key tables found by reflection");
        return keys;
    }

    private static List<Class<?>> configClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        final Path dir = Path.of(ConfigLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(ConfigLoader.class.getPackageName().replace('.', '/'));
        final List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path f : (Iterable<Path>) files::iterator) {
                final String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    classes.add(Class.forName(ConfigLoader.class.getPackageName() + "." + name.replace(".class", "")));
                }
            }
        }
        return classes;
    }

    private static String reference() throws IOException {
        return Files.readString(REFERENCE);
    }

    private static Set<String> matches(Pattern pattern, String text) {
        final Set<String> found = new TreeSet<>();
        final Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void shouldDocumentEveryKeyTheLoaderAccepts() throws Exception {
        final Set<String> undocumented = new TreeSet<>(acceptedKeys());
        undocumented.removeAll(matches(ROW, reference()));

        assertTrue(undocumented.isEmpty(), "keys the loader accepts without a row in " + REFERENCE + ": "
            + undocumented);
    }

    @Test
    void shouldDocumentOnlyKeysTheLoaderAccepts() throws Exception {
        final Set<String> stale = new TreeSet<>(matches(ROW, reference()));
        final Set<String> accepted = acceptedKeys();
        accepted.addAll(matches(SECTION, reference()));
        stale.removeAll(accepted);

        assertTrue(stale.isEmpty(), "rows in " + REFERENCE + " for keys the loader rejects: " + stale);
    }

    @Test
    void shouldHaveASectionPerTopLevelKeyInTheLoadersOrder() throws Exception {
        final List<String> loader = new ArrayList<>();
        for (final ConfigSection<?> section : ConfigSections.ALL) {
            loader.add(section.key());
        }
        final List<String> documented = new ArrayList<>();
        final Matcher m = SECTION.matcher(reference());
        while (m.find()) {
            documented.add(m.group(1));
        }

        assertEquals(loader, documented);
    }

    @Test
    void shouldHaveExamplesTheLoaderAccepts() throws Exception {
        final Matcher m = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(reference());
        int examples = 0;
        while (m.find()) {
            examples++;
            try {
                ConfigLoader.parse(m.group(1), REFERENCE + " example " + examples);
            } catch (ConfigException e) {
                fail("an example of " + REFERENCE + " is rejected:\n" + e.getMessage() + "\n" + m.group(1));
            }
        }
        assertTrue(examples > ConfigSections.ALL.size(), "one example per section and a complete one: " + examples);
    }
}
