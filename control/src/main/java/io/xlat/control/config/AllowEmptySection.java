package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code allow-empty: true}: the opt-in for a file that maps nothing (no pool6, no EAM entry, no tenant). Without
 * it {@link ConfigLoader#load} refuses such a file, because an empty or truncated file handed to a running
 * translator (a reload after a failed copy) would withdraw every route and drop every packet. A lab host that
 * starts a translator first and maps later says so here.
 */
public final class AllowEmptySection implements ConfigSection<Boolean> {

    public static final AllowEmptySection INSTANCE = new AllowEmptySection();

    static final String KEY = "allow-empty";

    private AllowEmptySection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Boolean defaults() {
        return Boolean.FALSE;
    }

    @Override
    public Boolean parse(Node node, ConfigProblems problems) {
        final Boolean value = YamlValues.bool(node, KEY, problems);
        return value != null ? value : Boolean.FALSE;
    }

    @Override
    public void write(Boolean value, StringBuilder out) {
        out.append(KEY).append(": ").append(value).append('\n');
    }
}
