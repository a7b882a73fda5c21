package io.xlat.control.run;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code xlat run} starts on several devices: the host's IPv6 device ({@code dataplane.ipv6-tun}) for all
 * instance prefixes and the global path's IPv6 side, one IPv4 device per tenant ({@code tun:}, in {@code netns:}
 * when given), and optionally the global path's own device: {@code dataplane.ipv4-tun} (plain SIIT on a device
 * pair) or {@code dataplane.siit-tun} (plain SIIT on one device carrying both families, beside the tenants).
 *
 * @param config              the configuration file, re-read on reload (null when the settings came from elsewhere)
 * @param ipv6Tun             the host's IPv6 device
 * @param countersFile        where the live counters go
 * @param countersFileDefault true when {@code countersFile} is the default rather than chosen
 * @param busy                whether the worker spins when idle instead of backing off
 * @param translator          the global translation settings (pool6, EAMT, MTUs, ICMP error sources, rate limit)
 * @param tenants             the tenants (may be empty: plain SIIT on a device pair)
 * @param manageRoutes        whether xlat installs the instance prefixes' and tenants' routes (read at start only)
 * @param workers             worker threads, each serving one queue of every device (read at start only; fewer
 *                            when the IPv6 device is an existing single-queue one)
 * @param globalTun           the global path's device ({@code ipv4-tun} or {@code siit-tun}), or null
 * @param globalBothFamilies  true when {@code globalTun} is {@code siit-tun}
 * @param offload             whether every device is opened with TUN offloads (TCP super-packets)
 */
public record MultiDeviceRunSettings(Path config, String ipv6Tun, Path countersFile, boolean countersFileDefault,
    boolean busy, TranslatorConfig translator, List<TenantConfig> tenants, boolean manageRoutes, int workers,
    String globalTun, boolean globalBothFamilies, boolean offload) {

    /** The most queues a Linux TUN device takes (MAX_TAP_QUEUES). */
    public static final int MAX_WORKERS = 256;

    public MultiDeviceRunSettings {
        tenants = List.copyOf(tenants);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS + ", got " + workers);
        }
        if (globalTun == null && globalBothFamilies) {
            throw new IllegalArgumentException("globalBothFamilies without a global device");
        }
    }

    /** Tenants only, on {@code workers} workers. */
    public MultiDeviceRunSettings(Path config, String ipv6Tun, Path countersFile, boolean countersFileDefault,
        boolean busy, TranslatorConfig translator, List<TenantConfig> tenants, boolean manageRoutes, int workers) {
        this(config, ipv6Tun, countersFile, countersFileDefault, busy, translator, tenants, manageRoutes, workers,
            null, false, false);
    }

    /** Tenants only, one worker. */
    public MultiDeviceRunSettings(Path config, String ipv6Tun, Path countersFile, boolean countersFileDefault,
        boolean busy, TranslatorConfig translator, List<TenantConfig> tenants, boolean manageRoutes) {
        this(config, ipv6Tun, countersFile, countersFileDefault, busy, translator, tenants, manageRoutes, 1);
    }

    /** The {@code dataplane:} key that names the global device, for messages. */
    public String globalRole() {
        return globalTun == null ? null : globalBothFamilies ? "siit-tun" : "ipv4-tun";
    }
}
