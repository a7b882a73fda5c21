package io.xlat.tunio.agent;

import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;

/**
 * One worker's side of the device of the global path (plain SIIT / DC-SIIT: pool6 and EAM) in the multi-device
 * data plane: either {@code dataplane.ipv4-tun}, IPv4 only, whose IPv6 side is the shared IPv6 device, or
 * {@code dataplane.siit-tun}, which carries both families like the one-device data plane.
 *
 * @param read          the queue this worker reads, or null when another worker reads the device (single queue)
 * @param write         the queue this worker writes IPv4 (and, for a both-families device, IPv6) to
 * @param bothFamilies  true for siit-tun: IPv6 in it and out of it too
 * @param counters      this worker's counters of the device
 * @param published     where they go in the counters file
 */
public record GlobalPort(PacketQueue read, PacketQueue write, boolean bothFamilies, DeviceCounters counters,
    WorkerCounters published) {

    public GlobalPort {
        if (write == null || counters == null || published == null) {
            throw new IllegalArgumentException("a global port needs a queue to write, counters and their place");
        }
    }
}
