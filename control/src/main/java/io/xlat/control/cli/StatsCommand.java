package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.DataplaneConfig;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.TranslatorMetric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code xlat stats}: the live counters of a running xlat, read from its counters file. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Print the live counters of a running xlat.",
    description = {
        "%nRead the counters file of a running (or stopped) 'xlat run' and print its nonzero counters per device, "
            + "summed over the device's workers: packets and bytes read and written, packets translated each way, "
            + "ICMP errors sent, and drops by reason. The file is found from --config (dataplane.counters-file), "
            + "--counters-file, or the default " + DataplaneConfig.DEFAULT_COUNTERS_FILE + ".",
        "%n--explain prints what every counter means instead, without reading a file.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat stats --config /etc/xlat/xlat.yaml",
        "  xlat stats --counters-file /run/xlat/counters --per-worker --all",
        "  xlat stats --explain",
        "",
        "Exit code 1 when the counters file cannot be read, 2 when the configuration is rejected."})
final class StatsCommand implements Callable<Integer> {

    static final int LABEL_WIDTH = 34;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "The configuration of the running xlat; its dataplane.counters-file is read.")
    Path config;

    @Option(names = "--counters-file", paramLabel = "FILE", description = "The counters file to read.")
    Path countersFile;

    @Option(names = "--explain", description = "Print what each counter means, and nothing else.")
    boolean explain;

    @Option(names = "--all", description = "Print the counters that are zero too.")
    boolean all;

    @Option(names = "--per-worker", description = "One block per worker (device queue) instead of per device.")
    boolean perWorker;

    @Option(names = "--per-direction", description = "Drops by direction too: 'drop REASON 46', 'drop REASON 64' "
        + "(by the family the packet arrived in) and 'drop REASON unknown' (neither IPv4 nor IPv6).")
    boolean perDirection;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (explain) {
            explain(out);
            return ExitCodes.OK;
        }
        if (config != null && countersFile != null) {
            throw new ParameterException(spec.commandLine(), "give --config or --counters-file, not both");
        }
        final Path path;
        try {
            path = countersFile(config, countersFile);
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, err);
        }
        final CountersFile.Snapshot snapshot;
        try {
            snapshot = CountersFile.read(path);
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": error: " + (e instanceof NoSuchFileException
                ? path + ": no such file (is xlat running? 'xlat run' creates it)" : ReplayCommand.describe(e)));
            err.flush();
            return ExitCodes.FAILURE;
        }
        print(snapshot, out, new Layout(all, perWorker, perDirection), Instant.now());
        printBgp(path.resolveSibling(path.getFileName() + ".bgp"), out, Instant.now());
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The counters file of a running xlat: {@code --counters-file} as given, else the {@code dataplane.counters-file}
     * of {@code --config} (which is loaded, so a bad file is reported), else the default.
     */
    static Path countersFile(Path config, Path countersFile) throws ConfigException {
        if (countersFile != null) {
            return countersFile;
        }
        return Path.of(config != null ? ConfigLoader.load(config).dataplane().countersFile()
            : DataplaneConfig.DEFAULT_COUNTERS_FILE);
    }

    /**
     * The BGP sessions, from the status file {@code xlat run} rewrites every second next to its counters file
     * ({@code <counters-file>.bgp}); nothing when it runs without BGP.
     */
    static void printBgp(Path file, PrintWriter out, Instant now) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return; // no BGP configured, or not running
        }
        String written = "";
        for (final String line : lines) {
            final String[] f = line.split("\t", -1);
            if (line.startsWith("# xlat bgp status, written at ")) {
                final long at = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
                written = " (status written " + duration(Duration.between(Instant.ofEpochMilli(at), now)).substring(3)
                    + " ago)";
                out.println("bgp" + written);
            } else if (f.length >= 3 && f[0].equals("announced")) {
                out.printf("  %-" + (LABEL_WIDTH - 2) + "s%s%n", "announced prefixes", f[1]);
                out.println("    " + f[2]);
            } else if (f.length >= 10 && f[0].equals("peer")) {
                final long uptime = Long.parseLong(f[3]);
                out.println("  peer " + f[1] + "  " + f[2] + (uptime >= 0 ? ", " + duration(Duration.ofMillis(uptime)) : ""));
                out.printf("    messages in %s, out %s; prefixes held by the peer %s, unsendable %s, malformed in %s%n",
                    f[4], f[5], f[6], f[7], f[8]);
                if (!f[9].isEmpty()) {
                    out.println("    last error: " + f[9]);
                }
            }
        }
    }

    /**
     * What {@link #print} shows: the zero counters too, a block per worker rather than per device, drops per
     * direction rather than per reason alone.
     */
    record Layout(boolean all, boolean perWorker, boolean perDirection) {
    }

    /** The counters grouped by device (or device and worker), in catalogue order, summed over workers. */
    static void print(CountersFile.Snapshot snapshot, PrintWriter out, Layout layout, Instant now) {
        final boolean all = layout.all();
        final boolean perWorker = layout.perWorker();
        final Instant started = Instant.ofEpochMilli(snapshot.startTimeMillis());
        out.println(snapshot.path() + ": xlat pid " + snapshot.pid() + ", " + (snapshot.running()
            ? "running since " + started + " (" + duration(Duration.between(started, now)) + ")"
            : "stopped (started " + started + "; the values are its last)")
            + (snapshot.ioPathName() == null ? "" : ", io " + snapshot.ioPathName()));
        final Map<String, TreeMap<Integer, Line>> groups = new LinkedHashMap<>();
        final Map<String, Set<Integer>> workersByGroup = new LinkedHashMap<>();
        snapshot.reader().forEach((id, typeId, keyBuffer, label) -> {
            final CounterKey key = CounterKey.read(typeId, keyBuffer);
            if (key == null) {
                return;
            }
            final String group = perWorker ? key.scope() + " q" + key.worker() : key.scope();
            final Line line = groups.computeIfAbsent(group, g -> new TreeMap<>())
                .computeIfAbsent(rank(key, layout.perDirection()),
                    r -> new Line(layout.perDirection() ? key.metricLabel() : key.metricName()));
            line.value += snapshot.reader().getCounterValue(id);
            workersByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(key.worker());
        });
        if (groups.isEmpty()) {
            out.println("no counters (the data plane had not started its workers)");
        }
        for (final Map.Entry<String, TreeMap<Integer, Line>> group : groups.entrySet()) {
            final int workers = workersByGroup.get(group.getKey()).size();
            out.println(perWorker ? group.getKey() : group.getKey() + " (" + workers
                + (workers == 1 ? " worker)" : " workers)"));
            boolean any = false;
            for (final Line line : group.getValue().values()) {
                if (all || line.value != 0) {
                    out.printf(Locale.ROOT, "  %-" + LABEL_WIDTH + "s %d%n", line.label, line.value);
                    any = true;
                }
            }
            if (!any) {
                out.println("  (all zero)");
            }
        }
        out.flush();
    }

    /** Device metrics, then translator totals, then drops, each in its catalogue order (then by direction). */
    private static int rank(CounterKey key, boolean perDirection) {
        switch (key.typeId()) {
            case CounterKey.DEVICE_TYPE_ID:
                return 1000 + key.metric();
            case CounterKey.TRANSLATOR_TYPE_ID:
                return 2000 + key.metric();
            default:
                final DropReason reason = DropReason.byId(key.metric());
                final int row = 3000 + 4 * (reason != null ? reason.ordinal() : 900 + key.metric());
                return perDirection ? row + 1 + key.dropDirection().ordinal() : row;
        }
    }

    private static String duration(Duration d) {
        final long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return "up " + s + "s";
        }
        if (s < 3600) {
            return "up " + s / 60 + "m" + s % 60 + "s";
        }
        if (s < 86400) {
            return "up " + s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return "up " + s / 86400 + "d" + (s % 86400) / 3600 + "h";
    }

    /** The catalogue of counters: what {@code --explain} prints. */
    static void explain(PrintWriter out) {
        out.println("Counters of 'xlat run', per device and worker in the counters file; 'xlat stats' sums the "
            + "workers of a device.");
        out.println();
        out.println("Device (what the worker read from and wrote to the TUN device):");
        for (final DeviceMetric m : DeviceMetric.values()) {
            row(out, m.label(), m.description());
        }
        out.println();
        out.println("Translator:");
        for (final TranslatorMetric m : TranslatorMetric.values()) {
            row(out, m.label(), m.description());
        }
        out.println();
        out.println("Drops (a packet the translator did not forward; the RFC that decides it in brackets). Each is "
            + "counted by direction too, which --per-direction prints: 46 (arrived as IPv4), 64 (arrived as IPv6) "
            + "or unknown (neither):");
        final List<DropReason> reasons = new ArrayList<>(List.of(DropReason.values()));
        reasons.sort(Comparator.comparingInt(DropReason::id));
        for (final DropReason r : reasons) {
            row(out, "drop " + r.label(), r.description() + " [" + r.rfc() + "]");
        }
        out.flush();
    }

    private static void row(PrintWriter out, String label, String description) {
        out.printf(Locale.ROOT, "  %-" + LABEL_WIDTH + "s %s%n", label, description);
    }

    /** One printed counter: a label and the sum of its workers' values. */
    private static final class Line {
        final String label;
        long value;

        Line(String label) {
            this.label = label;
        }
    }
}
