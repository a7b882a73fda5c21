package io.xlat.tunio.agent;

import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;

/**
 * One worker's side of one device: the queue it reads (null when another worker reads a single-queue device),
 * the queue it writes to, its counters of that device and where they go in the counters file, and the device's
 * {@link PortRole}. Plain SIIT on one device is a single port of role {@link PortRole#BOTH}; several devices are
 * several ports of the same worker. A port is kept across reloads while its device stays, so that its counts run
 * on; only its worker reads and writes it.
 */
public final class Port {

    final PortRole role;
    final PacketQueue read;
    /** The queue this worker writes the device's packets to (the same as {@link #read} for a queue it reads). */
    final PacketQueue write;
    final QueueWriter writer;
    final DeviceCounters counters;
    final WorkerCounters published;
    private final DeviceErrorHandler errors;
    private final int worker;
    /** Written once by the worker (a fatal read error), read by the health checks. */
    private volatile boolean failed;

    /**
     * @param read      the queue this worker reads, or null when it only writes to the device
     * @param write     the queue this worker writes the device's packets to
     * @param counters  this worker's counters of the device
     * @param published where they go in the counters file, or null
     * @param errors    hears about write failures
     * @param worker    the worker's index, named in error reports
     */
    public Port(PortRole role, PacketQueue read, PacketQueue write, DeviceCounters counters,
        WorkerCounters published, DeviceErrorHandler errors, int worker) {
        if (role == null || write == null || counters == null) {
            throw new IllegalArgumentException("a port needs a role, a queue to write and counters");
        }
        this.role = role;
        this.read = read;
        this.write = write;
        this.counters = counters;
        this.published = published;
        this.errors = errors;
        this.worker = worker;
        this.writer = new QueueWriter(write, counters, errors, worker);
        write.reportInto(counters);
    }

    /**
     * This port on the queues of a new device of the same name (the old one was deleted and is back): same role,
     * same worker, and the same counters, so that its counts in the counters file run on rather than restart.
     */
    public Port onNewDevice(PacketQueue read, PacketQueue write) {
        return new Port(role, read, write, counters, published, errors, worker);
    }

    /** Whether {@code other} counts into the same counters (it is this port on a new device). */
    public boolean sharesCounters(Port other) {
        return other != null && other.counters == counters;
    }

    /** Plain SIIT on one device: the worker reads and writes the same queue. */
    public static Port both(PacketQueue queue, DeviceCounters counters, WorkerCounters published,
        DeviceErrorHandler errors, int worker) {
        return new Port(PortRole.BOTH, queue, queue, counters, published, errors, worker);
    }

    public PortRole role() {
        return role;
    }

    /** The queue its worker reads, or null. */
    public PacketQueue read() {
        return read;
    }

    public DeviceCounters counters() {
        return counters;
    }

    /** Whether the worker gave this queue up after an error reading cannot recover from (its counters stay). */
    public boolean failed() {
        return failed;
    }

    void fail() {
        failed = true;
    }

    /** Releases its place in the counters file (its device closes with its owner). */
    public void close() {
        if (published != null) {
            published.close();
        }
    }
}
