package io.xlat.tunio.dataplane;

import java.util.Map;

/**
 * The data plane's health as data, one snapshot per question ({@link Dataplane#health}): what the BGP announcements
 * follow. Device state is asked one way for every device: its interface index in its namespace (gone, or replaced
 * by another device of that name) and its link flags through the descriptor xlat holds (down).
 *
 * @param problem    null while what every path needs works (the first device, each worker's queue of it, every
 *                   worker thread), else why not
 * @param paths      by path ({@link #GLOBAL_PATH} or a tenant's name), why that path's own device cannot forward
 *                   now; empty when all can (and always with one device, whose failure is {@code problem})
 * @param heartbeats by worker, its heartbeat: a value that stops moving is a stalled worker
 */
public record DataplaneHealth(String problem, Map<String, String> paths, long[] heartbeats) {

    /**
     * The name under which plain SIIT's path (pool6, the EAM prefixes) goes down like a tenant's when its own
     * device (ipv4-tun, or siit-tun beside tenants) fails. No tenant name has parentheses.
     */
    public static final String GLOBAL_PATH = "(plain SIIT)";

    public DataplaneHealth {
        paths = Map.copyOf(paths);
        heartbeats = heartbeats.clone();
    }

    @Override
    public long[] heartbeats() {
        return heartbeats.clone();
    }

    /** The number of workers. */
    public int workers() {
        return heartbeats.length;
    }

    /** Worker {@code w}'s heartbeat. */
    public long heartbeat(int w) {
        return heartbeats[w];
    }
}
