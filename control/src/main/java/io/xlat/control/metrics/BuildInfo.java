package io.xlat.control.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version, for {@code xlat --version} and the {@code xlat_build_info} series. */
public final class BuildInfo {

    private BuildInfo() {
    }

    /** The version from the jar manifest or Maven's pom.properties; "development build" when run from classes. */
    public static String version() {
        final String fromManifest = BuildInfo.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = BuildInfo.class.getResourceAsStream("/META-INF/maven/io.xlat/control/pom.properties")) {
            if (in != null) {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "development build";
    }
}
