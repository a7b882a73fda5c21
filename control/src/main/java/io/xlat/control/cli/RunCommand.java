package io.xlat.control.cli;

import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.DataplaneConfig;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.run.Daemon;
import io.xlat.control.log.LogFormat;
import io.xlat.control.log.XlatLogging;
import io.xlat.control.run.RunLog;
import io.xlat.control.run.RunOptions;
import io.xlat.tunio.dataplane.Dataplane;
import io.xlat.tunio.dataplane.DataplaneSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat run}: the data plane on TUN devices, until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Run the translator on a TUN device until stopped.",
    description = {
        "%nTranslate between IPv4 and IPv6 on the TUN device dataplane.siit-tun (or --tun), which carries both "
            + "families (for a device pair, tenants, or both with plain SIIT, see 'Several devices' below): "
            + "route the IPv4 destinations to translate and the IPv6 prefixes (pool6, EAM) into it. "
            + "The device is created, or attached to when it exists (a persistent device from 'ip tuntap add'); "
            + "it is brought up, and its MTU set when --mtu is given or xlat created it. With "
            + "dataplane.manage-routes: true xlat routes pool6, the EAM IPv4 prefixes and its own addresses into "
            + "the device (metric 464) and removes those routes on stop; otherwise route them yourself.",
        "%nOne worker thread per device queue (dataplane.workers, default one per core; a device created without "
            + "multi_queue has one queue). Live counters go to dataplane.counters-file; read them with 'xlat stats'.",
        "%nWithout --config, the options below build the configuration: --tun and --prefix at least. With "
            + "--config, --tun, --mtu, --workers, --counters-file, --[no-]offload, --[no-]coalesce and --io override the "
            + "file's dataplane section. TUN offloads are on unless turned off: TCP arrives as super-packets of up "
            + "to 64 KiB, translated once and segmented again by the kernel; UDP of one flow goes out as one "
            + "super-packet per batch (Linux 6.2+), cut into the same datagrams by the kernel.",
        "%nSIGTERM or SIGINT stop it, and it exits 0: workers stop, the device is closed (a persistent one stays), "
            + "the counters file keeps the last values.",
        "%nSeveral devices: when the file sets dataplane.ipv6-tun, one process runs every device the file names, "
            + "on the same workers: dataplane.ipv6-tun for IPv6 (the tenants' instance prefixes, and pool6 of plain "
            + "SIIT); each tenant's IPv4 device (tun:, created inside netns: when given); and plain SIIT's own "
            + "device, either dataplane.ipv4-tun (its IPv4 side, the IPv6 side being ipv6-tun: a device pair) or "
            + "dataplane.siit-tun (both families on one device). IPv6 goes to the tenant whose prefix holds its "
            + "destination, otherwise to plain SIIT. With dataplane.manage-routes: true the instance prefixes, and "
            + "pool6 and xlat's own addresses when a plain-SIIT device runs, are routed into the right device, "
            + "and a default route into each tenant device that lives in its own netns:; they follow reloads and are "
            + "removed on stop.",
        "%nSIGHUP (or 'xlat reload') re-reads the file, validates all of it, and applies the translator section "
            + "and the tenant list: every worker takes the new translator and tenant table between two batches, "
            + "new tenants' devices open, removed ones close, the others keep forwarding without a lost packet. An "
            + "invalid file is rejected in the log and the running configuration stays. The dataplane section "
            + "(devices, workers, counters file, manage-routes, offload, coalesce, io) takes a restart; a change there is "
            + "logged.",
        "%nBGP: with a bgp: section xlat connects to each peer and announces what 'xlat routes' prints, while the "
            + "data plane is healthy (its device up, its workers alive; checked every 150 ms, withdrawn within "
            + "about 300 ms of a failure, announced again on recovery). SIGHUP re-reads the routes (and the "
            + "communities) and sends only the difference. With several devices a failing device withdraws only what "
            + "it carries: a tenant's device its prefixes, plain SIIT's device pool6 and the EAM prefixes. On SIGTERM "
            + "the routes are withdrawn first, then the data plane stops, then the sessions close with a Cease.",
        "%nA device deleted under xlat (with or without bgp:) is re-attached once a device of that name is back, "
            + "or created again (queues, offloads, MTU) when xlat had created it, tried once a second; the managed "
            + "routes into it are installed again, and its prefixes announced again.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat run --config /etc/xlat/xlat.yaml",
        "  xlat run --tun xlat0 --prefix 2001:db8:64::/96 --mtu 1520 --ipv4-address 192.0.2.254 \\",
        "           --ipv6-address 2001:db8:ffff::1",
        "",
        "Exit code 0 after a stop by SIGTERM or SIGINT, 1 when the device cannot be",
        "opened (not root, device busy), 2 on a usage or configuration error."})
final class RunCommand implements Callable<Integer> {
    /** The IPv4 side's MTU under --mtu without a file: the IPv6 header is 20 bytes longer than IPv4's. */
    static final int HEADER_GROWTH = 20;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = "--tun", paramLabel = "NAME",
        description = "The TUN device for both families (dataplane.siit-tun).")
    String tun;

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "Without --config: the RFC 6052 prefix (translator.pool6), e.g. 2001:db8:64::/96.")
    String prefix;

    @Option(names = "--ipv4-address", paramLabel = "ADDRESS",
        description = "Without --config: the translator's own IPv4 address, the source of the ICMPv4 errors it "
            + "sends (translator.ipv4-address). Not an address of this host: route it into the device.")
    String ipv4Address;

    @Option(names = "--ipv6-address", paramLabel = "ADDRESS",
        description = "Without --config: the translator's own IPv6 address (translator.ipv6-address).")
    String ipv6Address;

    @Option(names = "--mtu", paramLabel = "BYTES",
        description = "Set the device's MTU (--tun or siit-tun alone; with several devices, those xlat creates "
            + "get the translator's ipv4-mtu and ipv6-mtu). Without --config also the translator's ipv6-mtu, and "
            + "ipv4-mtu 20 bytes less.")
    Integer mtu;

    @Option(names = "--workers", paramLabel = "N",
        description = "Worker threads, one device queue each (dataplane.workers; default: one per core).")
    Integer workers;

    @Option(names = "--counters-file", paramLabel = "FILE",
        description = "Where the live counters go (dataplane.counters-file; default "
            + DataplaneConfig.DEFAULT_COUNTERS_FILE + ").")
    Path countersFile;

    @Option(names = "--offload", negatable = true,
        description = "TUN offloads (dataplane.offload, on by default): open the devices with virtio-net headers "
            + "and TCP segmentation offload, so that the kernel hands over TCP super-packets of up to 64 KiB, "
            + "translated as one and cut into segments again by the kernel: much less work per byte for TCP. "
            + "--no-offload reads and writes one packet at a time.")
    Boolean offload;

    @Option(names = "--coalesce", negatable = true,
        description = "Coalescing on write (dataplane.coalesce, on by default; needs offloads and Linux 6.2+): "
            + "consecutive UDP datagrams of one flow that a batch writes to one device go out as one UDP "
            + "super-packet, which the kernel cuts into the same datagrams again. --no-coalesce writes UDP one "
            + "datagram at a time.")
    Boolean coalesce;

    @Option(names = "--io", paramLabel = "PATH",
        description = "How the workers read and write their devices (dataplane.io): syscalls (the default: one "
            + "read(2) and one writev(2) per packet, poll(2) when idle) or io_uring (reads kept posted in a ring "
            + "per queue and a round's writes submitted together: one io_uring_enter(2) per round of packets). "
            + "Where the kernel refuses io_uring (kernel.io_uring_disabled) xlat runs with syscalls and says so "
            + "in its start line; xlat stats names the path that runs.")
    String io;

    @Option(names = "--idle", paramLabel = "MODE", defaultValue = "poll",
        description = "How idle workers wait: poll (default: sleep in poll(2) until a packet arrives), backoff "
            + "(park up to 1 ms, never block) or busy (spin: a full core per worker). With several devices poll "
            + "waits on all of a worker's queues at once.")
    String idle;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (default: one timestamped line per event on stderr) or json (one JSON object per line: "
            + "time, level, logger, message, exception; for log collectors).")
    String logFormat;

    @Spec
    CommandSpec spec;

    /** What {@link #settings} found configured but this version does not run yet, said at start. */
    final List<String> notices = new ArrayList<>();

    @ParentCommand
    Main main;

    /** The file {@link #settings} read (or the one the flags describe), for the bgp section. */
    XlatConfig loadedConfig;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        configureLogging();
        final int cores = Runtime.getRuntime().availableProcessors();
        final DataplaneSettings settings;
        try {
            settings = settings(cores);
        } catch (ConfigException e) {
            return ConfigErrors.report(spec.qualifiedName(), e, err);
        }
        final RunLog log = new RunLog(err, main != null && main.verbose());
        for (final String notice : notices) {
            log.info(notice);
        }
        final RunOptions options = options();
        final Daemon.Reloads reloads = config == null ? null : () -> {
            final XlatConfig next = ConfigLoader.load(config);
            return new Daemon.Generation(next, options.resolve(next, cores, new ArrayList<>()));
        };
        final Daemon daemon = Daemon.forRun(new Daemon.Generation(loadedConfig, settings), reloads, config, log,
            Dataplane::start);
        try {
            return daemon.run();
        } catch (IOException | RuntimeException e) {
            err.println(spec.qualifiedName() + ": error: " + Main.describe(e));
            if (main != null && main.verbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    /** Every System.Logger of the process (RunLog, the BGP sessions, Netty through java.util.logging) as asked. */
    private void configureLogging() {
        final LogFormat format;
        try {
            format = LogFormat.valueOf(logFormat.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--log-format must be text or json, got '" + logFormat
                + "'");
        }
        XlatLogging.configure(format, main != null && main.verbose());
        XlatLogging.routeJavaUtilLogging();
    }

    /** The command line's part of the settings: what overrides the file, and how idle workers wait. */
    RunOptions options() {
        return new RunOptions(config, tun, mtu, workers, countersFile, offload, coalesce, idleMode(), ioPath());
    }

    /** Resolves the command line and the configuration file into what to run, for every device combination. */
    DataplaneSettings settings(int cores) throws ConfigException {
        final XlatConfig loaded;
        if (config != null) {
            if (prefix != null || ipv4Address != null || ipv6Address != null) {
                throw new ParameterException(spec.commandLine(), "--prefix, --ipv4-address and --ipv6-address build a "
                    + "configuration without --config; with --config, put them in its translator section");
            }
            loaded = ConfigLoader.load(config);
        } else {
            if (tun == null || prefix == null) {
                throw new ParameterException(spec.commandLine(), "give --config FILE, or at least --tun NAME and "
                    + "--prefix PREFIX");
            }
            loaded = ConfigLoader.parse(configYaml(), "the command line");
        }
        loadedConfig = loaded;
        try {
            return options().resolve(loaded, cores, notices);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private DataplaneSettings.IoPath ioPath() {
        if (io == null) {
            return null;
        }
        final DataplaneSettings.IoPath path = DataplaneSettings.IoPath.of(io);
        if (path == null) {
            throw new ParameterException(spec.commandLine(), "--io must be syscalls or io_uring, got '" + io + "'");
        }
        return path;
    }

    private DataplaneSettings.IdleMode idleMode() {
        switch (idle) {
            case "poll":
                return DataplaneSettings.IdleMode.POLL;
            case "backoff":
                return DataplaneSettings.IdleMode.BACKOFF;
            case "busy":
                return DataplaneSettings.IdleMode.BUSY;
            default:
                throw new ParameterException(spec.commandLine(), "--idle must be poll, backoff or busy, got '" + idle
                    + "'");
        }
    }

    /**
     * The configuration the flags describe, as YAML, so that the loader checks flag values exactly as it checks
     * a file (and says which key is wrong).
     */
    String configYaml() {
        final StringBuilder yaml = new StringBuilder("translator:\n");
        yaml.append("  pool6: ").append(quoted(prefix)).append('\n');
        if (ipv4Address != null) {
            yaml.append("  ipv4-address: ").append(quoted(ipv4Address)).append('\n');
        }
        if (ipv6Address != null) {
            yaml.append("  ipv6-address: ").append(quoted(ipv6Address)).append('\n');
        }
        if (mtu != null && mtu >= 1280 && mtu <= 65535) {
            yaml.append("  ipv6-mtu: ").append(mtu).append('\n');
            yaml.append("  ipv4-mtu: ").append(mtu - HEADER_GROWTH).append('\n');
        }
        return yaml.toString();
    }

    /** A YAML double-quoted scalar; flag values are addresses and prefixes, anything odd is escaped, not interpreted. */
    static String quoted(String value) {
        final StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
