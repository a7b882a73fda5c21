package io.xlat.control.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of one IP packet, in wire order, each with a stable id (what {@code ignore:} names), a label
 * for messages and its place in the packet: IPv4 or IPv6 with extension headers, UDP, TCP, ICMPv4, ICMPv6, and the
 * packet an ICMP error quotes (ids prefixed {@code inner.}, as far as it was quoted). Whatever follows the last
 * header is one payload field. A diagnostic tool: it allocates freely and reads only what the packet holds.
 */
final class PacketLayout {

    /** How a field's value is shown. */
    enum Kind { NUMBER, HEX, IPV4, IPV6, BYTES }

    /** What a checksum covers, so that it can be verified when a field under it is ignored. */
    enum Coverage { IPV4_HEADER, ICMPV4, PSEUDO_HEADER_4, PSEUDO_HEADER_6 }

    /**
     * @param bitStart  for NUMBER and HEX: the first bit, from the packet's first byte
     * @param offset    the first byte the field touches
     * @param length    bytes the field touches
     * @param checksum  for a checksum field: what it covers, else null
     * @param from      for a checksum: the first covered byte (header or L4 start); the end of the packet ends it
     *                  except for IPv4 headers, which end at {@code to}
     * @param addresses for a pseudo-header checksum: the offset of the enclosing IP source address
     */
    record Field(String id, String label, Kind kind, int bitStart, int bitLength, int offset, int length,
        Coverage checksum, int from, int to, int addresses, int protocol) {
    }

    private final byte[] p;
    private final List<Field> fields = new ArrayList<>();

    private PacketLayout(byte[] packet) {
        this.p = packet;
    }

    static List<Field> of(byte[] packet) {
        final PacketLayout layout = new PacketLayout(packet);
        layout.ip(0, packet.length, "", "", false);
        return layout.fields;
    }

    private boolean has(int offset, int length, int end) {
        return offset + length <= end;
    }

    private void number(String id, String label, int byteOffset, int bitInByte, int bits, int end) {
        final int first = byteOffset + bitInByte / 8;
        final int last = byteOffset + (bitInByte + bits - 1) / 8;
        if (last < end) {
            fields.add(new Field(id, label, Kind.NUMBER, byteOffset * 8 + bitInByte, bits, first, last - first + 1,
                null, 0, 0, 0, 0));
        }
    }

    private void checksum(String id, String label, int offset, int end, Coverage coverage, int from, int to,
        int addresses, int protocol) {
        if (offset + 2 <= end) {
            fields.add(new Field(id, label, Kind.HEX, offset * 8, 16, offset, 2, coverage, from, to, addresses,
                protocol));
        }
    }

    private void span(String id, String label, Kind kind, int offset, int length, int end) {
        final int n = Math.min(length, end - offset);
        if (n > 0 || kind == Kind.BYTES && n == 0 && length == 0) {
            fields.add(new Field(id, label, kind, offset * 8, n * 8, offset, Math.max(n, 0), null, 0, 0, 0, 0));
        }
    }

    private int u8(int at) {
        return p[at] & 0xFF;
    }

    private int u16(int at) {
        return (u8(at) << 8) | u8(at + 1);
    }

    /**
     * @param inner true inside an ICMP error: checksums there cover what was not quoted, so none is verified
     */
    private void ip(int o, int end, String id, String label, boolean inner) {
        if (o >= end) {
            return;
        }
        final int version = u8(o) >> 4;
        if (version == 4 && has(o, 20, end)) {
            ipv4(o, end, id, label, inner);
        } else if (version == 6 && has(o, 40, end)) {
            ipv6(o, end, id, label, inner);
        } else {
            span(id + "payload", label + "packet bytes", Kind.BYTES, o, end - o, end);
        }
    }

    private void ipv4(int o, int end, String id, String label, boolean inner) {
        final String i = id + "ipv4.";
        final String l = label + "IPv4 ";
        final int ihl = (u8(o) & 0xF) * 4;
        number(i + "version", l + "version", o, 0, 4, end);
        number(i + "ihl", l + "header length", o, 4, 4, end);
        number(i + "tos", l + "TOS", o + 1, 0, 8, end);
        number(i + "total-length", l + "total length", o + 2, 0, 16, end);
        number(i + "id", l + "identification", o + 4, 0, 16, end);
        number(i + "reserved-flag", l + "reserved flag", o + 6, 0, 1, end);
        number(i + "df", l + "DF", o + 6, 1, 1, end);
        number(i + "mf", l + "MF", o + 6, 2, 1, end);
        number(i + "fragment-offset", l + "fragment offset", o + 6, 3, 13, end);
        number(i + "ttl", l + "TTL", o + 8, 0, 8, end);
        number(i + "protocol", l + "protocol", o + 9, 0, 8, end);
        checksum(i + "checksum", l + "header checksum", o + 10, end, inner ? null : Coverage.IPV4_HEADER, o,
            o + Math.max(ihl, 20), 0, 0);
        span(i + "source", l + "source", Kind.IPV4, o + 12, 4, end);
        span(i + "destination", l + "destination", Kind.IPV4, o + 16, 4, end);
        if (ihl < 20 || !has(o, ihl, end)) {
            span(id + "payload", label + "IPv4 rest", Kind.BYTES, o + 20, end - o - 20, end);
            return;
        }
        if (ihl > 20) {
            span(i + "options", l + "options", Kind.BYTES, o + 20, ihl - 20, end);
        }
        final boolean nonFirstFragment = (u16(o + 6) & 0x1FFF) != 0;
        final boolean fragment = nonFirstFragment || (u8(o + 6) & 0x20) != 0;
        final int stated = o + u16(o + 2);
        final int packetEnd = stated >= o + ihl && stated < end ? stated : end;
        if (nonFirstFragment) {
            span(id + "payload", label + "fragment payload", Kind.BYTES, o + ihl, packetEnd - o - ihl, packetEnd);
        } else {
            transport(u8(o + 9), o + ihl, packetEnd, id, label, inner || fragment, false, o + 12);
        }
        if (packetEnd < end) {
            span(id + "trailer", label + "bytes after the IPv4 packet", Kind.BYTES, packetEnd, end - packetEnd, end);
        }
    }

    private void ipv6(int o, int end, String id, String label, boolean inner) {
        final String i = id + "ipv6.";
        final String l = label + "IPv6 ";
        number(i + "version", l + "version", o, 0, 4, end);
        number(i + "traffic-class", l + "traffic class", o, 4, 8, end);
        number(i + "flow-label", l + "flow label", o + 1, 4, 20, end);
        number(i + "payload-length", l + "payload length", o + 4, 0, 16, end);
        number(i + "next-header", l + "next header", o + 6, 0, 8, end);
        number(i + "hop-limit", l + "hop limit", o + 7, 0, 8, end);
        span(i + "source", l + "source", Kind.IPV6, o + 8, 16, end);
        span(i + "destination", l + "destination", Kind.IPV6, o + 24, 16, end);
        int next = u8(o + 6);
        int at = o + 40;
        boolean fragment = false;
        while (true) {
            if (next == 0 || next == 43 || next == 60) {
                if (!has(at, 8, end)) {
                    break;
                }
                final int length = (u8(at + 1) + 1) * 8;
                final String name = next == 0 ? "hop-by-hop" : next == 43 ? "routing" : "destination-options";
                final String text = next == 0 ? "Hop-by-Hop Options header" : next == 43 ? "Routing header"
                    : "Destination Options header";
                span(i + name, l + text, Kind.BYTES, at, length, end);
                next = u8(at);
                at += length;
            } else if (next == 44 && has(at, 8, end)) {
                number(i + "fragment-next-header", l + "Fragment header next header", at, 0, 8, end);
                number(i + "fragment-offset", l + "fragment offset", at + 2, 0, 13, end);
                number(i + "fragment-more", l + "fragment M flag", at + 3, 7, 1, end);
                number(i + "fragment-id", l + "fragment identification", at + 4, 0, 32, end);
                fragment = true;
                next = u8(at);
                final boolean nonFirst = (u16(at + 2) >> 3) != 0;
                at += 8;
                if (nonFirst) {
                    span(id + "payload", label + "fragment payload", Kind.BYTES, at, end - at, end);
                    return;
                }
            } else {
                break;
            }
        }
        if (at > end) {
            return;
        }
        transport(next, at, end, id, label, inner || fragment, true, o + 8);
    }

    /**
     * @param noVerify the checksum cannot be verified here: the packet is quoted or a fragment
     * @param addresses where the enclosing IP header's source address is (the destination follows it)
     */
    private void transport(int protocol, int o, int end, String id, String label, boolean noVerify, boolean v6,
        int addresses) {
        final Coverage pseudo = noVerify ? null : v6 ? Coverage.PSEUDO_HEADER_6 : Coverage.PSEUDO_HEADER_4;
        if (protocol == 17 && has(o, 8, end)) {
            number(id + "udp.source-port", label + "UDP source port", o, 0, 16, end);
            number(id + "udp.destination-port", label + "UDP destination port", o + 2, 0, 16, end);
            number(id + "udp.length", label + "UDP length", o + 4, 0, 16, end);
            checksum(id + "udp.checksum", label + "UDP checksum", o + 6, end, pseudo, o, end, addresses, 17);
            span(id + "payload", label + "UDP payload", Kind.BYTES, o + 8, end - o - 8, end);
        } else if (protocol == 6 && has(o, 20, end)) {
            final int dataOffset = (u8(o + 12) >> 4) * 4;
            number(id + "tcp.source-port", label + "TCP source port", o, 0, 16, end);
            number(id + "tcp.destination-port", label + "TCP destination port", o + 2, 0, 16, end);
            number(id + "tcp.sequence", label + "TCP sequence number", o + 4, 0, 32, end);
            number(id + "tcp.acknowledgment", label + "TCP acknowledgment number", o + 8, 0, 32, end);
            number(id + "tcp.data-offset", label + "TCP data offset", o + 12, 0, 4, end);
            number(id + "tcp.flags", label + "TCP flags", o + 12, 4, 12, end);
            number(id + "tcp.window", label + "TCP window", o + 14, 0, 16, end);
            checksum(id + "tcp.checksum", label + "TCP checksum", o + 16, end, pseudo, o, end, addresses, 6);
            number(id + "tcp.urgent", label + "TCP urgent pointer", o + 18, 0, 16, end);
            final int options = Math.max(0, Math.min(dataOffset, end - o) - 20);
            if (options > 0) {
                span(id + "tcp.options", label + "TCP options", Kind.BYTES, o + 20, options, end);
            }
            span(id + "payload", label + "TCP payload", Kind.BYTES, o + 20 + options, end - o - 20 - options, end);
        } else if ((protocol == 1 && !v6 || protocol == 58 && v6) && has(o, 8, end)) {
            icmp(o, end, id, label, noVerify, v6, addresses);
        } else {
            span(id + "payload", label + "payload (protocol " + protocol + ")", Kind.BYTES, o, end - o, end);
        }
    }

    private void icmp(int o, int end, String id, String label, boolean noVerify, boolean v6, int addresses) {
        final String i = id + (v6 ? "icmpv6." : "icmpv4.");
        final String l = label + (v6 ? "ICMPv6 " : "ICMPv4 ");
        final int type = u8(o);
        number(i + "type", l + "type", o, 0, 8, end);
        number(i + "code", l + "code", o + 1, 0, 8, end);
        final Coverage coverage = noVerify ? null : v6 ? Coverage.PSEUDO_HEADER_6 : Coverage.ICMPV4;
        checksum(i + "checksum", l + "checksum", o + 2, end, coverage, o, end, addresses, 58);
        final boolean echo = v6 ? type == 128 || type == 129 : type == 8 || type == 0;
        final boolean error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11
            || type == 12;
        if (echo) {
            number(i + "identifier", l + "identifier", o + 4, 0, 16, end);
            number(i + "sequence", l + "sequence number", o + 6, 0, 16, end);
            span(id + "payload", l + "payload", Kind.BYTES, o + 8, end - o - 8, end);
        } else if (error) {
            if (v6 && type == 2) {
                number(i + "mtu", l + "MTU", o + 4, 0, 32, end);
            } else if (v6 && type == 4) {
                number(i + "pointer", l + "pointer", o + 4, 0, 32, end);
            } else if (!v6 && type == 12) {
                number(i + "pointer", l + "pointer", o + 4, 0, 8, end);
                number(i + "rest-of-header", l + "rest of header", o + 5, 0, 24, end);
            } else if (!v6 && type == 3 && u8(o + 1) == 4) {
                number(i + "rest-of-header", l + "unused", o + 4, 0, 16, end);
                number(i + "mtu", l + "next-hop MTU", o + 6, 0, 16, end);
            } else {
                number(i + "rest-of-header", l + "rest of header", o + 4, 0, 32, end);
            }
            ip(o + 8, end, id + "inner.", label + "inner ", true);
        } else {
            number(i + "rest-of-header", l + "rest of header", o + 4, 0, 32, end);
            span(id + "payload", l + "payload", Kind.BYTES, o + 8, end - o - 8, end);
        }
    }
}
