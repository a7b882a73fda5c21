package io.xlat.control.compare;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the packets a translator wrote with the expected ones. Matching is in order: each output packet is
 * compared with the next unmatched expected packet of the same family, source and destination, so that traffic of
 * different flows may interleave differently (as captures on two sides of a translator do), while the order within
 * a flow counts. Expected packets left unmatched are missing, output packets without a partner are extra.
 */
public final class CaptureComparison {

    /**
     * @param ignore     fields and byte ranges not compared
     * @param allowExtra extra output packets are a note, not a difference
     * @param timestamps compare timestamps too (for corpora whose expected files came from {@code xlat replay})
     */
    public record Settings(IgnoredFields ignore, boolean allowExtra, boolean timestamps) {
        public static final Settings EXACT = new Settings(IgnoredFields.NONE, false, false);
    }

    /**
     * @param differences one line per difference, in output order: {@code packet 2: IPv6 hop limit: expected 63,
     *                    got 62}
     * @param notes       what is not a difference but worth saying (extra packets with allow-extra)
     */
    public record Result(List<String> differences, List<String> notes, int expected, int actual) {
        public boolean matches() {
            return differences.isEmpty();
        }
    }

    private CaptureComparison() {
    }

    public static Result compare(List<CapturedPacket> expected, List<CapturedPacket> actual, Settings settings) {
        final Map<String, ArrayDeque<CapturedPacket>> waiting = new HashMap<>();
        for (final CapturedPacket e : expected) {
            waiting.computeIfAbsent(key(e.ip()), k -> new ArrayDeque<>()).add(e);
        }
        final List<String> differences = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Set<CapturedPacket> matched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final CapturedPacket a : actual) {
            final ArrayDeque<CapturedPacket> queue = waiting.get(key(a.ip()));
            final CapturedPacket e = queue == null ? null : queue.poll();
            if (e == null) {
                final String line = "packet " + a.number() + ": extra: " + summary(a.ip())
                    + " (no expected packet left with this family, source and destination)";
                (settings.allowExtra() ? notes : differences).add(line);
                continue;
            }
            matched.add(e);
            comparePair(e, a, settings, differences);
        }
        for (final CapturedPacket e : expected) {
            if (!matched.contains(e)) {
                differences.add("expected packet " + e.number() + ": missing: " + summary(e.ip()));
            }
        }
        return new Result(differences, notes, expected.size(), actual.size());
    }

    /** Family, source and destination of the outermost header; the whole packet when it is not IP. */
    static String key(byte[] p) {
        final int version = p.length == 0 ? 0 : (p[0] >> 4) & 0xF;
        if (version == 4 && p.length >= 20) {
            return "4 " + hex(p, 12, 8);
        }
        if (version == 6 && p.length >= 40) {
            return "6 " + hex(p, 8, 32);
        }
        return "? " + hex(p, 0, p.length);
    }

    private static String hex(byte[] p, int from, int length) {
        final StringBuilder sb = new StringBuilder(length * 2);
        for (int i = from; i < from + length; i++) {
            sb.append(Character.forDigit((p[i] >> 4) & 0xF, 16)).append(Character.forDigit(p[i] & 0xF, 16));
        }
        return sb.toString();
    }

    /** {@code IPv6 2001:db8::1 -> 2001:db8::2, 60 bytes}: enough to find the packet in a capture. */
    static String summary(byte[] p) {
        final int version = p.length == 0 ? 0 : (p[0] >> 4) & 0xF;
        if (version == 4 && p.length >= 20) {
            return "IPv4 " + Ipv4Addresses.format(int32(p, 12)) + " -> " + Ipv4Addresses.format(int32(p, 16))
                + ", " + p.length + " bytes";
        }
        if (version == 6 && p.length >= 40) {
            return "IPv6 " + Ipv6Addresses.format(long64(p, 8), long64(p, 16)) + " -> "
                + Ipv6Addresses.format(long64(p, 24), long64(p, 32)) + ", " + p.length + " bytes";
        }
        return "not IP, " + p.length + " bytes";
    }

    private static void comparePair(CapturedPacket expected, CapturedPacket actual, Settings settings,
        List<String> out) {
        final String at = "packet " + actual.number() + ": ";
        if (settings.timestamps() && expected.timestampNanos() != actual.timestampNanos()) {
            out.add(at + "timestamp: expected " + time(expected.timestampNanos()) + ", got "
                + time(actual.timestampNanos()));
        }
        final byte[] e = expected.ip();
        final byte[] a = actual.ip();
        final List<PacketLayout.Field> ef = PacketLayout.of(e);
        final List<PacketLayout.Field> af = PacketLayout.of(a);
        final IgnoredFields ignore = settings.ignore();
        final int n = Math.min(ef.size(), af.size());
        byte[] hybrid = null;
        for (int i = 0; i < n; i++) {
            final PacketLayout.Field x = ef.get(i);
            final PacketLayout.Field y = af.get(i);
            if (!x.id().equals(y.id())) {
                out.add(at + "headers differ from here on: expected " + x.label() + ", got " + y.label());
                return;
            }
            if (ignore.ignoresName(x.id())) {
                continue;
            }
            if (x.checksum() != null && covers(x, e, ignore) && !ignore.anyByte(x.offset(), x.offset() + 2)) {
                // something under this checksum is ignored, so the values may differ: the output's must be right
                if (hybrid == null) {
                    hybrid = withIgnoredFrom(e, ef, a, ignore);
                }
                // valid unless the expected file breaks it on purpose: an expected file edited by hand (or a
                // capture from elsewhere) has a checksum over its own values of the ignored fields, so it counts
                // as valid when it is valid over either
                final boolean expectedValid = Checksums.valid(e, x) || Checksums.valid(hybrid, x);
                if (Checksums.valid(a, y) != expectedValid) {
                    out.add(at + y.label() + ": " + show(y, a) + (expectedValid ? " is wrong" : " is right where the"
                        + " expected one is wrong on purpose") + " (it covers an ignored field, so it is verified, "
                        + "not compared; correct would be " + Checksums.correct(a, y) + ")");
                }
                continue;
            }
            final String difference = difference(x, e, y, a, ignore);
            if (difference != null) {
                out.add(at + difference);
            }
        }
        if (ef.size() != af.size()) {
            final List<PacketLayout.Field> longer = ef.size() > af.size() ? ef : af;
            out.add(at + (ef.size() > af.size() ? "missing " : "unexpected ") + longer.get(n).label()
                + (ef.size() > af.size() ? " (the output packet ends first)" : " (the expected packet ends first)"));
        }
    }

    /** The expected packet with the ignored fields and bytes taken from the output packet. */
    private static byte[] withIgnoredFrom(byte[] e, List<PacketLayout.Field> fields, byte[] a, IgnoredFields ignore) {
        final byte[] hybrid = e.clone();
        for (final PacketLayout.Field f : fields) {
            if (ignore.ignoresName(f.id()) && f.offset() + f.length() <= a.length) {
                System.arraycopy(a, f.offset(), hybrid, f.offset(), f.length());
            }
        }
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            if (ignore.ignoresByte(i)) {
                hybrid[i] = a[i];
            }
        }
        return hybrid;
    }

    /** Whether an ignored name or byte lies under checksum field {@code c} of packet {@code p}. */
    private static boolean covers(PacketLayout.Field c, byte[] p, IgnoredFields ignore) {
        final int to = c.checksum() == PacketLayout.Coverage.IPV4_HEADER ? c.to() : p.length;
        if (ignore.anyByte(c.from(), to) || c.checksum() == PacketLayout.Coverage.PSEUDO_HEADER_4
            && ignore.anyByte(c.addresses(), c.addresses() + 8) || c.checksum() == PacketLayout.Coverage.PSEUDO_HEADER_6
            && ignore.anyByte(c.addresses(), c.addresses() + 32)) {
            return true;
        }
        for (final PacketLayout.Field f : PacketLayout.of(p)) {
            if (f != c && f.offset() >= c.from() && f.offset() < to && ignore.ignoresName(f.id())) {
                return true;
            }
        }
        return false;
    }

    /** The message for field x of e against y of a, or null when equal outside ignored bytes. */
    private static String difference(PacketLayout.Field x, byte[] e, PacketLayout.Field y, byte[] a,
        IgnoredFields ignore) {
        if (x.kind() == PacketLayout.Kind.BYTES) {
            final int common = Math.min(x.length(), y.length());
            for (int k = 0; k < common; k++) {
                final int eo = x.offset() + k;
                if (e[eo] != a[y.offset() + k] && !ignore.ignoresByte(eo)) {
                    return x.label() + ": byte " + k + " expected 0x" + hex(e, eo, 1) + ", got 0x"
                        + hex(a, y.offset() + k, 1) + " (packet offset " + eo + ")";
                }
            }
            return x.length() == y.length() ? null
                : x.label() + ": expected " + x.length() + " bytes, got " + y.length();
        }
        if (x.kind() == PacketLayout.Kind.IPV4 || x.kind() == PacketLayout.Kind.IPV6) {
            for (int k = 0; k < x.length(); k++) {
                if (e[x.offset() + k] != a[y.offset() + k] && !ignore.ignoresByte(x.offset() + k)) {
                    return x.label() + ": expected " + show(x, e) + ", got " + show(y, a);
                }
            }
            return null;
        }
        if (masked(x, e, ignore) == masked(y, a, ignore)) {
            return null;
        }
        return x.label() + ": expected " + show(x, e) + ", got " + show(y, a);
    }

    /** The field's value with the bits of ignored bytes cleared. */
    private static long masked(PacketLayout.Field f, byte[] p, IgnoredFields ignore) {
        long value = 0;
        final int firstBit = f.bitStart();
        for (int bit = firstBit; bit < firstBit + f.bitLength(); bit++) {
            final int octet = bit >>> 3;
            final int b = ignore.ignoresByte(octet) ? 0 : (p[octet] >> (7 - (bit & 7))) & 1;
            value = (value << 1) | b;
        }
        return value;
    }

    static String show(PacketLayout.Field f, byte[] p) {
        switch (f.kind()) {
            case IPV4:
                return Ipv4Addresses.format(int32(p, f.offset()));
            case IPV6:
                return Ipv6Addresses.format(long64(p, f.offset()), long64(p, f.offset() + 8));
            case HEX:
                return "0x" + hex(p, f.offset(), f.length());
            case BYTES:
                return f.length() + " bytes";
            default:
                return Long.toString(masked(f, p, IgnoredFields.NONE));
        }
    }

    private static String time(long nanos) {
        final String fraction = Long.toString(1_000_000_000L + Math.floorMod(nanos, 1_000_000_000L)).substring(1);
        return Math.floorDiv(nanos, 1_000_000_000L) + "." + fraction + " s";
    }

    static int int32(byte[] p, int o) {
        return ((p[o] & 0xFF) << 24) | ((p[o + 1] & 0xFF) << 16) | ((p[o + 2] & 0xFF) << 8) | (p[o + 3] & 0xFF);
    }

    static long long64(byte[] p, int o) {
        return ((long) int32(p, o) << 32) | (int32(p, o + 4) & 0xFFFF_FFFFL);
    }
}
