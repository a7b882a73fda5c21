package io.xlat.control.compare;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a comparison leaves out: header fields by name ({@code ipv4.id}, {@code inner.ipv4.id},
 * {@code ipv6.flow-label}...) and byte ranges of the packet ({@code bytes:4-5}, offsets from the first byte of the
 * IP header, both ends included). A checksum covering something ignored is verified in the output instead of
 * compared.
 */
public final class IgnoredFields {

    public static final IgnoredFields NONE = new IgnoredFields(Set.of(), new BitSet());

    private static final Pattern BYTES = Pattern.compile("bytes:(\\d+)(?:-(\\d+))?");
    private static final Pattern NAME = Pattern.compile("(inner\\.)?(ipv4|ipv6|udp|tcp|icmpv4|icmpv6)\\.[a-z-]+"
        + "|(inner\\.)?(payload|trailer)");

    /** The names users reach for first, listed in error messages and help. */
    public static final List<String> COMMON = List.of("ipv4.id", "ipv4.checksum", "ipv4.tos", "ipv4.ttl", "ipv4.df",
        "ipv6.flow-label", "ipv6.traffic-class", "ipv6.hop-limit", "ipv6.fragment-id", "udp.checksum",
        "tcp.checksum", "icmpv4.checksum", "icmpv6.checksum", "inner.ipv4.id", "inner.ipv6.flow-label", "payload",
        "bytes:A-B");

    private final Set<String> names;
    private final BitSet bytes;

    private IgnoredFields(Set<String> names, BitSet bytes) {
        this.names = names;
        this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException naming the entry that is neither a known field nor a byte range
     */
    public static IgnoredFields parse(List<String> entries) {
        final Set<String> names = new LinkedHashSet<>();
        final BitSet bytes = new BitSet();
        for (final String raw : entries) {
            final String entry = raw.strip();
            final Matcher range = BYTES.matcher(entry);
            if (range.matches()) {
                final int from = Integer.parseInt(range.group(1));
                final int to = range.group(2) == null ? from : Integer.parseInt(range.group(2));
                if (to < from || to > 65535) {
                    throw new IllegalArgumentException("'" + entry + "': a byte range is bytes:FROM-TO with FROM <= TO"
                        + " <= 65535 (offsets from the first byte of the IP header)");
                }
                bytes.set(from, to + 1);
            } else if (NAME.matcher(entry).matches()) {
                names.add(entry);
            } else {
                throw new IllegalArgumentException("'" + entry + "' is not a field name or byte range (for example "
                    + String.join(", ", COMMON) + ")");
            }
        }
        return new IgnoredFields(names, bytes);
    }

    /** Both sets together (the corpus's, the case's and the command line's). */
    public IgnoredFields and(IgnoredFields other) {
        final Set<String> n = new LinkedHashSet<>(names);
        n.addAll(other.names);
        final BitSet b = (BitSet) bytes.clone();
        b.or(other.bytes);
        return new IgnoredFields(n, b);
    }

    boolean ignoresName(String id) {
        return names.contains(id);
    }

    boolean ignoresByte(int offset) {
        return bytes.get(offset);
    }

    /** Whether any ignored byte lies in {@code [from, to)}. */
    boolean anyByte(int from, int to) {
        final int next = bytes.nextSetBit(from);
        return next >= 0 && next < to;
    }

    public boolean isEmpty() {
        return names.isEmpty() && bytes.isEmpty();
    }

    /** The entries, as given (names, then byte ranges). */
    public List<String> entries() {
        final List<String> all = new ArrayList<>(names);
        for (int i = bytes.nextSetBit(0); i >= 0; ) {
            final int end = bytes.nextClearBit(i);
            all.add(end - 1 == i ? "bytes:" + i : "bytes:" + i + "-" + (end - 1));
            i = bytes.nextSetBit(end);
        }
        return all;
    }
}
