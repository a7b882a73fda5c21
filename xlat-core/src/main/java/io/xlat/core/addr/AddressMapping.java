package io.xlat.core.addr;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropReason;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The address translation algorithm of one configuration generation: RFC 7757 EAM table first, then the RFC 6052
 * prefix ({@code pool6}), plus the RFC 6791 pools and the RFC 7757 section 4 hairpinning predicates. Immutable
 * after construction and safe to share between worker threads. Every lookup is allocation-free and O(prefix
 * bits).
 *
 * <p>Order: RFC 7757 §3.2/§3.3 (paraphrase): an address is looked up in the EAMT first; only when no EAM matches
 * is it translated with the RFC 6052 algorithm and {@code pool6}.
 *
 * <h2>Hairpinning recipe for the translator (config {@code hairpin}, RFC 7757 section 4)</h2>
 * The problem: IPv6 node A (EAM IPv4 {@code a4}) talks to IPv6 node B through B's IPv4 address {@code b4}, also
 * an EAM, i.e. it sends to {@code pool6(b4)}. Translated 6-&gt;4 that is {@code a4 -> b4}, which routes back into
 * the translator; translated 4-&gt;6 with the EAMT on both sides it reaches B as {@code A -> B}, and B answers A
 * directly over IPv6 from {@code B}, an address A never sent to. The fix is to translate the second (4-&gt;6)
 * pass's source with RFC 6052 only, so B sees {@code pool6(a4)} and answers through the translator.
 *
 * <p><b>Hairpin 4-&gt;6 rules</b> ({@link #map46Pool6} is RFC 6052 only, EAMT skipped):
 * <ul>
 *   <li>outer packet, not an ICMPv4 error: source = {@code map46Pool6(src)}; destination = {@code map46(dst)}.</li>
 *   <li>outer ICMPv4 error: source = {@code map46Pool6(src)} when {@code src} equals the destination of the
 *       packet inside the error, else {@code map46(src)} (then the usual {@link #pool6791v6} fallback);
 *       destination = {@code map46(dst)}.</li>
 *   <li>packet inside an ICMPv4 error: source = {@code map46(innerSrc)}; destination =
 *       {@code map46Pool6(innerDst)}.</li>
 * </ul>
 * Every 6-&gt;4 translation, and every 4-&gt;6 translation the mode below does not name, uses {@link #map46} /
 * {@link #map64} for both addresses as usual.
 * <ul>
 *   <li>{@code OFF}: never apply the hairpin rules; nothing is hairpinned (A and B cannot talk via IPv4
 *       addresses).</li>
 *   <li>{@code SIMPLE}: apply the hairpin 4-&gt;6 rules to <em>every</em> IPv4-&gt;IPv6 translation. The
 *       translator loops nothing itself: the IPv4 routing (an outside router, or the host's routes) brings
 *       {@code a4 -> b4} back in. Cost: any IPv4 source that matches an EAM reaches IPv6 as {@code pool6(src)},
 *       or is untranslatable when pool6 is unset, which breaks setups with EAM'd IPv4 sources (double
 *       translation, RFC 7756).</li>
 *   <li>{@code INTRINSIC} (default): after translating an IPv6 packet to IPv4, test
 *       <br>condition A: it is not an ICMPv6 error and {@link #isHairpinTarget64} holds for its original IPv6
 *       destination;
 *       <br>condition B: it is an ICMPv6 error and {@link #isHairpinTarget64} holds for the original IPv6
 *       source of the packet inside the error.
 *       <br>If either holds, do not emit the IPv4 packet: translate it straight back to IPv6 with the hairpin
 *       4-&gt;6 rules and emit the result forward (towards IPv6). All other 4-&gt;6 translations use the normal
 *       rules. A packet is hairpinned at most once by construction: the second pass is a 4-&gt;6
 *       translation, and only 6-&gt;4 translations hairpin.</li>
 * </ul>
 * This matches Jool's {@code eam-hairpin-mode} (RFC 7757 §4.2.1 simple, §4.2.2 intrinsic, Appendix B examples).
 *
 * <h2>RFC 6791 pools</h2>
 * RFC 6791 §5: "If a pool of public IPv4 addresses is configured on the translator, it is RECOMMENDED to
 * randomly select the IPv4 source address from the pool." {@link #pool6791v4} and {@link #pool6791v6} are
 * deterministic in their {@code hash} argument; to follow the RFC the translator passes a per-packet
 * pseudo-random int (e.g. a per-worker xorshift). Passing a hash of the original source instead gives every
 * source a stable address, a deliberate deviation (Jool's {@code randomize-rfc6791-addresses false}).
 */
public final class AddressMapping implements Mapping {

    /** Returned by the 6-&gt;4 lookups when an address has no mapping. */
    public static final long NO_MAPPING = -1L;

    private static final long UNSIGNED_INT = 0xFFFF_FFFFL;
    private static final long MAX_SLOTS_PER_PREFIX = 1L << 32;

    private final Eamt eamt;
    private final TranslatorConfig.Hairpin hairpin;

    private final boolean hasPool6;
    private final boolean pool6IsWellKnown;
    private final long pool6Hi;
    private final long pool6Lo;
    private final long pool6MaskHi;
    private final long pool6MaskLo;
    private final int pool6Length;

    // RFC 6791 pools: prefix i owns the slots [slotEnd[i - 1], slotEnd[i]) of a pool-wide index
    private final int[] pool4Address;
    private final long[] pool4SlotEnd;
    private final long[] pool6791Hi;
    private final long[] pool6791Lo;
    private final long[] pool6791SlotEnd;

    /**
     * @throws IllegalArgumentException listing every problem {@link #validate} reports
     */
    public AddressMapping(TranslatorConfig config) {
        final List<String> errors = validate(config);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid address configuration: " + String.join("; ", errors));
        }
        eamt = new Eamt(config.eamt());
        hairpin = config.hairpin() == null ? TranslatorConfig.Hairpin.OFF : config.hairpin();

        final Ipv6Prefix pool6 = config.pool6();
        hasPool6 = pool6 != null;
        pool6IsWellKnown = Rfc6052.isWellKnownPrefix(pool6);
        pool6Hi = hasPool6 ? pool6.hi() : 0;
        pool6Lo = hasPool6 ? pool6.lo() : 0;
        pool6Length = hasPool6 ? pool6.length() : 0;
        pool6MaskHi = hasPool6 ? Ipv6Prefix.maskHi(pool6Length) : 0;
        pool6MaskLo = hasPool6 ? Ipv6Prefix.maskLo(pool6Length) : 0;

        final List<Ipv4Prefix> v4 = config.pool6791v4();
        pool4Address = new int[v4.size()];
        pool4SlotEnd = new long[v4.size()];
        long end = 0;
        for (int i = 0; i < v4.size(); i++) {
            pool4Address[i] = v4.get(i).address();
            end += v4.get(i).size();
            pool4SlotEnd[i] = end;
        }
        final List<Ipv6Prefix> v6 = config.pool6791v6();
        pool6791Hi = new long[v6.size()];
        pool6791Lo = new long[v6.size()];
        pool6791SlotEnd = new long[v6.size()];
        end = 0;
        for (int i = 0; i < v6.size(); i++) {
            pool6791Hi[i] = v6.get(i).hi();
            pool6791Lo[i] = v6.get(i).lo();
            // a 32-bit hash cannot tell more addresses apart, and the cap keeps the sum far from overflow
            final int hostBits = 128 - v6.get(i).length();
            end += hostBits >= 32 ? MAX_SLOTS_PER_PREFIX : 1L << hostBits;
            pool6791SlotEnd[i] = end;
        }
    }

    /**
     * Config-time validation of everything this class reads: {@code pool6}, {@code eamt}, {@code pool6791v4}
     * and {@code pool6791v6}.
     *
     * @return one operator-readable message per problem; empty when the configuration is usable
     */
    public static List<String> validate(TranslatorConfig config) {
        final List<String> errors = new ArrayList<>();
        final String pool6Error = Rfc6052.validatePool6(config.pool6());
        if (pool6Error != null) {
            errors.add(pool6Error);
        }
        errors.addAll(Eamt.validate(config.eamt()));
        // an overlap would make some addresses likelier than others, which defeats the random choice
        final List<Ipv4Prefix> v4 = config.pool6791v4();
        for (int i = 0; i < v4.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (v4.get(i).overlaps(v4.get(j))) {
                    errors.add("pool6791v4[" + i + "] " + v4.get(i) + " overlaps pool6791v4[" + j + "] " + v4.get(j));
                }
            }
        }
        final List<Ipv6Prefix> v6 = config.pool6791v6();
        for (int i = 0; i < v6.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (v6.get(i).overlaps(v6.get(j))) {
                    errors.add("pool6791v6[" + i + "] " + v6.get(i) + " overlaps pool6791v6[" + j + "] " + v6.get(j));
                }
            }
        }
        return errors;
    }

    /**
     * Translates an IPv4 address (either source or destination) to IPv6: EAMT longest match, else pool6
     * (RFC 6052), refusing non-global IPv4 with the Well-Known Prefix. Writes 16 bytes at {@code offset}.
     *
     * @return true when mapped; false (nothing written) when the address is untranslatable.
     */
    @Override
    public boolean map46(int ipv4, MutableDirectBuffer buffer, int offset) {
        final int entry = eamt.find4(ipv4);
        if (entry != Eamt.NOT_FOUND) {
            write(buffer, offset, eamt.map46Hi(entry, ipv4), eamt.map46Lo(entry, ipv4));
            return true;
        }
        return map46Pool6(ipv4, buffer, offset);
    }

    /**
     * {@link DropReason#NON_GLOBAL_WKP} when {@link #map46} refused {@code ipv4} because the Well-Known Prefix may
     * not carry a non-global address (and no EAM maps it), else {@code otherwise}.
     */
    @Override
    public DropReason refusal46(int ipv4, DropReason otherwise) {
        return pool6IsWellKnown && Ipv4Addresses.isNonGlobal(ipv4) && eamt.find4(ipv4) == Eamt.NOT_FOUND
            ? DropReason.NON_GLOBAL_WKP : otherwise;
    }

    /**
     * Translates an IPv4 address with pool6 (RFC 6052) only, skipping the EAMT: the hairpin 4-&gt;6 rules in the
     * class javadoc say where. Writes 16 bytes at {@code offset}.
     *
     * @return true when mapped; false (nothing written) without pool6 or for a non-global address and the WKP
     */
    public boolean map46Pool6(int ipv4, MutableDirectBuffer buffer, int offset) {
        if (!hasPool6) {
            return false;
        }
        // RFC 6052 §3.1: "The Well-Known Prefix MUST NOT be used to represent non-global IPv4 addresses, such as
        // those defined in [RFC1918] or listed in Section 3 of [RFC5735]."
        if (pool6IsWellKnown && Ipv4Addresses.isNonGlobal(ipv4)) {
            return false;
        }
        write(buffer, offset, Rfc6052.embedHi(pool6Hi, pool6Length, ipv4), Rfc6052.embedLo(pool6Lo, pool6Length, ipv4));
        return true;
    }

    /**
     * Translates an IPv6 address to IPv4: EAMT longest match, else extraction from pool6 (RFC 6052).
     *
     * @return the IPv4 address in the low 32 bits (0..2^32-1), or {@link #NO_MAPPING}.
     */
    @Override
    public long map64(long hi, long lo) {
        final int entry = eamt.find6(hi, lo);
        if (entry != Eamt.NOT_FOUND) {
            return eamt.map64(entry, hi, lo) & UNSIGNED_INT;
        }
        return map64Pool6(hi, lo);
    }

    /**
     * Extracts the IPv4 address embedded with pool6 (RFC 6052), skipping the EAMT.
     *
     * @return the IPv4 address in the low 32 bits, or {@link #NO_MAPPING} when the address is outside pool6,
     *         has a non-zero u-octet, or embeds a non-global IPv4 address in the Well-Known Prefix
     */
    public long map64Pool6(long hi, long lo) {
        if (!isInsidePool6(hi, lo)) {
            return NO_MAPPING;
        }
        final long ipv4 = Rfc6052.extract(hi, lo, pool6Length);
        if (ipv4 == Rfc6052.NO_ADDRESS) {
            return NO_MAPPING;
        }
        // RFC 6052 §3.1: "Address translators MUST NOT translate packets in which an address is composed of the
        // Well-Known Prefix and a non-global IPv4 address; they MUST drop these packets."
        if (pool6IsWellKnown && Ipv4Addresses.isNonGlobal((int) ipv4)) {
            return NO_MAPPING;
        }
        return ipv4;
    }

    public boolean hasPool6() {
        return hasPool6;
    }

    /** Whether the address lies inside the pool6 prefix (false without pool6), whatever its u-octet. */
    public boolean isInsidePool6(long hi, long lo) {
        return hasPool6 && (hi & pool6MaskHi) == pool6Hi && (lo & pool6MaskLo) == pool6Lo;
    }

    /** Whether some EAM's IPv4 prefix contains the address. */
    public boolean isEamIpv4(int ipv4) {
        return eamt.find4(ipv4) != Eamt.NOT_FOUND;
    }

    /** Whether some EAM's IPv6 prefix contains the address. */
    public boolean isEamIpv6(long hi, long lo) {
        return eamt.find6(hi, lo) != Eamt.NOT_FOUND;
    }

    /**
     * The intrinsic-hairpinning test on one IPv6 address (conditions A and B in the class javadoc): no EAM
     * matches it, so 6-&gt;4 translates it with RFC 6052, and the IPv4 address that yields matches an EAM, so
     * 4-&gt;6 would send it back to the IPv6 side.
     */
    public boolean isHairpinTarget64(long hi, long lo) {
        if (eamt.find6(hi, lo) != Eamt.NOT_FOUND) {
            return false;
        }
        final long ipv4 = map64Pool6(hi, lo);
        return ipv4 != NO_MAPPING && eamt.find4((int) ipv4) != Eamt.NOT_FOUND;
    }

    /** The configured hairpinning mode; see the recipe in the class javadoc. */
    public TranslatorConfig.Hairpin hairpin() {
        return hairpin;
    }

    /** The EAM table, for diagnostics (e.g. an {@code eamt query} command). */
    public Eamt eamt() {
        return eamt;
    }

    /**
     * An address from {@code pool6791v4}, the source for ICMPv6 errors whose source has no IPv4 mapping.
     * Every address of the pool is equally likely over uniformly distributed {@code hash} values; the same
     * {@code hash} always gives the same address.
     *
     * @return the IPv4 address in the low 32 bits, or {@link #NO_MAPPING} when the pool is empty
     */
    public long pool6791v4(int hash) {
        if (pool4SlotEnd.length == 0) {
            return NO_MAPPING;
        }
        final long slot = Long.remainderUnsigned(spread(hash), pool4SlotEnd[pool4SlotEnd.length - 1]);
        final int prefix = owner(pool4SlotEnd, slot);
        final long first = prefix == 0 ? 0 : pool4SlotEnd[prefix - 1];
        return (pool4Address[prefix] | (int) (slot - first)) & UNSIGNED_INT;
    }

    /**
     * Writes an address from {@code pool6791v6} at {@code offset}, the source for ICMPv4 errors whose source
     * has no IPv6 mapping. Chosen as in {@link #pool6791v4}; a prefix with more than 2^32 addresses contributes
     * its first 2^32.
     *
     * @return false (nothing written) when the pool is empty
     */
    public boolean pool6791v6(int hash, MutableDirectBuffer buffer, int offset) {
        if (pool6791SlotEnd.length == 0) {
            return false;
        }
        final long slot = Long.remainderUnsigned(spread(hash), pool6791SlotEnd[pool6791SlotEnd.length - 1]);
        final int prefix = owner(pool6791SlotEnd, slot);
        final long first = prefix == 0 ? 0 : pool6791SlotEnd[prefix - 1];
        write(buffer, offset, pool6791Hi[prefix], pool6791Lo[prefix] | (slot - first));
        return true;
    }

    /** Index of the first prefix whose slot range ends after {@code slot} (binary search, no allocation). */
    private static int owner(long[] slotEnd, long slot) {
        int low = 0;
        int high = slotEnd.length - 1;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (slotEnd[mid] > slot) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** SplitMix64 finalizer: widens the 32-bit hash so that pools larger than 2^32 slots are all reachable. */
    private static long spread(int hash) {
        long z = (hash & UNSIGNED_INT) + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    private static void write(MutableDirectBuffer buffer, int offset, long hi, long lo) {
        buffer.putLong(offset, hi, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, lo, ByteOrder.BIG_ENDIAN);
    }
}
