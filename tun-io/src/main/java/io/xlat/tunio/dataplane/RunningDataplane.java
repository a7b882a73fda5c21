package io.xlat.tunio.dataplane;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the lifecycle owner asks of a running data plane: {@link Dataplane} on TUN devices, an in-memory stand-in
 * in the tests of that owner (which then need no root).
 */
public interface RunningDataplane extends AutoCloseable {

    /** Applies a reloaded translator section and tenant list; see {@link Dataplane#reload}. */
    void reload(DataplaneSettings next) throws IOException;

    /** What runs now: the devices as started, the translator section and tenants of the last reload. */
    DataplaneSettings settings();

    /** The health of what runs now, as data. */
    DataplaneHealth health();

    /**
     * A device back: attached again after it was deleted, or up again after it was set down (the kernel deleted the
     * routes into it either way); its name and network namespace (null: xlat's own).
     */
    record DeviceBack(String device, String netns) {
    }

    /**
     * Attaches to the devices that were deleted and are back (or creates again those xlat had created), at most
     * one try per missing device per second; see {@link Dataplane#reattach}. Called by the health thread.
     *
     * @return the devices back since the last call (the kernel deleted the routes into them)
     */
    default List<DeviceBack> reattach() {
        return List.of();
    }

    /** The number of workers; cheaper than {@link #health()}, which also asks the devices. */
    default int workers() {
        return health().workers();
    }

    /** Worker {@code w}'s heartbeat; cheaper than {@link #health()}, which also asks the devices. */
    default long heartbeat(int w) {
        return health().heartbeat(w);
    }

    /** The counters file this data plane writes (the per-process fallback name when the configured one was taken). */
    Path countersFile();

    /** Stops the workers and closes the devices and the counters file. Idempotent. */
    @Override
    void close();
}
