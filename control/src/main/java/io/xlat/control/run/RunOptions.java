package io.xlat.control.run;

import io.xlat.control.config.DataplaneConfig;
import io.xlat.control.config.XlatConfig;
import io.xlat.tunio.dataplane.DataplaneSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * What the command line of {@code xlat run} says beside the configuration file, and how the two make one
 * {@link DataplaneSettings}: a flag overrides the file's {@code dataplane:} key, and {@code --tun} runs plain SIIT
 * on that one device whatever else the file names. The same resolution runs at start and on every reload, so that
 * a reload compares like with like.
 *
 * @param config       the configuration file (re-read on reload), or null when the flags built the configuration
 * @param tun          {@code --tun}: plain SIIT on this device alone, or null
 * @param mtu          {@code --mtu} for that device, or null
 * @param workers      {@code --workers}, or null for the file's (default: one per core)
 * @param countersFile {@code --counters-file}, or null for the file's
 * @param offload      {@code --[no-]offload}, or null for the file's
 * @param coalesce     {@code --[no-]coalesce}, or null for the file's
 * @param idle         {@code --idle}
 * @param io           {@code --io}, or null for the file's
 */
public record RunOptions(Path config, String tun, Integer mtu, Integer workers, Path countersFile, Boolean offload,
    Boolean coalesce, DataplaneSettings.IdleMode idle, DataplaneSettings.IoPath io) {

    /** Without {@code --io}: the file's I/O path. */
    public RunOptions(Path config, String tun, Integer mtu, Integer workers, Path countersFile, Boolean offload,
        Boolean coalesce, DataplaneSettings.IdleMode idle) {
        this(config, tun, mtu, workers, countersFile, offload, coalesce, idle, null);
    }

    /**
     * The settings for {@code loaded} under these options; what the file asks for that will not run goes to
     * {@code notices}.
     *
     * @throws IllegalArgumentException when the devices do not make a data plane or a value is out of range
     */
    public DataplaneSettings resolve(XlatConfig loaded, int cores, List<String> notices) {
        if (mtu != null && (mtu < 1280 || mtu > 65535)) {
            throw new IllegalArgumentException("--mtu must be 1280..65535 (IPv6 needs 1280), got " + mtu);
        }
        if (workers != null && (workers < 1 || workers > DataplaneSettings.MAX_WORKERS)) {
            throw new IllegalArgumentException("--workers must be 1.." + DataplaneSettings.MAX_WORKERS + ", got "
                + workers);
        }
        final DataplaneConfig dataplane = loaded.dataplane();
        final DataplaneSettings.Builder settings = DataplaneSettings.builder()
            .translator(loaded.translator())
            // one worker per core unless told otherwise: each serves one queue of every device
            .workers(workers != null ? workers : dataplane.workers() > 0 ? dataplane.workers() : cores)
            .countersFile(countersFile != null ? countersFile : Path.of(dataplane.countersFile()),
                countersFile == null && DataplaneConfig.DEFAULT_COUNTERS_FILE.equals(dataplane.countersFile()))
            .idle(idle)
            .manageRoutes(dataplane.manageRoutes())
            .offload(offload != null ? offload : dataplane.offload())
            .coalesce(coalesce != null ? coalesce : dataplane.coalesce())
            .io(io != null ? io : DataplaneSettings.IoPath.of(dataplane.io()));
        final boolean siitOnly = tun != null || dataplane.ipv6Tun() == null;
        if (tun != null) {
            settings.siitTun(tun).mtu(mtu != null ? mtu : 0);
            if (!loaded.tenants().isEmpty() || dataplane.ipv6Tun() != null) {
                notices.add("running plain SIIT on " + tun + " only (--tun): without --tun, the file's tenants and "
                    + "dataplane.ipv6-tun run beside it");
            }
        } else if (dataplane.ipv6Tun() != null) {
            final String global = dataplane.ipv4Tun() != null ? dataplane.ipv4Tun() : dataplane.siitTun();
            settings.ipv6Tun(dataplane.ipv6Tun()).ipv4Tun(dataplane.ipv4Tun())
                .siitTun(dataplane.ipv4Tun() == null ? dataplane.siitTun() : null).tenants(loaded.tenants());
            if (global == null && (loaded.translator().pool6() != null || !loaded.translator().eamt().isEmpty())) {
                notices.add("notice: pool6/EAM are configured but neither dataplane.ipv4-tun nor dataplane.siit-tun: "
                    + "this xlat carries tenants only, and neither routes nor announces pool6 and the EAM prefixes");
            }
            if (mtu != null) {
                notices.add("notice: --mtu applies to --tun and siit-tun alone; with several devices, devices xlat "
                    + "creates get the translator's ipv4-mtu and ipv6-mtu");
            }
        } else {
            if (dataplane.siitTun() == null) {
                throw new IllegalArgumentException(config + " has no device to run: set dataplane.siit-tun (one "
                    + "device, both families), dataplane.ipv4-tun with dataplane.ipv6-tun (a pair), or tenants with "
                    + "dataplane.ipv6-tun; or give --tun NAME");
            }
            if (!loaded.tenants().isEmpty()) {
                throw new IllegalArgumentException(config + ": tenants need dataplane.ipv6-tun, the host's IPv6 "
                    + "device for their instance prefixes");
            }
            settings.siitTun(dataplane.siitTun()).mtu(mtu != null ? mtu : 0);
        }
        if (siitOnly && loaded.translator().pool6() == null && loaded.translator().eamt().isEmpty()) {
            notices.add("the translator has neither pool6 nor EAM entries: every packet will be dropped as no-mapping");
        }
        try {
            return settings.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((tun != null ? "--tun: " : "") + e.getMessage(), e);
        }
    }
}
