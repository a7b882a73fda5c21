package io.xlat.control.run;

import io.xlat.core.config.TranslatorConfig;

import java.nio.file.Path;

/**
 * What {@code xlat run} starts, resolved from the configuration file and the command line.
 *
 * @param device              the TUN device carrying both families (plain SIIT)
 * @param mtu                 the MTU to set on the device, or 0 to keep an existing device's MTU (a new device gets
 *                            the larger of the translator's ipv4-mtu and ipv6-mtu)
 * @param workers             queues and worker threads wanted (fewer when the device is single-queue)
 * @param countersFile        where the live counters go
 * @param countersFileDefault true when {@code countersFile} is the default rather than chosen: if another running
 *                            xlat holds it, this one uses a file of its own instead of failing
 * @param idle                how idle workers wait
 * @param translator          the translation settings
 * @param manageRoutes        whether xlat installs its routes into the device and removes them on stop
 * @param offload             whether the device is opened with TUN offloads (TCP super-packets)
 */
public record RunSettings(String device, int mtu, int workers, Path countersFile, boolean countersFileDefault,
    IdleMode idle, TranslatorConfig translator, boolean manageRoutes, boolean offload) {

    /** How an idle worker waits for packets. */
    public enum IdleMode {
        /** Spin, yield, then sleep in poll(2) on the queue until a packet arrives (the default). */
        POLL,
        /** Agrona's BackoffIdleStrategy: spin, yield, then park 1 us to 1 ms; never blocks in the kernel. */
        BACKOFF,
        /** Never sleep: lowest latency, a core per worker at 100%. */
        BUSY
    }
}
