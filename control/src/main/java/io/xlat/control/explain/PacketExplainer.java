package io.xlat.control.explain;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.tenant.Tenant;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One line per IP packet for {@code xlat explain --pcap}: family, tenant, the IPv4 addresses an IPv6 packet
 * carries, protocol, ports, ICMP type, and the packet inside an ICMP error (where traceroute and path MTU
 * discovery trouble shows). A diagnostic tool: it allocates freely and reads only what was captured.
 */
public final class PacketExplainer {

    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int AUTHENTICATION_HEADER = 51;

    private final AddressExplainer addresses;
    /** The tenant IPv4 packets came from ({@code --tenant}), or null. */
    private final Tenant ipv4Tenant;

    public PacketExplainer(AddressExplainer addresses, Tenant ipv4Tenant) {
        this.addresses = addresses;
        this.ipv4Tenant = ipv4Tenant;
    }

    /** The packet at {@code offset}, as {@code IPv6  tenant blue  10.0.0.1 -> 10.0.0.2  UDP 40000 -> 53}. */
    public String describe(DirectBuffer b, int offset, int length) {
        if (length < 1) {
            return "empty";
        }
        final int version = (b.getByte(offset) >> 4) & 0xF;
        if (version == 6) {
            return describe6(b, offset, length);
        }
        if (version == 4) {
            return describe4(b, offset, length);
        }
        return "not IP (version " + version + ")";
    }

    private String describe6(DirectBuffer b, int o, int length) {
        if (length < IPV6_HEADER) {
            return "IPv6  truncated (" + length + " bytes)";
        }
        final long srcHi = b.getLong(o + 8, BIG_ENDIAN);
        final long srcLo = b.getLong(o + 16, BIG_ENDIAN);
        final long dstHi = b.getLong(o + 24, BIG_ENDIAN);
        final long dstLo = b.getLong(o + 32, BIG_ENDIAN);
        final Tenant tenant = addresses.tenantOf(srcHi, srcLo, dstHi, dstLo);
        final long src = addresses.map64(srcHi, srcLo, tenant);
        final long dst = addresses.map64(dstHi, dstLo, tenant);
        final String who = tenant != null ? "tenant " + tenant.name()
            : addresses.hasConfig() && (src != AddressMapping.NO_MAPPING || dst != AddressMapping.NO_MAPPING) ? "global"
            : "-";
        return "IPv6  " + who + "  " + body6(b, o, length, tenant, true);
    }

    /** Addresses and payload of an IPv6 packet (outer, or inside an ICMPv6 error when {@code outer} is false). */
    private String body6(DirectBuffer b, int o, int length, Tenant tenant, boolean outer) {
        final long srcHi = b.getLong(o + 8, BIG_ENDIAN);
        final long srcLo = b.getLong(o + 16, BIG_ENDIAN);
        final long dstHi = b.getLong(o + 24, BIG_ENDIAN);
        final long dstLo = b.getLong(o + 32, BIG_ENDIAN);
        final String addressPair = address6(srcHi, srcLo, tenant) + " -> " + address6(dstHi, dstLo, tenant);
        int next = b.getByte(o + 6) & 0xFF;
        int at = o + IPV6_HEADER;
        final int end = o + length;
        String fragment = "";
        // RFC 8200 section 4.1 order; we only need to get past the headers to the payload
        while (true) {
            if (next == IpProtocol.HOP_BY_HOP || next == IpProtocol.ROUTING || next == IpProtocol.DESTINATION_OPTIONS
                || next == AUTHENTICATION_HEADER) {
                if (at + 2 > end) {
                    return addressPair + "  truncated extension headers";
                }
                final int headerLength = next == AUTHENTICATION_HEADER ? ((b.getByte(at + 1) & 0xFF) + 2) * 4
                    : ((b.getByte(at + 1) & 0xFF) + 1) * 8;
                next = b.getByte(at) & 0xFF;
                at += headerLength;
            } else if (next == IpProtocol.FRAGMENT) {
                if (at + 8 > end) {
                    return addressPair + "  truncated fragment header";
                }
                final int offsetFlags = b.getShort(at + 2, BIG_ENDIAN) & 0xFFFF;
                final int fragmentOffset = offsetFlags & 0xFFF8;
                final boolean more = (offsetFlags & 1) != 0;
                next = b.getByte(at) & 0xFF;
                at += 8;
                if (fragmentOffset != 0) {
                    return addressPair + "  " + protocolName(next, true) + " fragment offset " + fragmentOffset
                        + (more ? "" : " (last)");
                }
                if (more) {
                    fragment = " (first fragment)";
                }
            } else {
                break;
            }
        }
        return addressPair + "  " + payload(b, at, end, next, true, tenant, outer) + fragment;
    }

    private String describe4(DirectBuffer b, int o, int length) {
        // IPv4 addresses are the same in every tenant: only the device a packet came in on tells them apart
        final String who = ipv4Tenant != null ? "tenant " + ipv4Tenant.name()
            : !addresses.hasConfig() ? "-"
            : addresses.tenants().size() == 0 ? "global"
            : "global or a tenant (IPv4 alone cannot tell: give --tenant NAME)";
        if (length < IPV4_HEADER) {
            return "IPv4  " + who + "  truncated (" + length + " bytes)";
        }
        return "IPv4  " + who + "  " + body4(b, o, length, true);
    }

    private String body4(DirectBuffer b, int o, int length, boolean outer) {
        final String addressPair = Ipv4Addresses.format(b.getInt(o + 12, BIG_ENDIAN)) + " -> "
            + Ipv4Addresses.format(b.getInt(o + 16, BIG_ENDIAN));
        final int headerLength = (b.getByte(o) & 0xF) * 4;
        if (headerLength < IPV4_HEADER || headerLength > length) {
            return addressPair + "  bad header length " + headerLength;
        }
        final int protocol = b.getByte(o + 9) & 0xFF;
        final int flagsOffset = b.getShort(o + 6, BIG_ENDIAN) & 0xFFFF;
        final int fragmentOffset = (flagsOffset & 0x1FFF) * 8;
        final boolean more = (flagsOffset & 0x2000) != 0;
        if (fragmentOffset != 0) {
            return addressPair + "  " + protocolName(protocol, false) + " fragment offset " + fragmentOffset
                + (more ? "" : " (last)");
        }
        // an inner packet is usually cut short, so its total length may exceed what is there
        final int totalLength = b.getShort(o + 2, BIG_ENDIAN) & 0xFFFF;
        final int end = o + (outer && totalLength >= headerLength && totalLength < length ? totalLength : length);
        return addressPair + "  " + payload(b, o + headerLength, end, protocol, false, null, outer)
            + (more ? " (first fragment)" : "");
    }

    private String address6(long hi, long lo, Tenant tenant) {
        final long ipv4 = addresses.map64(hi, lo, tenant);
        return ipv4 == AddressMapping.NO_MAPPING ? Ipv6Addresses.format(hi, lo) : Ipv4Addresses.format((int) ipv4);
    }

    private static String protocolName(int protocol, boolean ipv6) {
        switch (protocol) {
            case IpProtocol.TCP: return "TCP";
            case IpProtocol.UDP: return "UDP";
            case IpProtocol.ICMP: return ipv6 ? "ICMPv4 (in IPv6!)" : "ICMP";
            case IpProtocol.ICMPV6: return ipv6 ? "ICMPv6" : "ICMPv6 (in IPv4!)";
            case IpProtocol.NO_NEXT_HEADER: return "no next header";
            default: return "protocol " + protocol;
        }
    }

    private String payload(DirectBuffer b, int at, int end, int protocol, boolean ipv6, Tenant tenant, boolean outer) {
        final int available = end - at;
        switch (protocol) {
            case IpProtocol.UDP:
            case IpProtocol.TCP: {
                final String name = protocolName(protocol, ipv6);
                if (available < 4) {
                    return name + " truncated";
                }
                final String ports = name + " " + (b.getShort(at, BIG_ENDIAN) & 0xFFFF) + " -> "
                    + (b.getShort(at + 2, BIG_ENDIAN) & 0xFFFF);
                return protocol == IpProtocol.TCP && available >= 14 ? ports + " " + tcpFlags(b.getByte(at + 13)) : ports;
            }
            case IpProtocol.ICMP:
                return ipv6 ? protocolName(protocol, true) : icmp4(b, at, available, outer);
            case IpProtocol.ICMPV6:
                return ipv6 ? icmp6(b, at, available, tenant, outer) : protocolName(protocol, false);
            default:
                return protocolName(protocol, ipv6);
        }
    }

    /** tcpdump's notation: S F R P U E W in brackets, '.' for ACK. */
    public static String tcpFlags(byte flags) {
        final StringBuilder sb = new StringBuilder("[");
        final String letters = "FSRP"; // bits 0..3; bit 4 is ACK ('.'), bit 5 URG
        for (int i = 0; i < letters.length(); i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(letters.charAt(i));
            }
        }
        if ((flags & 0x20) != 0) {
            sb.append('U');
        }
        if ((flags & 0x40) != 0) {
            sb.append('E');
        }
        if ((flags & 0x80) != 0) {
            sb.append('W');
        }
        if ((flags & 0x10) != 0) {
            sb.append('.');
        }
        return sb.append(']').toString();
    }

    private String icmp4(DirectBuffer b, int at, int available, boolean outer) {
        if (available < 4) {
            return "ICMP truncated";
        }
        final int type = b.getByte(at) & 0xFF;
        final int code = b.getByte(at + 1) & 0xFF;
        final String head = "ICMP " + icmp4Name(type) + " " + type + "/" + code;
        if ((type == 0 || type == 8) && available >= 8) {
            return head + " id " + (b.getShort(at + 4, BIG_ENDIAN) & 0xFFFF) + " seq "
                + (b.getShort(at + 6, BIG_ENDIAN) & 0xFFFF);
        }
        final boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        String detail = "";
        if (type == 3 && code == 4 && available >= 8) {
            detail = " mtu " + (b.getShort(at + 6, BIG_ENDIAN) & 0xFFFF);
        } else if (type == 12 && available >= 5) {
            detail = " pointer " + (b.getByte(at + 4) & 0xFF);
        }
        if (!error || !outer || available < 8 + IPV4_HEADER) {
            return head + detail;
        }
        return head + detail + ", inside: " + body4(b, at + 8, available - 8, false);
    }

    private String icmp6(DirectBuffer b, int at, int available, Tenant tenant, boolean outer) {
        if (available < 4) {
            return "ICMPv6 truncated";
        }
        final int type = b.getByte(at) & 0xFF;
        final int code = b.getByte(at + 1) & 0xFF;
        final String head = "ICMPv6 " + icmp6Name(type) + " " + type + "/" + code;
        if ((type == 128 || type == 129) && available >= 8) {
            return head + " id " + (b.getShort(at + 4, BIG_ENDIAN) & 0xFFFF) + " seq "
                + (b.getShort(at + 6, BIG_ENDIAN) & 0xFFFF);
        }
        String detail = "";
        if (type == 2 && available >= 8) {
            detail = " mtu " + (b.getInt(at + 4, BIG_ENDIAN) & 0xFFFF_FFFFL);
        } else if (type == 4 && available >= 8) {
            detail = " pointer " + (b.getInt(at + 4, BIG_ENDIAN) & 0xFFFF_FFFFL);
        }
        // RFC 4443: types 1-4 are the errors, which carry as much of the invoking packet as fits
        if (type < 1 || type > 4 || !outer || available < 8 + IPV6_HEADER) {
            return head + detail;
        }
        return head + detail + ", inside: " + body6(b, at + 8, available - 8, tenant, false);
    }

    private static String icmp4Name(int type) {
        switch (type) {
            case 0: return "echo-reply";
            case 3: return "unreachable";
            case 4: return "source-quench";
            case 5: return "redirect";
            case 8: return "echo-request";
            case 11: return "time-exceeded";
            case 12: return "parameter-problem";
            case 13: return "timestamp";
            case 14: return "timestamp-reply";
            default: return "type";
        }
    }

    private static String icmp6Name(int type) {
        switch (type) {
            case 1: return "unreachable";
            case 2: return "packet-too-big";
            case 3: return "time-exceeded";
            case 4: return "parameter-problem";
            case 128: return "echo-request";
            case 129: return "echo-reply";
            case 130: return "mld-query";
            case 131: return "mld-report";
            case 132: return "mld-done";
            case 133: return "router-solicitation";
            case 134: return "router-advertisement";
            case 135: return "neighbor-solicitation";
            case 136: return "neighbor-advertisement";
            case 137: return "redirect";
            case 143: return "mldv2-report";
            default: return "type";
        }
    }
}
