package io.xlat.core.tenant;

import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.addr.Rfc6052;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant instances of one configuration generation, immutable, swapped as a whole on reload. IPv6 to tenant
 * demultiplexing is a longest-prefix match over the at most six RFC 6052 prefix lengths present: one
 * open-addressing hash probe per length, so it costs the same with one tenant or a hundred thousand.
 */
public final class TenantTable {
    private static final TenantTable EMPTY = new TenantTable(List.of());

    /** The configuration this table was built from. */
    public List<TenantConfig> configs() {
        return configs;
    }

    private final List<TenantConfig> configs;
    private final Tenant[] tenants;
    private final Map<String, Tenant> byName = new HashMap<>();
    /** Prefix lengths present, longest first. */
    private final int[] lengths;
    /**
     * One open-addressing table per prefix length whose slots are the tenants themselves: a probe reads a 4-byte
     * reference and then the tenant it needs anyway, so with 100,000 tenants a lookup costs one cache miss (the
     * tenant), not a separate key array, value array and tenant.
     */
    private final Tenant[][] slots;
    private final int[] mask;

    public TenantTable(List<TenantConfig> configs) {
        this(configs, null, true);
    }

    /**
     * A worker's own copy of this table: the same tenants in the same order, with counters of its own. A
     * tenant whose name was in {@code previous} keeps the counters it had there, so a reload that adds or
     * removes one tenant leaves the others' numbers running.
     */
    public TenantTable copyFor(TenantTable previous) {
        return new TenantTable(configs, previous, false);
    }

    private TenantTable(List<TenantConfig> configs, TenantTable previous, boolean check) {
        if (check) {
            final List<String> errors = validate(configs);
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", errors));
            }
        }
        this.configs = List.copyOf(configs);
        tenants = new Tenant[configs.size()];
        final int[] countByLength = new int[129];
        // The per-reason drop arrays first, apart: then each tenant and its counters are allocated side by side,
        // and 100,000 of them fit in ~16 MB instead of ~77 MB (fewer cache and TLB misses per packet).
        // A configuration's own table (check) has no counters: only a worker's copy counts packets.
        final long[][] dropArrays = new long[check ? 0 : tenants.length][];
        for (int i = 0; i < dropArrays.length; i++) {
            dropArrays[i] = DropCounters.newDropArray();
        }
        for (int i = 0; i < tenants.length; i++) {
            final Tenant before = previous == null ? null : previous.byName(configs.get(i).name());
            final DropCounters kept = before == null ? null : before.counters();
            final DropCounters counters = kept != null ? kept : check ? null : new DropCounters(dropArrays[i]);
            tenants[i] = new Tenant(i, configs.get(i), counters);
            byName.put(configs.get(i).name(), tenants[i]);
            countByLength[configs.get(i).prefix().length()]++;
        }
        int distinct = 0;
        for (final int c : countByLength) {
            distinct += c > 0 ? 1 : 0;
        }
        lengths = new int[distinct];
        slots = new Tenant[distinct][];
        mask = new int[distinct];
        int t = 0;
        for (int length = 128; length >= 0; length--) {
            if (countByLength[length] == 0) {
                continue;
            }
            // Load factor <= 1/2. Measured: 1/4 made lookups slower at 100,000 tenants (a larger slot array
            // costs more cache misses than the rarer collisions save).
            final int capacity = Integer.highestOneBit(Math.max(4, countByLength[length] * 2 - 1)) << 1;
            lengths[t] = length;
            slots[t] = new Tenant[capacity];
            mask[t] = capacity - 1;
            t++;
        }
        for (final Tenant tenant : tenants) {
            final Ipv6Prefix p = tenant.config().prefix();
            final int table = indexOfLength(p.length());
            final Tenant[] s = slots[table];
            int slot = slot(p.hi(), p.lo(), mask[table]);
            while (s[slot] != null) {
                slot = (slot + 1) & mask[table];
            }
            s[slot] = tenant;
        }
    }

    public static TenantTable empty() {
        return EMPTY;
    }

    /**
     * Checks a tenant list as a whole: RFC 6052 prefix form, no two instance prefixes overlapping (a packet
     * must belong to exactly one tenant), unique names and devices, at least one IPv4 range, services valid.
     */
    public static List<String> validate(List<TenantConfig> configs) {
        final List<String> errors = new ArrayList<>();
        final Map<String, Integer> names = new HashMap<>();
        final Map<String, Integer> tuns = new HashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            final TenantConfig c = configs.get(i);
            final String who = "tenant '" + c.name() + "'";
            if (c.name() == null || c.name().isEmpty()) {
                errors.add("tenant #" + (i + 1) + ": name is missing");
            } else if (names.putIfAbsent(c.name(), i) != null) {
                errors.add(who + ": name used twice");
            }
            if (c.tun() != null && tuns.putIfAbsent(c.tun(), i) != null) {
                errors.add(who + ": tun '" + c.tun() + "' already used by tenant '"
                    + configs.get(tuns.get(c.tun())).name() + "'");
            }
            final String prefixProblem = Rfc6052.validatePool6(c.prefix());
            if (prefixProblem != null) {
                errors.add(who + ": prefix " + prefixProblem);
            }
            if (Rfc6052.isWellKnownPrefix(c.prefix())) {
                errors.add(who + ": prefix 64:ff9b::/96 cannot carry tenant (non-global) IPv4 (RFC 6052 3.1)");
            }
            if (c.ipv4().isEmpty()) {
                errors.add(who + ": ipv4 must list at least one range");
            }
            for (final String problem : io.xlat.core.addr.Eamt.validate(c.services())) {
                errors.add(who + ": services: " + problem);
            }
            for (final io.xlat.core.addr.EamEntry service : c.services()) {
                if (c.prefix().overlaps(service.ipv6())) {
                    errors.add(who + ": service " + service.ipv6() + " lies inside the tenant's own prefix");
                }
            }
        }
        overlaps(configs, errors);
        return errors;
    }

    /**
     * Two prefixes overlap only when one contains the other. Sorted by address and then by length, a prefix
     * can only be contained in one still "open" on a stack of enclosing prefixes: O(n log n), not O(n^2), so
     * a hundred thousand tenants validate in a blink.
     */
    private static void overlaps(List<TenantConfig> configs, List<String> errors) {
        final Integer[] order = new Integer[configs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            final Ipv6Prefix x = configs.get(a).prefix();
            final Ipv6Prefix y = configs.get(b).prefix();
            final int byHi = Long.compareUnsigned(x.hi(), y.hi());
            if (byHi != 0) {
                return byHi;
            }
            final int byLo = Long.compareUnsigned(x.lo(), y.lo());
            return byLo != 0 ? byLo : Integer.compare(x.length(), y.length());
        });
        final java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        for (final int index : order) {
            final TenantConfig c = configs.get(index);
            while (!open.isEmpty() && !configs.get(open.peek()).prefix().overlaps(c.prefix())) {
                open.pop();
            }
            if (!open.isEmpty()) {
                final TenantConfig other = configs.get(open.peek());
                final TenantConfig later = index > open.peek() ? c : other;
                final TenantConfig earlier = later == c ? other : c;
                errors.add("tenant '" + later.name() + "': prefix " + later.prefix() + " overlaps tenant '"
                    + earlier.name() + "' (" + earlier.prefix() + ")");
            }
            open.push(index);
        }
    }

    public int size() {
        return tenants.length;
    }

    public Tenant get(int index) {
        return tenants[index];
    }

    /** The tenant with this name, or null. */
    public Tenant byName(String name) {
        return byName.get(name);
    }

    /** The tenant whose instance prefix holds the address, or null. No allocation. */
    public Tenant lookup(long hi, long lo) {
        for (int t = 0; t < lengths.length; t++) {
            final long h = hi & Ipv6Prefix.maskHi(lengths[t]);
            final long l = lo & Ipv6Prefix.maskLo(lengths[t]);
            final Tenant[] s = slots[t];
            int slot = slot(h, l, mask[t]);
            while (true) {
                final Tenant candidate = s[slot];
                if (candidate == null) {
                    break;
                }
                if (candidate.hasPrefix(h, l)) {
                    return candidate;
                }
                slot = (slot + 1) & mask[t];
            }
        }
        return null;
    }

    private int indexOfLength(int length) {
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == length) {
                return i;
            }
        }
        throw new IllegalStateException("no table for /" + length);
    }

    private static int slot(long hi, long lo, int mask) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return (int) h & mask;
    }
}
