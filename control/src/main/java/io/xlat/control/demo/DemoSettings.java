package io.xlat.control.demo;

import io.xlat.control.cli.Main;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How one demo runs.
 *
 * @param prefix   what every namespace name starts with ({@code xlat-demo-} makes {@code xlat-demo-tor}, ...)
 * @param dir      the directory of the configuration files, logs and captures (kept after the run)
 * @param ecmp     the scale-out scenario instead of the two-host tenant scenario
 * @param keep     leave the topology up at the end
 * @param colour   ANSI colours (only on a terminal)
 * @param launcher how the printed commands call xlat ({@code ./xlat} from a checkout)
 * @param xlatJava the command that runs the xlat CLI for {@code xlat run} (a JVM and the xlat class path)
 */
public record DemoSettings(String prefix, Path dir, boolean ecmp, boolean keep, boolean colour, String launcher,
    List<String> xlatJava) {

    public static final String DEFAULT_PREFIX = "xlat-demo-";
    public static final Path DEFAULT_DIR = Path.of("/run/xlat-demo");

    /** Settings for this JVM: xlat run with the same JVM and class path, commands shown as from here. */
    public static DemoSettings of(String prefix, Path dir, boolean ecmp, boolean keep, boolean colour) {
        return new DemoSettings(prefix, dir.toAbsolutePath(), ecmp, keep, colour, defaultLauncher(), thisJvm());
    }

    /** How the printed commands call xlat: the checkout's launcher when run from a checkout. */
    static String defaultLauncher() {
        return Files.isExecutable(Path.of("xlat")) && Files.exists(Path.of("control", "target", "xlat.jar"))
            ? "./xlat" : "xlat";
    }

    /** This JVM and class path, for 'xlat run' in each host's namespace. */
    static List<String> thisJvm() {
        final String jvm = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> classPath = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).toAbsolutePath().toString());
        }
        return List.of(jvm, "-Xmx256m", "-XX:+UseSerialGC", "-cp", String.join(File.pathSeparator, classPath),
            Main.class.getName());
    }

    /** The namespaces of the scenario, by their short names. */
    public List<String> namespaces() {
        return ecmp ? EcmpScenario.NAMESPACES : TenantScenario.NAMESPACES;
    }

    /** Every namespace name either scenario uses (what --down and the start-up check look for). */
    public List<String> allNamespaces() {
        final java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        for (final String n : TenantScenario.NAMESPACES) {
            all.add(prefix + n);
        }
        for (final String n : EcmpScenario.NAMESPACES) {
            all.add(prefix + n);
        }
        return List.copyOf(all);
    }
}
