package io.xlat.control.config;

import org.yaml.snakeyaml.nodes.Node;

import java.util.List;

/**
 * The {@code dataplane:} section, read and checked now so that files written for {@code xlat run} validate;
 * it takes effect with {@code xlat run}.
 */
public final class DataplaneSection implements ConfigSection<DataplaneConfig> {

    public static final DataplaneSection INSTANCE = new DataplaneSection();

    static final String KEY = "dataplane";
    static final String IPV6_TUN = "ipv6-tun";
    static final String SIIT_TUN = "siit-tun";
    static final String WORKERS = "workers";
    static final String MANAGE_ROUTES = "manage-routes";
    static final String COUNTERS_FILE = "counters-file";
    /** An extension of the contract: the IPv4 half of plain SIIT on a device pair. */
    static final String IPV4_TUN = "ipv4-tun";
    /** An extension: TUN offloads (virtio-net headers, TCP segmentation offload) on every device. */
    static final String OFFLOAD = "offload";
    /** An extension: UDP datagrams of one flow written as one super-packet (with offloads). */
    static final String COALESCE = "coalesce";
    /** An extension: the workers' I/O path (io_uring or read/write system calls). */
    static final String IO = "io";
    static final List<String> IO_NAMES = List.of(DataplaneConfig.IO_SYSCALLS, DataplaneConfig.IO_URING);

    /** The contract's keys, then the extensions, in the order they are documented and written. */
    static final List<String> KEYS = List.of(IPV6_TUN, SIIT_TUN, WORKERS, MANAGE_ROUTES, COUNTERS_FILE, IPV4_TUN,
        OFFLOAD, COALESCE, IO);

    /** More queues than a TUN device takes (the kernel's MAX_TAP_QUEUES is 256) would fail at start-up. */
    static final int MAX_WORKERS = 256;

    private DataplaneSection() {
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public DataplaneConfig defaults() {
        return DataplaneConfig.DEFAULTS;
    }

    @Override
    public DataplaneConfig parse(Node node, ConfigProblems problems) {
        final YamlMapping m = YamlMapping.read(node, KEY, KEYS, problems);
        final DataplaneConfig d = DataplaneConfig.DEFAULTS;
        final String ipv6Tun = present(m, IPV6_TUN)
            ? YamlValues.interfaceName(m.value(IPV6_TUN), m.path(IPV6_TUN), problems) : d.ipv6Tun();
        final String siitTun = present(m, SIIT_TUN)
            ? YamlValues.interfaceName(m.value(SIIT_TUN), m.path(SIIT_TUN), problems) : d.siitTun();
        if (ipv6Tun != null && ipv6Tun.equals(siitTun)) {
            // the SIIT device takes IPv4 too; the tenant side's IPv6 device must stay IPv6-only
            problems.error(m.value(SIIT_TUN), m.path(SIIT_TUN) + ": '" + siitTun + "' is also " + m.path(IPV6_TUN)
                + "; the two roles need two devices");
        }
        final String ipv4Tun = present(m, IPV4_TUN)
            ? YamlValues.interfaceName(m.value(IPV4_TUN), m.path(IPV4_TUN), problems) : d.ipv4Tun();
        if (ipv4Tun != null) {
            if (ipv4Tun.equals(ipv6Tun)) {
                problems.error(m.value(IPV4_TUN), m.path(IPV4_TUN) + ": '" + ipv4Tun + "' is also " + m.path(IPV6_TUN)
                    + "; a device pair is two devices (for one device carrying both families, use " + SIIT_TUN
                    + ")");
            } else if (siitTun != null) {
                problems.error(m.value(IPV4_TUN), m.path(IPV4_TUN) + ": set together with " + m.path(SIIT_TUN)
                    + "; plain SIIT runs on one device (" + SIIT_TUN + ") or on a pair (" + IPV4_TUN + " with "
                    + IPV6_TUN + "), not both");
            } else if (ipv6Tun == null) {
                problems.error(m.value(IPV4_TUN), m.path(IPV4_TUN) + ": needs " + m.path(IPV6_TUN)
                    + ", the pair's IPv6 device");
            }
        }
        Integer workers = null;
        if (present(m, WORKERS)) {
            workers = YamlValues.integer(m.value(WORKERS), m.path(WORKERS), 1, MAX_WORKERS, problems);
        }
        Boolean manageRoutes = null;
        if (present(m, MANAGE_ROUTES)) {
            manageRoutes = YamlValues.bool(m.value(MANAGE_ROUTES), m.path(MANAGE_ROUTES), problems);
        }
        Boolean offload = null;
        if (present(m, OFFLOAD)) {
            offload = YamlValues.bool(m.value(OFFLOAD), m.path(OFFLOAD), problems);
        }
        Boolean coalesce = null;
        if (present(m, COALESCE)) {
            coalesce = YamlValues.bool(m.value(COALESCE), m.path(COALESCE), problems);
        }
        String io = null;
        if (present(m, IO)) {
            io = YamlValues.choice(m.value(IO), m.path(IO), IO_NAMES, IO_NAMES.toArray(new String[0]), problems);
        }
        String countersFile = null;
        if (present(m, COUNTERS_FILE)) {
            countersFile = countersFile(m, problems);
        }
        return new DataplaneConfig(ipv6Tun, siitTun, workers != null ? workers : d.workers(),
            manageRoutes != null ? manageRoutes : d.manageRoutes(),
            countersFile != null ? countersFile : d.countersFile(),
            ipv4Tun, offload != null ? offload : d.offload(), coalesce != null ? coalesce : d.coalesce(),
            io != null ? io : d.io());
    }

    private static boolean present(YamlMapping m, String key) {
        return m.has(key) && !YamlValues.isNull(m.value(key));
    }

    /** An absolute path: the daemon and {@code xlat stats} run from different directories. */
    private static String countersFile(YamlMapping m, ConfigProblems problems) {
        final Node node = m.value(COUNTERS_FILE);
        final String path = YamlValues.text(node, m.path(COUNTERS_FILE), "an absolute file path", problems);
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/") || path.endsWith("/") || path.indexOf('\0') >= 0) {
            problems.error(node, m.path(COUNTERS_FILE) + ": expected an absolute file path such as "
                + DataplaneConfig.DEFAULT_COUNTERS_FILE + ", got '" + path + "'");
            return null;
        }
        return path;
    }

    @Override
    public void write(DataplaneConfig c, StringBuilder out) {
        out.append(KEY).append(":\n");
        field(out, IPV6_TUN, c.ipv6Tun() == null ? "null" : YamlValues.name(c.ipv6Tun()));
        field(out, SIIT_TUN, c.siitTun() == null ? "null" : YamlValues.name(c.siitTun()));
        // null reads back as the default, one worker per core of the machine that runs it
        field(out, WORKERS, c.workers() == 0 ? "null" : Integer.toString(c.workers()));
        field(out, MANAGE_ROUTES, Boolean.toString(c.manageRoutes()));
        field(out, COUNTERS_FILE, YamlValues.escaped(c.countersFile()));
        field(out, IPV4_TUN, c.ipv4Tun() == null ? "null" : YamlValues.name(c.ipv4Tun()));
        field(out, OFFLOAD, Boolean.toString(c.offload()));
        field(out, COALESCE, Boolean.toString(c.coalesce()));
        field(out, IO, c.io());
    }

    private static void field(StringBuilder out, String key, String value) {
        out.append("  ").append(key).append(": ").append(value).append('\n');
    }
}
