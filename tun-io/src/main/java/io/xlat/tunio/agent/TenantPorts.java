package io.xlat.tunio.agent;

import io.xlat.core.tenant.TenantTable;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;

/**
 * One configuration generation of the tenant data plane: the tenant table and, by tenant index, the queue of each
 * tenant's IPv4 device and its counters. Immutable once built; a reload builds a new one and hands it to the
 * worker, which switches between batches ({@link TenantWorkerAgent#offer}). A tenant that keeps its device keeps
 * the same queue and counter objects across generations, so its counts run on and its traffic never stops.
 */
public final class TenantPorts {

    final TenantTable table;
    final PacketQueue[] queues;
    final DeviceCounters[] counters;
    final WorkerCounters[] published;
    final QueueWriter[] writers;

    /**
     * @param queues    by tenant index: the tenant's device queue, or null when it has none here
     * @param counters  by tenant index: its device counters (null where {@code queues} is null)
     * @param published by tenant index: where they go in the counters file, or null
     */
    public TenantPorts(TenantTable table, PacketQueue[] queues, DeviceCounters[] counters, WorkerCounters[] published,
        DeviceErrorHandler errors) {
        if (queues.length != table.size() || counters.length != table.size() || published.length != table.size()) {
            throw new IllegalArgumentException("one queue, counters and published slot per tenant: " + table.size()
                + " tenants, " + queues.length + " queues, " + counters.length + " counters, " + published.length
                + " published");
        }
        this.table = table;
        this.queues = queues.clone();
        this.counters = counters.clone();
        this.published = published.clone();
        this.writers = new QueueWriter[queues.length];
        for (int i = 0; i < queues.length; i++) {
            if (queues[i] != null) {
                if (counters[i] == null) {
                    throw new IllegalArgumentException("tenant " + table.get(i).name()
                        + " has a queue but no counters");
                }
                writers[i] = new QueueWriter(queues[i], counters[i], errors, 0);
            }
        }
    }

    public TenantTable table() {
        return table;
    }
}
