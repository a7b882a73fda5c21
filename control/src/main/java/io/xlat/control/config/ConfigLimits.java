package io.xlat.control.config;

/**
 * The {@code limits:} section: the most list items of each kind a file may hold. The loader counts them before it
 * parses any section, so that a file too large for the heap (or a typo that multiplies a list) is refused at once
 * with the key to raise, never by an OutOfMemoryError halfway through a reload, and never at packet time.
 *
 * @param tenants    items of {@code tenants}
 * @param eamEntries items of {@code translator.eamt} plus every tenant's {@code services} (all are EAM entries)
 * @param prefixes   items of any one prefix list: {@code translator.pool6791v4}, {@code translator.pool6791v6}
 *                   or a tenant's {@code ipv4} (each is checked pairwise for overlaps)
 * @param bgpPeers   items of {@code bgp.peers}
 */
public record ConfigLimits(int tenants, int eamEntries, int prefixes, int bgpPeers) {

    /**
     * Sized from the load measurements in docs/testing.md ("Limits") so that a file at every default limit loads
     * within the {@code -Xmx256m} of the operations guide: 100,000 tenants load there in 3.4 s, 100,000 EAM entries
     * in 2.3 s (a million need {@code -Xmx2g}).
     */
    public static final ConfigLimits DEFAULTS = new ConfigLimits(100_000, 100_000, 1024, 64);
}
