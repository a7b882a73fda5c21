package io.xlat.core.addr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 7757 Explicit Address Mapping Table: longest-prefix match in both directions, immutable once built.
 *
 * <p>Each direction keeps one open-addressing table of primitive keys per prefix length present, probed from the
 * longest length to the shortest, so a lookup costs at most one probe sequence per distinct length (33 for
 * IPv4, 129 for IPv6), allocates nothing and boxes nothing, whatever the number of entries.
 *
 * <p>Decisions (RFC 7757's own wording was not available to us while writing this; the lines marked
 * "paraphrase" state our reading and must be checked against the RFC text):
 * <ul>
 *   <li>RFC 7757 §3.2/§3.3 (paraphrase): the EAM whose prefix is the longest match for the address is used,
 *       and the suffix bits of the address (the bits after the prefix) are copied after the other prefix.
 *       Overlapping but different prefixes are therefore legal: the longest wins, even if that makes the two
 *       directions disagree for the shorter entry's addresses.</li>
 *   <li>Unequal suffixes: the IPv4 suffix is copied to the bits immediately after the IPv6 prefix; any IPv6
 *       bits after it are zero when translating 4 to 6 and ignored when translating 6 to 4 (so a /64 mapped
 *       to a /26 sends 2^58 IPv6 addresses onto each IPv4 address). An IPv4 suffix longer than the IPv6
 *       suffix would lose IPv4 bits, so such an entry is a configuration error (Jool, written by an RFC 7757
 *       author, refuses it too).</li>
 *   <li>The same prefix twice in one family makes the longest match ambiguous, so a repeated entry, an IPv4
 *       prefix mapped twice or an IPv6 prefix mapped twice are configuration errors.</li>
 * </ul>
 */
public final class Eamt {

    /** Returned by the find methods when no entry matches. */
    public static final int NOT_FOUND = -1;

    private static final int EMPTY = 0; // value slots hold entry index + 1

    private final List<EamEntry> entries;

    // per entry, in configuration order
    private final int[] prefix4;
    private final long[] suffixMask4;
    private final long[] prefix6Hi;
    private final long[] prefix6Lo;
    private final int[] suffixShift; // 128 - ipv6 length - ipv4 suffix length: where the IPv4 suffix sits

    // IPv4 index: one table per distinct prefix length, longest first
    private final int[] mask4ByTable;
    private final int[][] keys4;
    private final int[][] values4;

    // IPv6 index: one table per distinct prefix length, longest first
    private final long[] maskHiByTable;
    private final long[] maskLoByTable;
    private final long[][] keys6Hi;
    private final long[][] keys6Lo;
    private final int[][] values6;

    /**
     * Builds the table. Call {@link #validate} first for operator-friendly messages.
     *
     * @throws IllegalArgumentException listing every problem {@link #validate} reports
     */
    public Eamt(List<EamEntry> entries) {
        final List<String> errors = validate(entries);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid eamt: " + String.join("; ", errors));
        }
        this.entries = List.copyOf(entries);
        final int n = this.entries.size();
        prefix4 = new int[n];
        suffixMask4 = new long[n];
        prefix6Hi = new long[n];
        prefix6Lo = new long[n];
        suffixShift = new int[n];
        final int[] length4 = new int[n];
        final int[] length6 = new int[n];
        for (int i = 0; i < n; i++) {
            final EamEntry entry = this.entries.get(i);
            prefix4[i] = entry.ipv4().address();
            suffixMask4[i] = ~Ipv4Prefix.mask(entry.ipv4().length()) & 0xFFFF_FFFFL;
            prefix6Hi[i] = entry.ipv6().hi();
            prefix6Lo[i] = entry.ipv6().lo();
            suffixShift[i] = 128 - entry.ipv6().length() - entry.ipv4SuffixLength();
            length4[i] = entry.ipv4().length();
            length6[i] = entry.ipv6().length();
        }

        final int[] count4 = countByLength(length4, 32);
        final int[] tables4 = lengthsLongestFirst(count4);
        mask4ByTable = new int[tables4.length];
        keys4 = new int[tables4.length][];
        values4 = new int[tables4.length][];
        for (int t = 0; t < tables4.length; t++) {
            mask4ByTable[t] = Ipv4Prefix.mask(tables4[t]);
            final int capacity = capacityFor(count4[tables4[t]]);
            keys4[t] = new int[capacity];
            values4[t] = new int[capacity];
        }
        final int[] count6 = countByLength(length6, 128);
        final int[] tables6 = lengthsLongestFirst(count6);
        maskHiByTable = new long[tables6.length];
        maskLoByTable = new long[tables6.length];
        keys6Hi = new long[tables6.length][];
        keys6Lo = new long[tables6.length][];
        values6 = new int[tables6.length][];
        for (int t = 0; t < tables6.length; t++) {
            maskHiByTable[t] = Ipv6Prefix.maskHi(tables6[t]);
            maskLoByTable[t] = Ipv6Prefix.maskLo(tables6[t]);
            final int capacity = capacityFor(count6[tables6[t]]);
            keys6Hi[t] = new long[capacity];
            keys6Lo[t] = new long[capacity];
            values6[t] = new int[capacity];
        }

        for (int i = 0; i < n; i++) {
            insert4(indexOf(tables4, length4[i]), prefix4[i], i);
            insert6(indexOf(tables6, length6[i]), prefix6Hi[i], prefix6Lo[i], i);
        }
    }

    /** An empty table. */
    public static Eamt empty() {
        return new Eamt(List.of());
    }

    /**
     * Config-time validation.
     *
     * @return one message per problem, in configuration order; empty when the entries are usable
     */
    public static List<String> validate(List<EamEntry> entries) {
        final List<String> errors = new ArrayList<>();
        final Map<Ipv4Prefix, Integer> byIpv4 = new HashMap<>();
        final Map<Ipv6Prefix, Integer> byIpv6 = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            final EamEntry entry = entries.get(i);
            final String where = "eamt[" + i + "] ";
            if (entry == null || entry.ipv4() == null || entry.ipv6() == null) {
                errors.add(where + "needs both an ipv4 and an ipv6 prefix");
                continue;
            }
            if (entry.ipv4SuffixLength() > entry.ipv6SuffixLength()) {
                errors.add(where + entry + ": the IPv4 suffix (" + entry.ipv4SuffixLength()
                    + " bits) is longer than the IPv6 suffix (" + entry.ipv6SuffixLength()
                    + " bits), so some IPv4 addresses could not be represented");
            }
            final Integer sameIpv4 = byIpv4.putIfAbsent(entry.ipv4(), i);
            final Integer sameIpv6 = byIpv6.putIfAbsent(entry.ipv6(), i);
            if (sameIpv4 != null && sameIpv4.equals(sameIpv6)) {
                errors.add(where + entry + ": duplicate of eamt[" + sameIpv4 + "]");
                continue;
            }
            if (sameIpv4 != null) {
                errors.add(where + entry + ": IPv4 prefix " + entry.ipv4() + " is already mapped by eamt["
                    + sameIpv4 + "] " + entries.get(sameIpv4));
            }
            if (sameIpv6 != null) {
                errors.add(where + entry + ": IPv6 prefix " + entry.ipv6() + " is already mapped by eamt["
                    + sameIpv6 + "] " + entries.get(sameIpv6));
            }
        }
        return errors;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entry at {@code index} (configuration order), e.g. to name it in diagnostics. */
    public EamEntry entry(int index) {
        return entries.get(index);
    }

    /** Index of the entry whose IPv4 prefix is the longest match for {@code ipv4}, or {@link #NOT_FOUND}. */
    public int find4(int ipv4) {
        for (int t = 0; t < keys4.length; t++) {
            final int key = ipv4 & mask4ByTable[t];
            final int[] keys = keys4[t];
            final int[] values = values4[t];
            final int mask = keys.length - 1;
            int slot = slot(key & 0xFFFF_FFFFL, mask);
            int value;
            while ((value = values[slot]) != EMPTY) {
                if (keys[slot] == key) {
                    return value - 1;
                }
                slot = (slot + 1) & mask;
            }
        }
        return NOT_FOUND;
    }

    /** Index of the entry whose IPv6 prefix is the longest match for the address, or {@link #NOT_FOUND}. */
    public int find6(long hi, long lo) {
        for (int t = 0; t < keys6Hi.length; t++) {
            final long keyHi = hi & maskHiByTable[t];
            final long keyLo = lo & maskLoByTable[t];
            final long[] hiKeys = keys6Hi[t];
            final long[] loKeys = keys6Lo[t];
            final int[] values = values6[t];
            final int mask = values.length - 1;
            int slot = slot(pairKey(keyHi, keyLo), mask);
            int value;
            while ((value = values[slot]) != EMPTY) {
                if (hiKeys[slot] == keyHi && loKeys[slot] == keyLo) {
                    return value - 1;
                }
                slot = (slot + 1) & mask;
            }
        }
        return NOT_FOUND;
    }

    public boolean contains4(int ipv4) {
        return find4(ipv4) != NOT_FOUND;
    }

    public boolean contains6(long hi, long lo) {
        return find6(hi, lo) != NOT_FOUND;
    }

    /** High half of {@code ipv4} translated by entry {@code index} (which must match it). */
    public long map46Hi(int index, int ipv4) {
        final long suffix = ipv4 & suffixMask4[index];
        final int shift = suffixShift[index];
        final long bits;
        if (shift >= 64) {
            bits = suffix << (shift - 64); // shift 128 only happens with an empty suffix
        } else {
            bits = shift == 0 ? 0 : suffix >>> (64 - shift);
        }
        return prefix6Hi[index] | bits;
    }

    /** Low half of {@code ipv4} translated by entry {@code index} (which must match it). */
    public long map46Lo(int index, int ipv4) {
        final int shift = suffixShift[index];
        return shift >= 64 ? prefix6Lo[index] : prefix6Lo[index] | ((ipv4 & suffixMask4[index]) << shift);
    }

    /** The IPv6 address translated by entry {@code index} (which must match it): IPv4 in an int. */
    public int map64(int index, long hi, long lo) {
        final int shift = suffixShift[index];
        final long bits;
        if (shift >= 64) {
            bits = hi >>> (shift - 64); // shift 128 only happens with an empty suffix: masked to 0 below
        } else {
            bits = shift == 0 ? lo : (lo >>> shift) | (hi << (64 - shift));
        }
        return prefix4[index] | (int) (bits & suffixMask4[index]);
    }

    private void insert4(int table, int key, int index) {
        final int[] keys = keys4[table];
        final int[] values = values4[table];
        final int mask = keys.length - 1;
        int slot = slot(key & 0xFFFF_FFFFL, mask);
        while (values[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = index + 1;
    }

    private void insert6(int table, long keyHi, long keyLo, int index) {
        final int[] values = values6[table];
        final int mask = values.length - 1;
        int slot = slot(pairKey(keyHi, keyLo), mask);
        while (values[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys6Hi[table][slot] = keyHi;
        keys6Lo[table][slot] = keyLo;
        values[slot] = index + 1;
    }

    private static long pairKey(long hi, long lo) {
        // odd multiplier: a bijection on hi, so prefixes differing only in hi (typical /64s) stay distinct
        return hi * 0x9E37_79B9_7F4A_7C15L + lo;
    }

    /** SplitMix64 finalizer: consecutive keys (a /24 of /32 entries) must not cluster under linear probing. */
    private static int slot(long key, int mask) {
        long z = key;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        z ^= z >>> 31;
        return (int) z & mask;
    }

    /** Smallest power of two at least twice the count: load factor at most 1/2 keeps probe runs short. */
    private static int capacityFor(int count) {
        return Integer.highestOneBit(Math.max(1, count) * 4 - 1);
    }

    private static int[] countByLength(int[] lengths, int max) {
        final int[] counts = new int[max + 1];
        for (final int length : lengths) {
            counts[length]++;
        }
        return counts;
    }

    private static int[] lengthsLongestFirst(int[] countByLength) {
        int distinct = 0;
        for (final int count : countByLength) {
            if (count > 0) {
                distinct++;
            }
        }
        final int[] result = new int[distinct];
        int next = 0;
        for (int length = countByLength.length - 1; length >= 0; length--) {
            if (countByLength[length] > 0) {
                result[next++] = length;
            }
        }
        return result;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException("length " + value + " has no table");
    }

    @Override
    public String toString() {
        return "Eamt" + entries;
    }
}
