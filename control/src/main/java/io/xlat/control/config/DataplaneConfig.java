package io.xlat.control.config;

/**
 * The {@code dataplane:} section: the devices and workers of {@code xlat run}. Offline commands read and check
 * it but do not use it.
 *
 * @param ipv6Tun      {@code ipv6-tun}: the host's IPv6 device that the tenants' instance prefixes are routed to, or null
 * @param siitTun      {@code siit-tun}: one device carrying both families for plain SIIT / DC-SIIT, or null
 * @param workers      {@code workers}: queues and threads per device; 0 (the default) means one per core
 * @param manageRoutes {@code manage-routes}: whether xlat installs the kernel routes it needs and removes them on stop
 * @param countersFile {@code counters-file}: the memory-mapped live counters that {@code xlat stats} reads
 * @param ipv4Tun      {@code ipv4-tun}: the IPv4 device of plain SIIT / DC-SIIT on a device pair, whose IPv6 side is
 *                     {@code ipv6-tun}; or null
 * @param offload      {@code offload}: open every device with virtio-net headers and TCP segmentation offload, so
 *                     that the kernel hands over TCP super-packets of up to 64 KiB (default true)
 * @param coalesce     {@code coalesce}: with offloads, write consecutive UDP datagrams of a flow as one UDP
 *                     super-packet that the kernel cuts up again (default true)
 * @param io           {@code io}: how the workers read and write their queues, {@value #IO_SYSCALLS} (the default)
 *                     or {@value #IO_URING}
 */
public record DataplaneConfig(String ipv6Tun, String siitTun, int workers, boolean manageRoutes, String countersFile,
    String ipv4Tun, boolean offload, boolean coalesce, String io) {

    /** One read(2) and one writev(2) per packet. */
    public static final String IO_SYSCALLS = "syscalls";
    /** io_uring: one io_uring_enter(2) per round of packets; falls back to syscalls where the kernel refuses it. */
    public static final String IO_URING = "io_uring";

    /**
     * Whether {@code xlat run} carries plain SIIT (pool6, EAM) with this section: on siit-tun, on a pair, or
     * (no ipv6-tun, so no tenant devices either) with {@code --tun}. Not when ipv6-tun serves tenants alone: pool6
     * and the EAM prefixes are then neither routed here nor announced.
     */
    public boolean carriesGlobalPath() {
        return ipv6Tun == null || ipv4Tun != null || siitTun != null;
    }

    /** Without {@code ipv4-tun}, offloads and coalescing on, the system-call I/O path. */
    public DataplaneConfig(String ipv6Tun, String siitTun, int workers, boolean manageRoutes, String countersFile) {
        this(ipv6Tun, siitTun, workers, manageRoutes, countersFile, null, true, true, IO_SYSCALLS);
    }

    /** Where the counters live unless configured: tmpfs, readable by {@code xlat stats} without the config. */
    public static final String DEFAULT_COUNTERS_FILE = "/run/xlat/counters";

    public static final DataplaneConfig DEFAULTS = new DataplaneConfig(null, null, 0, false, DEFAULT_COUNTERS_FILE);
}
