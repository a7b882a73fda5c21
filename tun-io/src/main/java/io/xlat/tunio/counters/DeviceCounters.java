package io.xlat.tunio.counters;

/**
 * The device counters of one worker: plain longs written by that worker only, copied to the counters file by
 * {@link WorkerCounters#publish}.
 */
public final class DeviceCounters {

    private final long[] values = new long[DeviceMetric.MAX_ID + 1];

    public void received(int bytes) {
        values[DeviceMetric.RX_PACKETS.id()]++;
        values[DeviceMetric.RX_BYTES.id()] += bytes;
    }

    public void sent(int bytes) {
        values[DeviceMetric.TX_PACKETS.id()]++;
        values[DeviceMetric.TX_BYTES.id()] += bytes;
    }

    /** {@code datagrams} UDP datagrams of {@code bytes} in all, written as one super-packet. */
    public void sentCoalesced(int datagrams, int bytes) {
        values[DeviceMetric.TX_PACKETS.id()] += datagrams;
        values[DeviceMetric.TX_BYTES.id()] += bytes;
        values[DeviceMetric.TX_COALESCED.id()] += datagrams;
    }

    public void shortWrite() {
        values[DeviceMetric.SHORT_WRITES.id()]++;
    }

    public void writeError() {
        values[DeviceMetric.WRITE_ERRORS.id()]++;
    }

    public void noDevice() {
        values[DeviceMetric.NO_DEVICE.id()]++;
    }

    public void readError() {
        values[DeviceMetric.READ_ERRORS.id()]++;
    }

    public long get(DeviceMetric metric) {
        return values[metric.id()];
    }
}
