package io.xlat.control.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;

import java.nio.charset.StandardCharsets;

/**
 * Any text as a configuration file: the loader accepts it or rejects it with a {@link ConfigException} of at most
 * forty errors whose output holds no control character; nothing else escapes. An accepted file's effective
 * configuration reads back to the same effective configuration.
 */
public class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The same target for Jazzer's command line. */
    public static void fuzzerTestOneInput(byte[] input) {
        final String text = new String(input, StandardCharsets.UTF_8);
        final XlatConfig config;
        try {
            config = ConfigLoader.parse(text, "fuzz.yaml");
        } catch (ConfigException e) {
            if (e.errors().size() > 40) {
                throw new AssertionError(e.errors().size() + " errors shown");
            }
            for (int i = 0; i < e.getMessage().length(); i++) {
                final char c = e.getMessage().charAt(i);
                if ((c < 0x20 && c != '\n') || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                    throw new AssertionError("a raw control character U+" + Integer.toHexString(c) + " in: "
                        + e.getMessage());
                }
            }
            return;
        }
        final String written = config.toYaml(true);
        try {
            final String again = ConfigLoader.parse(written, "effective.yaml").toYaml(true);
            if (!again.equals(written)) {
                throw new AssertionError("the effective configuration does not read back the same:\n" + written
                    + "\n---\n" + again);
            }
        } catch (ConfigException e) {
            throw new AssertionError("the effective configuration is refused:\n" + written + "\n" + e.getMessage(), e);
        }
    }
}
