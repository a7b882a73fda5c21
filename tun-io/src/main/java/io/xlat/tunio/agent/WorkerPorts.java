package io.xlat.tunio.agent;

import io.xlat.core.tenant.TenantTable;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.PollSet;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configuration generation as one worker sees it: the translator (new when a reload changed the translator
 * section), the tenant table, and the ports it serves: the IPv6 device's, plain SIIT's (a {@link PortRole#BOTH}
 * or {@link PortRole#IPV4} port) and, by tenant index, each tenant's. Immutable once built; a reload builds one per
 * worker and hands it over with {@link WorkerAgent#offer}, which the worker takes between two batches. A port
 * whose device stays is the same object in the next generation, so its counts run on and its traffic never stops.
 *
 * <p>With several workers, worker {@code w} reads queue {@code w} of every multi-queue device. A single-queue
 * device (a persistent one made without {@code multi_queue}) is read by worker 0 only, so that a flow's packets
 * stay in order, and written by every worker: a TUN write injects one whole packet, whichever thread makes it.
 */
public final class WorkerPorts {

    final TenantTable table;
    /** The translator of this generation, or null to keep the worker's current one. */
    final Translator translator;
    /** The IPv6 device's port, or null (plain SIIT on one device). */
    final Port ipv6;
    /** Plain SIIT's port ({@link PortRole#BOTH} or {@link PortRole#IPV4}), or null (tenants only). */
    final Port global;
    /** By tenant index: the tenant's port, null when it has no device here. */
    final Port[] tenants;
    /** Every port this worker reads, and the tenant index of each (-1 for the others), in reading order. */
    final Port[] reads;
    final int[] readTenant;
    /** Every port, once each, for publishing. */
    final Port[] all;
    /** Every queue of {@link #all}, once each: what the worker flushes at the end of its round. */
    final PacketQueue[] queues;
    final PollSet poll;

    /** Plain SIIT on one device: one {@link PortRole#BOTH} port and no tenants. */
    public static WorkerPorts siit(Port both) {
        return new WorkerPorts(TenantTable.empty(), null, null, both, new Port[0]);
    }

    /**
     * @param table      the tenants, whose indexes {@code tenants} follows
     * @param translator the worker's translator from this generation on, or null to keep its current one; a new
     *                   one must share the current one's global drop counters
     * @param ipv6       the IPv6 device's port ({@link PortRole#IPV6}), or null without tenants or a device pair
     * @param global     plain SIIT's port, or null
     * @param tenants    by tenant index: the tenant's port ({@link PortRole#TENANT}), or null
     */
    public WorkerPorts(TenantTable table, Translator translator, Port ipv6, Port global, Port[] tenants) {
        if (tenants.length != table.size()) {
            throw new IllegalArgumentException("one port slot per tenant: " + table.size() + " tenants, "
                + tenants.length + " ports");
        }
        check(ipv6, PortRole.IPV6, "the IPv6 port");
        if (global != null && global.role != PortRole.BOTH && global.role != PortRole.IPV4) {
            throw new IllegalArgumentException("plain SIIT's port is BOTH or IPV4, not " + global.role);
        }
        if (ipv6 == null && (tenants.length > 0 || global != null && global.role == PortRole.IPV4)) {
            throw new IllegalArgumentException("tenants and an IPv4 device need the IPv6 port");
        }
        if (ipv6 == null && global == null) {
            throw new IllegalArgumentException("a worker needs a port");
        }
        for (final Port t : tenants) {
            check(t, PortRole.TENANT, "a tenant's port");
        }
        this.table = table;
        this.translator = translator;
        this.ipv6 = ipv6;
        this.global = global;
        this.tenants = tenants.clone();
        final List<Port> reading = new ArrayList<>();
        final List<Integer> tenantOf = new ArrayList<>();
        final List<Port> every = new ArrayList<>();
        final List<PacketQueue> queues = new ArrayList<>();
        add(ipv6, -1, reading, tenantOf, every, queues);
        add(global, -1, reading, tenantOf, every, queues);
        for (int i = 0; i < tenants.length; i++) {
            add(tenants[i], i, reading, tenantOf, every, queues);
        }
        this.reads = reading.toArray(new Port[0]);
        this.readTenant = new int[reads.length];
        for (int i = 0; i < reads.length; i++) {
            readTenant[i] = tenantOf.get(i);
        }
        this.all = every.toArray(new Port[0]);
        this.queues = distinctQueues(this.all);
        this.poll = PollSet.of(queues);
    }

    /** Every queue the ports read or write, each once (a port that reads a queue also writes it). */
    private static PacketQueue[] distinctQueues(Port[] ports) {
        final Map<PacketQueue, Boolean> seen = new IdentityHashMap<>();
        final List<PacketQueue> queues = new ArrayList<>();
        for (final Port port : ports) {
            for (final PacketQueue q : new PacketQueue[] {port.read, port.write}) {
                if (q != null && seen.put(q, Boolean.TRUE) == null) {
                    queues.add(q);
                }
            }
        }
        return queues.toArray(new PacketQueue[0]);
    }

    private static void check(Port port, PortRole role, String what) {
        if (port != null && port.role != role) {
            throw new IllegalArgumentException(what + " has role " + role + ", not " + port.role);
        }
    }

    private static void add(Port port, int tenant, List<Port> reading, List<Integer> tenantOf, List<Port> every,
        List<PacketQueue> queues) {
        if (port == null) {
            return;
        }
        every.add(port);
        if (port.read != null) {
            reading.add(port);
            tenantOf.add(tenant);
            queues.add(port.read);
        }
    }

    /**
     * This generation with some ports swapped for others ({@code replacements}: old port to new, by identity): what
     * a device that was deleted and is back needs, its ports on the new device's queues. The table stays, and the
     * worker keeps its translator.
     */
    public WorkerPorts replacing(Map<Port, Port> replacements) {
        final Port[] t = tenants.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = replacements.getOrDefault(t[i], t[i]);
        }
        return new WorkerPorts(table, null, ipv6 == null ? null : replacements.getOrDefault(ipv6, ipv6),
            global == null ? null : replacements.getOrDefault(global, global), t);
    }

    public TenantTable table() {
        return table;
    }

    /** The IPv6 device's port, or null. */
    public Port ipv6() {
        return ipv6;
    }

    /** Plain SIIT's port, or null. */
    public Port global() {
        return global;
    }
}
