package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.Node;

import java.util.List;
import java.util.regex.Pattern;

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

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

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
        final String host;
        final String port;
        if (text.startsWith("[")) {
            final int close = text.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!IPV6.matcher(host).matches() || !validIpv6(host)) {
                return null;
            }
        } else {
            final int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return null;
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (!IPV4.matcher(host).matches() || !validIpv4(host)) {
                return null;
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        final int p = Integer.parseInt(port);
        return p >= 1 && p <= 65535 ? new MetricsConfig(host, p) : null;
    }

    private static boolean validIpv4(String host) {
        for (final String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean validIpv6(String host) {
        try {
            io.xlat.core.addr.Ipv6Prefix.parse(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void write(MetricsConfig c, StringBuilder out) {
        out.append(KEY).append(":\n");
        out.append("  ").append(LISTEN).append(": ").append(c.enabled() ? YamlValues.quoted(c.listen()) : "null")
            .append('\n');
    }
}
