package io.xlat.tunio.dataplane;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.tun.TunDevice;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link Dataplane} runs, for every device combination: plain SIIT on one device ({@code siitTun}
 * alone), plain SIIT on a device pair ({@code ipv4Tun} and {@code ipv6Tun}), tenants ({@code ipv6Tun} and a device
 * per tenant), or tenants beside plain SIIT's own device or pair. Built with {@link #builder()}; checked when
 * built.
 *
 * @param siitTun             plain SIIT's device carrying both families, or null
 * @param ipv4Tun             plain SIIT's IPv4 device of a pair (its IPv6 side is {@code ipv6Tun}), or null
 * @param ipv6Tun             the host's IPv6 device: the tenants' instance prefixes and a pair's IPv6; or null
 * @param mtu                 the MTU to set on {@code siitTun} when it is the only device, or 0: a device xlat creates
 *                            gets the translator's MTUs (the larger of the two for a device carrying both), an
 *                            existing one keeps its own
 * @param workers             worker threads wanted, each serving one queue of every device (fewer when the first
 *                            device is an existing single-queue one)
 * @param countersFile        where the live counters go
 * @param countersFileDefault true when {@code countersFile} is the default rather than chosen: if another running
 *                            xlat holds it, this one uses a file of its own instead of failing
 * @param idle                how idle workers wait
 * @param translator          the translation settings (pool6, EAMT, MTUs, ICMP error sources, rate limit)
 * @param tenants             the tenants (need {@code ipv6Tun})
 * @param manageRoutes        whether xlat installs its routes into the devices and removes them on stop
 * @param offload             whether every device is opened with TUN offloads (TCP super-packets)
 * @param coalesce            with {@code offload}: whether consecutive UDP datagrams of a flow that one batch writes
 *                            to one queue go out as one UDP super-packet, on kernels that take them
 * @param io                  how the workers read and write their queues
 */
public record DataplaneSettings(String siitTun, String ipv4Tun, String ipv6Tun, int mtu, int workers,
    Path countersFile, boolean countersFileDefault, IdleMode idle, TranslatorConfig translator,
    List<TenantConfig> tenants, boolean manageRoutes, boolean offload, boolean coalesce, IoPath io) {

    /** The most queues a Linux TUN device takes (MAX_TAP_QUEUES). */
    public static final int MAX_WORKERS = 256;

    /** How an idle worker waits for packets. */
    public enum IdleMode {
        /**
         * Sleep in poll(2) on all of its queues until a packet arrives, after a spin that adapts to how closely
         * packets follow each other (none for an idle queue; the default).
         */
        POLL,
        /** Agrona's BackoffIdleStrategy: spin, yield, then park 1 us to 1 ms; never blocks in the kernel. */
        BACKOFF,
        /** Never sleep: lowest latency, a core per worker at 100%. */
        BUSY
    }

    /** How the workers read and write their queues ({@code dataplane.io}). */
    public enum IoPath {
        /** One read(2) and one writev(2) per packet, poll(2) when idle: every kernel has it. */
        SYSCALLS("syscalls"),
        /**
         * io_uring: reads kept posted and a round's writes submitted together, one io_uring_enter(2) per round;
         * where the kernel refuses io_uring (kernel.io_uring_disabled, no io_uring), the data plane falls back to
         * {@link #SYSCALLS} and says so.
         */
        IO_URING("io_uring");

        private final String key;

        IoPath(String key) {
            this.key = key;
        }

        /** The value in the file and on the command line. */
        public String key() {
            return key;
        }

        /** The path a file or command line names, or null. */
        public static IoPath of(String key) {
            for (final IoPath p : values()) {
                if (p.key.equals(key)) {
                    return p;
                }
            }
            return null;
        }
    }

    public DataplaneSettings {
        tenants = List.copyOf(tenants);
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(countersFile, "countersFile");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(translator, "translator");
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS + ", got " + workers);
        }
        if (siitTun != null && ipv4Tun != null) {
            throw new IllegalArgumentException("plain SIIT runs on siit-tun or on the pair ipv4-tun and ipv6-tun, "
                + "not both");
        }
        if (ipv6Tun == null && ipv4Tun != null) {
            throw new IllegalArgumentException("dataplane.ipv4-tun needs dataplane.ipv6-tun, the pair's IPv6 side");
        }
        if (ipv6Tun == null && !tenants.isEmpty()) {
            throw new IllegalArgumentException("tenants need dataplane.ipv6-tun, the host's IPv6 device for their "
                + "instance prefixes");
        }
        if (siitTun == null && ipv6Tun == null) {
            throw new IllegalArgumentException("no device to run: set dataplane.siit-tun (one device, both "
                + "families), dataplane.ipv4-tun with dataplane.ipv6-tun (a pair), or tenants with "
                + "dataplane.ipv6-tun");
        }
        for (final String name : new String[] {siitTun, ipv4Tun, ipv6Tun}) {
            if (name != null) {
                TunDevice.checkName(name);
            }
        }
        if (mtu != 0 && (mtu < 1280 || mtu > 65535)) {
            throw new IllegalArgumentException("the MTU must be 1280..65535 (IPv6 needs 1280), got " + mtu);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** plain SIIT's own device ({@code ipv4Tun} or {@code siitTun}), or null: tenants only. */
    public String globalTun() {
        return ipv4Tun != null ? ipv4Tun : siitTun;
    }

    /** True when plain SIIT's device carries both families ({@code siitTun}). */
    public boolean globalBothFamilies() {
        return siitTun != null;
    }

    /** The {@code dataplane:} key that names plain SIIT's device, for messages; null without one. */
    public String globalRole() {
        return ipv4Tun != null ? "ipv4-tun" : siitTun != null ? "siit-tun" : null;
    }

    /** True for plain SIIT on one device alone: no IPv6 device, no tenants. */
    public boolean siitOnly() {
        return ipv6Tun == null;
    }

    /** These settings with another translator section and tenant list (what a reload changes). */
    public DataplaneSettings with(TranslatorConfig nextTranslator, List<TenantConfig> nextTenants) {
        return new DataplaneSettings(siitTun, ipv4Tun, ipv6Tun, mtu, workers, countersFile, countersFileDefault,
            idle, nextTranslator, nextTenants, manageRoutes, offload, coalesce, io);
    }

    /** These settings with another I/O path (what the data plane runs when io_uring is refused). */
    public DataplaneSettings with(IoPath nextIo) {
        return new DataplaneSettings(siitTun, ipv4Tun, ipv6Tun, mtu, workers, countersFile, countersFileDefault,
            idle, translator, tenants, manageRoutes, offload, coalesce, nextIo);
    }

    /** The keys whose change from these settings to {@code next} a reload cannot apply, as the file names them. */
    public List<String> restartOnly(DataplaneSettings next) {
        final List<String> keys = new ArrayList<>();
        if (!Objects.equals(ipv6Tun, next.ipv6Tun)) {
            keys.add("dataplane.ipv6-tun");
        }
        if (!Objects.equals(globalTun(), next.globalTun()) || globalBothFamilies() != next.globalBothFamilies()) {
            keys.add("dataplane." + (globalRole() != null ? globalRole() : next.globalRole()));
        }
        if (workers != next.workers) {
            keys.add("dataplane.workers");
        }
        if (!countersFile.equals(next.countersFile)) {
            keys.add("dataplane.counters-file");
        }
        if (manageRoutes != next.manageRoutes) {
            keys.add("dataplane.manage-routes");
        }
        if (offload != next.offload) {
            keys.add("dataplane.offload");
        }
        if (coalesce != next.coalesce) {
            keys.add("dataplane.coalesce");
        }
        if (io != next.io) {
            keys.add("dataplane.io");
        }
        if (idle != next.idle) {
            keys.add("the idle mode");
        }
        return keys;
    }

    /** Builds {@link DataplaneSettings}; every setting but a device and the translator has a default. */
    public static final class Builder {
        private String siitTun;
        private String ipv4Tun;
        private String ipv6Tun;
        private int mtu;
        private int workers = 1;
        private Path countersFile;
        private boolean countersFileDefault;
        private IdleMode idle = IdleMode.POLL;
        private TranslatorConfig translator;
        private List<TenantConfig> tenants = List.of();
        private boolean manageRoutes;
        private boolean offload;
        private boolean coalesce;
        private IoPath io = IoPath.SYSCALLS;

        private Builder() {
        }

        public Builder siitTun(String name) {
            siitTun = name;
            return this;
        }

        public Builder ipv4Tun(String name) {
            ipv4Tun = name;
            return this;
        }

        public Builder ipv6Tun(String name) {
            ipv6Tun = name;
            return this;
        }

        public Builder mtu(int value) {
            mtu = value;
            return this;
        }

        public Builder workers(int value) {
            workers = value;
            return this;
        }

        /** Where the counters go; {@code isDefault} as {@link DataplaneSettings#countersFileDefault}. */
        public Builder countersFile(Path file, boolean isDefault) {
            countersFile = file;
            countersFileDefault = isDefault;
            return this;
        }

        public Builder idle(IdleMode mode) {
            idle = mode;
            return this;
        }

        public Builder translator(TranslatorConfig config) {
            translator = config;
            return this;
        }

        public Builder tenants(List<TenantConfig> list) {
            tenants = list;
            return this;
        }

        public Builder manageRoutes(boolean value) {
            manageRoutes = value;
            return this;
        }

        public Builder offload(boolean value) {
            offload = value;
            return this;
        }

        public Builder coalesce(boolean value) {
            coalesce = value;
            return this;
        }

        public Builder io(IoPath value) {
            io = value;
            return this;
        }

        /** @throws IllegalArgumentException when the devices do not make a data plane, or a value is out of range */
        public DataplaneSettings build() {
            return new DataplaneSettings(siitTun, ipv4Tun, ipv6Tun, mtu, workers, countersFile, countersFileDefault,
                idle, translator, tenants, manageRoutes, offload, coalesce, io);
        }
    }
}
