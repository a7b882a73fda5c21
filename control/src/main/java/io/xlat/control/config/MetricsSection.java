package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.Node;

import java.util.List;

/**
 * The {@code metrics:} section: {@code listen: "HOST:PORT"}. Absent, the endpoint is off; present, it listens on
 * {@link MetricsConfig#DEFAULT_LISTEN} unless told otherwise; {@code listen: null} turns it off again (what the
 * effective configuration writes for a file without the section).
 */
public final class MetricsSection implements ConfigSection<MetricsConfig> {

    public static final MetricsSection INSTANCE = new MetricsSection();

    static final String KEY = "metrics";
    static final String LISTEN = "listen";

    /** The keys, in the order they are documented and written. */
    static final List<String> KEYS = List.of(LISTEN);

    private MetricsSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public MetricsConfig defaults() {
        return MetricsConfig.DISABLED;
    }

    @Override
    public MetricsConfig parse(Node node, ConfigProblems problems) {
        final YamlMapping m = YamlMapping.read(node, KEY, KEYS, problems);
        if (!m.has(LISTEN)) {
            return new MetricsConfig(MetricsConfig.DEFAULT_HOST, MetricsConfig.DEFAULT_PORT);
        }
        final Node value = m.value(LISTEN);
        if (YamlValues.isNull(value)) {
            return MetricsConfig.DISABLED;
        }
        final String text = YamlValues.text(value, m.path(LISTEN), "HOST:PORT such as " + MetricsConfig.DEFAULT_LISTEN,
            problems);
        if (text == null) {
            return MetricsConfig.DISABLED;
        }
        final MetricsConfig parsed = listen(text);
        if (parsed == null) {
            problems.error(value, m.path(LISTEN) + ": expected an IP address and a port such as "
                + MetricsConfig.DEFAULT_LISTEN + " or \"[::1]:9464\" (no host names: the daemon resolves nothing), "
                + "got '" + text + "'");
            return MetricsConfig.DISABLED;
        }
        return parsed;
    }

    /** {@code 192.0.2.1:9464} or {@code [2001:db8::1]:9464}; null when it is neither. */
    static MetricsConfig listen(String text) {
        final ListenAddress parsed = ListenAddress.parse(text);
        return parsed == null ? null : new MetricsConfig(parsed.host(), parsed.port());
    }

    @Override
    public void write(MetricsConfig c, StringBuilder out) {
        out.append(KEY).append(":\n");
        out.append("  ").append(LISTEN).append(": ").append(c.enabled() ? YamlValues.quoted(c.listen()) : "null")
            .append('\n');
    }
}
