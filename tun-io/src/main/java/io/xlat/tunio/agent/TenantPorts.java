package io.xlat.tunio.agent;

import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.PacketQueue;

/**
 * One configuration generation of the multi-device data plane as one worker sees it: the translator (new when
 * the reload changed the translator section), the tenant table and, by tenant
 * index, the queue this worker reads of each tenant's IPv4 device, the queue it writes to, and its counters for
 * that device. Immutable once built; a reload builds one per worker and hands each to its worker, which switches
 * between batches ({@link MultiDeviceWorkerAgent#offer}). A tenant that keeps its device keeps the same queue and
 * counter objects across generations, so its counts run on and its traffic never stops.
 *
 * <p>With several workers, worker {@code w} reads queue {@code w} of every multi-queue device. A single-queue
 * device (a persistent one made without {@code multi_queue}) is read by worker 0 only, so that a flow's packets
 * stay in order, and written by every worker: a TUN write injects one whole packet, whichever thread makes it.
 */
public final class TenantPorts {

    final TenantTable table;
    /** The translator of this generation, or null to keep the worker's current one. */
    final Translator translator;
    final PacketQueue[] queues;
    final DeviceCounters[] counters;
    final WorkerCounters[] published;
    final QueueWriter[] writers;

    /**
     * A generation for worker 0 that reads and writes the same queue of each tenant.
     *
     * @param queues    by tenant index: the tenant's device queue, or null when it has none here
     * @param counters  by tenant index: its device counters (null where {@code queues} is null)
     * @param published by tenant index: where they go in the counters file, or null
     */
    public TenantPorts(TenantTable table, PacketQueue[] queues, DeviceCounters[] counters, WorkerCounters[] published,
        DeviceErrorHandler errors) {
        this(table, 0, queues, queues, counters, published, errors, null);
    }

    /**
     * @param worker    the worker this generation is for (named in device error reports)
     * @param reads     by tenant index: the queue this worker reads, or null when it reads none of that tenant's
     * @param writes    by tenant index: the queue this worker writes the tenant's packets to, or null when the
     *                  tenant has no device here
     * @param counters  by tenant index: this worker's counters of the device (null where {@code writes} is null)
     * @param published by tenant index: where they go in the counters file, or null
     * @param translator the worker's translator from this generation on, or null to keep its current one; a new
     *                   one must share the current one's global drop counters
     */
    public TenantPorts(TenantTable table, int worker, PacketQueue[] reads, PacketQueue[] writes,
        DeviceCounters[] counters, WorkerCounters[] published, DeviceErrorHandler errors, Translator translator) {
        final int n = table.size();
        if (reads.length != n || writes.length != n || counters.length != n || published.length != n) {
            throw new IllegalArgumentException("one read and write queue, counters and published slot per tenant: "
                + n + " tenants, " + reads.length + " read queues, " + writes.length + " write queues, "
                + counters.length + " counters, " + published.length + " published");
        }
        this.table = table;
        this.translator = translator;
        this.queues = reads.clone();
        this.counters = counters.clone();
        this.published = published.clone();
        this.writers = new QueueWriter[n];
        for (int i = 0; i < n; i++) {
            if (writes[i] == null) {
                if (reads[i] != null) {
                    throw new IllegalArgumentException("tenant " + table.get(i).name()
                        + " has a queue to read but none to write");
                }
                continue;
            }
            if (counters[i] == null) {
                throw new IllegalArgumentException("tenant " + table.get(i).name() + " has a queue but no counters");
            }
            writers[i] = new QueueWriter(writes[i], counters[i], errors, worker);
        }
    }

    public TenantTable table() {
        return table;
    }
}
