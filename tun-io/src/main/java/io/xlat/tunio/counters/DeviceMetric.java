package io.xlat.tunio.counters;

/**
 * What a worker counts about its device queue. Ids are stable (they are keys in the counters file, read by
 * other processes and tools): never renumber, only append.
 */
public enum DeviceMetric {
    RX_PACKETS(1, "rx-packets", "packets read from the device (the kernel routed them to xlat)"),
    RX_BYTES(2, "rx-bytes", "bytes of the packets read from the device"),
    TX_PACKETS(3, "tx-packets", "packets written to the device: translated packets and the ICMP errors xlat sends"),
    TX_BYTES(4, "tx-bytes", "bytes of the packets written to the device"),
    SHORT_WRITES(5, "short-writes", "writes the kernel took only part of (the packet is lost)"),
    WRITE_ERRORS(6, "write-errors", "writes that failed (device down, no memory, packet refused by the kernel)"),
    READ_ERRORS(7, "read-errors",
        "reads that failed for another reason than an empty queue (the worker's log says why)"),
    NO_DEVICE(8, "no-device", "translated packets dropped because no device here takes them: their tenant has no tun: "
        + "key, or they belong to no tenant and there is no ipv4-tun or siit-tun"),
    TX_COALESCED(9, "tx-coalesced", "UDP datagrams among tx-packets that went out in a super-packet of several "
        + "(dataplane.coalesce): the kernel cut them out again");

    /** The largest id in use: arrays indexed by id are MAX_ID + 1 long. */
    public static final int MAX_ID = 9;

    private static final DeviceMetric[] VALUES = values();

    private final int id;
    private final String label;
    private final String description;

    DeviceMetric(int id, String label, String description) {
        this.id = id;
        this.label = label;
        this.description = description;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The metric with this id, or null. */
    public static DeviceMetric byId(int id) {
        for (final DeviceMetric m : VALUES) {
            if (m.id == id) {
                return m;
            }
        }
        return null;
    }
}
