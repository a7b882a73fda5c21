package io.xlat.control.run;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code xlat run} starts for tenants: one IPv4 device per tenant ({@code tun:}, in {@code netns:} when given)
 * and the host's IPv6 device ({@code dataplane.ipv6-tun}) for all instance prefixes.
 *
 * @param config              the configuration file, re-read on reload (null when the settings came from elsewhere)
 * @param ipv6Tun             the host's IPv6 device
 * @param countersFile        where the live counters go
 * @param countersFileDefault true when {@code countersFile} is the default rather than chosen
 * @param busy                whether the worker spins when idle instead of backing off
 * @param translator          the global translation settings (MTUs, ICMP error sources, rate limit)
 * @param tenants             the tenants
 * @param manageRoutes        whether xlat installs the instance prefixes' and tenants' routes (read at start only)
 * @param workers             worker threads, each serving one queue of the IPv6 device and of every tenant device
 *                            (read at start only; fewer when the IPv6 device is an existing single-queue one)
 */
public record TenantRunSettings(Path config, String ipv6Tun, Path countersFile, boolean countersFileDefault,
    boolean busy, TranslatorConfig translator, List<TenantConfig> tenants, boolean manageRoutes, int workers) {

    /** The most queues a Linux TUN device takes (MAX_TAP_QUEUES). */
    public static final int MAX_WORKERS = 256;

    public TenantRunSettings {
        tenants = List.copyOf(tenants);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS + ", got " + workers);
        }
    }

    /** One worker, as before {@code dataplane.workers} applied to tenant mode. */
    public TenantRunSettings(Path config, String ipv6Tun, Path countersFile, boolean countersFileDefault,
        boolean busy, TranslatorConfig translator, List<TenantConfig> tenants, boolean manageRoutes) {
        this(config, ipv6Tun, countersFile, countersFileDefault, busy, translator, tenants, manageRoutes, 1);
    }
}
